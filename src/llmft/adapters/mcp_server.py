"""Tools published as an MCP server with the official SDK's low-level `Server` (mcp 2.x), over stdio or
streamable HTTP (uvicorn). The tools and their calls come from the caller: this module only speaks MCP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal

import mcp_types
import uvicorn
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from llmft.domain.remote_tools import RemoteResult, RemoteTool

ListTools = Callable[[], Sequence[RemoteTool]]
CallTool = Callable[[str, Mapping[str, Any], Any], Awaitable[RemoteResult]]
"""`(name, arguments, request_context) -> result`; the context is the SDK's `ServerRequestContext`."""

_GRACEFUL_SECONDS = 2


def _server(name: str, version: str, list_tools: ListTools, call_tool: CallTool) -> Server[Any]:
    async def on_list_tools(
        ctx: Any, params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        tools = [
            mcp_types.Tool(name=t.name, description=t.description, input_schema=dict(t.parameters))
            for t in list_tools()
        ]
        return mcp_types.ListToolsResult(tools=tools)

    async def on_call_tool(ctx: Any, params: mcp_types.CallToolRequestParams) -> mcp_types.CallToolResult:
        result = await call_tool(params.name, dict(params.arguments or {}), ctx)
        content: list[mcp_types.ContentBlock] = [mcp_types.TextContent(text=part) for part in result.parts]
        return mcp_types.CallToolResult(content=content, is_error=result.is_error)

    return Server(name, version=version, on_list_tools=on_list_tools, on_call_tool=on_call_tool)


async def _serve_http(server: Server[Any], host: str, port: int, on_ready: Callable[[str], None]) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    config = uvicorn.Config(
        server.streamable_http_app(host=host),
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=_GRACEFUL_SECONDS,
    )
    web = uvicorn.Server(config)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    running = asyncio.ensure_future(web.serve(sockets=[sock]))
    on_ready(f"http://{shown}:{sock.getsockname()[1]}/mcp")  # the socket listens: clients may connect
    try:
        await asyncio.shield(running)
    except asyncio.CancelledError:
        web.should_exit = True  # a graceful stop: uvicorn closes its connections and the SDK its sessions
        await running
        raise
    finally:
        sock.close()


async def publish(
    list_tools: ListTools,
    call_tool: CallTool,
    *,
    name: str,
    version: str,
    transport: Literal["stdio", "http"],
    host: str,
    port: int,
    on_ready: Callable[[str], None],
) -> None:
    """Serve until the client leaves (stdio) or the task is cancelled (HTTP)."""
    server = _server(name, version, list_tools, call_tool)
    if transport == "http":
        await _serve_http(server, host, port, on_ready)
        return
    async with stdio_server() as (read, write):
        on_ready("stdio")
        await server.run(read, write, server.create_initialization_options())
