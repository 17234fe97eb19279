"""Reasoning state through the real SDKs: OpenAI reasoning items, Anthropic thinking, Chat reasoning."""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest
from anthropic.types import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock

from llmft.testing import EmuReply, EmuToolCall, ProviderEmulator, emu_text, emu_tool_calls

KEY = "sk-test-0123456789abcdef"
WEATHER: Any = {
    "name": "weather",
    "description": "Weather",
    "input_schema": {"type": "object", "properties": {}},
}
THINKING: Any = {"type": "enabled", "budget_tokens": 1024}


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def anthropic_client(emu: ProviderEmulator) -> anthropic.AsyncAnthropic:
    sdk = anthropic.AsyncAnthropic(base_url=emu.base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


async def test_a_reasoning_item_comes_first_with_encrypted_content_when_asked(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(text="42", reasoning="thought it over", reasoning_tokens=64, signature="opaque-blob"),
        emu_text("plain"),
    )
    sdk = openai_client(emu)
    response = await sdk.responses.create(
        model="o4-mini", input="q", include=["reasoning.encrypted_content"], store=False
    )
    reasoning = response.output[0]
    assert reasoning.type == "reasoning"
    assert reasoning.id.startswith("rs_")
    assert [s.text for s in reasoning.summary] == ["thought it over"]
    assert reasoning.encrypted_content == "opaque-blob"
    assert response.output_text == "42"
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens == 64
    item: Any = reasoning.model_dump(exclude_none=True)
    await sdk.responses.create(model="o4-mini", input=[item, {"role": "user", "content": "and?"}])
    assert emu.requests[1].items_of_type("reasoning") == [item]
    assert emu.requests[1].items_of_type("function_call") == []


async def test_encrypted_content_is_left_out_unless_included(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="42", reasoning="hmm"))
    response = await openai_client(emu).responses.create(model="o4-mini", input="q")
    assert response.output[0].type == "reasoning"
    assert response.output[0].encrypted_content is None


async def test_a_streamed_reasoning_item_has_its_summary_events(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(reasoning="step by step", tool_calls=(EmuToolCall("f", '{"a": 1}'),)))
    stream = await openai_client(emu).responses.create(
        model="o4-mini", input="q", stream=True, include=["reasoning.encrypted_content"]
    )
    events = [event async for event in stream]
    kinds = [e.type for e in events]
    assert kinds[:5] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
    ]
    assert "response.reasoning_summary_text.done" in kinds
    assert "response.reasoning_summary_part.done" in kinds
    deltas = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta")
    assert deltas == "step by step"
    done = next(e for e in events if e.type == "response.output_item.done")
    assert done.item.type == "reasoning"
    assert done.item.encrypted_content
    final = events[-1]
    assert final.type == "response.completed"
    assert [i.type for i in final.response.output] == ["reasoning", "function_call"]


async def test_anthropic_thinking_and_redacted_blocks_precede_the_answer(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(
            text="4", reasoning="2+2", signature="sig-1", redacted_thinking=("EncBlob",), reasoning_tokens=9
        )
    )
    message = await anthropic_client(emu).messages.create(
        model="claude", max_tokens=2048, thinking=THINKING, messages=[{"role": "user", "content": "2+2?"}]
    )
    thinking, redacted, text = message.content
    assert isinstance(thinking, ThinkingBlock)
    assert (thinking.thinking, thinking.signature) == ("2+2", "sig-1")
    assert isinstance(redacted, RedactedThinkingBlock)
    assert redacted.data == "EncBlob"
    assert isinstance(text, TextBlock)
    assert message.usage.output_tokens_details is not None
    assert message.usage.output_tokens_details.thinking_tokens == 9


