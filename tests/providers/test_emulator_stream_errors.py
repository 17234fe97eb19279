"""In-stream errors, as each real SDK sees them: Responses, Chat Completions (Groq, OpenRouter), Anthropic."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any

import anthropic
import openai
import pytest
from openai.types.responses import ResponseErrorEvent, ResponseFailedEvent

from llmft.testing import EmuReply, ProviderEmulator, StreamError, emu_stream_error, emu_text

KEY = "sk-test-0123456789abcdef"


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    client = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(client.close)
    return client


def anthropic_client(emu: ProviderEmulator) -> anthropic.AsyncAnthropic:
    client = anthropic.AsyncAnthropic(base_url=emu.base_url, api_key=KEY, max_retries=0)
    emu.on_close(client.close)
    return client


async def responses_events(emu: ProviderEmulator) -> list[Any]:
    stream = await openai_client(emu).responses.create(model="gpt-4o-mini", input="hi", stream=True)
    return [event async for event in stream]


async def drain(stream: AsyncIterable[Any], into: list[Any]) -> None:
    """Collect a stream's items into `into` (kept when the stream raises)."""
    async for item in stream:
        into.append(item)


async def anthropic_texts(emu: ProviderEmulator, into: list[Any]) -> None:
    async with anthropic_client(emu).messages.stream(
        model="claude", max_tokens=10, messages=[{"role": "user", "content": "x"}]
    ) as stream:
        await drain(stream.text_stream, into)


async def test_a_responses_error_event_arrives_after_the_scripted_deltas(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("abcdefgh", after=1, code="server_error", message="boom"))
    events = await responses_events(emu)
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["abcd"]
    assert isinstance(events[-1], ResponseErrorEvent)
    assert (events[-1].code, events[-1].message, events[-1].param) == ("server_error", "boom", None)
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert not any(e.type == "response.completed" for e in events)


async def test_the_nested_responses_error_shape_makes_the_sdk_raise(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("abc", style="nested", code="too_many_requests", message="Too Many Requests"))
    with pytest.raises(openai.APIError, match="Too Many Requests") as caught:
        await responses_events(emu)
    assert caught.value.body == {
        "type": "server_error",
        "code": "too_many_requests",
        "message": "Too Many Requests",
        "param": None,
    }


async def test_a_responses_stream_can_end_in_response_failed(emu: ProviderEmulator) -> None:
    emu.script(
        emu_stream_error("abcdefgh", after=2, style="failed", code="rate_limit_exceeded", message="slow")
    )
    events = await responses_events(emu)
    assert [e.delta for e in events if e.type == "response.output_text.delta"] == ["abcd", "efgh"]
    failed = events[-1]
    assert isinstance(failed, ResponseFailedEvent)
    assert failed.response.status == "failed"
    assert failed.response.error is not None
    assert (failed.response.error.code, failed.response.error.message) == ("rate_limit_exceeded", "slow")


async def test_an_error_due_after_every_delta_replaces_the_terminal_event(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("ab", after=99))
    events = await responses_events(emu)
    assert events[-1].type == "error"
    assert "response.output_text.done" in [e.type for e in events]


async def test_groq_style_chat_error_raises_with_the_providers_body(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("partial", after=1, message="Failed to call a function"))
    stream = await openai_client(emu).chat.completions.create(
        model="llama", messages=[{"role": "user", "content": "x"}], stream=True
    )
    seen: list[Any] = []
    with pytest.raises(openai.APIError, match="Failed to call a function") as caught:
        await drain(stream, seen)
    assert "".join(c.delta.content or "" for chunk in seen for c in chunk.choices) == "part"
    assert caught.value.body == {
        "message": "Failed to call a function",
        "type": "invalid_request_error",
        "code": "tool_use_failed",
        "status_code": 400,
    }


async def test_openrouter_style_chat_error_follows_a_length_finish(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("partial answer", after=2, style="openrouter", message="context exceeded"))
    stream = await openai_client(emu).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}], stream=True
    )
    seen: list[Any] = []
    with pytest.raises(openai.APIError, match="context exceeded") as caught:
        await drain(stream, seen)
    assert [c.finish_reason for chunk in seen for c in chunk.choices][-1] == "length"
    assert caught.value.body == {"code": 400, "message": "context exceeded"}


@pytest.mark.parametrize("kind", ["overloaded_error", "api_error"])
async def test_anthropic_error_events_make_the_sdk_raise_with_the_body(
    emu: ProviderEmulator, kind: str
) -> None:
    emu.script(EmuReply(text="partial", stream_error=StreamError(after=1, type=kind, message="Overloaded")))
    texts: list[Any] = []
    with pytest.raises(anthropic.APIStatusError, match="Overloaded") as caught:
        await anthropic_texts(emu, texts)
    assert texts == ["part"]
    assert caught.value.status_code == 200  # the SDK keeps the stream's status; the kind is in the body
    assert caught.value.body == {"type": "error", "error": {"type": kind, "message": "Overloaded"}}


async def test_streams_without_a_scripted_error_are_untouched(emu: ProviderEmulator) -> None:
    emu.script(emu_text("fine"))
    events = await responses_events(emu)
    assert events[-1].type == "response.completed"
