"""ChatModel wrappers: retries with backoff, per-attempt timeouts, and fallback models.

Each is a ChatModel around a ChatModel, so they compose: `FallbackModel([RetryingModel(a), ...])`.
The schedule is `domain.retry`; the waiting goes through the Clock port, so tests see exact delays.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable, Sequence

from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import ChatModel, Clock
from llmft.domain.retry import RetryPolicy, retry_delay
from llmft.domain.streaming import StreamDelta, StreamEnd, StreamFailed, TextDelta, ToolCallDelta


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


_: type[Clock] = SystemClock


def _timed_out(model: str, seconds: float) -> ProviderFailure:
    return ProviderFailure(
        "llmft",
        model,
        f"no answer within the {seconds:g} s timeout",
        status_code=None,
        retryable=True,
        kind="timeout",
    )


class RetryingModel:
    """Retries retryable failures with capped, jittered backoff; bounds each attempt by its timeout."""

    def __init__(
        self,
        inner: ChatModel,
        policy: RetryPolicy,
        *,
        clock: Clock,
        deadline: float | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.clock = clock
        self.deadline = deadline  # an absolute clock time, or None
        self.jitter = jitter

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock.now()

    async def _wait(self, retries: int, failure: ProviderFailure) -> bool:
        delay = retry_delay(self.policy, retries, failure, self.jitter(), self._remaining())
        if delay is None:
            return False
        await self.clock.sleep(delay)
        return True

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One call, retried while the failure is retryable and the budget allows."""
        retries = 0
        while True:
            try:
                async with asyncio.timeout(request.timeout):
                    result = await self.inner.complete(request)
            except TimeoutError:
                result = Failure(_timed_out(request.model, request.timeout or 0))
            if isinstance(result, Success) or not await self._wait(retries, result.failure()):
                return result
            retries += 1

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamDelta]:
        """A stream, retried only while nothing of the reply has been yielded yet."""
        retries = 0
        while True:
            started = False
            finished = False
            failure: ProviderFailure | None = None
            deltas = self.inner.stream(request)
            try:
                while True:
                    try:
                        async with asyncio.timeout(request.timeout):
                            delta = await anext(deltas)
                    except StopAsyncIteration:
                        if finished:
                            return
                        failure = ProviderFailure(
                            "llmft", request.model, "the stream ended before its terminal event",
                            retryable=True, kind="incomplete_stream",
                        )  # fmt: skip
                        break
                    except TimeoutError:
                        failure = _timed_out(request.model, request.timeout or 0)
                        break
                    if isinstance(delta, StreamFailed) and not started:
                        failure = delta.failure
                        break
                    if isinstance(delta, TextDelta | ToolCallDelta):
                        started = True
                    finished = finished or isinstance(delta, StreamEnd | StreamFailed)
                    yield delta
            finally:
                aclose = getattr(deltas, "aclose", None)
                if aclose is not None:
                    await aclose()
            assert failure is not None
            if started:
                # Part of the reply was shown already: a retry would repeat it. Report, do not retry.
                yield StreamFailed(evolve(failure, retryable=False))
                return
            if not await self._wait(retries, failure):
                yield StreamFailed(failure)
                return
            retries += 1


def _falls_back(failure: ProviderFailure) -> bool:
    """Worth trying another model: still failing after retries, or this model/endpoint is unavailable."""
    return failure.retryable or failure.status_code in (404, 410) or failure.kind == "connection"


class FallbackModel:
    """Tries each (model name, ChatModel) in order until one answers."""

    def __init__(self, candidates: Sequence[tuple[str, ChatModel]]) -> None:
        self.candidates = list(candidates)

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """The first candidate's reply, else the next's, for failures another model might not have."""
        result: Result[ModelReply, ProviderFailure] | None = None
        for name, model in self.candidates:
            result = await model.complete(evolve(request, model=name))
            if isinstance(result, Success) or not _falls_back(result.failure()):
                return result
        assert result is not None
        return result

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamDelta]:
        """Streams the first candidate that starts answering."""
        for index, (name, model) in enumerate(self.candidates):
            last = index == len(self.candidates) - 1
            started = False
            deltas = model.stream(evolve(request, model=name))
            try:
                async for delta in deltas:
                    if (
                        isinstance(delta, StreamFailed)
                        and not started
                        and not last
                        and _falls_back(delta.failure)
                    ):
                        break
                    if isinstance(delta, TextDelta | ToolCallDelta):
                        started = True
                    yield delta
                else:
                    return
            finally:
                aclose = getattr(deltas, "aclose", None)
                if aclose is not None:
                    await aclose()


_r: type[ChatModel] = RetryingModel
_f: type[ChatModel] = FallbackModel
