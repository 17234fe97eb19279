"""Anthropic Messages replies → `ModelReply`: a whole `message` body, or its stream events as deltas.

Text blocks are the reply's text; `tool_use` blocks its tool calls (the input as JSON text); every other
block (`thinking` with its signature, `redacted_thinking`, `server_tool_use`, `web_search_tool_result`,
…) is kept whole, in order, as a `ReasoningPart`, so it can go back unchanged on the next turn.
`input_tokens` counts the whole prompt: Anthropic's uncached input plus cache reads and cache writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from returns.result import Failure, Result, Success

from llmft.domain.anthropic_wire import JSON_TOOL, PROVIDER
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ReasoningPart, ToolCall, Usage
from llmft.domain.retry import is_retryable_status
from llmft.domain.streaming import (
    ReasoningDelta,
    StreamDelta,
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)

STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "refusal",
    "pause_turn": "pause_turn",
}
ERROR_STATUSES = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
_UNREADABLE = (LookupError, TypeError, AttributeError, ValueError, RecursionError)


def finish_reason(stop: object, calls: bool) -> str:
    """llmft's finish reason for Anthropic's `stop_reason` (`pause_turn` stays, for the loop to continue)."""
    if stop is None:
        return "tool_calls" if calls else "stop"
    mapped = STOP_REASONS.get(str(stop), str(stop))
    return "stop" if mapped == "tool_calls" and not calls else mapped


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage_of(raw: object) -> Usage | None:
    """Anthropic usage as `Usage`: input = uncached + cache reads + cache writes; cached = cache reads."""
    if not isinstance(raw, Mapping):
        return None
    read, written = _count(raw.get("cache_read_input_tokens")), _count(raw.get("cache_creation_input_tokens"))
    prompt, output = _count(raw.get("input_tokens")) + read + written, _count(raw.get("output_tokens"))
    details = raw.get("output_tokens_details")
    thinking = _count(details.get("thinking_tokens")) if isinstance(details, Mapping) else 0
    return Usage(prompt, output, prompt + output, read, written, thinking)


def reasoning_part(block: Mapping[str, Any]) -> ReasoningPart:
    """A block that is neither text nor a tool call, kept whole (its thinking text readable)."""
    text = block.get("thinking")
    return ReasoningPart(PROVIDER, str(block.get("type")), dict(block), text if isinstance(text, str) else "")


def error_failure(error: object, model: str) -> ProviderFailure:
    """An error Anthropic sent inside a 200 body or a stream; its status comes from its type."""
    kind = error.get("type") if isinstance(error, Mapping) else None
    message = error.get("message") if isinstance(error, Mapping) else None
    status = ERROR_STATUSES.get(str(kind))
    text = json.dumps(error, default=str) if message is None else f"{kind}: {message}"
    return ProviderFailure(
        PROVIDER,
        model,
        f"the provider answered with an error: {text}",
        status_code=status,
        retryable=True if status is None else is_retryable_status(status),
        kind="error_body",
    )


def malformed(model: str, why: str) -> ProviderFailure:
    """The failure for a reply that cannot be read (final: a retry would read the same)."""
    return ProviderFailure(PROVIDER, model, f"unreadable response: {why}", kind="malformed")


def parse_message(
    body: object, model: str, *, json_tool: bool = False
) -> Result[ModelReply, ProviderFailure]:
    """A Messages API `message` body as a ModelReply (`json_tool`: the forced JSON tool's input is text)."""
    if isinstance(body, Mapping) and ("error" in body or body.get("type") == "error"):
        return Failure(error_failure(body.get("error"), model))
    try:
        return Success(_reply(body, model, json_tool))
    except _UNREADABLE as error:
        return Failure(malformed(model, f"unexpected message shape ({type(error).__name__}: {error})"))


def _reply(body: Any, model: str, json_tool: bool) -> ModelReply:
    if not isinstance(body.get("content"), list):
        raise ValueError("a message without content")
    texts: list[str] = []
    calls: list[ToolCall] = []
    parts: list[ReasoningPart] = []
    for block in body["content"]:
        kind = block["type"]
        if kind == "text":
            texts.append(str(block["text"]))
        elif kind == "tool_use" and json_tool and block.get("name") == JSON_TOOL:
            texts.append(json.dumps(block.get("input") or {}, ensure_ascii=False))
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            calls.append(ToolCall(str(block["id"]), str(block["name"]), arguments))
        else:
            parts.append(reasoning_part(block))
    return ModelReply(
        text="".join(texts) if texts or not calls else None,
        tool_calls=tuple(calls),
        usage=usage_of(body.get("usage")),
        finish_reason=finish_reason(body.get("stop_reason"), bool(calls)),
        model=str(body.get("model") or model),
        reasoning=tuple(parts),
    )


class _Block:
    __slots__ = ("data", "kind", "pieces")

    def __init__(self, kind: str, data: dict[str, Any]) -> None:
        self.kind = kind  # "text", "tool_use", "json" (the JSON tool's answer) or an opaque block's type
        self.data = data
        self.pieces: list[str] = []


class MessageStream:
    """Folds the events of one streamed message into deltas; `done` once `message_stop` (or an error)
    came. Thinking text streams as ReasoningDelta pieces, and each opaque block comes whole at its end."""

    __slots__ = ("_blocks", "_calls", "_json_tool", "_model", "_stop", "_usage", "done")

    def __init__(self, model: str, *, json_tool: bool = False) -> None:
        self._model = model
        self._json_tool = json_tool
        self._usage: dict[str, Any] = {}
        self._stop: object = None
        self._blocks: dict[int, _Block] = {}
        self._calls = False
        self.done = False

    def feed(self, event: object) -> list[StreamDelta]:
        """The deltas one decoded event yields (a malformed event ends the stream as a failure)."""
        if self.done:
            return []
        try:
            return self._feed(event)
        except _UNREADABLE as error:
            self.done = True
            return [
                StreamFailed(malformed(self._model, f"bad stream event ({type(error).__name__}: {error})"))
            ]

    def _feed(self, event: Any) -> list[StreamDelta]:
        kind = event["type"]
        if kind == "content_block_delta":
            return self._delta(event["index"], event["delta"])
        if kind == "content_block_start":
            return self._start(event["index"], event["content_block"])
        if kind == "content_block_stop":
            return self._stop_block(event["index"])
        if kind == "message_start":
            message = event["message"]
            self._model = str(message.get("model") or self._model)
            self._merge_usage(message.get("usage"))
        elif kind == "message_delta":
            self._stop = event["delta"].get("stop_reason") or self._stop
            self._merge_usage(event.get("usage"))
        elif kind == "message_stop":
            self.done = True
            usage = usage_of(self._usage) if self._usage else None
            end = StreamEnd(finish_reason(self._stop, self._calls), self._model)
            return [UsageDelta(usage), end] if usage is not None else [end]
        elif kind == "error":
            self.done = True
            return [StreamFailed(error_failure(event.get("error"), self._model))]
        return []  # ping, and event types added later

    def _merge_usage(self, usage: object) -> None:
        if isinstance(usage, Mapping):
            self._usage.update((k, v) for k, v in usage.items() if v is not None)

    def _start(self, index: int, block: Mapping[str, Any]) -> list[StreamDelta]:
        kind = str(block["type"])
        if kind == "tool_use" and self._json_tool and block.get("name") == JSON_TOOL:
            kind = "json"
        self._blocks[index] = _Block(kind, dict(block))
        if kind == "text" and block.get("text"):
            return [TextDelta(str(block["text"]))]
        if kind == "tool_use":
            self._calls = True
            return [ToolCallDelta(index, str(block["id"]), str(block["name"]))]
        return []

    def _delta(self, index: int, delta: Mapping[str, Any]) -> list[StreamDelta]:
        kind = delta["type"]
        if kind == "text_delta":
            return [TextDelta(str(delta["text"]))]
        block = self._blocks[index]
        if kind == "input_json_delta":
            piece = str(delta["partial_json"])
            block.pieces.append(piece)
            if block.kind == "tool_use":
                return [ToolCallDelta(index, arguments=piece)]
            return [TextDelta(piece)] if block.kind == "json" else []
        if kind == "thinking_delta":
            block.pieces.append(str(delta["thinking"]))
            return [ReasoningDelta(str(delta["thinking"]))]
        if kind == "signature_delta":
            block.data["signature"] = str(delta["signature"])
        return []  # citations and delta types added later

    def _stop_block(self, index: int) -> list[StreamDelta]:
        block = self._blocks.pop(index, None)
        if block is None or block.kind == "text":
            return []
        given = block.data.get("input")
        if block.kind in ("tool_use", "json"):
            if block.pieces or not given:
                return []
            arguments = json.dumps(given, ensure_ascii=False)  # the whole input came with the start
            return [
                ToolCallDelta(index, arguments=arguments)
                if block.kind == "tool_use"
                else TextDelta(arguments)
            ]
        if block.kind == "thinking":
            block.data["thinking"] = "".join(block.pieces) or block.data.get("thinking", "")
        elif block.pieces:
            block.data["input"] = json.loads("".join(block.pieces))
        return [ReasoningDelta(part=reasoning_part(block.data))]
