"""The fold of stream deltas: text, fragmented tool calls, usage, and cut streams."""

from __future__ import annotations

from collections.abc import Sequence

from returns.pipeline import is_successful
from returns.result import Result

from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ToolCall, Usage
from llmft.domain.streaming import (
    ReplyAccumulator,
    StreamDelta,
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)


def fold_deltas(
    deltas: Sequence[StreamDelta], provider: str, model: str, max_bytes: int | None = None
) -> Result[ModelReply, ProviderFailure]:
    acc = ReplyAccumulator(max_bytes)
    for delta in deltas:
        acc.add(delta)
    return acc.build(provider, model)


def test_text_tool_fragments_and_usage_fold_into_one_reply() -> None:
    deltas: list[StreamDelta] = [
        TextDelta("Hel"),
        TextDelta("lo"),
        ToolCallDelta(1, "c2", "mul", '{"x"'),
        ToolCallDelta(0, "c1", "add", ""),
        ToolCallDelta(0, arguments='{"a": 1'),
        ToolCallDelta(1, arguments=": 2}"),
        ToolCallDelta(0, arguments="}"),
        UsageDelta(Usage(3, 4, 7)),
        UsageDelta(Usage(0, 1, 1, 2)),
        StreamEnd("tool_calls", "m-1"),
    ]
    reply = fold_deltas(deltas, "p", "m").unwrap()
    assert reply == ModelReply(
        "Hello",
        (ToolCall("c1", "add", '{"a": 1}'), ToolCall("c2", "mul", '{"x": 2}')),
        Usage(3, 5, 8, 2),
        "tool_calls",
        "m-1",
    )


def test_a_stream_without_its_terminal_event_is_a_failure_not_a_short_reply() -> None:
    result = fold_deltas([TextDelta("partial")], "openai", "gpt-x")
    assert not is_successful(result)
    failure = result.failure()
    assert failure.kind == "incomplete_stream"
    assert failure.provider == "openai"
    assert not failure.retryable


def test_a_failed_stream_returns_its_failure_and_ignores_what_follows() -> None:
    failure = ProviderFailure("p", "m", "reset", status_code=None, retryable=True)
    acc = ReplyAccumulator()
    for d in (TextDelta("a"), StreamFailed(failure), TextDelta("b"), StreamEnd()):
        acc.add(d)
    assert acc.finished
    assert acc.build("p", "m").failure() is failure


def test_tool_call_without_id_gets_one_and_text_is_none_when_only_calls() -> None:
    reply = fold_deltas([ToolCallDelta(0, None, "f", "{}"), StreamEnd()], "p", "m").unwrap()
    assert reply.text is None
    assert reply.tool_calls == (ToolCall("call_0", "f", "{}"),)
    assert reply.model == "m"


def test_empty_complete_stream_is_an_empty_reply() -> None:
    reply = fold_deltas([StreamEnd()], "p", "m").unwrap()
    assert reply.text == ""
    assert reply.tool_calls == ()


def test_a_reply_over_the_byte_cap_fails_as_soon_as_it_passes_it() -> None:
    acc = ReplyAccumulator(10)
    for delta in (TextDelta("12345"), ToolCallDelta(0, "c", "f", "678"), TextDelta("éé"), TextDelta("more")):
        acc.add(delta)
    assert acc.finished  # 5 + 3 + 4 bytes: "éé" is 4 bytes of UTF-8
    failure = acc.build("openai", "gpt-x").failure()
    assert failure.kind == "malformed"
    assert "max_response_bytes (10 bytes)" in failure.message
    assert (failure.provider, failure.model) == ("openai", "gpt-x")
    assert fold_deltas([TextDelta("1234567890"), StreamEnd()], "p", "m", 10).unwrap().text == "1234567890"
