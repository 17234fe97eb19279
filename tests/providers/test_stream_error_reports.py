"""Errors a provider reports inside a stream, and cut streams, as each real SDK delivers them."""

from __future__ import annotations

import pytest

from llmft import LLMClient, ProviderError, StreamChunk
from llmft.testing import EmuReply, Fault, ProviderEmulator, StreamError, emu_stream_error, emu_text

from ..reliability.conftest import FakeClock
from .conftest import KEY, ROUTES, RouteCase

USER = [{"role": "user", "content": "hi"}]
CHAT = RouteCase("litellm-chat", "openai/llama-3", "chat")
GROQ = RouteCase("litellm-groq", "groq/llama-3.3-70b-versatile", "chat")
RESPONSES = RouteCase("openai-responses", "gpt-4o-mini", "responses")
ANTHROPIC = RouteCase("litellm-anthropic", "anthropic/claude-sonnet-4-5", "anthropic")


async def streamed(client: LLMClient) -> tuple[str, ProviderError]:
    """The text a stream showed before it failed, and its error."""
    shown: list[StreamChunk] = []

    async def consume() -> None:
        async for chunk in client.generate_stream(USER):
            shown.append(chunk)

    with pytest.raises(ProviderError) as info:
        await consume()
    assert not any(chunk.done for chunk in shown)
    return "".join(chunk.content for chunk in shown), info.value


@pytest.mark.parametrize("route", [CHAT, GROQ], ids=lambda r: r.name)
async def test_a_groq_error_event_is_the_providers_400_never_retried(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    # `groq/` makes litellm parse the string code as an int (a ValueError); `openai/` wraps the
    # event in a MidStreamFallbackError (500): both read as what Groq sent.
    emu.script(emu_stream_error("partial", after=0, message="Failed to call a function"))
    text, error = await streamed(route.client(emu, max_retries=2, clock=FakeClock()))
    assert text == ""
    assert (error.kind, error.status_code, error.retryable) == ("error_body", 400, False)
    assert "Failed to call a function" in str(error)
    assert "tool_use_failed" in str(error)
    assert error.provider == route.model.split("/")[0]
    assert len(emu.requests) == 1  # a 400 is final, also before any content


async def test_an_openrouter_error_chunk_after_a_length_finish_is_an_error(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("partial answer", after=2, style="openrouter", message="context exceeded"))
    text, error = await streamed(CHAT.client(emu))
    assert text == "partial "
    assert (error.kind, error.status_code, error.retryable) == ("error_body", 400, False)
    assert "context exceeded" in str(error)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (StreamError(code="server_error", message="boom"), 500),
        (StreamError(style="nested", type="rate_limit_error", code="rate_limit", message="slow down"), 429),
        (StreamError(style="failed", code="rate_limit_exceeded", message="slow down"), 429),
        (StreamError(style="nested", type="invalid_request_error", code="bad", message="nope"), 400),
    ],
    ids=["error-event", "nested-error-event", "response.failed", "nested-400"],
)
async def test_responses_error_events_carry_the_providers_status(
    emu: ProviderEmulator, error: StreamError, status: int
) -> None:
    emu.script(EmuReply(text="abcdefgh", stream_error=StreamError(**{**error.__dict__, "after": 1})))
    text, failure = await streamed(RESPONSES.client(emu))
    assert text == "abcd"
    assert (failure.kind, failure.status_code, failure.provider) == ("error_body", status, "openai")
    assert failure.retryable is False  # text was shown: a retry would repeat it
    assert error.message in str(failure)


@pytest.mark.parametrize("route", [RESPONSES, CHAT, ANTHROPIC], ids=lambda r: r.name)
async def test_a_retryable_error_before_any_content_is_retried(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    kind = {"responses": "server_error", "chat": "api_error", "anthropic": "overloaded_error"}[route.protocol]
    first = EmuReply(
        text="never shown",
        stream_error=StreamError(
            after=0, type=kind, code=kind, style="groq" if route.protocol == "chat" else ""
        ),
    )
    if route.protocol == "chat":  # an OpenRouter error chunk with a 5xx code
        first = emu_stream_error("never shown", after=0, style="openrouter", code=502, message="busy")
    emu.script(first, emu_text("recovered"))
    clock = FakeClock()
    chunks = [c async for c in route.client(emu, max_retries=2, clock=clock).generate_stream(USER)]
    assert "".join(c.content for c in chunks) == "recovered"
    assert len(emu.requests) == 2
    assert len(clock.sleeps) == 1


async def test_anthropic_overloaded_after_content_is_a_final_529(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(
            text="partial", stream_error=StreamError(after=1, type="overloaded_error", message="Overloaded")
        )
    )
    text, error = await streamed(ANTHROPIC.client(emu, max_retries=2, clock=FakeClock()))
    assert text == "part"
    assert (error.kind, error.status_code, error.retryable) == ("error_body", 529, False)
    assert "Overloaded" in str(error)
    assert len(emu.requests) == 1


# Events before the first text delta: Responses created + in_progress (+ item/part added), Chat the
# role chunk, Anthropic message_start (+ content_block_start).
OPENING = {"responses": 4, "chat": 1, "anthropic": 2}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
async def test_a_clean_cut_after_text_reads_the_same_on_every_route(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    emu.script(
        EmuReply(text="This answer will be cut short", fault=Fault(cut_after=OPENING[route.protocol] + 2))
    )
    text, error = await streamed(route.client(emu, max_retries=2, clock=FakeClock()))
    assert text == "This ans"
    assert (error.kind, error.status_code, error.retryable) == ("incomplete_stream", None, False)
    assert error.provider == route.model.split("/")[0] if "/" in route.model else "openai"
    assert len(emu.requests) == 1


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
async def test_a_clean_cut_before_any_text_is_retried(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(EmuReply(text="lost", fault=Fault(cut_after=OPENING[route.protocol])), emu_text("whole"))
    chunks = [c async for c in route.client(emu, max_retries=1, clock=FakeClock()).generate_stream(USER)]
    assert "".join(c.content for c in chunks) == "whole"
    assert len(emu.requests) == 2


async def test_an_error_report_never_shows_the_key(emu: ProviderEmulator) -> None:
    emu.script(emu_stream_error("x", after=0, message=f"bad key {KEY}"))
    _, error = await streamed(CHAT.client(emu))
    assert KEY not in str(error)
    assert error.kind == "error_body"
