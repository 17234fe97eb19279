"""Waiting for a benchmark process to go idle, so the CPU a row's deferred work uses is the row's.

Imports nothing but the standard library: the first version's child process (its own venv) uses it too.
"""

from __future__ import annotations

import asyncio
import time


async def settle() -> None:
    """Idle until the process stops using CPU (at most 2 s), so deferred work lands on the row that made it."""
    for _ in range(100):
        before = time.process_time()
        await asyncio.sleep(0.02)
        if time.process_time() - before < 0.001:
            return
