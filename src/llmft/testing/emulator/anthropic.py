"""Anthropic Messages: a `message`, or the `message_start` … `message_stop` SSE sequence."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from llmft.testing.emulator.script import ServerCall, StreamError
from llmft.testing.emulator.wire import Wire, pieces, sse

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

THINKING_KINDS = ("thinking", "redacted_thinking")

_MISSING_THINKING = (
    "messages.{index}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{found}`. "
    "When `thinking` is enabled, a final `assistant` message must start with a thinking block "
    "(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include "
    "thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult "
    "our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)


def error_body(kind: str, message: str) -> dict[str, Any]:
    """Anthropic's error envelope."""
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_emulated"}


def thinking_rejection(body: dict[str, Any], issued: dict[str, str]) -> str | None:
    """Why Anthropic would answer 400 to this request's thinking blocks (None: it would not).

    With thinking on, the assistant turn before the latest tool results must start with its thinking
    block; a thinking block whose signature does not match its text (or was never issued) is refused.
    """
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    for index, message in enumerate(messages):
        content = message.get("content")
        for position, block in enumerate(content if isinstance(content, list) else []):
            if not isinstance(block, dict) or block.get("type") != "thinking":
                continue
            if issued.get(str(block.get("signature"))) != block.get("thinking"):
                return f"messages.{index}.content.{position}: Invalid `signature` in `thinking` block"
    thinking = body.get("thinking")
    if not isinstance(thinking, dict) or thinking.get("type") not in ("enabled", "adaptive"):
        return None
    if not messages or not _blocks(messages[-1], "tool_result"):
        return None
    for index in range(len(messages) - 2, -1, -1):
        message = messages[index]
        if message.get("role") != "assistant":
            continue
        content = message.get("content")
        first = content[0] if isinstance(content, list) and content else {"type": "text"}
        found = first.get("type") if isinstance(first, dict) else "text"
        if _blocks(message, "tool_use") and found not in THINKING_KINDS:
            return _MISSING_THINKING.format(index=index, found=found)
        return None
    return None


