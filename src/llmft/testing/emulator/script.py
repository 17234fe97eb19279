"""What a test scripts: model turns (`EmuReply`), faults, in-stream errors, and the recorded requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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

    - `status`: answer with this HTTP status, `headers` and a JSON error `body` (or `raw_body`); without
      a body, the protocol's own error body for that status.
    - `malformed`: answer 200 with a body that is not JSON.
    - `invalid_utf8`: answer 200 with bytes that are not UTF-8.
    - `error_body`: answer 200 with `{"error": {...}}` and nothing else.
    - `deep_json`: answer 200 with a JSON body nested this many arrays/objects deep.
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
    deep_json: int = 0
    cut_after: int | None = None
    reset: bool = False
    drip: float = 0.0


@dataclass(frozen=True)
class StreamError:
    """An error the provider reports inside a 200 SSE stream, after `after` content deltas.

    `style` picks the wire shape ("" = the protocol's usual one):
    - Responses: "error" (documented: `event: error`, flat `code`/`message`/`param`), "nested" (as
      served: `{"type": "error", "error": {...}}`), "failed" (`response.failed` with `response.error`).
    - Chat Completions: "groq" (`event: error` + `{"error": {..., "status_code"}}`), "openrouter"
      (a `finish_reason: "length"` chunk, then an ordinary chunk carrying `"error": {code, message}`).
    - Anthropic: "error" (`event: error` + `{"type": "error", "error": {"type", "message"}}`).
    `code` and `type` default per style (Anthropic: `type="overloaded_error"`).
    """

    after: int = 0
    message: str = "emulated stream error"
    code: str | int | None = None
    type: str | None = None
    style: str = ""


@dataclass(frozen=True)
class ServerCall:
    """A call the provider runs itself within the turn (web search, tool search); see the helpers."""

    kind: str  # "web_search" | "tool_search"
    query: str = ""
    found: tuple[str, ...] = ()  # tool_search: names of the deferred tools the search loads
    results: tuple[tuple[str, str], ...] = ()  # web_search: (url, title) pairs


@dataclass(frozen=True)
class EmuReply:
    """One scripted model turn: text and/or tool calls, usage, reasoning, or a fault.

    Every field defaults to "absent", so an `EmuReply` reads as the plain turn it scripts; the
    fields past `incomplete` are described in the module docs of `llmft.testing.emulator`.
    """

    text: str | None = None
    tool_calls: tuple[EmuToolCall, ...] = ()
    input_tokens: int = 11
    output_tokens: int = 7
    cached_tokens: int = 0
    fault: Fault | None = None
    incomplete: bool = False
    refusal: str | None = None
    stop_reason: str | None = None
    status: str | None = None
    reasoning: str | None = None
    reasoning_tokens: int = 0
    signature: str | None = None
    redacted_thinking: tuple[str, ...] = ()
    cache_creation_tokens: int = 0
    server_calls: tuple[ServerCall, ...] = ()
    stream_error: StreamError | None = None
    size: int = 0
    polls: int = 1


def emu_text(
    text: str = "",
    *,
    input_tokens: int = 11,
    output_tokens: int = 7,
    cached_tokens: int = 0,
    incomplete: bool = False,
    size: int = 0,
    reasoning: str | None = None,
    reasoning_tokens: int = 0,
) -> EmuReply:
    """A turn answering with text (`incomplete=True`: cut by the output-token limit).

    `size=N` answers N bytes of generated ASCII text instead, produced while sending (never held whole).
    """
    return EmuReply(
        text=None if size else text,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_tokens=cached_tokens,
        incomplete=incomplete,
        size=size,
        reasoning=reasoning,
        reasoning_tokens=reasoning_tokens,
    )


def emu_tool_calls(
    *calls: tuple[str, dict[str, Any] | str] | EmuToolCall,
    text: str | None = None,
    reasoning: str | None = None,
) -> EmuReply:
    """A turn calling tools: `("name", {"arg": 1})` pairs (a str is sent as raw arguments)."""
    built = []
    for call in calls:
        if isinstance(call, EmuToolCall):
            built.append(call)
        else:
            name, args = call
            built.append(EmuToolCall(name, args if isinstance(args, str) else json.dumps(args)))
    return EmuReply(text=text, tool_calls=tuple(built), reasoning=reasoning)


def emu_fault(**fault: Any) -> EmuReply:
    """A turn that fails as described by `Fault`'s fields."""
    return EmuReply(fault=Fault(**fault))


def emu_refusal(refusal: str = "I can't help with that.") -> EmuReply:
    """A turn where the model refuses (Responses refusal part, Chat `message.refusal`, Anthropic
    `stop_reason: "refusal"`)."""
    return EmuReply(refusal=refusal)


def emu_stream_error(text: str = "partial answer", **error: Any) -> EmuReply:
    """A streamed turn that starts with `text` and then fails in-stream as `StreamError(**error)` says."""
    return EmuReply(text=text, stream_error=StreamError(**error))


def emu_web_search(query: str, *results: tuple[str, str]) -> ServerCall:
    """A provider-run web search (for `EmuReply.server_calls`): results are (url, title) pairs."""
    return ServerCall("web_search", query=query, results=results)


def emu_tool_search(*found: str, query: str = "") -> ServerCall:
    """A provider-run tool search (for `EmuReply.server_calls`) that loads the deferred tools `found`."""
    return ServerCall("tool_search", query=query or " ".join(found), found=found)


@dataclass(frozen=True)
class BatchPlan:
    """How the next batch created on the emulator runs (see `ProviderEmulator.script_batch`).

    - `polls`: status polls answering `in_progress` before the batch ends (OpenAI then answers one
      `finalizing` poll).
    - `outcome`: "completed" (every request answered from the script), "expired" or "cancelled" (only
      the first `finished` requests answered; OpenAI lists the rest as `batch_expired` errors, Anthropic
      as `expired` / `canceled` results), "failed" (OpenAI: the batch fails validation with no output;
      Anthropic: every request `errored`).
    """

    polls: int = 1
    outcome: str = "completed"
    finished: int = 0


@dataclass
class RecordedRequest:
    """One request the emulator received (`batch_id`: the batch an input line came from)."""

    protocol: Protocol
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    method: str = "POST"
    batch_id: str | None = None

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    def items_of_type(self, kind: str) -> list[dict[str, Any]]:
        """Responses: the `input` items of this type (say "reasoning"), as sent."""
        items = self.body.get("input")
        return (
            [i for i in items if isinstance(i, dict) and i.get("type") == kind]
            if isinstance(items, list)
            else []
        )

    def blocks_of_type(self, kind: str) -> list[dict[str, Any]]:
        """Anthropic: the content blocks of this type (say "thinking") in every message, in order."""
        out: list[dict[str, Any]] = []
        for message in self.body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, list):
                out += [b for b in content if isinstance(b, dict) and b.get("type") == kind]
        return out


Script = Sequence[EmuReply] | Callable[[RecordedRequest], EmuReply]
