"""A ToolFactory's tools served as an MCP server: the published schemas leave out injected parameters,
and `context_factory` fills them server-side for each call, from the MCP request (its HTTP headers,
say) — a client can neither see nor set them."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

from llmft.app import bootstrap
from llmft.app.errors import ConfigurationError
from llmft.app.tools import ToolFactory
from llmft.domain.remote_tools import RemoteResult, RemoteTool

ContextFactory = Callable[[Any], Mapping[str, Any] | Awaitable[Mapping[str, Any]]]
"""Gets the mcp SDK's `ServerRequestContext` of a call (`.request` is the HTTP request over HTTP, with
its `.headers`); returns that call's `tool_execution_context`."""

logger = logging.getLogger("llmft")
_NO_CONTEXT = "Error: the server could not set up this call (its context_factory failed)"


def _published(factory: ToolFactory) -> tuple[RemoteTool, ...]:
    specs = (tool.spec({}) for tool in factory.select())
    return tuple(RemoteTool(s.name, s.description, s.parameters) for s in specs)


async def _context(context_factory: ContextFactory | None, request: Any) -> Mapping[str, Any]:
    if context_factory is None:
        return {}
    made = context_factory(request)
    context = await made if inspect.isawaitable(made) else made
    if not isinstance(context, Mapping):
        raise TypeError(f"context_factory returned {type(context).__name__}, not a mapping")
    return context


async def serve_async(
    factory: ToolFactory,
    *,
    transport: Literal["stdio", "http"] = "stdio",
    context_factory: ContextFactory | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    name: str = "llmft",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve `factory`'s tools over MCP until the client leaves (stdio) or the task is cancelled (HTTP).

    Over HTTP the endpoint is `http://host:port/mcp` (`port=0` picks a free port); `on_ready` gets the
    URL once it listens.
    """
    if not isinstance(factory, ToolFactory):
        raise ConfigurationError(f"serve needs a ToolFactory, got {type(factory).__name__}", "factory")
    if transport not in ("stdio", "http"):
        raise ConfigurationError(f"transport must be 'stdio' or 'http', not {transport!r}", "transport")
    if context_factory is not None and not callable(context_factory):
        raise ConfigurationError("context_factory must be callable", "context_factory")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigurationError("port must be an int from 0 to 65535", "port")

    async def call(tool: str, arguments: Mapping[str, Any], request: Any) -> RemoteResult:
        try:
            context = await _context(context_factory, request)
        except Exception:
            logger.warning("mcp serve: context_factory failed for a call of %r", tool, exc_info=True)
            return RemoteResult((_NO_CONTEXT,), None, True)
        result = await factory.run_call(tool, arguments, context=context, mock=False, depth=0)
        return RemoteResult((result.content,), None, result.error is not None)

    from llmft import __version__

    await bootstrap.publish_tools(
        lambda: _published(factory),
        call,
        name=name,
        version=__version__,
        transport=transport,
        host=host,
        port=port,
        on_ready=on_ready or (lambda _: None),
    )


def serve(
    factory: ToolFactory,
    *,
    transport: Literal["stdio", "http"] = "stdio",
    context_factory: ContextFactory | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    name: str = "llmft",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """`serve_async` in a new event loop: blocks until the client leaves (stdio) or Ctrl-C (HTTP)."""
    asyncio.run(
        serve_async(
            factory,
            transport=transport,
            context_factory=context_factory,
            host=host,
            port=port,
            name=name,
            on_ready=on_ready,
        )
    )
