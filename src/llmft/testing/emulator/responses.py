"""OpenAI Responses API: a `response` object, or the typed SSE event sequence (`response.created` …)."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from llmft.testing.emulator.script import EmuReply, RecordedRequest, ServerCall, StreamError
from llmft.testing.emulator.wire import Wire, pieces, sse

if TYPE_CHECKING:
    from llmft.testing.emulator.server import ProviderEmulator


class ResponsesWire(Wire):
    """One scripted turn as the Responses API sends it."""

    opening = 2  # response.created, response.in_progress

    response_id = "resp_emulated"

    def __init__(self, emulator: ProviderEmulator, recorded: RecordedRequest, reply: EmuReply) -> None:
        super().__init__(emulator, recorded, reply)
        self.seq = itertools.count()

    @property
    def final_status(self) -> str:
        r = self.reply
        if r.status:
            return r.status
        return "incomplete" if r.incomplete or r.stop_reason else "completed"

    def usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "input_tokens": r.input_tokens,
            "input_tokens_details": {"cached_tokens": r.cached_tokens},
            "output_tokens": r.output_tokens,
            "output_tokens_details": {"reasoning_tokens": r.reasoning_tokens},
            "total_tokens": r.input_tokens + r.output_tokens,
        }

    def rejection(self) -> tuple[int, dict[str, Any]] | None:
        for call in self.reply.server_calls:
            for name in call.found:
                if self._tool_definition(name) is None:
                    message = f"emulator: tool search found {name!r} but the request defines no such tool"
                    return 500, {"error": {"message": message, "type": "server_error"}}
        return None

    def _tool_definition(self, name: str) -> dict[str, Any] | None:
        for tool in self.request.body.get("tools") or []:
            if isinstance(tool, dict) and tool.get("name") == name:
                return tool
        return None

    def _reasoning_item(self) -> dict[str, Any]:
        item_id = self.emu.next_id("rs")
        item: dict[str, Any] = {
            "type": "reasoning",
            "id": item_id,
            "summary": [{"type": "summary_text", "text": self.reply.reasoning}],
        }
        if "reasoning.encrypted_content" in (self.request.body.get("include") or []):
            item["encrypted_content"] = self.reply.signature or f"gAAAA-emulated-{item_id}"
        return item

    def _server_items(self, call: ServerCall) -> list[dict[str, Any]]:
        if call.kind == "web_search":
            action = {"type": "search", "query": call.query}
            return [
                {
                    "type": "web_search_call",
                    "id": self.emu.next_id("ws"),
                    "status": "completed",
                    "action": action,
                }
            ]
        call_id = self.emu.next_id("call")
        done = {"execution": "server", "status": "completed", "call_id": call_id}
        tools = [self._tool_definition(name) for name in call.found]
        return [
            {
                "type": "tool_search_call",
                "id": self.emu.next_id("tsc"),
                "arguments": {"query": call.query},
                **done,
            },
            {"type": "tool_search_output", "id": self.emu.next_id("tso"), "tools": tools, **done},
        ]

    def items(self) -> list[dict[str, Any]]:
        """The output items: reasoning, provider-run calls, the message, then function calls."""
        r = self.reply
        items: list[dict[str, Any]] = []
        if r.reasoning is not None:
            items.append(self._reasoning_item())
        for call in r.server_calls:
            items += self._server_items(call)
        content: list[dict[str, Any]] = []
        if self.text is not None:
            content.append({"type": "output_text", "text": self.text, "annotations": []})
        if r.refusal is not None:
            content.append({"type": "refusal", "refusal": r.refusal})
        if content:
            items.append(
                {
                    "type": "message",
                    "id": self.emu.next_id("msg"),
                    "role": "assistant",
                    "status": "completed",
                    "content": content,
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

    def response(
        self, output: list[dict[str, Any]], status: str, error: StreamError | None = None
    ) -> dict[str, Any]:
        """The `response` object in `status` (usage once it is past `in_progress`)."""
        body = self.request.body
        reason = self.reply.stop_reason or "max_output_tokens"
        return {
            "id": self.response_id,
            "object": "response",
            "created_at": int(time.time()),
            "status": status,
            "background": bool(body.get("background")),
            "model": self.model,
            "output": output,
            "usage": self.usage() if status not in ("in_progress", "queued") else None,
            "error": self._error(error) if status == "failed" else None,
            "incomplete_details": {"reason": reason} if status == "incomplete" else None,
            "instructions": None,
            "metadata": {},
            "parallel_tool_calls": True,
            "temperature": body.get("temperature"),
            "top_p": None,
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools", []),
            "text": body.get("text", {"format": {"type": "text"}}),
        }

    def _error(self, error: StreamError | None) -> dict[str, Any]:
        error = error or self.reply.stream_error
        if error is None:
            return {"code": "server_error", "message": "emulated failure"}
        return {"code": error.code or "server_error", "message": error.message}

    def json_body(self) -> dict[str, Any]:
        status = self.final_status
        return self.response(self.items() if status != "cancelled" else [], status)

    # -- streaming ----------------------------------------------------------------------------

    def ev(self, kind: str, **data: Any) -> bytes:
        return sse({"type": kind, "sequence_number": next(self.seq), **data}, kind)

    async def events(self) -> AsyncIterator[bytes]:
        ev = self.ev
        yield ev("response.created", response=self.response([], "in_progress"))
        yield ev("response.in_progress", response=self.response([], "in_progress"))
        items = self.items()
        for index, item in enumerate(items):
            for chunk in self._item_events(index, item):
                yield chunk
        status = self.final_status
        kind = {"failed": "response.failed", "incomplete": "response.incomplete"}.get(
            status, "response.completed"
        )
        yield ev(kind, response=self.response(items, status))

    def _item_events(self, index: int, item: dict[str, Any]) -> Iterator[bytes]:
        ev, kind, item_id = self.ev, item["type"], item["id"]
        where = {"item_id": item_id, "output_index": index}
        if kind == "message":
            yield ev(
                "response.output_item.added",
                output_index=index,
                item={**item, "content": [], "status": "in_progress"},
            )
            for part_index, part in enumerate(item["content"]):
                yield from self._part_events(where, part_index, part)
        elif kind == "reasoning":
            added = {**item, "summary": []}
            yield ev("response.output_item.added", output_index=index, item=added)
            text = item["summary"][0]["text"]
            part = {"type": "summary_text", "text": ""}
            yield ev("response.reasoning_summary_part.added", **where, summary_index=0, part=part)
            for piece in pieces(text):
                self.deltas += 1
                yield ev("response.reasoning_summary_text.delta", **where, summary_index=0, delta=piece)
            yield ev("response.reasoning_summary_text.done", **where, summary_index=0, text=text)
            yield ev(
                "response.reasoning_summary_part.done", **where, summary_index=0, part={**part, "text": text}
            )
        elif kind == "function_call":
            yield ev(
                "response.output_item.added",
                output_index=index,
                item={**item, "arguments": "", "status": "in_progress"},
            )
            for piece in pieces(item["arguments"], 5):
                self.deltas += 1
                yield ev("response.function_call_arguments.delta", **where, delta=piece)
            yield ev("response.function_call_arguments.done", **where, arguments=item["arguments"])
        else:
            yield ev("response.output_item.added", output_index=index, item={**item, "status": "in_progress"})
        yield ev("response.output_item.done", output_index=index, item=item)

    def _part_events(self, where: dict[str, Any], part_index: int, part: dict[str, Any]) -> Iterator[bytes]:
        ev = self.ev
        at = {**where, "content_index": part_index}
        if part["type"] == "refusal":
            yield ev("response.content_part.added", **at, part={"type": "refusal", "refusal": ""})
            for piece in pieces(part["refusal"]):
                self.deltas += 1
                yield ev("response.refusal.delta", **at, delta=piece)
            yield ev("response.refusal.done", **at, refusal=part["refusal"])
        else:
            yield ev("response.content_part.added", **at, part={**part, "text": ""})
            for piece in self.text_pieces():
                self.deltas += 1
                yield ev("response.output_text.delta", **at, delta=piece, logprobs=[])
            yield ev("response.output_text.done", **at, text=part["text"], logprobs=[])
        yield ev("response.content_part.done", **at, part=part)

    def error_events(self, error: StreamError, sent: int) -> list[bytes]:
        style = error.style or "error"
        if style == "failed":
            failed = self.response([], "failed", error)
            return [
                sse(
                    {"type": "response.failed", "sequence_number": sent, "response": failed},
                    "response.failed",
                )
            ]
        code = error.code if error.code is not None else "server_error"
        if style == "nested":
            nested = {
                "type": error.type or "server_error",
                "code": code,
                "message": error.message,
                "param": None,
            }
            return [sse({"type": "error", "sequence_number": sent, "error": nested}, "error")]
        flat = {"type": "error", "code": code, "message": error.message, "param": None}
        return [sse({**flat, "sequence_number": sent}, "error")]
