"""The loopback server: routing, the script queue, recording, fault injection and SSE writing."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from llmft.testing.emulator.anthropic import AnthropicWire, thinking_rejection
from llmft.testing.emulator.anthropic import error_body as anthropic_error
from llmft.testing.emulator.anthropic_batches import AnthropicBatches
from llmft.testing.emulator.background import BackgroundJobs
from llmft.testing.emulator.batches import OpenAIBatches
from llmft.testing.emulator.chat import ChatWire
from llmft.testing.emulator.responses import ResponsesWire
from llmft.testing.emulator.script import (
    BatchPlan,
    EmuReply,
    Fault,
    Protocol,
    RecordedRequest,
    Script,
    emu_fault,
)
from llmft.testing.emulator.wire import FILL_BYTES, Wire, filler

_WIRES: dict[Protocol, type[Wire]] = {
    "responses": ResponsesWire,
    "chat": ChatWire,
    "anthropic": AnthropicWire,
}


def deep_json(depth: int) -> bytes:
    """A JSON document nested `depth` levels deep (arrays and objects in turn)."""
    opens = "".join("[" if level % 2 == 0 else '{"a":' for level in range(depth))
    closes = "".join("]" if level % 2 == 0 else "}" for level in reversed(range(depth)))
    return f"{opens}1{closes}".encode()


class ProviderEmulator:
    """A loopback HTTP server that plays scripted model turns over the real wire protocols.

    `require_thinking_roundtrip=True` makes `/v1/messages` refuse (400, as Anthropic does) a request
    with thinking on whose last tool-using assistant turn lacks its thinking block, or whose thinking
    block does not carry, unchanged, the text and signature this emulator sent.
    """

    def __init__(
        self,
        script: Script = (),
        *,
        port: int = 0,
        record: bool = True,
        require_thinking_roundtrip: bool = False,
    ) -> None:
        self.requests: list[RecordedRequest] = []
        self._queue: list[EmuReply] = []
        self._function: Callable[[RecordedRequest], EmuReply] | None = None
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = port
        self._record = record
        self.require_thinking_roundtrip = require_thinking_roundtrip
        self.issued_signatures: dict[str, str] = {}
        self.open_streams = 0
        self._peers: set[object] = set()  # the client ends of the connections requests came on
        self.background = BackgroundJobs(self)
        self.openai_batches = OpenAIBatches(self)
        self.anthropic_batches = AnthropicBatches(self)
        self._batch_plans: list[BatchPlan] = []
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

    def script_batch(self, *plans: BatchPlan) -> None:
        """Queue how the next batches run (OpenAI or Anthropic, in creation order); default `BatchPlan()`."""
        self._batch_plans.extend(plans)

    def next_batch_plan(self) -> BatchPlan:
        return self._batch_plans.pop(0) if self._batch_plans else BatchPlan()

    @property
    def files(self) -> dict[str, bytes]:
        """Uploaded and generated files (batch inputs, outputs, errors) by id."""
        return {file_id: content for file_id, (_, _, content) in self.openai_batches.files.items()}

    async def __aenter__(self) -> ProviderEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/chat/completions", self._chat)
        app.router.add_post("/v1/messages", self._anthropic)
        self.background.install(app.router)
        self.openai_batches.install(app.router)
        self.anthropic_batches.install(app.router)
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
    def connections(self) -> int:
        """How many client connections requests came on (a client that reuses its connections opens
        few; one that does not, one per request)."""
        return len(self._peers)

    @property
    def pending(self) -> int:
        """Scripted turns not yet played."""
        return len(self._queue)

    def next_id(self, prefix: str) -> str:
        """A fresh id such as `resp_0007` (unique within this emulator)."""
        return f"{prefix}_{next(self._ids):04d}"

    # -- request handling --------------------------------------------------------------------

    async def record(self, protocol: Protocol, request: web.Request) -> RecordedRequest:
        """Read and (unless `record=False`) keep a request."""
        if request.transport is not None:
            self._peers.add(request.transport.get_extra_info("peername"))
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        recorded = RecordedRequest(protocol, request.path, dict(request.headers), body, method=request.method)
        self.keep(recorded)
        return recorded

    def keep(self, recorded: RecordedRequest) -> None:
        """Add a request to `requests` (unless `record=False`)."""
        if self._record:
            self.requests.append(recorded)

    def next_reply(self, recorded: RecordedRequest) -> EmuReply:
        """The scripted turn for this request: the queue first, then the function."""
        if self._queue:
            return self._queue.pop(0)
        if self._function is not None:
            return self._function(recorded)
        return emu_fault(status=500, body={"error": {"message": "emulator: no scripted reply left"}})

    def wire(self, protocol: Protocol, recorded: RecordedRequest, reply: EmuReply) -> Wire:
        return _WIRES[protocol](self, recorded, reply)

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record("responses", request)
        reply = self.next_reply(recorded)
        wire = ResponsesWire(self, recorded, reply)
        if recorded.body.get("background") and not recorded.stream and reply.fault is None:
            return web.json_response(self.background.start(wire))
        return await self._answer(request, recorded, reply, wire)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record("chat", request)
        reply = self.next_reply(recorded)
        return await self._answer(request, recorded, reply, self.wire("chat", recorded, reply))

    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        recorded = await self.record("anthropic", request)
        if self.require_thinking_roundtrip:
            # Refused before the model runs, so the refusal takes no scripted turn.
            why = thinking_rejection(recorded.body, self.issued_signatures)
            if why is not None:
                return web.json_response(anthropic_error("invalid_request_error", why), status=400)
        reply = self.next_reply(recorded)
        return await self._answer(request, recorded, reply, self.wire("anthropic", recorded, reply))

    async def _answer(
        self, request: web.Request, recorded: RecordedRequest, reply: EmuReply, wire: Wire
    ) -> web.StreamResponse:
        fault = reply.fault or Fault()
        quick = self._quick_answer(fault, wire)
        if quick is not None:
            return quick
        if not recorded.stream:
            if fault.drip:
                await asyncio.sleep(fault.drip)
            raw = json.dumps(wire.json_body()).encode()
            if fault.reset:
                response = web.StreamResponse(headers={"Content-Type": "application/json"})
                response.content_length = len(raw)
                await response.prepare(request)
                await response.write(raw[: len(raw) // 2])
                if request.transport is not None:
                    request.transport.abort()
                return response
            if not reply.size:
                return web.Response(body=raw, content_type="application/json")
            response = web.StreamResponse(headers={"Content-Type": "application/json"})
            await response.prepare(request)
            try:
                await write_expanded(response, raw, reply.size)
                await response.write_eof()
            except (ConnectionResetError, asyncio.CancelledError):
                pass
            return response
        return await self._stream(request, reply, wire, fault)

    def _quick_answer(self, fault: Fault, wire: Wire) -> web.Response | None:
        """Answers that need no model turn: status faults, broken bodies, requests refused up front."""
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
        if fault.deep_json:
            return web.Response(status=200, body=deep_json(fault.deep_json), content_type="application/json")
        rejection = wire.rejection()
        if rejection is not None:
            status, body = rejection
            return web.json_response(body, status=status)
        return None

    async def _stream(
        self, request: web.Request, reply: EmuReply, wire: Wire, fault: Fault
    ) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        self.open_streams += 1
        try:
            sent = 0
            async for chunk in wire.stream():
                if fault.cut_after is not None and sent >= fault.cut_after:
                    if fault.reset and request.transport is not None:
                        request.transport.abort()
                        return response
                    break
                if fault.drip:
                    await asyncio.sleep(fault.drip)
                if reply.size:
                    await write_expanded(response, chunk, reply.size)
                else:
                    await response.write(chunk)
                sent += 1
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.open_streams -= 1
        return response


async def write_expanded(response: web.StreamResponse, chunk: bytes, size: int) -> None:
    """Write `chunk`, each filler marker in it replaced by `size` bytes of generated text."""
    parts = chunk.split(FILL_BYTES)
    for index, part in enumerate(parts):
        if index:
            for piece in filler(size):
                await response.write(piece.encode())
        if part:
            await response.write(part)
