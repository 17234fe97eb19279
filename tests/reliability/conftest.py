"""A fake clock: retries wait through it, so tests see the exact delays and never sleep."""

from __future__ import annotations

import asyncio

import pytest


class FakeClock:
    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


from ..providers.conftest import emu, route  # noqa: E402, F401  (the same emulator and route fixtures)
