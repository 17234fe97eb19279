"""`ProviderEmulator`: a real HTTP server on 127.0.0.1 speaking the providers' wire protocols.

OpenAI Responses (`POST /v1/responses`), OpenAI Chat Completions (`POST /v1/chat/completions`) and
Anthropic Messages (`POST /v1/messages`), each as JSON or as an SSE stream, with tool calls.
Replies are scripted per test, every request is recorded, and faults can be injected.

Written from the providers' API references and independent of llmft's own conversion code (it
imports none of it), so a conversion bug shows up as a failing test rather than being mirrored.

    async with ProviderEmulator() as emu:
        emu.script(emu_text("hello"))
        client = LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="test")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Protocol = str  # "responses" | "chat" | "anthropic"


@dataclass(frozen=True)
class EmuToolCall:
    """A tool call the emulated model makes: its name and JSON arguments."""

    name: str
    arguments: str = "{}"
    call_id: str | None = None


@dataclass(frozen=True)
class Fault:
    """A failure to inject instead of (or while) answering.

    - `status`: answer with this HTTP status, `headers` and a JSON error `body` (or `raw_body`).
    - `malformed`: answer 200 with a body that is not JSON.
    - `invalid_utf8`: answer 200 with bytes that are not UTF-8.
    - `error_body`: answer 200 with `{"error": {...}}` and nothing else.
    - `cut_after`: in a stream, close the connection cleanly after this many events, before the
      terminal event (`reset=True` aborts the connection instead).
    - `reset` without a stream: send half of the body, then abort the connection.
    - `drip`: in a stream, wait this many seconds before each event (a slow drip); without a
      stream, wait this long before answering.
    """

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    raw_body: bytes | None = None
    malformed: bool = False
    invalid_utf8: bool = False
    error_body: bool = False
    cut_after: int | None = None
    reset: bool = False
    drip: float = 0.0


@dataclass(frozen=True)
class EmuReply:
    """One scripted model turn: text and/or tool calls, usage, or a fault."""

    text: str | None = None
    tool_calls: tuple[EmuToolCall, ...] = ()
    input_tokens: int = 11
    output_tokens: int = 7
    cached_tokens: int = 0
    fault: Fault | None = None
    incomplete: bool = False


def emu_text(
    text: str,
    *,
    input_tokens: int = 11,
    output_tokens: int = 7,
    cached_tokens: int = 0,
    incomplete: bool = False,
) -> EmuReply:
    """A turn answering with text (`incomplete=True`: cut by the output-token limit)."""
    return EmuReply(
        text=text,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_tokens=cached_tokens,
        incomplete=incomplete,
    )


def emu_tool_calls(
    *calls: tuple[str, dict[str, Any] | str] | EmuToolCall, text: str | None = None
) -> EmuReply:
    """A turn calling tools: `("name", {"arg": 1})` pairs (a str is sent as raw arguments)."""
    built = []
    for call in calls:
        if isinstance(call, EmuToolCall):
            built.append(call)
        else:
            name, args = call
            built.append(EmuToolCall(name, args if isinstance(args, str) else json.dumps(args)))
    return EmuReply(text=text, tool_calls=tuple(built))


def emu_fault(**fault: Any) -> EmuReply:
    """A turn that fails as described by `Fault`'s fields."""
    return EmuReply(fault=Fault(**fault))


@dataclass
class RecordedRequest:
    """One request the emulator received."""

    protocol: Protocol
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))


Script = Sequence[EmuReply] | Callable[[RecordedRequest], EmuReply]


