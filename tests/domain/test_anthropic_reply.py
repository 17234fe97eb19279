"""Anthropic replies → ModelReply, whole or streamed; the two agree, and kept blocks go back unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from llmft.domain.anthropic_reply import (
    MessageStream,
    error_failure,
    finish_reason,
    parse_message,
    usage_of,
)
from llmft.domain.anthropic_wire import JSON_TOOL, to_anthropic_messages
from llmft.domain.messages import Message, ModelReply, Usage
from llmft.domain.sse import EventLines
from llmft.domain.streaming import ReasoningDelta, ReplyAccumulator, StreamDelta, StreamFailed, TextDelta

USAGE = {
    "input_tokens": 10,
    "output_tokens": 5,
    "cache_read_input_tokens": 30,
    "cache_creation_input_tokens": 4,
}


def reply(body: dict[str, Any], *, json_tool: bool = False) -> ModelReply:
    parsed = parse_message(body, "claude-x", json_tool=json_tool)
    assert is_successful(parsed), parsed
    return parsed.unwrap()


def message(*content: dict[str, Any], stop: str | None = "end_turn", usage: Any = None) -> dict[str, Any]:
    return {
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": list(content),
        "stop_reason": stop,
        "usage": usage if usage is not None else {"input_tokens": 3, "output_tokens": 2},
    }


def test_usage_counts_the_whole_prompt_as_input() -> None:
    usage = usage_of({**USAGE, "output_tokens_details": {"thinking_tokens": 3}})
    assert usage == Usage(44, 5, 49, 30, 4, 3)
    assert usage_of(None) is None
    assert usage_of({"input_tokens": None, "output_tokens": True}) == Usage()


@pytest.mark.parametrize(
    ("stop", "calls", "expected"),
    [
        ("end_turn", False, "stop"),
        ("stop_sequence", False, "stop"),
        ("max_tokens", False, "length"),
        ("tool_use", True, "tool_calls"),
        ("tool_use", False, "stop"),  # the JSON tool's answer is text
        ("refusal", False, "refusal"),
        ("pause_turn", False, "pause_turn"),
        ("something_new", False, "something_new"),
        (None, True, "tool_calls"),
    ],
)
def test_stop_reasons(stop: str | None, calls: bool, expected: str) -> None:
    assert finish_reason(stop, calls) == expected


def test_a_message_with_thinking_text_and_tool_calls() -> None:
    thinking = {"type": "thinking", "thinking": "let me see", "signature": "sig=="}
    redacted = {"type": "redacted_thinking", "data": "Enc=="}
    parsed = reply(
        message(
            thinking,
            redacted,
            {"type": "text", "text": "Checking", "citations": None},
            {"type": "text", "text": " now."},
            {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Oslo"}},
            stop="tool_use",
            usage=USAGE,
        )
    )
    assert parsed.text == "Checking now."
    assert [(c.id, c.name, json.loads(c.arguments)) for c in parsed.tool_calls] == [
        ("toolu_1", "weather", {"city": "Oslo"})
    ]
    assert [p.data for p in parsed.reasoning] == [thinking, redacted]
    assert [(p.provider, p.kind, p.text) for p in parsed.reasoning] == [
        ("anthropic", "thinking", "let me see"),
        ("anthropic", "redacted_thinking", ""),
    ]
    assert (parsed.finish_reason, parsed.model) == ("tool_calls", "claude-sonnet-4-5")
    assert parsed.usage is not None
    assert parsed.usage.input_tokens == 44


def test_the_json_tools_input_is_the_text() -> None:
    use = {"type": "tool_use", "id": "t", "name": JSON_TOOL, "input": {"answer": 42}}
    parsed = reply(message(use, stop="tool_use"), json_tool=True)
    assert (parsed.text, parsed.tool_calls, parsed.finish_reason) == ('{"answer": 42}', (), "stop")
    assert reply(message(use, stop="tool_use")).tool_calls[0].name == JSON_TOOL  # not asked for: a call


def test_error_bodies_and_unreadable_messages() -> None:
    overloaded = parse_message(
        {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}, "m"
    )
    assert not is_successful(overloaded)
    failure = overloaded.failure()
    assert (failure.status_code, failure.retryable, failure.kind) == (529, True, "error_body")
    assert "overloaded_error: busy" in failure.message
    bad = error_failure({"type": "invalid_request_error", "message": "no"}, "m")
    assert (bad.status_code, bad.retryable) == (400, False)
    unknown = error_failure({"type": "server_error"}, "m")
    assert (unknown.status_code, unknown.retryable) == (None, True)
    bodies: list[Any] = [{"content": None}, {"content": [{"no": "type"}]}, [], "text"]
    for body in bodies:
        broken = parse_message(body, "m")
        assert not is_successful(broken)
        assert broken.failure().kind == "malformed"


def test_event_lines_join_data_lines_and_end_at_blank_lines() -> None:
    lines = EventLines()
    fed = [lines.feed(line) for line in ["event: x", 'data: {"a":', "data:1}", ": comment", "", ""]]
    assert fed == [None, None, None, None, '{"a":\n1}', None]


# -- a stream is its message ---------------------------------------------------------------------


def events_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The SSE events Anthropic streams for `body`, as the API documents them."""
    start = {**body, "content": [], "stop_reason": None, "usage": {**body["usage"], "output_tokens": 1}}
    out: list[dict[str, Any]] = [{"type": "message_start", "message": start}, {"type": "ping"}]
    for index, block in enumerate(body["content"]):
        kind = block["type"]
        head = {**block, "input": {}} if "input" in block else dict(block)
        if kind == "text":
            head["text"] = ""
        if kind == "thinking":
            head.update(thinking="", signature="")
        out.append({"type": "content_block_start", "index": index, "content_block": head})
        if kind == "text":
            pieces = [block["text"][i : i + 3] for i in range(0, len(block["text"]), 3)]
            out += [
                {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": p}}
                for p in pieces
            ]
        elif kind == "thinking":
            out.append(
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "thinking_delta", "thinking": block["thinking"]},
                }
            )
            out.append(
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "signature_delta", "signature": block["signature"]},
                }
            )
        elif "input" in block:
            raw = json.dumps(block["input"])
            for i in range(0, len(raw), 4):
                delta = {"type": "input_json_delta", "partial_json": raw[i : i + 4]}
                out.append({"type": "content_block_delta", "index": index, "delta": delta})
        out.append({"type": "content_block_stop", "index": index})
    out.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": body["stop_reason"]},
            "usage": {"output_tokens": body["usage"]["output_tokens"]},
        }
    )
    out.append({"type": "message_stop"})
    return out  # fmt: skip


