"""Provider tool search (deferred tools) through the real SDKs: Responses and Anthropic."""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest
from anthropic.types import (
    ServerToolUseBlock,
    ToolSearchToolResultBlock,
    ToolSearchToolSearchResultBlock,
    ToolUseBlock,
)
from openai.types.responses import ResponseToolSearchCall, ResponseToolSearchOutputItem

from llmft.testing import EmuReply, EmuToolCall, ProviderEmulator, emu_tool_search

KEY = "sk-test-0123456789abcdef"
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}
OPENAI_TOOLS: Any = [
    {"type": "tool_search"},
    {"type": "function", "name": "get_weather", "parameters": SCHEMA, "strict": False, "defer_loading": True},
    {"type": "function", "name": "get_time", "parameters": SCHEMA, "strict": False, "defer_loading": True},
]
FOUND_WEATHER = EmuReply(
    server_calls=(emu_tool_search("get_weather", query="weather"),),
    tool_calls=(EmuToolCall("get_weather", '{"city": "Oslo"}'),),
)


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def anthropic_client(emu: ProviderEmulator) -> anthropic.AsyncAnthropic:
    sdk = anthropic.AsyncAnthropic(base_url=emu.base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def anthropic_tools(kind: str) -> Any:
    search = {"type": f"tool_search_tool_{kind}_20251119", "name": f"tool_search_tool_{kind}"}
    weather = {"name": "get_weather", "description": "Weather", "input_schema": SCHEMA, "defer_loading": True}
    return [search, weather]


async def test_responses_tool_search_loads_the_found_tools_then_calls_one(emu: ProviderEmulator) -> None:
    emu.script(FOUND_WEATHER, FOUND_WEATHER)
    sdk = openai_client(emu)
    response = await sdk.responses.create(model="gpt-5.4", input="weather in Oslo?", tools=OPENAI_TOOLS)
    call, output, function_call = response.output
    assert isinstance(call, ResponseToolSearchCall)
    assert (call.execution, call.status, call.arguments) == ("server", "completed", {"query": "weather"})
    assert isinstance(output, ResponseToolSearchOutputItem)
    assert output.call_id == call.call_id
    assert [tool.name for tool in output.tools] == ["get_weather"]  # type: ignore[union-attr]
    assert function_call.type == "function_call"
    stream = await sdk.responses.create(model="gpt-5.4", input="x", tools=OPENAI_TOOLS, stream=True)
    events = [event async for event in stream]
    done = [e.item.type for e in events if e.type == "response.output_item.done"]
    assert done == ["tool_search_call", "tool_search_output", "function_call"]


@pytest.mark.parametrize(("kind", "argument"), [("regex", "pattern"), ("bm25", "query")])
async def test_anthropic_tool_search_answers_with_tool_references(
    emu: ProviderEmulator, kind: str, argument: str
) -> None:
    emu.script(FOUND_WEATHER, FOUND_WEATHER)
    sdk = anthropic_client(emu)
    user: Any = [{"role": "user", "content": "weather?"}]
    message = await sdk.messages.create(
        model="claude", max_tokens=100, tools=anthropic_tools(kind), messages=user
    )
    use, result, tool_use = message.content
    assert isinstance(use, ServerToolUseBlock)
    assert (use.name, use.input) == (f"tool_search_tool_{kind}", {argument: "weather"})
    assert isinstance(result, ToolSearchToolResultBlock)
    assert result.tool_use_id == use.id
    assert isinstance(result.content, ToolSearchToolSearchResultBlock)
    assert [r.tool_name for r in result.content.tool_references] == ["get_weather"]
    assert isinstance(tool_use, ToolUseBlock)
    assert tool_use.input == {"city": "Oslo"}
    async with sdk.messages.stream(
        model="claude", max_tokens=100, tools=anthropic_tools(kind), messages=user
    ) as stream:
        streamed = await stream.get_final_message()
    assert [b.type for b in streamed.content] == ["server_tool_use", "tool_search_tool_result", "tool_use"]


async def test_a_search_that_finds_an_undefined_tool_is_a_script_error(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(server_calls=(emu_tool_search("nope"),)), EmuReply(server_calls=(emu_tool_search("nope"),))
    )
    with pytest.raises(openai.InternalServerError, match="no such tool"):
        await openai_client(emu).responses.create(model="m", input="x", tools=OPENAI_TOOLS)
    with pytest.raises(anthropic.InternalServerError, match="no such tool"):
        await anthropic_client(emu).messages.create(
            model="claude",
            max_tokens=10,
            tools=anthropic_tools("regex"),
            messages=[{"role": "user", "content": "x"}],
        )
