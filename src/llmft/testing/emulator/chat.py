"""OpenAI Chat Completions: a `chat.completion`, or `chat.completion.chunk` SSE ending in `[DONE]`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from llmft.testing.emulator.script import StreamError
from llmft.testing.emulator.wire import Wire, pieces, sse


class ChatWire(Wire):
    """One scripted turn as Chat Completions sends it (DeepSeek-style `reasoning_content` included)."""

    def usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": r.output_tokens,
            "total_tokens": r.input_tokens + r.output_tokens,
            "prompt_tokens_details": {"cached_tokens": r.cached_tokens},
            "completion_tokens_details": {"reasoning_tokens": r.reasoning_tokens},
        }

    @property
    def closing(self) -> int:
        return 3 if self._include_usage else 2  # finish chunk, [usage chunk], [DONE]

    @property
    def _include_usage(self) -> bool:
        options = self.request.body.get("stream_options") or {}
        return bool(options.get("include_usage"))

    def finish(self) -> str:
        r = self.reply
        if r.stop_reason:
            return r.stop_reason
        if r.incomplete:
            return "length"
        return "tool_calls" if self.calls else "stop"

    def json_body(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.text, "refusal": self.reply.refusal}
        if self.reply.reasoning is not None:
            message["reasoning_content"] = self.reply.reasoning
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
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish(), "logprobs": None}],
            "usage": self.usage(),
        }

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        return sse(
            {
                "id": "chatcmpl-emulated",
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                **extra,
            }
        )

    async def events(self) -> AsyncIterator[bytes]:
        chunk, r = self.chunk, self.reply
        yield chunk({"role": "assistant", "content": ""})
        if r.reasoning:
            for piece in pieces(r.reasoning):
                self.deltas += 1
                yield chunk({"reasoning_content": piece})
        if r.text or r.size:
            for piece in self.text_pieces():
                self.deltas += 1
                yield chunk({"content": piece})
        if r.refusal:
            for piece in pieces(r.refusal):
                self.deltas += 1
                yield chunk({"refusal": piece})
        for index, (call_id, name, arguments) in enumerate(self.calls):
            head = {
                "index": index,
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": ""},
            }
            yield chunk({"tool_calls": [head]})
            for piece in pieces(arguments, 5):
                self.deltas += 1
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, self.finish())
        if self._include_usage:
            yield sse(
                {
                    "id": "chatcmpl-emulated",
                    "object": "chat.completion.chunk",
                    "created": self.created,
                    "model": self.model,
                    "choices": [],
                    "usage": self.usage(),
                }
            )
        yield sse("[DONE]")

    def error_events(self, error: StreamError, sent: int) -> list[bytes]:
        if error.style == "openrouter":
            code = error.code if error.code is not None else 400
            return [
                self.chunk({}, "length"),
                self.chunk({"content": ""}, "error", error={"code": code, "message": error.message}),
            ]
        groq = {
            "message": error.message,
            "type": error.type or "invalid_request_error",
            "code": error.code if error.code is not None else "tool_use_failed",
            "status_code": 400,
        }
        return [sse({"error": groq}, "error")]