class ProviderEmulator:
    """A loopback HTTP server that plays scripted model turns over the real wire protocols."""

    def __init__(self, script: Script = (), *, port: int = 0, record: bool = True) -> None:
        self.requests: list[RecordedRequest] = []
        self._queue: list[EmuReply] = []
        self._function: Callable[[RecordedRequest], EmuReply] | None = None
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = port
        self._record = record
        self.open_streams = 0
        self._cleanups: list[Callable[[], Awaitable[None]]] = []
        self.script(script)

    # -- set-up ------------------------------------------------------------------------------

    def script(self, *replies: EmuReply | Script) -> None:
        """Queue more turns (or set a function of the request that answers every request)."""
        for item in replies:
            if callable(item):
                self._function = item
            elif isinstance(item, EmuReply):
                self._queue.append(item)
            else:
                self.script(*item)

    async def __aenter__(self) -> ProviderEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/chat/completions", self._chat)
        app.router.add_post("/v1/messages", self._anthropic)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port, backlog=4096)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    def on_close(self, cleanup: Callable[[], Awaitable[None]]) -> None:
        """Run `cleanup` (say, a client's `aclose`) when the emulator stops, before the server goes."""
        self._cleanups.append(cleanup)

    async def __aexit__(self, *exc: object) -> None:
        cleanups, self._cleanups = self._cleanups, []
        for cleanup in reversed(cleanups):
            await cleanup()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`: the base URL for Anthropic-style clients."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def openai_base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`: the base URL for OpenAI-style clients."""
        return f"{self.base_url}/v1"

    @property
    def pending(self) -> int:
        """Scripted turns not yet played."""
        return len(self._queue)

    # -- request handling --------------------------------------------------------------------

    async def _take(self, protocol: Protocol, request: web.Request) -> tuple[RecordedRequest, EmuReply]:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        recorded = RecordedRequest(protocol, request.path, dict(request.headers), body)
        if self._record:
            self.requests.append(recorded)
        if self._queue:
            return recorded, self._queue.pop(0)
        if self._function is not None:
            return recorded, self._function(recorded)
        return recorded, emu_fault(
            status=500, body={"error": {"message": "emulator: no scripted reply left"}}
        )

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        recorded, reply = await self._take("responses", request)
        return await self._answer(request, recorded, reply, _ResponsesWire(self, recorded, reply))

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        recorded, reply = await self._take("chat", request)
        return await self._answer(request, recorded, reply, _ChatWire(self, recorded, reply))

    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        recorded, reply = await self._take("anthropic", request)
        return await self._answer(request, recorded, reply, _AnthropicWire(self, recorded, reply))

    def next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):04d}"

    async def _answer(
        self, request: web.Request, recorded: RecordedRequest, reply: EmuReply, wire: _Wire
    ) -> web.StreamResponse:
        fault = reply.fault or Fault()
        if fault.status is not None:
            if fault.raw_body is not None:
                return web.Response(status=fault.status, body=fault.raw_body, headers=fault.headers)
            body = fault.body or wire.error_body(fault.status)
            return web.json_response(body, status=fault.status, headers=fault.headers)
        if fault.malformed:
            return web.Response(status=200, body=b'{"id": "x", "output": [', content_type="application/json")
        if fault.invalid_utf8:
            return web.Response(status=200, body=b'{"id": "\xff\xfe\xfa"}', content_type="application/json")
        if fault.error_body:
            return web.json_response({"error": {"message": "upstream failure", "type": "server_error"}})
        if not recorded.stream:
            if fault.drip:
                await asyncio.sleep(fault.drip)
            if fault.reset:
                raw = json.dumps(wire.json_body()).encode()
                response = web.StreamResponse(headers={"Content-Type": "application/json"})
                response.content_length = len(raw)
                await response.prepare(request)
                await response.write(raw[: len(raw) // 2])
                if request.transport is not None:
                    request.transport.abort()
                return response
            return web.json_response(wire.json_body())
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        self.open_streams += 1
        try:
            sent = 0
            async for chunk in wire.events():
                if fault.cut_after is not None and sent >= fault.cut_after:
                    if fault.reset and request.transport is not None:
                        request.transport.abort()
                        return response
                    break
                if fault.drip:
                    await asyncio.sleep(fault.drip)
                await response.write(chunk)
                sent += 1
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.open_streams -= 1
        return response


def _sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def _pieces(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _Wire:
    def __init__(self, emulator: ProviderEmulator, recorded: RecordedRequest, reply: EmuReply) -> None:
        self.emu = emulator
        self.request = recorded
        self.reply = reply
        self.model = str(recorded.body.get("model", "emulated-model"))
        self.calls = [
            (c.call_id or emulator.next_id(self.call_prefix), c.name, c.arguments) for c in reply.tool_calls
        ]

    call_prefix = "call"

    def error_body(self, status: int) -> dict[str, Any]:
        return {"error": {"message": f"emulated HTTP {status}", "type": "api_error", "code": None}}

    def json_body(self) -> dict[str, Any]:
        raise NotImplementedError

    def events(self) -> AsyncIterator[bytes]:
        raise NotImplementedError


class _ResponsesWire(_Wire):
    """OpenAI Responses API: a `response` object, or the typed SSE event sequence."""

    def _usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "input_tokens": r.input_tokens,
            "input_tokens_details": {"cached_tokens": r.cached_tokens},
            "output_tokens": r.output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": r.input_tokens + r.output_tokens,
        }

    def _items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        if self.reply.text is not None:
            items.append(
                {
                    "type": "message",
                    "id": self.emu.next_id("msg"),
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": self.reply.text, "annotations": []}],
                }
            )
        for call_id, name, arguments in self.calls:
            items.append(
                {
                    "type": "function_call",
                    "id": self.emu.next_id("fc"),
                    "call_id": call_id,
                    "name": name,
                    "arguments": arguments,
                    "status": "completed",
                }
            )
        return items

    def _response(self, output: list[dict[str, Any]], status: str) -> dict[str, Any]:
        body = self.request.body
        return {
            "id": "resp_emulated",
            "object": "response",
            "created_at": int(time.time()),
            "status": status,
            "model": self.model,
            "output": output,
            "usage": self._usage() if status != "in_progress" else None,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
            "instructions": None,
            "metadata": {},
            "parallel_tool_calls": True,
            "temperature": body.get("temperature"),
            "top_p": None,
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools", []),
            "text": body.get("text", {"format": {"type": "text"}}),
        }

    def json_body(self) -> dict[str, Any]:
        return self._response(self._items(), "incomplete" if self.reply.incomplete else "completed")

    async def events(self) -> AsyncIterator[bytes]:
        seq = itertools.count()

        def ev(kind: str, **data: Any) -> bytes:
            return _sse({"type": kind, "sequence_number": next(seq), **data}, kind)

        yield ev("response.created", response=self._response([], "in_progress"))
        yield ev("response.in_progress", response=self._response([], "in_progress"))
        items = self._items()
        for index, item in enumerate(items):
            if item["type"] == "message":
                text = item["content"][0]["text"]
                yield ev(
                    "response.output_item.added",
                    output_index=index,
                    item={**item, "content": [], "status": "in_progress"},
                )
                part = {"type": "output_text", "text": "", "annotations": []}
                yield ev(
                    "response.content_part.added",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    part=part,
                )
                for piece in _pieces(text):
                    yield ev(
                        "response.output_text.delta",
                        item_id=item["id"],
                        output_index=index,
                        content_index=0,
                        delta=piece,
                        logprobs=[],
                    )
                yield ev(
                    "response.output_text.done",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    text=text,
                    logprobs=[],
                )
                yield ev(
                    "response.content_part.done",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    part={**part, "text": text},
                )
            else:
                yield ev(
                    "response.output_item.added",
                    output_index=index,
                    item={**item, "arguments": "", "status": "in_progress"},
                )
                for piece in _pieces(item["arguments"], 5):
                    yield ev(
                        "response.function_call_arguments.delta",
                        item_id=item["id"],
                        output_index=index,
                        delta=piece,
                    )
                yield ev(
                    "response.function_call_arguments.done",
                    item_id=item["id"],
                    output_index=index,
                    arguments=item["arguments"],
                )
            yield ev("response.output_item.done", output_index=index, item=item)
        if self.reply.incomplete:
            yield ev("response.incomplete", response=self._response(items, "incomplete"))
        else:
            yield ev("response.completed", response=self._response(items, "completed"))


class _ChatWire(_Wire):
    """OpenAI Chat Completions: a `chat.completion`, or `chat.completion.chunk` SSE ending in [DONE]."""

    def _usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": r.output_tokens,
            "total_tokens": r.input_tokens + r.output_tokens,
            "prompt_tokens_details": {"cached_tokens": r.cached_tokens},
        }

    def _finish(self) -> str:
        if self.reply.incomplete:
            return "length"
        return "tool_calls" if self.calls else "stop"

    def json_body(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.reply.text}
        if self.calls:
            message["tool_calls"] = [
                {"id": i, "type": "function", "function": {"name": n, "arguments": a}}
                for i, n, a in self.calls
            ]
        return {
            "id": "chatcmpl-emulated",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": self._finish(), "logprobs": None}],
            "usage": self._usage(),
        }

    async def events(self) -> AsyncIterator[bytes]:
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
            return _sse(
                {
                    "id": "chatcmpl-emulated",
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": self.model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                    **extra,
                }
            )

        yield chunk({"role": "assistant", "content": ""})
        if self.reply.text:
            for piece in _pieces(self.reply.text):
                yield chunk({"content": piece})
        for index, (call_id, name, arguments) in enumerate(self.calls):
            head = {
                "index": index,
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": ""},
            }
            yield chunk({"tool_calls": [head]})
            for piece in _pieces(arguments, 5):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, self._finish())
        options = self.request.body.get("stream_options") or {}
        if options.get("include_usage"):
            yield _sse(
                {
                    "id": "chatcmpl-emulated",
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": self.model,
                    "choices": [],
                    "usage": self._usage(),
                }
            )
        yield _sse("[DONE]")


class _AnthropicWire(_Wire):
    """Anthropic Messages: a `message`, or the message_start … message_stop SSE sequence."""

    call_prefix = "toolu"

    def error_body(self, status: int) -> dict[str, Any]:
        kind = {
            400: "invalid_request_error",
            401: "authentication_error",
            429: "rate_limit_error",
            529: "overloaded_error",
        }.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": f"emulated HTTP {status}"}}

    def _stop(self) -> str:
        if self.reply.incomplete:
            return "max_tokens"
        return "tool_use" if self.calls else "end_turn"

    def _blocks(self) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if self.reply.text is not None:
            blocks.append({"type": "text", "text": self.reply.text})
        for call_id, name, arguments in self.calls:
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": name, "input": json.loads(arguments or "{}")}
            )
        return blocks

    def _usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "input_tokens": r.input_tokens,
            "output_tokens": r.output_tokens,
            "cache_read_input_tokens": r.cached_tokens,
            "cache_creation_input_tokens": 0,
        }

    def json_body(self) -> dict[str, Any]:
        return {
            "id": "msg_emulated",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": self._blocks(),
            "stop_reason": self._stop(),
            "stop_sequence": None,
            "usage": self._usage(),
        }

    async def events(self) -> AsyncIterator[bytes]:
        start = {
            **self.json_body(),
            "content": [],
            "stop_reason": None,
            "usage": {**self._usage(), "output_tokens": 1},
        }
        yield _sse({"type": "message_start", "message": start}, "message_start")
        for index, block in enumerate(self._blocks()):
            if block["type"] == "text":
                yield _sse(
                    {
                        "type": "content_block_start",
                        "index": index,
                        "content_block": {"type": "text", "text": ""},
                    },
                    "content_block_start",
                )
                for piece in _pieces(block["text"]):
                    yield _sse(
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": "text_delta", "text": piece},
                        },
                        "content_block_delta",
                    )
            else:
                head = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
                yield _sse(
                    {"type": "content_block_start", "index": index, "content_block": head},
                    "content_block_start",
                )
                for piece in _pieces(json.dumps(block["input"]), 5):
                    yield _sse(
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": piece},
                        },
                        "content_block_delta",
                    )
            yield _sse({"type": "content_block_stop", "index": index}, "content_block_stop")
        yield _sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": self._stop(), "stop_sequence": None},
                "usage": {"output_tokens": self.reply.output_tokens},
            },
            "message_delta",
        )
        yield _sse({"type": "message_stop"}, "message_stop")
