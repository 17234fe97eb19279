"""Reasoning state round-trips: OpenAI reasoning items (encrypted when not stored) and Anthropic thinking
blocks with their signatures go back unchanged on the next request, on every route; never to another
provider; `result.messages` stays plain JSON."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from llmft import LLMClient, ReasoningDelta, TextDelta
from llmft.testing import EmuToolCall, ProviderEmulator, emu_text, emu_tool_calls

from .conftest import KEY, ROUTES, RouteCase

USER = [{"role": "user", "content": "what is the weather?"}]
THINKING = {"type": "enabled", "budget_tokens": 1024}


def weather(city: str) -> str:
    """Weather for a city."""
    return f"sunny in {city}"


async def test_openai_reasoning_items_go_back_encrypted_when_not_stored(emu: ProviderEmulator) -> None:
    emu.script(
        replace(
            emu_tool_calls(("weather", {"city": "Oslo"}), reasoning="I should look it up"),
            reasoning_tokens=12,
        ),
        emu_text("Sunny.", reasoning="It said sunny"),
        emu_text("Still sunny."),
    )
    client = LLMClient("o4-mini", base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(client.aclose)
    client.register_tool(weather)
    result = await client.generate(USER, store=False)
    assert result.content == "Sunny."
    assert result.reasoning == "I should look it up\n\nIt said sunny"
    assert result.usage is not None
    assert result.usage.reasoning_tokens == 12
    first, second = emu.requests
    assert "reasoning.encrypted_content" in first.body["include"]
    (sent,) = second.items_of_type("reasoning")  # the tool round carried the reasoning back
    assert sent["encrypted_content"].startswith("gAAAA")
    assert result.messages is not None
    assert json.loads(json.dumps(result.messages)) == result.messages
    follow_up = [*result.messages, {"role": "user", "content": "and tomorrow?"}]
    await client.generate(follow_up, store=False)
    assert len(emu.requests[2].items_of_type("reasoning")) == 2


@pytest.mark.parametrize("route", [r for r in ROUTES if r.protocol == "anthropic"], ids=lambda r: r.name)
async def test_anthropic_thinking_blocks_keep_their_signatures_through_a_tool_turn(route: RouteCase) -> None:
    async with ProviderEmulator(require_thinking_roundtrip=True) as emu:
        emu.script(
            emu_tool_calls(("weather", {"city": "Oslo"}), reasoning="Need the weather tool"),
            emu_text("It is sunny."),
        )
        client = route.client(emu)
        client.register_tool(weather)
        result = await client.generate(USER, thinking=THINKING, max_output_tokens=4096)
        assert result.content == "It is sunny."
        assert result.reasoning == "Need the weather tool"
        second = emu.requests[1]
        (block,) = second.blocks_of_type("thinking")
        assert block["signature"] in emu.issued_signatures
        assert result.messages is not None
        assert json.loads(json.dumps(result.messages)) == result.messages
        assert result.messages[1]["thinking_blocks"][0]["signature"] == block["signature"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.protocol == "anthropic"], ids=lambda r: r.name)
async def test_streamed_thinking_with_tools_round_trips_too(route: RouteCase) -> None:
    async with ProviderEmulator(require_thinking_roundtrip=True) as emu:
        emu.script(
            emu_tool_calls(("weather", {"city": "Rome"}), reasoning="Check Rome"),
            emu_text("Sunny in Rome."),
        )
        client = route.client(emu)
        client.register_tool(weather)
        events = [e async for e in client.stream_events(USER, thinking=THINKING, max_output_tokens=4096)]
        text = "".join(e.text for e in events if isinstance(e, TextDelta))
        thought = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
        assert text == "Sunny in Rome."
        assert thought == "Check Rome"
        assert emu.requests[1].blocks_of_type("thinking")


async def test_reasoning_is_left_out_when_the_conversation_moves_to_another_provider(
    emu: ProviderEmulator,
) -> None:
    emu.script(emu_text("Sunny.", reasoning="hidden chain"), emu_text("From Claude."))
    openai = LLMClient("o4-mini", base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(openai.aclose)
    first = await openai.generate(USER, store=False)
    assert first.messages is not None
    claude = LLMClient(
        "anthropic/claude-sonnet-4-5", base_url=emu.base_url, api_key="sk-ant-0123456789", max_retries=0
    )
    emu.on_close(claude.aclose)
    result = await claude.generate([*first.messages, {"role": "user", "content": "and you?"}])
    assert result.content == "From Claude."
    body = json.dumps(emu.requests[1].body)
    assert "hidden chain" not in body
    assert "encrypted_content" not in body


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "streamed"])
async def test_a_thought_signature_in_a_call_id_goes_back_unchanged(
    emu: ProviderEmulator, stream: bool
) -> None:
    # litellm carries Gemini's thought signature in the tool call id (`<id>__thought__<signature>`);
    # Gemini refuses the next request without it, so the id must come back byte for byte.
    signed = "call_abc__thought__" + "Q2lnZ0FZa0ZSb3Vu" * 40
    emu.script(
        emu_tool_calls(EmuToolCall("weather", '{"city": "Oslo"}', call_id=signed)),
        emu_text("Sunny."),
    )
    client = LLMClient("openai/gemini-compatible", base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(client.aclose)
    client.register_tool(weather)
    if stream:
        chunks = [c async for c in await client.generate(USER, stream=True)]
        result = chunks[-1].result
        assert result is not None
    else:
        result = await client.generate(USER)
    assert result.content == "Sunny."
    sent = emu.requests[1].body["messages"]
    assert [m["tool_calls"][0]["id"] for m in sent if m.get("tool_calls")] == [signed]
    assert [m["tool_call_id"] for m in sent if m["role"] == "tool"] == [signed]
    assert result.messages is not None
    assert any(signed in json.dumps(m) for m in result.messages)  # and in the stored conversation