async def test_streamed_thinking_arrives_as_thinking_and_signature_deltas(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(reasoning="let me think", tool_calls=(EmuToolCall("weather", "{}"),)))
    kinds: list[str] = []
    async with anthropic_client(emu).messages.stream(
        model="claude", max_tokens=2048, thinking=THINKING, messages=[{"role": "user", "content": "x"}]
    ) as stream:
        async for event in stream:
            if event.type == "content_block_delta":
                kinds.append(event.delta.type)
        message = await stream.get_final_message()
    assert kinds.count("signature_delta") == 1
    assert kinds[0] == "thinking_delta"
    thinking, tool_use = message.content
    assert isinstance(thinking, ThinkingBlock)
    assert thinking.thinking == "let me think"
    assert thinking.signature.startswith("EmuSig")
    assert isinstance(tool_use, ToolUseBlock)
    assert message.stop_reason == "tool_use"


async def thinking_turn(sdk: anthropic.AsyncAnthropic, content: list[Any]) -> anthropic.types.Message:
    return await sdk.messages.create(
        model="claude",
        max_tokens=2048,
        thinking=THINKING,
        tools=[WEATHER],
        messages=[
            {"role": "user", "content": "weather?"},
            {"role": "assistant", "content": content},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}],
            },
        ],
    )


async def test_strict_mode_wants_the_thinking_block_back_before_the_tool_use() -> None:
    async with ProviderEmulator(require_thinking_roundtrip=True) as emu:
        emu.script(
            EmuReply(reasoning="call the tool", tool_calls=(EmuToolCall("weather", "{}", "toolu_1"),)),
            emu_text("sunny it is"),
            emu_text("unused"),
        )
        sdk = anthropic_client(emu)
        first = await sdk.messages.create(
            model="claude",
            max_tokens=2048,
            thinking=THINKING,
            tools=[WEATHER],
            messages=[{"role": "user", "content": "q"}],
        )
        blocks = [b.model_dump(exclude_none=True) for b in first.content]
        with pytest.raises(
            anthropic.BadRequestError, match=r"messages\.1\.content\.0\.type: Expected `thinking`"
        ):
            await thinking_turn(sdk, blocks[1:])
        tampered = [{**blocks[0], "thinking": "edited"}, blocks[1]]
        with pytest.raises(anthropic.BadRequestError, match="Invalid `signature`"):
            await thinking_turn(sdk, tampered)
        answer = await thinking_turn(sdk, blocks)
        assert answer.content[0].type == "text"
        assert emu.requests[-1].blocks_of_type("thinking") == [blocks[0]]
        assert emu.pending == 1  # refused requests take no scripted turn


async def test_without_strict_mode_anything_goes(emu: ProviderEmulator) -> None:
    emu.script(emu_text("fine"))
    answer = await thinking_turn(
        anthropic_client(emu), [{"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {}}]
    )
    assert answer.content[0].type == "text"


async def test_chat_reasoning_content_is_on_the_message_and_the_deltas(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(text="4", reasoning="2+2 is 4", reasoning_tokens=5, cached_tokens=3),
        emu_tool_calls(("f", {}), reasoning="need f"),
    )
    sdk = openai_client(emu)
    completion = await sdk.chat.completions.create(
        model="deepseek-reasoner", messages=[{"role": "user", "content": "q"}]
    )
    message = completion.choices[0].message
    assert message.content == "4"
    assert getattr(message, "reasoning_content", None) == "2+2 is 4"
    assert completion.usage is not None
    assert completion.usage.completion_tokens_details is not None
    assert completion.usage.completion_tokens_details.reasoning_tokens == 5
    assert completion.usage.prompt_tokens_details is not None
    assert completion.usage.prompt_tokens_details.cached_tokens == 3
    stream = await sdk.chat.completions.create(
        model="deepseek-reasoner", messages=[{"role": "user", "content": "q"}], stream=True
    )
    reasoning = [getattr(c.choices[0].delta, "reasoning_content", None) async for c in stream if c.choices]
    assert "".join(r for r in reasoning if r) == "need f"
