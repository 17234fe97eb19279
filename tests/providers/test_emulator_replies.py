"""Refusals, stop reasons, usage details, server tools and Anthropic error bodies through the real SDKs."""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest
from anthropic.types import ServerToolUseBlock, TextBlock, WebSearchToolResultBlock

from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_refusal, emu_web_search

KEY = "sk-test-0123456789abcdef"
USER: Any = [{"role": "user", "content": "x"}]


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def anthropic_client(emu: ProviderEmulator) -> anthropic.AsyncAnthropic:
    sdk = anthropic.AsyncAnthropic(base_url=emu.base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


async def test_a_responses_refusal_is_a_refusal_part_in_json_and_in_streams(emu: ProviderEmulator) -> None:
    emu.script(emu_refusal("I won't."), emu_refusal("I won't."))
    sdk = openai_client(emu)
    response = await sdk.responses.create(model="gpt-4o", input="x")
    message = response.output[0]
    assert message.type == "message"
    part = message.content[0]
    assert part.type == "refusal"
    assert part.refusal == "I won't."
    assert response.output_text == ""
    stream = await sdk.responses.create(model="gpt-4o", input="x", stream=True)
    events = [event async for event in stream]
    kinds = {e.type for e in events}
    assert {"response.refusal.delta", "response.refusal.done"} <= kinds
    assert not any(kind.startswith("response.output_text") for kind in kinds)
    done = next(e for e in events if e.type == "response.refusal.done")
    assert done.refusal == "I won't."


async def test_a_chat_refusal_is_message_refusal_and_delta_refusal(emu: ProviderEmulator) -> None:
    emu.script(emu_refusal("no"), emu_refusal("no thanks"))
    sdk = openai_client(emu)
    completion = await sdk.chat.completions.create(model="gpt-4o", messages=USER)
    assert completion.choices[0].message.refusal == "no"
    assert completion.choices[0].message.content is None
    stream = await sdk.chat.completions.create(model="gpt-4o", messages=USER, stream=True)
    refusal = [c.choices[0].delta.refusal async for c in stream if c.choices]
    assert "".join(r for r in refusal if r) == "no thanks"


async def test_an_anthropic_refusal_stops_with_refusal_and_streams_alike(emu: ProviderEmulator) -> None:
    emu.script(emu_refusal("no"), emu_refusal("no"))
    sdk = anthropic_client(emu)
    message = await sdk.messages.create(model="claude", max_tokens=10, messages=USER)
    assert message.stop_reason == "refusal"
    assert message.content == [TextBlock(type="text", text="no", citations=None)]
    async with sdk.messages.stream(model="claude", max_tokens=10, messages=USER) as stream:
        streamed = await stream.get_final_message()
    assert (streamed.stop_reason, streamed.content[0].type) == ("refusal", "text")


async def test_a_scripted_stop_reason_is_sent_verbatim_on_every_protocol(emu: ProviderEmulator) -> None:
    emu.script(*[EmuReply(text="searching", stop_reason="pause_turn")] * 2)
    emu.script(
        EmuReply(text="cut", stop_reason="content_filter"), EmuReply(text="cut", stop_reason="content_filter")
    )
    sdk = anthropic_client(emu)
    assert (
        await sdk.messages.create(model="claude", max_tokens=10, messages=USER)
    ).stop_reason == "pause_turn"
    async with sdk.messages.stream(model="claude", max_tokens=10, messages=USER) as stream:
        assert (await stream.get_final_message()).stop_reason == "pause_turn"
    completion = await openai_client(emu).chat.completions.create(model="m", messages=USER)
    assert completion.choices[0].finish_reason == "content_filter"
    response = await openai_client(emu).responses.create(model="m", input="x")
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "content_filter"


async def test_anthropic_usage_carries_both_cache_counts(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(text="hi", cached_tokens=100, cache_creation_tokens=40), EmuReply(text="hi", cached_tokens=5)
    )
    sdk = anthropic_client(emu)
    usage = (await sdk.messages.create(model="claude", max_tokens=10, messages=USER)).usage
    assert (usage.cache_read_input_tokens, usage.cache_creation_input_tokens) == (100, 40)
    async with sdk.messages.stream(model="claude", max_tokens=10, messages=USER) as stream:
        streamed = (await stream.get_final_message()).usage
    assert (streamed.cache_read_input_tokens, streamed.cache_creation_input_tokens) == (5, 0)


async def test_responses_usage_carries_cached_and_reasoning_tokens(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="hi", cached_tokens=8, reasoning_tokens=4))
    usage = (await openai_client(emu).responses.create(model="m", input="x")).usage
    assert usage is not None
    assert (usage.input_tokens_details.cached_tokens, usage.output_tokens_details.reasoning_tokens) == (8, 4)


async def test_anthropic_web_search_blocks_come_before_the_answer(emu: ProviderEmulator) -> None:
    search = emu_web_search("llmft", ("https://example.org/a", "A"), ("https://example.org/b", "B"))
    emu.script(
        EmuReply(text="found it", server_calls=(search,)), EmuReply(text="again", server_calls=(search,))
    )
    sdk = anthropic_client(emu)
    message = await sdk.messages.create(model="claude", max_tokens=10, messages=USER)
    use, result, text = message.content
    assert isinstance(use, ServerToolUseBlock)
    assert (use.name, use.input) == ("web_search", {"query": "llmft"})
    assert isinstance(result, WebSearchToolResultBlock)
    assert result.tool_use_id == use.id
    assert isinstance(result.content, list)
    assert [r.url for r in result.content] == ["https://example.org/a", "https://example.org/b"]
    assert isinstance(text, TextBlock)
    assert message.usage.server_tool_use is not None
    assert message.usage.server_tool_use.web_search_requests == 1
    async with sdk.messages.stream(model="claude", max_tokens=10, messages=USER) as stream:
        streamed = await stream.get_final_message()
    assert [b.type for b in streamed.content] == ["server_tool_use", "web_search_tool_result", "text"]
    assert streamed.content[0].input == {"query": "llmft"}  # type: ignore[union-attr]


async def test_web_search_on_responses_is_a_web_search_call_item(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="ok", server_calls=(emu_web_search("q"),)))
    response = await openai_client(emu).responses.create(model="m", input="x")
    assert [i.type for i in response.output] == ["web_search_call", "message"]


@pytest.mark.parametrize(
    ("status", "kind", "exception"),
    [
        (400, "invalid_request_error", anthropic.BadRequestError),
        (401, "authentication_error", anthropic.AuthenticationError),
        (403, "permission_error", anthropic.PermissionDeniedError),
        (404, "not_found_error", anthropic.NotFoundError),
        (413, "request_too_large", anthropic.APIStatusError),
        (429, "rate_limit_error", anthropic.RateLimitError),
        (500, "api_error", anthropic.InternalServerError),
        (529, "overloaded_error", anthropic.OverloadedError),
    ],
)
async def test_anthropic_status_faults_carry_the_matching_error_type(
    emu: ProviderEmulator, status: int, kind: str, exception: type[anthropic.APIStatusError]
) -> None:
    emu.script(EmuReply(fault=Fault(status=status)))
    with pytest.raises(exception) as caught:
        await anthropic_client(emu).messages.create(model="claude", max_tokens=10, messages=USER)
    assert caught.value.status_code == status
    assert caught.value.body == {
        "type": "error",
        "error": {"type": kind, "message": f"emulated HTTP {status}"},
        "request_id": "req_emulated",
    }
