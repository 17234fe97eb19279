"""The whole-call deadline, fallback models across routes, stream cancellation."""

from __future__ import annotations

import asyncio

import pytest

from llmft import DeadlineExceededError, GenerationResult, LLMClient, ToolExecutionResult
from llmft.testing import (
    EmuReply,
    Fault,
    ProviderEmulator,
    ScriptedModel,
    emu_fault,
    emu_text,
    reply,
    tool_call,
)

from .conftest import FakeClock

USER = [{"role": "user", "content": "hi"}]


async def test_the_deadline_ends_the_tool_loop_with_what_was_gathered() -> None:
    async def fetch(n: int) -> ToolExecutionResult:
        """Fetch."""
        if n == 2:
            await asyncio.sleep(10)
        return ToolExecutionResult(content=f"item {n}", payload={"n": n})

    client = LLMClient(
        model=ScriptedModel([tool_call("fetch", {"n": 1}), tool_call("fetch", {"n": 2}), reply("never")])
    )
    client.register_tool(fetch)
    with pytest.raises(DeadlineExceededError) as info:
        await client.generate(USER, deadline=0.3)
    partial = info.value.partial
    assert isinstance(partial, GenerationResult)
    assert partial.finish_reason == "deadline"
    assert partial.payloads == [{"tool_name": "fetch", "payload": {"n": 1}, "metadata": {}}]
    assert partial.messages is not None
    assert [m["role"] for m in partial.messages] == [
        "user",
        "assistant",
        "tool",
    ]  # no call left without output
    assert info.value.retryable is False


async def test_the_deadline_bounds_a_stream_too() -> None:
    async def slow() -> str:
        """Slow."""
        await asyncio.sleep(10)
        return "x"

    client = LLMClient(model=ScriptedModel([tool_call("slow"), reply("never")]))
    client.register_tool(slow)
    with pytest.raises(DeadlineExceededError):
        async for _ in client.generate_stream(USER, deadline=0.2):
            pass


async def test_fallback_to_another_route_after_retries(emu: ProviderEmulator, clock: FakeClock) -> None:
    emu.script(*[emu_fault(status=503)] * 3, emu_text("from the fallback"))
    async with LLMClient(
        model="gpt-4o-mini",
        base_url=emu.openai_base_url,
        api_key="sk-12345678",
        clock=clock,
        fallback_models=["openai/llama-3"],
    ) as client:
        result = await client.generate(USER)
    assert result.content == "from the fallback"
    assert result.model == "llama-3"
    assert [r.protocol for r in emu.requests] == ["responses"] * 3 + ["chat"]


async def test_per_call_fallbacks_and_unavailable_models(emu: ProviderEmulator, clock: FakeClock) -> None:
    emu.script(emu_fault(status=404), emu_text("second choice"))
    async with LLMClient(
        model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-12345678", clock=clock
    ) as client:
        result = await client.generate(USER, fallback_models=["gpt-4.1-mini"])
    assert result.content == "second choice"
    assert [r.body["model"] for r in emu.requests] == ["gpt-4o-mini", "gpt-4.1-mini"]


async def test_no_fallback_for_a_bad_request(emu: ProviderEmulator, clock: FakeClock) -> None:
    emu.script(emu_fault(status=400), emu_text("unused"))
    async with LLMClient(
        model="gpt-4o-mini",
        base_url=emu.openai_base_url,
        api_key="sk-12345678",
        clock=clock,
        fallback_models=["gpt-4.1"],
    ) as client:
        with pytest.raises(Exception, match="400"):
            await client.generate(USER)
    assert len(emu.requests) == 1


async def test_streams_fall_back_before_their_first_chunk(emu: ProviderEmulator, clock: FakeClock) -> None:
    emu.script(*[emu_fault(status=503)] * 3, emu_text("streamed by the fallback"))
    async with LLMClient(
        model="gpt-4o-mini",
        base_url=emu.openai_base_url,
        api_key="sk-12345678",
        clock=clock,
        fallback_models=["openai/llama-3"],
    ) as client:
        chunks = [c async for c in client.generate_stream(USER)]
    assert "".join(c.content for c in chunks) == "streamed by the fallback"
    assert chunks[-1].result is not None
    assert chunks[-1].result.model == "llama-3"


@pytest.mark.parametrize(
    ("model", "base"),
    [
        ("gpt-4o-mini", "openai_base_url"),
        ("openai/llama-3", "openai_base_url"),
        ("anthropic/claude-x", "base_url"),
    ],
)
async def test_cancelling_a_stream_closes_the_connection(
    emu: ProviderEmulator, model: str, base: str
) -> None:
    emu.script(EmuReply(text="word " * 200, fault=Fault(drip=0.01)))
    async with LLMClient(model=model, base_url=getattr(emu, base), api_key="sk-12345678") as client:
        stream = client.generate_stream(USER)
        async for chunk in stream:
            if chunk.content:
                break
        await stream.aclose()  # type: ignore[attr-defined]
        for _ in range(100):
            if emu.open_streams == 0:
                break
            await asyncio.sleep(0.02)
    assert emu.open_streams == 0
