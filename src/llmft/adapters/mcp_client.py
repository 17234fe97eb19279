"""`ToolSource` over the official MCP SDK (mcp 2.x): a server run as a subprocess (stdio) or reached over
streamable HTTP.

The SDK's client must be entered and left in one task, so each connection lives in a task of its own
(`_Connection`): calls reach it through a queue and are answered through futures. A connection whose
server closed it, or that let a call time out, is retired (closed in the background: the SDK stops and
reaps a subprocess) and the next call makes a new one.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2
import mcp_types
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from llmft.domain.ports import ToolSource
from llmft.domain.remote_tools import RemoteCatalog, RemoteResult, RemoteTool, SourceFailure

Streams = tuple[Any, Any]
OpenTransport = Callable[[], AbstractAsyncContextManager[Streams]]
_MAX_LIST_PAGES = 100


def _describe(error: BaseException) -> str:
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    text = str(error).strip() or "no detail"
    return f"{type(error).__name__}: {text[:300]}"


def _unreadable(error: Exception) -> str:
    """The start of what the server wrote that could not be read (pydantic keeps it), or the error."""
    errors = getattr(error, "errors", None)
    try:
        found = errors()[0].get("input") if callable(errors) else None
    except (IndexError, TypeError, AttributeError):
        found = None
    if isinstance(found, str | bytes):
        text = found if isinstance(found, str) else found.decode(errors="replace")
        return repr(text[:100] + ("..." if len(text) > 100 else ""))
    return _describe(error)


class _WatchedRead:
    """The server's incoming stream, passed through; it tells its connection when the stream ends or
    carries something that is not JSON-RPC."""

    def __init__(self, inner: Any, connection: _Connection) -> None:
        self._inner = inner
        self._connection = connection

    def __getattr__(self, name: str) -> Any:  # `last_context`, read by the SDK after each item
        return getattr(self._inner, name)

    async def receive(self) -> SessionMessage | Exception:
        try:
            item: SessionMessage | Exception = await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            self._connection.stream_ended()
            raise
        if isinstance(item, Exception):
            self._connection.garbage(item)
        return item

    def __aiter__(self) -> _WatchedRead:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _WatchedRead:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Call:
    __slots__ = ("arguments", "future", "name", "scope")

    def __init__(self, name: str, arguments: Mapping[str, Any]) -> None:
        self.name = name
        self.arguments = dict(arguments)
        self.future: asyncio.Future[Result[RemoteResult, SourceFailure]] = (
            asyncio.get_running_loop().create_future()
        )
        self.scope: anyio.CancelScope | None = None


class _Connection:
    """One session with the server, entered, served and left in its own task."""

    def __init__(self, open_transport: OpenTransport, init_timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self._open = open_transport
        self._queue: asyncio.Queue[_Call] = asyncio.Queue()
        self._ready: asyncio.Future[Result[RemoteCatalog, SourceFailure]] = loop.create_future()
        self._done = asyncio.Event()  # set to stop, or by the end of the server's stream
        self._scope = anyio.CancelScope()
        self._why_stopped: str | None = None
        self._timer = loop.call_later(init_timeout, self._give_up, f"no answer within {init_timeout:g} s")
        self.task = asyncio.create_task(self._run())

    @property
    def alive(self) -> bool:
        return not self._done.is_set()

    async def ready(self) -> Result[RemoteCatalog, SourceFailure]:
        return await asyncio.shield(self._ready)

    def stream_ended(self) -> None:
        self._done.set()

    def garbage(self, error: Exception) -> None:
        if not self._ready.done():
            self._give_up(f"it wrote something that is not JSON-RPC: {_unreadable(error)}")

    def _give_up(self, why: str) -> None:
        self._why_stopped = self._why_stopped or why
        self._scope.cancel()

    def stop(self) -> None:
        """Ask the task to leave the session (it unwinds in the background)."""
        self._done.set()
        if not self._ready.done():
            self._give_up("it was closed while starting")

    async def close(self) -> None:
        self.stop()
        await asyncio.shield(self.task)

    async def _run(self) -> None:
        outcome: Result[RemoteCatalog, SourceFailure] | None = None
        try:
            with self._scope:
                async with Client(self._watched(), cache=None) as client:
                    catalog = await _catalog(client)
                    self._timer.cancel()
                    self._ready.set_result(Success(catalog))
                    await self._serve(client)
        except Exception as error:
            outcome = Failure(SourceFailure(_describe(error), "start"))
        finally:
            self._timer.cancel()
            self._done.set()
            if not self._ready.done():
                why = self._why_stopped or "it closed the connection while starting"
                self._ready.set_result(outcome or Failure(SourceFailure(why, "start")))
            while not self._queue.empty():
                _answer_closed(self._queue.get_nowait())

    @asynccontextmanager
    async def _watched(self) -> AsyncIterator[Streams]:
        async with self._open() as (read, write):
            yield _WatchedRead(read, self), write

    async def _serve(self, client: Client) -> None:
        async with anyio.create_task_group() as group:

            async def leave_when_done() -> None:
                await self._done.wait()
                group.cancel_scope.cancel()

            group.start_soon(leave_when_done)
            while True:
                group.start_soon(self._answer, client, await self._queue.get())

    async def _answer(self, client: Client, call: _Call) -> None:
        outcome: Result[RemoteResult, SourceFailure] = Failure(
            SourceFailure("the connection closed during the call", "closed")
        )
        try:
            with anyio.CancelScope() as call.scope:
                if call.future.done():  # its caller stopped waiting before it was sent
                    return
                result = await client.call_tool(call.name, call.arguments)
                outcome = Success(_result(result))
        except MCPError as error:
            closed = error.code == mcp_types.CONNECTION_CLOSED
            outcome = Failure(
                SourceFailure(f"{error.message} (code {error.code})", "closed" if closed else "protocol")
            )
        except Exception as error:  # a result the SDK refused (its shape, its output schema)
            outcome = Failure(SourceFailure(_describe(error), "protocol"))
        finally:
            if not call.future.done():
                call.future.set_result(outcome)

    async def call(
        self, name: str, arguments: Mapping[str, Any], timeout: float
    ) -> Result[RemoteResult, SourceFailure]:
        if not self.alive:
            return Failure(SourceFailure("the connection is closed", "closed"))
        call = _Call(name, arguments)
        self._queue.put_nowait(call)
        try:
            return await asyncio.wait_for(asyncio.shield(call.future), timeout)
        except TimeoutError:
            return Failure(SourceFailure(f"no answer within {timeout:g} s", "timeout"))
        finally:
            if not call.future.done():  # timed out or cancelled: the request is stopped (the SDK tells
                call.future.cancel()  # the server it is cancelled) or, not sent yet, never sent
                if call.scope is not None:
                    call.scope.cancel()


def _answer_closed(call: _Call) -> None:
    if not call.future.done():
        call.future.set_result(Failure(SourceFailure("the connection closed before the call", "closed")))


async def _catalog(client: Client) -> RemoteCatalog:
    tools: list[RemoteTool] = []
    cursor: str | None = None
    for _ in range(_MAX_LIST_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools.extend(RemoteTool(t.name, t.description or "", dict(t.input_schema)) for t in page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    info = client.server_info
    return RemoteCatalog(info.name if info is not None else None, tuple(tools))


def _part(block: Any) -> str:
    if isinstance(block, mcp_types.TextContent):
        return block.text
    if isinstance(block, mcp_types.ImageContent | mcp_types.AudioContent):
        size = len(block.data) * 3 // 4 - block.data[-2:].count("=")  # base64's length, decoded
        return f"[{block.type}: {block.mime_type}, {size} bytes, not shown]"
    if isinstance(block, mcp_types.ResourceLink):
        return f"[resource: {block.uri}]"
    if isinstance(block, mcp_types.EmbeddedResource):
        resource = block.resource
        if isinstance(resource, mcp_types.TextResourceContents):
            return resource.text
        return f"[resource: {resource.uri}, {resource.mime_type or 'binary'}, not shown]"
    return f"[{getattr(block, 'type', 'content')}: not shown]"


def _result(result: mcp_types.CallToolResult) -> RemoteResult:
    return RemoteResult(tuple(_part(b) for b in result.content), result.structured_content, result.is_error)


class MCPToolSource:
    """The tools of one MCP server; its connection is made anew after it fails."""

    def __init__(self, label: str, open_transport: OpenTransport, *, init_timeout: float) -> None:
        self.label = label
        self._open = open_transport
        self._init_timeout = init_timeout
        self._live: _Connection | None = None
        self._retired: set[_Connection] = set()
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"MCPToolSource({self.label!r})"

    async def _connect(self) -> Result[tuple[_Connection, RemoteCatalog], SourceFailure]:
        connection = _Connection(self._open, self._init_timeout)
        try:
            ready = await connection.ready()
        except BaseException:  # the caller was cancelled: the half-made connection goes too
            self._retire(connection)
            raise
        if not isinstance(ready, Success):
            await connection.close()  # its process is stopped before the failure is reported
            return Failure(ready.failure())
        return Success((connection, ready.unwrap()))

    async def list_tools(self) -> Result[RemoteCatalog, SourceFailure]:
        """Connect (a new connection replaces the live one) and list the tools."""
        async with self._lock:
            made = await self._connect()
            if not isinstance(made, Success):
                return Failure(made.failure())
            connection, catalog = made.unwrap()
            if self._live is not None:
                self._retire(self._live)
            self._live = connection
            return Success(catalog)

    async def _connection(self) -> Result[_Connection, SourceFailure]:
        async with self._lock:
            if self._live is not None and self._live.alive:
                return Success(self._live)
            if self._live is not None:
                self._retire(self._live)
                self._live = None
            made = await self._connect()
            if not isinstance(made, Success):
                failure = made.failure()
                return Failure(SourceFailure(f"it could not be restarted: {failure.message}", "start"))
            self._live = made.unwrap()[0]
            return Success(self._live)

    async def call_tool(
        self, name: str, arguments: Mapping[str, Any], timeout: float
    ) -> Result[RemoteResult, SourceFailure]:
        """One call; a connection that closed under it or let it time out is retired."""
        got = await self._connection()
        if not is_successful(got):
            return Failure(got.failure())
        connection: _Connection = got.unwrap()
        result = await connection.call(name, arguments, timeout)
        if not is_successful(result) and result.failure().kind in ("timeout", "closed"):
            async with self._lock:
                if self._live is connection:
                    self._live = None
            self._retire(connection)
        return result

    def _retire(self, connection: _Connection) -> None:
        connection.stop()
        self._retired.add(connection)
        connection.task.add_done_callback(lambda _: self._retired.discard(connection))

    async def aclose(self) -> None:
        """Close every connection; a subprocess is stopped and reaped before this returns."""
        if self._live is not None:
            self._retire(self._live)
            self._live = None
        while self._retired:
            await asyncio.gather(*(c.close() for c in list(self._retired)))


def stdio_source(
    command: str,
    args: tuple[str, ...],
    env: Mapping[str, str] | None,
    cwd: str | None,
    *,
    init_timeout: float,
) -> MCPToolSource:
    """A server run as a subprocess (its environment: the SDK's safe defaults plus `env`)."""
    parameters = StdioServerParameters(
        command=command, args=list(args), env=dict(env) if env is not None else None, cwd=cwd
    )
    shown = shlex.join([command, *args])
    label = f"MCP server {shown if len(shown) <= 120 else shown[:117] + '...'!r}"
    return MCPToolSource(label, lambda: stdio_client(parameters), init_timeout=init_timeout)


def http_source(
    url: str, headers: Mapping[str, str] | None, *, init_timeout: float, max_message_bytes: int
) -> MCPToolSource:
    """A server reached over streamable HTTP (headers are sent with every request, never shown)."""
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"

    @asynccontextmanager
    async def open_transport() -> AsyncIterator[Streams]:
        timeout = httpx2.Timeout(30.0, read=300.0)
        async with (
            httpx2.AsyncClient(headers=dict(headers or {}), timeout=timeout) as http,
            streamable_http_client(url, http_client=http, max_sse_event_size=max_message_bytes) as streams,
        ):
            yield streams

    return MCPToolSource(f"MCP server {shown!r}", open_transport, init_timeout=init_timeout)


_: type[ToolSource] = MCPToolSource
