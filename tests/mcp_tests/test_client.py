"""llmft's MCP client against a server written with the mcp package, over stdio: listing, calls,
results, limits, mock mode and a conversation through the provider emulator.

One server process serves the whole module (it starts in about a second); no test here restarts it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from llmft import LLMClient, ToolFactory
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls
from tests.mcp_tests.conftest import echo_server

pytestmark = pytest.mark.usefixtures("no_leaked_process")


@pytest.fixture(scope="module")
async def emu() -> AsyncIterator[ProviderEmulator]:
    async with ProviderEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
async def client(emu: ProviderEmulator) -> AsyncIterator[LLMClient]:
    async with LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-test-123456") as made:
        names = await made.add_mcp_server(echo_server(), prefix="srv", tool_timeout=30)
        assert names[0] == "srv_echo"
        yield made


@pytest.fixture
def tools(client: LLMClient) -> ToolFactory:
    return client.tool_factory


async def served_calls(tools: ToolFactory) -> int:
    result = await tools.dispatch_tool("srv_count", "{}")
    return int(result.content)


async def test_each_tool_is_registered_with_its_own_schema(tools: ToolFactory) -> None:
    assert tools.available_tool_names == [
        "srv_echo",
        "srv_add",
        "srv_dotted_name",  # "dotted.name" on the server: '.' is not allowed in a model's tool name
        "srv_picture",
        "srv_resources",
        "srv_refuse",
        "srv_big",
        "srv_slow",
        "srv_count",
        "srv_pid",
    ]
    echo = tools.registrations["srv_echo"]
    assert echo.description == "Echo the text back."
    assert echo.schema["properties"]["text"]["type"] == "string"
    assert echo.schema["required"] == ["text"]
    assert (echo.group, echo.category, echo.tags) == ("mcp.srv", "mcp", ["mcp"])
    assert echo.options.tool_timeout == 30
    definition = tools.get_tool_definitions(["srv_add"])[0]["function"]
    assert definition["parameters"]["properties"]["b"]["default"] == 1


async def test_a_call_runs_on_the_server(tools: ToolFactory) -> None:
    result = await tools.dispatch_tool("srv_echo", json.dumps({"text": "hi"}))
    assert (result.content, result.payload, result.error) == ("hi", {"result": "hi"}, None)
    assert result.metadata is not None
    assert result.metadata["mcp_tool"] == "echo"
    assert "echo_server.py" in result.metadata["mcp_server"]
    dotted = await tools.dispatch_tool("srv_dotted_name", "{}")
    assert dotted.content == "dotted"  # called by the server's own name


async def test_structured_content_is_the_payload_and_null_means_left_out(tools: ToolFactory) -> None:
    # Strict mode makes a model send null for an optional argument: it is left out, so b=1.
    result = await tools.dispatch_tool("srv_add", json.dumps({"a": 2, "b": None}))
    assert result.payload == {"sum": 3}
    assert json.loads(result.content) == {"sum": 3}


async def test_arguments_are_checked_before_anything_is_sent(tools: ToolFactory) -> None:
    before = await served_calls(tools)
    result = await tools.dispatch_tool("srv_add", json.dumps({"a": "two", "c": 1}))
    assert result.error is not None
    assert "'two' is not of type 'integer'" in result.error
    assert await served_calls(tools) == before


async def test_an_image_is_a_placeholder_and_an_error_result_sets_error(tools: ToolFactory) -> None:
    picture = await tools.dispatch_tool("srv_picture", "{}")
    assert picture.content == "a picture:\n[image: image/png, 100 bytes, not shown]"
    assert picture.error is None
    resources = await tools.dispatch_tool("srv_resources", "{}")
    assert resources.content.splitlines() == [
        "[resource: file:///notes.txt]",
        "inline text",
        "[resource: file:///b.bin, binary, not shown]",
    ]
    refused = await tools.dispatch_tool("srv_refuse", json.dumps({"reason": "not today"}))
    assert refused.content == "refused: not today"
    assert refused.error == "refused: not today"


async def test_ten_megabytes_of_text_are_cut_to_the_cap_with_a_marker(tools: ToolFactory) -> None:
    result = await tools.dispatch_tool("srv_big", json.dumps({"chars": 10_000_000}))
    assert result.error is None
    head, marker = result.content[:1_000_000], result.content[1_000_000:]
    assert head == "x" * 1_000_000
    assert marker == "\n[... 9000000 more characters cut: the result is over 1000000 characters]"
    assert result.metadata is not None
    assert result.metadata["cut_chars"] == 9_000_000


async def test_concurrent_calls_share_the_connection(tools: ToolFactory) -> None:
    pid = (await tools.dispatch_tool("srv_pid", "{}")).content
    texts = [f"call {i}" for i in range(20)]
    results = await asyncio.gather(*(tools.dispatch_tool("srv_echo", json.dumps({"text": t})) for t in texts))
    assert [r.content for r in results] == texts
    assert (await tools.dispatch_tool("srv_pid", "{}")).content == pid


async def test_mock_mode_never_reaches_the_server(tools: ToolFactory) -> None:
    before = await served_calls(tools)
    result = await tools.dispatch_tool("srv_echo", json.dumps({"text": "hi"}), use_mock=True)
    assert result.content == "Mocked execution for tool 'srv_echo'."
    assert await served_calls(tools) == before


async def test_a_conversation_in_which_the_model_calls_an_mcp_tool(
    client: LLMClient, emu: ProviderEmulator
) -> None:
    before = await served_calls(client.tool_factory)
    client.tool_factory.reset_tool_usage_counts()
    emu.script(emu_tool_calls(("srv_echo", {"text": "hi"})), emu_text("done"))
    result = await client.generate([{"role": "user", "content": "echo hi"}], use_tools=["srv_echo"])
    assert result.content == "done"
    assert [m["content"] for m in result.tool_messages] == ["hi"]
    assert {"result": "hi"} in [p.get("payload") for p in result.payloads]
    sent_tools = emu.requests[-2].body["tools"]
    assert [t["name"] for t in sent_tools] == ["srv_echo"]
    assert sent_tools[0]["parameters"]["properties"]["text"]["type"] == "string"
    function_output = [i for i in emu.requests[-1].body["input"] if i.get("type") == "function_call_output"]
    assert function_output[0]["output"] == "hi"
    assert client.tool_factory.get_tool_usage_counts()["srv_echo"] == 1
    assert await served_calls(client.tool_factory) == before + 1

    # The same turn in mock mode: the model gets the stub, the server is not called.
    emu.script(emu_tool_calls(("srv_echo", {"text": "hi"})), emu_text("done"))
    mocked = await client.generate([{"role": "user", "content": "echo hi"}], mock_tools=True)
    assert mocked.tool_messages[0]["content"] == "Mocked execution for tool 'srv_echo'."
    assert await served_calls(client.tool_factory) == before + 1
