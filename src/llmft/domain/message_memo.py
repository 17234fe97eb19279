"""A value worked out once per message: a tool loop sends its whole transcript every round, and with a
memo each round works out only its new messages' values (their wire form, say).

Messages are immutable, so a value worked out from one stays right for as long as the message lives.
Entries are kept by message identity and leave with their message (a weak reference), so a memo keeps
no transcript alive and serves any number of transcripts at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from llmft.domain.messages import Message

T = TypeVar("T")


class _Entry(weakref.ref[Message]):
    """A weak reference to a message, carrying the value worked out from it and its key in the memo."""

    __slots__ = ("key", "value")

    key: int
    value: object


class MessageMemo(Generic[T]):
    """`compute(message)`, worked out once per message while the message lives.

    The values are shared by every caller: nothing may change one (a caller that hands one on to code
    that might, copies it first).
    """

    __slots__ = ("_compute", "_entries", "_forget")

    def __init__(self, compute: Callable[[Message], T]) -> None:
        self._compute = compute
        entries: dict[int, _Entry] = {}
        self._entries = entries

        def forget(entry: _Entry) -> None:  # the message is gone
            if entries.get(entry.key) is entry:
                del entries[entry.key]

        self._forget = forget

    @property
    def entries(self) -> int:
        """How many messages have a value kept (each leaves with its message)."""
        return len(self._entries)

    def __call__(self, message: Message) -> T:
        """The value for `message`, worked out now only if it was not before."""
        entry = self._entries.get(id(message))
        if entry is not None and entry() is message:
            return entry.value  # type: ignore[return-value]
        return self._add(message)

    def _add(self, message: Message) -> T:
        value = self._compute(message)
        entry = _Entry(message, self._forget)
        entry.key, entry.value = id(message), value
        self._entries[entry.key] = entry
        return value

    def values(self, messages: Iterable[Message]) -> list[T]:
        """The value of each message, in order (what a round calls for its whole transcript: the lookup
        is inlined, as it runs once per message per round)."""
        get = self._entries.get
        out: list[T] = []
        for m in messages:
            entry = get(id(m))
            out.append(entry.value if entry is not None and entry() is m else self._add(m))  # type: ignore[arg-type]
        return out
