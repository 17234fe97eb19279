"""WaitGuard: the per-wait bound on streams (idle timeout and deadline) with one timer per stream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
from returns.result import Result

from llmft.app.resilience import RetryingModel, WaitGuard
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import Message, ModelReply, ModelRequest
from llmft.domain.retry import RetryPolicy
from llmft.domain.streaming import StreamDelta, StreamEnd, StreamFailed, TextDelta

from .conftest import FakeClock


async def paced(*delays: float) -> AsyncIterator[int]:
    """Yields 0, 1, 2, … each after its delay."""
    for index, delay in enumerate(delays):
        await asyncio.sleep(delay)
        yield index


def _no_cancel_left() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() == 0


async def test_items_in_time_pass_and_the_consumers_own_time_does_not_count() -> None:
    guard = WaitGuard(limit=0.05)
    items = paced(0.01, 0.01, 0.01, 0.01)
    got = []
    for _ in range(4):
        got.append(await guard.next(items))
        await asyncio.sleep(0.08)  # longer than the limit, but it is the consumer's time
    guard.close()
    assert got == [0, 1, 2, 3]
    assert not guard.timed_out
    assert _no_cancel_left()


async def test_a_stall_longer_than_the_limit_is_a_timeout() -> None:
    guard = WaitGuard(limit=0.05)
    items = paced(0, 0, 10)
    assert [await guard.next(items), await guard.next(items)] == [0, 1]
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        await guard.next(items)
    assert 0.04 <= loop.time() - started < 1
    assert guard.timed_out
    assert _no_cancel_left()
    guard.close()


async def test_a_wait_that_began_after_the_timer_was_set_gets_its_whole_limit() -> None:
    # The timer was armed by the first wait; it fires during the second, which is still young.
    guard = WaitGuard(limit=0.1)
    items = paced(0, 0.08)
    assert await guard.next(items) == 0
    await asyncio.sleep(0.05)
    assert await guard.next(items) == 1  # 0.13 s after the timer was armed, 0.08 s into this wait
    assert not guard.timed_out
    guard.close()


async def test_a_stall_after_a_quiet_period_between_waits_is_still_caught() -> None:
    guard = WaitGuard(limit=0.05)
    items = paced(0, 10)
    assert await guard.next(items) == 0
    await asyncio.sleep(0.1)  # the timer fires while nothing waits, and stands down
    with pytest.raises(TimeoutError):
        await guard.next(items)
    guard.close()


async def test_until_bounds_all_waits_together() -> None:
    loop = asyncio.get_running_loop()
    guard = WaitGuard(until=loop.time() + 0.3)
    items = paced(0.02, 0.02, 1.0)  # margins wide enough for a loaded machine
    assert [await guard.next(items), await guard.next(items)] == [0, 1]
    with pytest.raises(TimeoutError):
        await guard.next(items)
    assert loop.time() >= guard._until - 0.01
    with pytest.raises(TimeoutError):  # past the deadline: no wait at all
        await guard.next(paced(0))
    guard.close()


async def test_a_cancel_from_outside_stays_a_cancel() -> None:
    guard_box: list[WaitGuard] = []

    async def consume() -> None:
        guard = WaitGuard(limit=5)
        guard_box.append(guard)
        await guard.next(paced(10))

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not guard_box[0].timed_out
    guard_box[0].close()


async def test_an_outside_cancel_racing_the_timer_stays_a_cancel() -> None:
    guard = WaitGuard(limit=0.05)

    async def consume() -> None:
        task = asyncio.current_task()
        assert task is not None

        async def stuck() -> AsyncIterator[int]:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                task.cancel()  # someone else cancels too, before the guard sees its own cancel
                raise
            yield 0

        await guard.next(stuck())

    consumer = asyncio.create_task(consume())
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert consumer.cancelled()
    assert not guard.timed_out  # the outside cancel wins: no TimeoutError in its place
    guard.close()


async def test_a_cancel_swallowed_below_is_taken_back() -> None:
    async def stubborn() -> AsyncIterator[str]:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)
        yield "late"

    guard = WaitGuard(limit=0.03)
    assert await guard.next(stubborn()) == "late"
    assert not guard.timed_out
    assert _no_cancel_left()
    await asyncio.sleep(0.05)  # and nothing is cancelled afterwards
    guard.close()


async def test_a_closed_guard_cancels_nothing() -> None:
    guard = WaitGuard(limit=0.02)
    items = paced(0)
    assert await guard.next(items) == 0
    guard.close()
    guard.close()
    await asyncio.sleep(0.05)
    assert _no_cancel_left()


class _Stalling:
    """A ChatModel whose streams stall for 10 s after `stall_after` deltas, for `stalls` attempts."""

    def __init__(self, stall_after: int, stalls: int) -> None:
        self.stall_after = stall_after
        self.stalls = stalls
        self.attempts = 0

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamDelta, None]:
        self.attempts += 1
        stall = self.attempts <= self.stalls
        for index, word in enumerate(["a", "b", "c"]):
            if stall and index == self.stall_after:
                await asyncio.sleep(10)
            yield TextDelta(word)
        yield StreamEnd("stop", request.model)


REQUEST = ModelRequest(model="m", messages=(Message(role="user", content="hi"),), timeout=0.05)


async def _collect(model: RetryingModel) -> list[StreamDelta]:
    return [delta async for delta in model.stream(REQUEST)]


async def test_a_stream_that_stalls_before_its_first_delta_is_retried() -> None:
    inner = _Stalling(stall_after=0, stalls=1)
    clock = FakeClock()
    deltas = await _collect(RetryingModel(inner, RetryPolicy(max_retries=2), clock=clock, jitter=lambda: 0))
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == ["a", "b", "c"]
    assert inner.attempts == 2
    assert _no_cancel_left()


async def test_a_stream_that_stalls_midway_fails_without_a_retry() -> None:
    inner = _Stalling(stall_after=2, stalls=5)
    deltas = await _collect(
        RetryingModel(inner, RetryPolicy(max_retries=2), clock=FakeClock(), jitter=lambda: 0)
    )
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == ["a", "b"]
    failed = deltas[-1]
    assert isinstance(failed, StreamFailed)
    assert failed.failure.kind == "timeout"
    assert not failed.failure.retryable
    assert "0.05 s timeout" in failed.failure.message
    assert inner.attempts == 1
    assert _no_cancel_left()
