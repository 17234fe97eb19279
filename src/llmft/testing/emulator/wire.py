"""What every protocol shares: SSE framing, generated filler text, and the base of a reply's wire form."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from llmft.testing.emulator.script import EmuReply, RecordedRequest, StreamError

if TYPE_CHECKING:
    from llmft.testing.emulator.server import ProviderEmulator

# A generated (`size=N`) text travels as this marker and is expanded into N bytes while writing,
# so a 200 MB reply is never held in memory.
FILL_MARK = "\x00emu-fill\x00"
FILL_BYTES = json.dumps(FILL_MARK)[1:-1].encode()
FILL_CHUNK = 64 * 1024
_PATTERN = "the quick brown fox jumps over the lazy dog "
FILLER = (_PATTERN * (FILL_CHUNK // len(_PATTERN) + 1))[:FILL_CHUNK]


def sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    """One server-sent event (`data:` JSON, with an `event:` line when named)."""
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def pieces(text: str, size: int = 4) -> list[str]:
    """`text` cut into `size`-character deltas (one empty delta for empty text)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def filler(size: int) -> Iterator[str]:
    """`size` bytes of ASCII text in chunks of at most 64 KiB."""
    full, rest = divmod(size, FILL_CHUNK)
    for _ in range(full):
        yield FILLER
    if rest:
        yield FILLER[:rest]


class Wire:
    """A scripted reply in one protocol's shape: a JSON body, or an SSE event sequence."""

    call_prefix = "call"
    opening = 1  # leading stream events an in-stream error never preempts

    def __init__(self, emulator: ProviderEmulator, recorded: RecordedRequest, reply: EmuReply) -> None:
        self.emu = emulator
        self.request = recorded
        self.reply = reply
        self.model = str(recorded.body.get("model", "emulated-model"))
        self.calls = [
            (c.call_id or emulator.next_id(self.call_prefix), c.name, c.arguments) for c in reply.tool_calls
        ]
        self.created = int(time.time())
        self.deltas = 0  # content deltas yielded so far (for `StreamError.after`)

    @property
    def closing(self) -> int:
        """Trailing stream events an in-stream error replaces when it comes after every delta."""
        return 1

    @property
    def text(self) -> str | None:
        """The reply text (the filler marker for a generated text)."""
        return FILL_MARK if self.reply.size else self.reply.text

    def text_pieces(self, size: int = 4) -> Iterator[str]:
        if self.reply.size:
            yield from filler(self.reply.size)
        else:
            yield from pieces(self.reply.text or "", size)

    def rejection(self) -> tuple[int, dict[str, Any]] | None:
        """A status and body to answer instead of the reply (a request the provider would refuse)."""
        return None

    def error_body(self, status: int) -> dict[str, Any]:
        return {"error": {"message": f"emulated HTTP {status}", "type": "api_error", "code": None}}

    def json_body(self) -> dict[str, Any]:
        raise NotImplementedError

    def events(self) -> AsyncIterator[bytes]:
        raise NotImplementedError

    def error_events(self, error: StreamError, sent: int) -> list[bytes]:
        """The error's own events (`sent`: how many events went before them)."""
        raise NotImplementedError

    def stream(self) -> AsyncIterator[bytes]:
        """The SSE events to send, with the scripted in-stream error spliced in."""
        error = self.reply.stream_error
        return self.events() if error is None else self._with_error(error)

    async def _with_error(self, error: StreamError) -> AsyncIterator[bytes]:
        # Hold back the last `closing` events: if the stream ends before the error is due, the
        # error takes their place (a real provider never sends "completed" and then an error).
        held: deque[tuple[bytes, int]] = deque()
        sent = sent_deltas = 0
        async for chunk in self.events():
            held.append((chunk, self.deltas))
            if len(held) <= self.closing:
                continue
            chunk, deltas = held.popleft()
            if sent >= self.opening and sent_deltas >= error.after:
                break
            yield chunk
            sent, sent_deltas = sent + 1, deltas
        for chunk in self.error_events(error, sent):
            yield chunk
