"""The real clock: monotonic time and asyncio sleeping."""

from __future__ import annotations

import asyncio
import time

from llmft.domain.ports import Clock


class SystemClock:
    """Monotonic seconds (the same clock asyncio's event loop reads)."""

    def now(self) -> float:
        """Monotonic seconds."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        await asyncio.sleep(seconds)


_: type[Clock] = SystemClock
