"""Each fault on each route: the outcome and the exact number of attempts (max_retries=2)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from attrs import frozen

from llmft import LLMClient, ProviderError
from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_fault, emu_text, emu_tool_calls

from ..providers.conftest import RouteCase
from .conftest import FakeClock

USER = [{"role": "user", "content": "hi"}]


@frozen
class Case:
    name: str
    script: tuple[EmuReply, ...]
    attempts: int
    ok: bool
    retryable: bool | None = None


CASES = [
    Case(
        "429 with Retry-After, then ok",
        (emu_fault(status=429, headers={"Retry-After": "2"}), emu_text("ok")),
        2,
        True,
    ),
    Case("503, then ok", (emu_fault(status=503), emu_text("ok")), 2, True),
    Case("529 overloaded, then ok", (emu_fault(status=529), emu_text("ok")), 2, True),
    Case("500 persistent", (emu_fault(status=500),) * 3, 3, False, True),
    Case("connection reset mid-body, then ok", (emu_fault(reset=True), emu_text("ok")), 2, True),
    Case("malformed JSON with 200", (emu_fault(malformed=True),), 1, False, False),
    Case("invalid UTF-8 with 200", (emu_fault(invalid_utf8=True),), 1, False, False),
    Case("400 is never retried", (emu_fault(status=400),), 1, False, False),
    Case("401 is never retried", (emu_fault(status=401),), 1, False, False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_fault(emu: ProviderEmulator, route: RouteCase, clock: FakeClock, case: Case) -> None:
    emu.script(*case.script)
    client = route.client(emu, max_retries=2, clock=clock)
    if case.ok:
        result = await client.generate(USER)
        assert result.content == "ok"
    else:
        with pytest.raises(ProviderError) as info:
            await client.generate(USER)
        assert info.value.retryable is case.retryable
    assert len(emu.requests) == case.attempts
    assert len(clock.sleeps) == case.attempts - 1  # a wait before every retry, none after the last


async def test_retry_after_is_honoured_exactly(
    emu: ProviderEmulator, route: RouteCase, clock: FakeClock
) -> None:
    emu.script(emu_fault(status=429, headers={"Retry-After": "2"}), emu_text("ok"))
    await route.client(emu, max_retries=2, clock=clock).generate(USER)
    assert clock.sleeps == [2.0]


async def test_backoff_is_jittered_exponential_and_capped(emu: ProviderEmulator, clock: FakeClock) -> None:
    emu.script(*[emu_fault(status=503)] * 6)
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu, max_retries=5, clock=clock)
    with pytest.raises(ProviderError):
        await client.generate(USER)
    assert len(emu.requests) == 6
    for n, delay in enumerate(clock.sleeps):
        assert 0 <= delay < min(8.0, 0.5 * 2**n)


async def test_a_long_retry_after_fails_at_once_with_retry_after_set(
    emu: ProviderEmulator, clock: FakeClock
) -> None:
    emu.script(emu_fault(status=429, headers={"Retry-After": "3600"}))
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu, max_retries=2, clock=clock)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER)
    assert info.value.retry_after == 3600.0
    assert len(emu.requests) == 1
    assert clock.sleeps == []


async def test_a_retry_after_beyond_the_deadline_fails_at_once(
    emu: ProviderEmulator, clock: FakeClock
) -> None:
    emu.script(emu_fault(status=429, headers={"Retry-After": "20"}))
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu, max_retries=2, clock=clock)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER, deadline=10)
    assert info.value.retry_after == 20.0
    assert clock.sleeps == []


async def test_per_call_max_retries_override(
    emu: ProviderEmulator, route: RouteCase, clock: FakeClock
) -> None:
    emu.script(*[emu_fault(status=503)] * 5)
    with pytest.raises(ProviderError):
        await route.client(emu, max_retries=1, clock=clock).generate(USER, max_retries=3)
    assert len(emu.requests) == 4


async def test_read_timeout_on_a_slow_answer_is_retried_then_fails(
    emu: ProviderEmulator, route: RouteCase, clock: FakeClock
) -> None:
    emu.script(*[emu_fault(drip=0.5)] * 3)
    with pytest.raises(ProviderError) as info:
        await route.client(emu, max_retries=2, clock=clock, timeout=0.1).generate(USER)
    assert info.value.retryable is True
    assert len(emu.requests) == 3


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("model", "suffix"), [("gpt-4o-mini", "/v1"), ("openai/llama-3", "/v1"), ("anthropic/claude-x", "")]
)
async def test_connection_refused_is_retried_then_fails(clock: FakeClock, model: str, suffix: str) -> None:
    base = f"http://127.0.0.1:{_closed_port()}{suffix}"
    async with LLMClient(model=model, base_url=base, api_key="sk-12345678", clock=clock) as client:
        with pytest.raises(ProviderError) as info:
            await client.generate(USER)
    assert info.value.retryable is True
    assert len(clock.sleeps) == 2  # three attempts


STREAM_CASES: list[tuple[str, tuple[EmuReply, ...], int, bool]] = [
    (
        "cut before any text: retried",
        (EmuReply(text="hello world", fault=Fault(cut_after=1)), emu_text("hello world")),
        2,
        True,
    ),
    ("503 before the stream: retried", (emu_fault(status=503), emu_text("hello world")), 2, True),
    (
        "cut after text arrived: not retried",
        (EmuReply(text="hello world, this is long", fault=Fault(cut_after=8)),),
        1,
        False,
    ),
    (
        "connection aborted before any text: retried",
        (EmuReply(text="hello world", fault=Fault(cut_after=1, reset=True)), emu_text("hello world")),
        2,
        True,
    ),
    (
        "connection aborted after text arrived: not retried",
        (EmuReply(text="hello world, this is long", fault=Fault(cut_after=8, reset=True)),),
        1,
        False,
    ),
]


@pytest.mark.parametrize(("name", "script", "attempts", "ok"), STREAM_CASES, ids=[c[0] for c in STREAM_CASES])
async def test_stream_retry_rules(
    emu: ProviderEmulator,
    route: RouteCase,
    clock: FakeClock,
    name: str,
    script: tuple[Any, ...],
    attempts: int,
    ok: bool,
) -> None:
    emu.script(*script)
    chunks: list[str] = []

    async def consume() -> None:
        async for chunk in route.client(emu, max_retries=2, clock=clock).generate_stream(USER):
            chunks.append(chunk.content)

    if ok:
        await consume()
        assert "".join(chunks) == "hello world"  # no text twice
    else:
        with pytest.raises(ProviderError):
            await consume()
    assert len(emu.requests) == attempts


# An error body with status 200: the openai route and litellm's anthropic route read it as a server
# error (retried); litellm's Chat route turns it into a 422 (final). Both end in ProviderError.
ERROR_BODY_ATTEMPTS = {"responses": 3, "chat": 1, "anthropic": 3}


async def test_error_json_with_status_200(emu: ProviderEmulator, route: RouteCase, clock: FakeClock) -> None:
    emu.script(*[emu_fault(error_body=True)] * 3)
    with pytest.raises(ProviderError):
        await route.client(emu, max_retries=2, clock=clock).generate(USER)
    assert len(emu.requests) == ERROR_BODY_ATTEMPTS[route.protocol]


async def test_the_callers_context_is_never_mutated(emu: ProviderEmulator, route: RouteCase) -> None:
    def tool(user_id: str) -> str:
        return user_id

    context = {"user_id": "u-1", "extra": [1]}
    emu.script(emu_tool_calls(("tool", {})), emu_text("ok"))
    client = route.client(emu)
    client.register_tool(tool)
    await client.generate(USER, tool_execution_context=context)
    assert context == {"user_id": "u-1", "extra": [1]}