def fold(events: list[dict[str, Any]], *, json_tool: bool = False) -> tuple[ModelReply, list[StreamDelta]]:
    stream = MessageStream("claude-x", json_tool=json_tool)
    acc = ReplyAccumulator()
    seen: list[StreamDelta] = []
    for event in events:
        for delta in stream.feed(json.loads(json.dumps(event))):
            seen.append(delta)
            acc.add(delta)
    assert stream.done
    built = acc.build("anthropic", "claude-x")
    assert is_successful(built), built
    return built.unwrap(), seen


words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
inputs = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), words, st.none()), max_size=3)


def _server_use(use_id: str, query: str) -> dict[str, Any]:
    return {"type": "server_tool_use", "id": use_id, "name": "web_search", "input": {"query": query}}


opaque = st.one_of(
    st.builds(lambda t, s: {"type": "thinking", "thinking": t, "signature": s}, words, words),
    st.builds(lambda d: {"type": "redacted_thinking", "data": d}, words),
    st.builds(_server_use, words, words),
    st.builds(lambda i: {"type": "web_search_tool_result", "tool_use_id": i, "content": []}, words),
)


@st.composite
def replies(draw: st.DrawFn) -> dict[str, Any]:
    """Message bodies in the order Anthropic writes them: kept blocks, text, then tool uses."""
    blocks = draw(st.lists(opaque, max_size=3))
    blocks += [{"type": "text", "text": t} for t in draw(st.lists(words, max_size=2))]
    calls = draw(st.lists(st.tuples(words, inputs), max_size=2, unique_by=lambda c: c[0]))
    blocks += [{"type": "tool_use", "id": i, "name": "f", "input": args} for i, args in calls]
    stop = "tool_use" if calls else draw(st.sampled_from(["end_turn", "max_tokens", "pause_turn", "refusal"]))
    return message(*blocks, stop=stop, usage={**USAGE, "output_tokens": draw(st.integers(1, 99))})


