"""A small MCP server written with the mcp package (2.x), for llmft's client tests.

`python echo_server.py` serves over stdio; `python echo_server.py --http PORT` over streamable HTTP on
127.0.0.1 (it prints its URL on stdout once it listens).
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp_types import (
    BlobResourceContents,
    CallToolResult,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

server = MCPServer("echo-test")
calls = {"count": 0}


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    calls["count"] += 1
    return text


@server.tool()
def add(a: int, b: int = 1) -> dict[str, int]:
    """Add two numbers; the sum comes back as structured content too."""
    calls["count"] += 1
    return {"sum": a + b}


@server.tool(name="dotted.name")
def dotted() -> str:
    """A tool whose name llmft has to clean up."""
    return "dotted"


@server.tool()
def picture() -> CallToolResult:
    """An image and a caption."""
    png = base64.b64encode(b"\x89PNG" + b"\x00" * 96).decode()
    return CallToolResult(
        content=[TextContent(text="a picture:"), ImageContent(data=png, mime_type="image/png")]
    )


@server.tool()
def resources() -> CallToolResult:
    """A link to a resource, and two embedded ones (text and binary)."""
    return CallToolResult(
        content=[
            ResourceLink(uri="file:///notes.txt", name="notes"),
            EmbeddedResource(resource=TextResourceContents(uri="file:///a.txt", text="inline text")),
            EmbeddedResource(resource=BlobResourceContents(uri="file:///b.bin", blob="AAAA")),
        ]
    )


@server.tool()
def refuse(reason: str) -> CallToolResult:
    """Answer with an error result."""
    return CallToolResult(content=[TextContent(text=f"refused: {reason}")], is_error=True)


@server.tool()
def big(chars: int) -> CallToolResult:
    """A long text (and no structured copy of it)."""
    return CallToolResult(content=[TextContent(text="x" * chars)])


@server.tool()
async def slow(seconds: float) -> str:
    """Answer after a while."""
    await asyncio.sleep(seconds)
    return "late"


@server.tool()
def count() -> int:
    """How many echo/add calls this process has served."""
    return calls["count"]


@server.tool()
def pid() -> int:
    """This server's process id."""
    return os.getpid()


def main(argv: list[str]) -> None:
    if argv[:1] == ["--http"]:
        import socket

        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", int(argv[1]) if len(argv) > 1 else 0))
        sock.listen()
        app: Any = server.streamable_http_app()
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        print(f"http://127.0.0.1:{sock.getsockname()[1]}/mcp", flush=True)
        asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))
    else:
        server.run()


if __name__ == "__main__":
    main(sys.argv[1:])
