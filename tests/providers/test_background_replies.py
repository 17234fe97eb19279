"""Responses background mode through LLMClient: polled to the end, failures typed, cancelled at deadline."""

from __future__ import annotations

from typing import Any

import pytest

from llmft import DeadlineExceededError, LLMClient, ProviderError
from llmft.adapters.openai_responses import OpenAIResponsesModel, background_poll_delay
from llmft.app.factories import ModelFactory
from llmft.domain.connections import Connection
from llmft.domain.ports import ChatModel
from llmft.domain.routing import Route
from llmft.testing import EmuReply, ProviderEmulator, StreamError, emu_text

from ..reliability.conftest import FakeClock
from .conftest import KEY

USER = [{"role": "user", "content": "a long task"}]


def polling_every(seconds: float) -> ModelFactory:
    """A factory argument: the real adapter, polling at a fixed pace (the default backs off to 2 s)."""

    def make(route: Route, connection: Connection) -> ChatModel:
        return OpenAIResponsesModel(route.name, connection, poll_delay=lambda polls: seconds)

    return make


def client(emu: ProviderEmulator, *, pace: float = 0.0, **kwargs: Any) -> LLMClient:
    kwargs.setdefault("max_retries", 0)
    made = LLMClient(
        model="o4-mini",
        api_key=KEY,
        base_url=emu.openai_base_url,
        model_factory=polling_every(pace),
        **kwargs,
    )
    emu.on_close(made.aclose)
    return made


def polls(emu: ProviderEmulator) -> list[str]:
    return [r.path for r in emu.requests if r.method == "GET"]


def cancels(emu: ProviderEmulator) -> list[str]:
    return [r.path for r in emu.requests if r.path.endswith("/cancel")]


async def test_a_background_reply_is_polled_until_it_is_complete(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="done at last", polls=3, input_tokens=5, output_tokens=9))
    result = await client(emu).generate(USER, background=True)
    assert result.content == "done at last"
    assert result.finish_reason == "stop"
    assert result.usage is not None
    assert result.usage.output_tokens == 9
    assert emu.requests[0].body["background"] is True
    assert len(polls(emu)) == 4  # three in_progress answers, then the final one
    assert cancels(emu) == []


async def test_the_timeout_bounds_each_poll_not_the_whole_wait(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="slow but fine", polls=8))
    result = await client(emu, pace=0.03, timeout=0.1).generate(USER, background=True)
    assert result.content == "slow but fine"  # ~0.27 s of polling, each poll well within 0.1 s


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (StreamError(code="rate_limit_exceeded", message="try later"), False),
        (StreamError(message="boom"), True),
    ],
    ids=["rate-limited", "server-error"],
)
async def test_a_failed_background_reply_is_an_error_body_with_the_providers_message(
    emu: ProviderEmulator, error: StreamError, retryable: bool
) -> None:
    emu.script(EmuReply(status="failed", stream_error=error, polls=1))
    with pytest.raises(ProviderError) as info:
        await client(emu).generate(USER, background=True)
    assert info.value.kind == "error_body"
    assert error.message in str(info.value)
    assert info.value.retryable is retryable  # only a server-side failure is worth a new run


async def test_a_server_error_runs_the_background_reply_again(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(status="failed", polls=0), EmuReply(text="second run", polls=1))
    result = await client(emu, max_retries=1, clock=FakeClock()).generate(USER, background=True)
    assert result.content == "second run"
    assert [r.method for r in emu.requests] == ["POST", "GET", "POST", "GET", "GET"]


async def test_a_cancelled_background_reply_is_an_error(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="never", status="cancelled", polls=1))
    with pytest.raises(ProviderError, match="cancelled") as info:
        await client(emu).generate(USER, background=True)
    assert (info.value.kind, info.value.retryable) == ("error_body", False)


@pytest.mark.parametrize(
    ("reason", "finish"), [("max_output_tokens", "length"), ("content_filter", "content_filter")]
)
async def test_an_incomplete_background_reply_says_why(
    emu: ProviderEmulator, reason: str, finish: str
) -> None:
    emu.script(EmuReply(text="cut", stop_reason=reason, polls=1))
    result = await client(emu).generate(USER, background=True)
    assert (result.content, result.finish_reason) == ("cut", finish)


async def test_the_deadline_cancels_the_background_reply_on_the_provider(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="too slow", polls=10_000))
    with pytest.raises(DeadlineExceededError):
        await client(emu, pace=0.02).generate(USER, background=True, deadline=0.3)
    assert len(polls(emu)) >= 2
    response_id = polls(emu)[0].rsplit("/", 1)[-1]
    assert cancels(emu) == [f"/v1/responses/{response_id}/cancel"]


async def test_a_streamed_background_reply_streams_like_any_other(emu: ProviderEmulator) -> None:
    emu.script(emu_text("streamed in the background"))
    chunks = [c async for c in client(emu).generate_stream(USER, background=True)]
    assert "".join(c.content for c in chunks) == "streamed in the background"
    assert emu.requests[0].body["background"] is True
    assert polls(emu) == []


def test_the_default_pacing_backs_off_from_half_a_second_to_two() -> None:
    delays = [background_poll_delay(n) for n in range(6)]
    assert delays[0] == 0.5
    assert delays == sorted(delays)
    assert delays[-1] == 2.0