def _blocks(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    content = message.get("content")
    items = content if isinstance(content, list) else []
    return [b for b in items if isinstance(b, dict) and b.get("type") == kind]


class AnthropicWire(Wire):
    """One scripted turn as the Messages API sends it."""

    call_prefix = "toolu"
    _blocks: list[dict[str, Any]] | None = None  # built once: the signature ids must not change

    @property
    def closing(self) -> int:
        return 2  # message_delta, message_stop

    def error_body(self, status: int) -> dict[str, Any]:
        return error_body(ERROR_TYPES.get(status, "api_error"), f"emulated HTTP {status}")

    def rejection(self) -> tuple[int, dict[str, Any]] | None:
        for call in self.reply.server_calls:
            known = {t.get("name") for t in self.request.body.get("tools") or [] if isinstance(t, dict)}
            for name in call.found:
                if name not in known:
                    message = f"emulator: tool search found {name!r} but the request defines no such tool"
                    return 500, error_body("api_error", message)
        return None

    def stop(self) -> str:
        r = self.reply
        if r.stop_reason:
            return r.stop_reason
        if r.refusal is not None:
            return "refusal"
        if r.incomplete:
            return "max_tokens"
        return "tool_use" if self.calls else "end_turn"

    def blocks(self) -> list[dict[str, Any]]:
        """Content blocks: thinking, redacted thinking, server tool calls, text, then tool uses."""
        if self._blocks is not None:
            return self._blocks
        r, blocks = self.reply, []
        if r.reasoning is not None:
            signature = r.signature or f"EmuSig{self.emu.next_id('sig')}=="
            self.emu.issued_signatures[signature] = r.reasoning
            blocks.append({"type": "thinking", "thinking": r.reasoning, "signature": signature})
        blocks += [{"type": "redacted_thinking", "data": data} for data in r.redacted_thinking]
        for call in r.server_calls:
            blocks += self._server_blocks(call)
        text = self.text if self.text is not None else r.refusal
        if text is not None:
            blocks.append({"type": "text", "text": text})
        for call_id, name, arguments in self.calls:
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": name, "input": json.loads(arguments or "{}")}
            )
        self._blocks = blocks
        return blocks

    def _server_blocks(self, call: ServerCall) -> list[dict[str, Any]]:
        use_id = self.emu.next_id("srvtoolu")
        if call.kind == "web_search":
            results = [
                {
                    "type": "web_search_result",
                    "url": url,
                    "title": title,
                    "encrypted_content": "EmuPage==",
                    "page_age": None,
                }
                for url, title in call.results
            ]
            return [
                {
                    "type": "server_tool_use",
                    "id": use_id,
                    "name": "web_search",
                    "input": {"query": call.query},
                },
                {"type": "web_search_tool_result", "tool_use_id": use_id, "content": results},
            ]
        name = "tool_search_tool_regex"
        for tool in self.request.body.get("tools") or []:
            if isinstance(tool, dict) and str(tool.get("type", "")).startswith("tool_search_tool_"):
                name = str(tool.get("name", name))
        query = {"query": call.query} if "bm25" in name else {"pattern": call.query}
        references = [{"type": "tool_reference", "tool_name": found} for found in call.found]
        content = {"type": "tool_search_tool_search_result", "tool_references": references}
        return [
            {"type": "server_tool_use", "id": use_id, "name": name, "input": query},
            {"type": "tool_search_tool_result", "tool_use_id": use_id, "content": content},
        ]

    def usage(self) -> dict[str, Any]:
        r = self.reply
        usage: dict[str, Any] = {
            "input_tokens": r.input_tokens,
            "output_tokens": r.output_tokens,
            "cache_read_input_tokens": r.cached_tokens,
            "cache_creation_input_tokens": r.cache_creation_tokens,
        }
        searches = sum(1 for call in r.server_calls if call.kind == "web_search")
        if searches:
            usage["server_tool_use"] = {"web_search_requests": searches, "web_fetch_requests": 0}
        if r.reasoning_tokens:
            usage["output_tokens_details"] = {"thinking_tokens": r.reasoning_tokens}
        return usage

    def json_body(self) -> dict[str, Any]:
        return {
            "id": "msg_emulated",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": self.blocks(),
            "stop_reason": self.stop(),
            "stop_sequence": None,
            "usage": self.usage(),
        }

    async def events(self) -> AsyncIterator[bytes]:
        start = {
            **self.json_body(),
            "content": [],
            "stop_reason": None,
            "usage": {**self.usage(), "output_tokens": 1},
        }
        yield sse({"type": "message_start", "message": start}, "message_start")
        for index, block in enumerate(self.blocks()):
            for chunk in self._block_events(index, block):
                yield chunk
            yield sse({"type": "content_block_stop", "index": index}, "content_block_stop")
        delta = {"stop_reason": self.stop(), "stop_sequence": None}
        usage = {"output_tokens": self.reply.output_tokens}
        yield sse({"type": "message_delta", "delta": delta, "usage": usage}, "message_delta")
        yield sse({"type": "message_stop"}, "message_stop")

    def _delta(self, index: int, delta: dict[str, Any]) -> bytes:
        self.deltas += 1
        return sse({"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta")

    def _block_events(self, index: int, block: dict[str, Any]) -> Iterator[bytes]:
        kind = block["type"]
        head = {
            "text": {"type": "text", "text": ""},
            "thinking": {"type": "thinking", "thinking": "", "signature": ""},
            "tool_use": {**block, "input": {}},
            "server_tool_use": {**block, "input": {}},
        }.get(kind, block)
        yield sse(
            {"type": "content_block_start", "index": index, "content_block": head}, "content_block_start"
        )
        if kind == "text":
            texts = self.text_pieces() if self.text is not None else iter(pieces(block["text"]))
            for piece in texts:
                yield self._delta(index, {"type": "text_delta", "text": piece})
        elif kind == "thinking":
            for piece in pieces(block["thinking"]):
                yield self._delta(index, {"type": "thinking_delta", "thinking": piece})
            yield self._delta(index, {"type": "signature_delta", "signature": block["signature"]})
        elif kind in ("tool_use", "server_tool_use"):
            for piece in pieces(json.dumps(block["input"]), 5):
                yield self._delta(index, {"type": "input_json_delta", "partial_json": piece})

    def error_events(self, error: StreamError, sent: int) -> list[bytes]:
        kind = error.type or "overloaded_error"
        return [sse({"type": "error", "error": {"type": kind, "message": error.message}}, "error")]
