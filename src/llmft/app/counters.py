"""Usage counters: how many times each registered tool was called (exact under threads)."""

from __future__ import annotations

import threading


class UsageCounts:
    """A counter per registered tool, from 0; a reset sets them back to 0."""

    __slots__ = ("_counts", "_lock")

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def track(self, name: str) -> None:
        """Count calls of `name` from now on (kept at its count if already tracked)."""
        with self._lock:
            self._counts.setdefault(name, 0)

    def add(self, name: str) -> bool:
        """Count one call; False when `name` is not tracked."""
        with self._lock:
            if name not in self._counts:
                return False
            self._counts[name] += 1
            return True

    def snapshot(self) -> dict[str, int]:
        """The counts now."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> dict[str, int]:
        """The counts before the reset; every counter is 0 after it."""
        with self._lock:
            counts, self._counts = self._counts, dict.fromkeys(self._counts, 0)
            return counts
