"""Server-sent events, decoded line by line (the `data:` of each event; comments and ids ignored)."""

from __future__ import annotations


class EventLines:
    """Feed the lines of an SSE stream (without their line ends); each completed event's data comes out.

    Several `data:` lines of one event are joined with newlines, as the SSE standard says; an event
    ends at a blank line.
    """

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> str | None:
        """The data of the event this line completes, or None."""
        if not line:
            if not self._data:
                return None
            data, self._data = "\n".join(self._data), []
            return data
        if line.startswith("data:"):
            value = line[5:]
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None
