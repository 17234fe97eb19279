"""One finish_reason vocabulary on every route, refusals included, streamed or not."""

from __future__ import annotations

import pytest

from llmft import GenerationResult
from llmft.testing import EmuReply, ProviderEmulator, emu_refusal, emu_text, emu_tool_calls

from .conftest import RouteCase

USER = [{"role": "user", "content": "hi"}]
RESPONSES = RouteCase("openai-responses", "gpt-4o-mini", "responses")
CHAT = RouteCase("litellm-chat", "openai/llama-3", "chat")
ANTHROPIC = RouteCase("litellm-anthropic", "anthropic/claude-sonnet-4-5", "anthropic")


async def generate(route: RouteCase, emu: ProviderEmulator, stream: bool) -> GenerationResult:
    client = route.client(emu)
    if not stream:
        return await client.generate(USER)
    chunks = [chunk async for chunk in client.generate_stream(USER)]
    result = chunks[-1].result
    assert result is not None
    assert "".join(chunk.content for chunk in chunks).endswith(str(result.content or ""))
    return result


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_a_refusal_reads_the_same_on_every_route(
    emu: ProviderEmulator, route: RouteCase, stream: bool
) -> None:
    emu.script(emu_refusal("I can't help with that."))
    result = await generate(route, emu, stream)
    assert result.content == "I can't help with that."
    assert result.finish_reason == "refusal"


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_anthropic_pause_turn_is_continued_never_reported(emu: ProviderEmulator, stream: bool) -> None:
    emu.script(EmuReply(text="Searching... ", stop_reason="pause_turn"), emu_text("found it"))
    result = await generate(ANTHROPIC, emu, stream)
    assert result.finish_reason == "stop"
    assert str(result.content).endswith("found it")
    assert len(emu.requests) == 2


@pytest.mark.parametrize(
    ("route", "raw", "finish"),
    [
        (ANTHROPIC, "max_tokens", "length"),
        (ANTHROPIC, "stop_sequence", "stop"),
        (ANTHROPIC, "end_turn", "stop"),
        (ANTHROPIC, "model_context_window_exceeded", "length"),
        (CHAT, "length", "length"),
        (CHAT, "content_filter", "content_filter"),
        (CHAT, "eos", "stop"),
        (CHAT, "function_call", "tool_calls"),
        (RESPONSES, "max_output_tokens", "length"),
        (RESPONSES, "content_filter", "content_filter"),
    ],
    ids=lambda v: v.name if isinstance(v, RouteCase) else v,
)
@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_provider_stop_reasons_in_one_vocabulary(
    emu: ProviderEmulator, route: RouteCase, raw: str, finish: str, stream: bool
) -> None:
    emu.script(EmuReply(text="some text", stop_reason=raw))
    result = await generate(route, emu, stream)
    assert result.content == "some text"
    assert result.finish_reason == finish


async def test_tool_calls_finish_with_tool_calls_then_stop(emu: ProviderEmulator, route: RouteCase) -> None:
    def square(x: int) -> int:
        """Square."""
        return x * x

    emu.script(emu_tool_calls(("square", {"x": 3})), emu_text("9"))
    client = route.client(emu)
    client.register_tool(square)
    result = await client.generate(USER)
    assert (result.content, result.finish_reason) == ("9", "stop")
