"""The OpenAI route reads replies and stream events as the JSON they arrive in, over the real SDK's HTTP.

What arrives is kept as it came (a field no SDK version knows rides along, nulls are left out), a reply
or event of another shape is a typed `malformed` error, and the stream's events are read as the SDK's
reader reads them (`[DONE]`, errors in any event). That a stream is handed on as it arrives is tested
on every route in test_connection_reuse.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft import Finished, LLMClient, ProviderError, ReasoningDelta
from llmft.testing import ProviderEmulator, emu_fault, emu_text

KEY = "sk-test-0123456789abcdef"
USER = [{"role": "user", "content": "hi"}]


def client(emu: ProviderEmulator) -> LLMClient:
    llm = LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(llm.aclose)
    return llm


def json_reply(body: Any) -> Any:
    raw = json.dumps(body).encode()
    return emu_fault(status=200, raw_body=raw, headers={"Content-Type": "application/json"})


def raw_stream(raw: bytes) -> Any:
    """A turn answered with this SSE body as it is."""
    return emu_fault(status=200, raw_body=raw, headers={"Content-Type": "text/event-stream"})


def sse_reply(*events: dict[str, Any]) -> Any:
    return raw_stream(b"".join(f"event: {e.get('type')}\ndata: {json.dumps(e)}\n\n".encode() for e in events))


async def stream_failure(emu: ProviderEmulator) -> ProviderError:
    """The error a stream of the scripted turn ends with."""
    with pytest.raises(ProviderError) as info:
        async for _ in client(emu).generate_stream(USER):
            pass
    return info.value


REASONING = {
    "type": "reasoning",
    "id": "rs_1",
    "summary": [{"type": "summary_text", "text": "thought"}],
    "encrypted_content": "opaque==",
    "status": None,
    "content": None,
    "future_field": {"kept": True, "dropped": None},
}
SENT_BACK = {k: v for k, v in REASONING.items() if v is not None} | {"future_field": {"kept": True}}


def completed(output: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "model": "gpt-4o-mini",
        "output": output,
        "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
    }


MESSAGE = {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "hi"}]}


@pytest.mark.parametrize("body", [[1, 2], "text", None, 3])
async def test_a_reply_that_is_not_a_json_object_is_malformed(emu: ProviderEmulator, body: Any) -> None:
    emu.script(json_reply(body))
    with pytest.raises(ProviderError) as info:
        await client(emu).generate(USER)
    assert info.value.kind == "malformed"


@pytest.mark.parametrize(
    "output",
    [
        "not a list",
        [{"type": "message", "content": [{"type": "output_text"}]}],  # text missing
        [{"type": "function_call", "name": "f", "arguments": "{}"}],  # call_id missing
        [{"type": "function_call", "call_id": 7, "name": "f"}],
    ],
)
async def test_a_reply_of_another_shape_is_malformed(emu: ProviderEmulator, output: Any) -> None:
    emu.script(json_reply(completed(output)))
    with pytest.raises(ProviderError) as info:
        await client(emu).generate(USER)
    assert info.value.kind == "malformed"
    assert "unexpected response shape" in str(info.value)


async def test_a_reasoning_item_is_sent_back_as_it_came_without_its_nulls(emu: ProviderEmulator) -> None:
    emu.script(json_reply(completed([REASONING, MESSAGE])), emu_text("again"))
    llm = client(emu)
    first = await llm.generate(USER)
    assert first.content == "hi"
    assert first.messages is not None
    await llm.generate([*first.messages, {"role": "user", "content": "more"}])
    assert emu.requests[1].items_of_type("reasoning") == [SENT_BACK]


async def test_a_streamed_reasoning_item_is_kept_the_same_way(emu: ProviderEmulator) -> None:
    done = completed([REASONING, MESSAGE])
    emu.script(
        sse_reply(
            {"type": "response.output_item.done", "output_index": 0, "item": REASONING},
            {"type": "response.output_text.delta", "output_index": 1, "delta": "hi"},
            {"type": "response.completed", "response": done},
        ),
        emu_text("again"),
    )
    llm = client(emu)
    chunks = [chunk async for chunk in llm.generate_stream(USER)]
    assert "".join(c.content for c in chunks) == "hi"
    final = chunks[-1].result
    assert final is not None
    assert final.usage is not None
    assert final.usage.total_tokens == 5
    assert final.messages is not None
    await llm.generate([*final.messages, {"role": "user", "content": "more"}])
    assert emu.requests[1].items_of_type("reasoning") == [SENT_BACK]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "response.output_text.delta"},  # delta missing
        {"type": "response.output_item.added", "output_index": 0, "item": "x"},
        {"type": "response.completed", "response": []},
    ],
    ids=["no-delta", "item-not-object", "response-not-object"],
)
async def test_a_stream_event_of_another_shape_is_malformed(emu: ProviderEmulator, event: Any) -> None:
    emu.script(sse_reply(event))
    assert (await stream_failure(emu)).kind == "malformed"


async def test_a_stream_event_that_is_not_json_is_malformed(emu: ProviderEmulator) -> None:
    raw = b'data: {"type": "response.output_text.delta", "delta": "a"\n\n'
    emu.script(raw_stream(raw))
    assert (await stream_failure(emu)).kind == "malformed"


async def test_events_of_unknown_types_and_comments_are_passed_over(emu: ProviderEmulator) -> None:
    raw = (
        b": keep-alive comment\n\n"
        b'data: {"type": "response.created", "response": {"id": "resp_1"}}\n\n'
        b'data: {"type": "response.some_future_event", "x": 1}\n\n'
        b'data: {"type": "response.output_text.delta", "output_index": 0, "delta": "hel"}\n\n'
        b'data: {"type": "response.output_text.delta", "output_index": 0, "delta": "lo"}\n\n'
        b"data: "
        + json.dumps({"type": "response.completed", "response": completed([MESSAGE])}).encode()
        + b"\n\n"
    )
    emu.script(raw_stream(raw))
    chunks = [chunk async for chunk in client(emu).generate_stream(USER)]
    assert "".join(c.content for c in chunks) == "hello"


def call_item(call_id: str, arguments: str = "") -> dict[str, Any]:
    return {"type": "function_call", "call_id": call_id, "name": "add", "arguments": arguments}


async def test_streamed_reasoning_and_each_way_a_call_arrives(emu: ProviderEmulator) -> None:
    """A reasoning summary streams as ReasoningDelta; a call's arguments may come in deltas, whole in
    `output_item.added`, or only in `output_item.done`: each call is run once with its arguments."""
    seen: list[tuple[int, int]] = []

    def add(a: int, b: int) -> int:
        """Add two numbers."""
        seen.append((a, b))
        return a + b

    done = completed([call_item("c1", '{"a": 1, "b": 2}'), call_item("c2", '{"a": 3, "b": 4}')])
    emu.script(
        sse_reply(
            {"type": "response.reasoning_summary_text.delta", "output_index": 0, "delta": "think"},
            {"type": "response.reasoning_summary_text.delta", "output_index": 0, "delta": "ing"},
            {"type": "response.output_item.added", "output_index": 1, "item": call_item("c1", '{"a": 1')},
            {"type": "response.function_call_arguments.delta", "output_index": 1, "delta": ', "b": 2}'},
            {
                "type": "response.output_item.done",
                "output_index": 1,
                "item": call_item("c1", '{"a": 1, "b": 2}'),
            },
            {"type": "response.output_item.added", "output_index": 2, "item": call_item("c2")},
            {
                "type": "response.output_item.done",
                "output_index": 2,
                "item": call_item("c2", '{"a": 3, "b": 4}'),
            },
            {"type": "response.completed", "response": done},
        ),
        emu_text("3 and 7"),
    )
    llm = client(emu)
    llm.register_tool(add)
    events = [event async for event in llm.stream_events(USER)]
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "thinking"
    assert sorted(seen) == [(1, 2), (3, 4)]
    final = events[-1]
    assert isinstance(final, Finished)
    assert final.result.content == "3 and 7"


async def test_extra_headers_and_query_go_with_the_request(emu: ProviderEmulator) -> None:
    emu.script(emu_text("ok"), emu_text("ok"))
    llm = client(emu)
    await llm.generate(USER, extra_headers={"X-Trace": "t-1"}, extra_query={"debug": "1"})
    async for _ in llm.generate_stream(USER, extra_headers={"X-Trace": "t-2"}):
        pass
    traces = [{k.lower(): v for k, v in r.headers.items()}["x-trace"] for r in emu.requests]
    assert traces == ["t-1", "t-2"]


async def test_a_done_marker_before_the_completed_event_is_an_incomplete_stream(
    emu: ProviderEmulator,
) -> None:
    raw = (
        b'data: {"type": "response.output_text.delta", "output_index": 0, "delta": "hal"}\n\ndata: [DONE]\n\n'
    )
    emu.script(raw_stream(raw))
    assert (await stream_failure(emu)).kind == "incomplete_stream"


async def test_any_event_carrying_an_error_ends_the_stream_with_it(emu: ProviderEmulator) -> None:
    emu.script(
        sse_reply(
            {"type": "response.output_text.delta", "output_index": 0, "delta": "par"},
            {
                "type": "response.output_text.delta",
                "output_index": 0,
                "delta": "tial",
                "error": {"code": "server_error", "message": "the model broke down"},
            },
        )
    )
    failure = await stream_failure(emu)
    assert "the model broke down" in str(failure)
    assert failure.kind == "error_body"