@given(replies())
def test_a_streamed_message_folds_to_the_same_reply(body: dict[str, Any]) -> None:
    streamed, deltas = fold(events_of(body))
    whole = reply(body)
    # Streamed arguments are the provider's own JSON text; a whole message's are re-encoded: same JSON.
    assert [json.loads(c.arguments) for c in streamed.tool_calls] == [
        json.loads(c.arguments) for c in whole.tool_calls
    ]
    assert evolve(streamed, tool_calls=()) == evolve(whole, tool_calls=())
    assert [(c.id, c.name) for c in streamed.tool_calls] == [(c.id, c.name) for c in whole.tool_calls]
    thinking = "".join(b["thinking"] for b in body["content"] if b["type"] == "thinking")
    assert "".join(d.text for d in deltas if isinstance(d, ReasoningDelta)) == thinking
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == (reply(body).text or "")


@given(replies())
def test_a_reply_goes_back_as_the_same_blocks(body: dict[str, Any]) -> None:
    parsed = reply(body)
    turn = Message("assistant", parsed.text or None, parsed.tool_calls, reasoning=parsed.reasoning)
    _, messages = to_anthropic_messages((Message("user", "q"), turn)).unwrap()
    texts = [b for b in body["content"] if b["type"] == "text"]
    expected = [b for b in body["content"] if b["type"] not in ("text", "tool_use")]
    text = "".join(b["text"] for b in texts)
    expected += [{"type": "text", "text": text}] if text.strip() else []  # blank text is not sent
    expected += [b for b in body["content"] if b["type"] == "tool_use"]
    assert messages[1:] == ([{"role": "assistant", "content": expected}] if expected else [])


def test_the_json_tool_streams_as_text() -> None:
    body = message(
        {"type": "tool_use", "id": "t", "name": JSON_TOOL, "input": {"a": [1, 2]}}, stop="tool_use"
    )
    streamed, deltas = fold(events_of(body), json_tool=True)
    assert (streamed.text, streamed.tool_calls, streamed.finish_reason) == ('{"a": [1, 2]}', (), "stop")
    assert all(isinstance(d, TextDelta) for d in deltas[:-2])


def test_a_tool_input_given_whole_at_the_start_is_kept() -> None:
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 1}}},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {"x": 1}},
        },
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 3}},
        {"type": "message_stop"},
    ]  # fmt: skip
    streamed, _ = fold(events)
    assert streamed.tool_calls[0].arguments == '{"x": 1}'
    assert streamed.usage == Usage(1, 3, 4)


@pytest.mark.parametrize(
    ("kind", "status", "retryable"),
    [("overloaded_error", 529, True), ("rate_limit_error", 429, True), ("invalid_request_error", 400, False)],
)
def test_an_error_event_ends_the_stream_with_the_status_of_its_type(
    kind: str, status: int, retryable: bool
) -> None:
    stream = MessageStream("m")
    stream.feed({"type": "message_start", "message": {"model": "m", "usage": {}}})
    (failed,) = stream.feed({"type": "error", "error": {"type": kind, "message": "oops"}})
    assert isinstance(failed, StreamFailed)
    assert (failed.failure.status_code, failed.failure.retryable) == (status, retryable)
    assert stream.done
    assert stream.feed({"type": "message_stop"}) == []


def test_a_malformed_event_is_a_failure() -> None:
    events: list[Any] = [
        {"type": "content_block_delta", "index": 9, "delta": {"type": "input_json_delta"}},
        [],
        {},
    ]
    for event in events:
        (failed,) = MessageStream("m").feed(event)
        assert isinstance(failed, StreamFailed)
        assert failed.failure.kind == "malformed"
