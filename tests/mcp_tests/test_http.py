"""Streamable HTTP on 127.0.0.1: llmft's client against the mcp-package server (a subprocess), and
llmft's own server (in this process) consumed by llmft's client, the user id injected server-side
from the bearer token."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from llmft import ConfigurationError, LLMClient, MCPServerHTTP, ToolFactory
from llmft.mcp import serve_async
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls
from tests.mcp_tests.conftest import SERVERS
from tests.mcp_tests.servers import llmft_tools


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(SERVERS / "echo_server.py"), "--http", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


@pytest.fixture
async def llmft_server() -> AsyncIterator[str]:
    """llmft's server over HTTP on a free port, in this process; its URL."""
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_async(
            llmft_tools.factory,
            transport="http",
            port=0,
            context_factory=llmft_tools.user_from_token,
            on_ready=ready.set_result,
        )
    )
    url = await asyncio.wait_for(ready, 10)
    llmft_tools.SEEN.clear()
    yield url
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_mcp_package_server_over_http(echo_url: str) -> None:
    assert echo_url.startswith("http://127.0.0.1:")
    tools = ToolFactory()
    names = await tools.add_mcp_server(MCPServerHTTP(echo_url), prefix="web")
    assert "web_echo" in names
    result = await tools.dispatch_tool("web_echo", json.dumps({"text": "over http"}))
    assert (result.content, result.payload) == ("over http", {"result": "over http"})
    big = await tools.dispatch_tool("web_big", json.dumps({"chars": 2_000_000}))
    assert big.metadata is not None
    assert big.metadata["cut_chars"] == 1_000_000
    await tools.aclose()


async def test_llmft_served_over_http_fills_the_user_id_server_side(llmft_server: str) -> None:
    async with ProviderEmulator() as emu:
        client = LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-test-123456")
        emu.on_close(client.aclose)
        server = MCPServerHTTP(llmft_server, headers={"Authorization": "Bearer tok-abc"})
        assert await client.add_mcp_server(server, prefix="shop") == [
            "shop_find_latest_order",
            "shop_track_shipment",
        ]
        schema = client.tool_factory.registrations["shop_track_shipment"].schema
        assert list(schema["properties"]) == ["order_id"]  # user_id is injected: never published
        emu.script(
            emu_tool_calls(("shop_find_latest_order", {})),
            # The model tries to pick the user: the server ignores it and uses the token's user.
            emu_tool_calls(("shop_track_shipment", {"order_id": "A-1001", "user_id": "u-7"})),
            emu_text("It arrives on Thursday."),
        )
        result = await client.generate([{"role": "user", "content": "Where is my order?"}])
        assert result.content == "It arrives on Thursday."
        assert [m["content"] for m in result.tool_messages] == [
            json.dumps(llmft_tools.ORDERS["u-42"]),
            "arriving Thursday",
        ]
        seen_by_tools = [e for e in llmft_tools.SEEN if "tool" in e]
        assert [(e["tool"], e["user_id"]) for e in seen_by_tools] == [
            ("find_latest_order", "u-42"),
            ("track_shipment", "u-42"),
        ]
        sent_to_server = [e["params"] for e in llmft_tools.SEEN if "params" in e]
        assert [p["name"] for p in sent_to_server] == ["find_latest_order", "track_shipment"]
        assert sent_to_server[1]["arguments"] == {"order_id": "A-1001", "user_id": "u-7"}
        assert "u-42" not in json.dumps(sent_to_server)
        assert all("u-42" not in json.dumps(r.body) for r in emu.requests)


async def test_llmft_server_errors_reach_the_client_as_error_outputs(llmft_server: str) -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(MCPServerHTTP(llmft_server, headers={"Authorization": "Bearer tok-abc"}))
    refused = await tools.dispatch_tool("track_shipment", json.dumps({"order_id": "B-2"}))
    assert refused.error == "tool 'track_shipment' failed: PermissionError: that order is not this user's"
    await tools.aclose()

    # A token the context_factory does not know: the call fails server-side, saying nothing of why.
    llmft_tools.SEEN.clear()
    strangers = ToolFactory()
    await strangers.add_mcp_server(MCPServerHTTP(llmft_server, headers={"Authorization": "Bearer nope"}))
    result = await strangers.dispatch_tool("find_latest_order", "{}")
    assert result.error == "the server could not set up this call (its context_factory failed)"
    assert not [e for e in llmft_tools.SEEN if "tool" in e]
    await strangers.aclose()


async def test_a_server_that_went_away_is_an_error_output_then_reconnected() -> None:
    tools = ToolFactory()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def listening(url: str) -> None:
        if not ready.done():
            ready.set_result(url)

    def start(port: int) -> asyncio.Task[None]:
        return asyncio.create_task(
            serve_async(
                llmft_tools.factory,
                transport="http",
                port=port,
                context_factory=lambda _: {"user_id": "u-42"},
                on_ready=listening,
            )
        )

    server = start(0)
    url = await asyncio.wait_for(ready, 10)
    await tools.add_mcp_server(MCPServerHTTP(url), tool_timeout=5)
    assert (await tools.dispatch_tool("find_latest_order", "{}")).error is None
    server.cancel()
    with pytest.raises(asyncio.CancelledError):
        await server
    gone = await tools.dispatch_tool("find_latest_order", "{}")
    assert gone.error is not None
    assert "failed to run 'find_latest_order'" in gone.error
    server = start(int(url.rsplit(":", 1)[1].split("/")[0]))
    try:
        back = await tools.dispatch_tool("find_latest_order", "{}")
        assert back.error is None, back.error
    finally:
        await tools.aclose()
        server.cancel()
        with pytest.raises(asyncio.CancelledError):
            await server


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"transport": "sse"}, "transport must be 'stdio' or 'http'"),
        ({"port": 70000}, "port must be an int"),
        ({"context_factory": "user"}, "context_factory must be callable"),
    ],
)
async def test_serve_checks_its_arguments(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        await serve_async(llmft_tools.factory, **options)


async def test_serve_needs_a_tool_factory() -> None:
    with pytest.raises(ConfigurationError, match="serve needs a ToolFactory, got dict"):
        await serve_async({})  # type: ignore[arg-type]
