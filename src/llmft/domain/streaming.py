"""Stream deltas, and their fold into one `ModelReply` (text, tool-call fragments, reasoning, usage).

A stream is complete only when it delivers `StreamEnd`: a stream that stops without it was cut,
and folding it gives a failure, never a reply that looks whole.
"""

from __future__ import annotations

from attrs import evolve, frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ReasoningPart, ToolCall, Usage, add_usage


@frozen
class TextDelta:
    """A piece of the reply's text."""

    text: str


@frozen
class ToolCallDelta:
    """A fragment of the tool call at `index`: id and name come once, arguments in pieces."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@frozen
class ReasoningDelta:
    """Reasoning as it streams: `text`, a readable piece (never part of the reply's text); `part`, once
    a block is complete, the provider-opaque block to keep (it goes back on the next turn)."""

    text: str = ""
    part: ReasoningPart | None = None


@frozen
class UsageDelta:
    """Token usage reported by the stream (usually once, near the end)."""

    usage: Usage


@frozen
class ItemDelta:
    """A provider-opaque item the reply carries whole (a provider tool search's call and output),
    kept in the transcript so the next request sends it back."""

    part: ReasoningPart


@frozen
class StreamEnd:
    """The terminal event: the provider said the reply is complete."""

    finish_reason: str = "stop"
    model: str = ""


@frozen
class StreamFailed:
    """The stream broke; nothing after this."""

    failure: ProviderFailure


StreamDelta = TextDelta | ToolCallDelta | ReasoningDelta | UsageDelta | ItemDelta | StreamEnd | StreamFailed


class _CallParts:
    __slots__ = ("args", "id", "name")

    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.args: list[str] = []


class ReplyAccumulator:
    """Folds deltas one at a time (linear in the stream's length) and builds the reply at the end."""

    __slots__ = ("_calls", "_end", "_failed", "_limit", "_reasoning", "_size", "_text", "_usage")

    def __init__(self, max_bytes: int | None = None) -> None:
        self._limit = max_bytes
        self._size = 0
        self._text: list[str] = []
        self._calls: dict[int, _CallParts] = {}
        self._reasoning: list[ReasoningPart] = []
        self._usage: Usage | None = None
        self._end: StreamEnd | None = None
        self._failed: ProviderFailure | None = None

    @property
    def finished(self) -> bool:
        """True once a terminal delta has been folded in."""
        return self._end is not None or self._failed is not None

    def add(self, delta: StreamDelta) -> None:
        """Fold one delta in; deltas after a terminal one are ignored."""
        if self._end is not None or self._failed is not None:
            return
        if type(delta) is TextDelta:  # most deltas: one type check, then append
            if self._limit is None or self._fits(delta.text):
                self._text.append(delta.text)
            return
        match delta:
            case TextDelta(text):
                if self._limit is None or self._fits(text):
                    self._text.append(text)
            case ToolCallDelta(index, call_id, name, arguments):
                if self._limit is not None and not self._fits(arguments):
                    return
                parts = self._calls.get(index)
                if parts is None:
                    parts = self._calls[index] = _CallParts()
                if call_id:
                    parts.id = call_id
                if name:
                    parts.name += name
                if arguments:
                    parts.args.append(arguments)
            case ReasoningDelta(text, part):
                if self._limit is not None and not self._fits(text):
                    return
                if part is not None:
                    self._reasoning.append(part)
            case UsageDelta(usage):
                self._usage = add_usage(self._usage, usage)
            case ItemDelta(part):
                self._reasoning.append(part)  # kept whole, in arrival order
            case StreamEnd():
                self._end = delta
            case StreamFailed(failure):
                self._failed = failure

    def _fits(self, piece: str) -> bool:
        """Count `piece` against `max_bytes`; False (and the stream failed) once the reply is over it."""
        self._size += len(piece) if piece.isascii() else len(piece.encode("utf-8", "surrogatepass"))
        if self._limit is not None and self._size > self._limit:
            self._failed = ProviderFailure(
                "llmft",
                "",
                f"the reply is larger than max_response_bytes ({self._limit} bytes)",
                kind="malformed",
            )
            return False
        return True

    def build(self, provider: str, model: str) -> Result[ModelReply, ProviderFailure]:
        """The reply, or the failure: the stream's own, or a cut stream's."""
        if self._failed is not None:
            failed = self._failed
            if not failed.model:  # found here, not by the adapter: say whose reply it was
                failed = evolve(failed, provider=provider, model=model)
            return Failure(failed)
        if self._end is None:
            return Failure(
                ProviderFailure(
                    provider,
                    model,
                    "the stream ended before its terminal event; the reply is incomplete",
                    retryable=False,
                    kind="incomplete_stream",
                )
            )
        calls = tuple(
            ToolCall(parts.id or f"call_{index}", parts.name, "".join(parts.args))
            for index, parts in sorted(self._calls.items())
        )
        text = "".join(self._text)
        return Success(
            ModelReply(
                text=text if text or not calls else None,
                tool_calls=calls,
                usage=self._usage,
                finish_reason=self._end.finish_reason,
                model=self._end.model or model,
                reasoning=tuple(self._reasoning),
            )
        )
