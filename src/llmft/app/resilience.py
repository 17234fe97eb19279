"""ChatModel wrappers: retries with backoff, per-attempt timeouts, and fallback models.

Each is a ChatModel around a ChatModel, so they compose: `FallbackModel([RetryingModel(a), ...])`.
The schedule is `domain.retry`; the waiting goes through the Clock port, so tests see exact delays.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.app.budget import UsageBudget
from llmft.app.errors import to_provider_error
from llmft.app.events import FallingBack, Notice, Retrying
from llmft.app.stream_span import StreamSpan
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import ChatModel, Clock, DeltaStream, Telemetry
from llmft.domain.retry import RetryPolicy, retry_delay
from llmft.domain.streaming import StreamEnd, StreamFailed, TextDelta, ToolCallDelta

T = TypeVar("T")


class WaitGuard:
    """Bounds each wait for a stream's next item, never the consumer's own time between items.

    `limit` is the longest one wait may last (an idle timeout); `until` is a loop time no wait may
    pass (a deadline). Unlike an `asyncio.timeout` around every `anext`, which schedules and cancels
    a timer per item, the guard keeps one timer and re-arms it only when it fires: a fast stream pays
    one clock read per item. `close()` it when the stream ends.
    """

    __slots__ = ("_armed", "_expired", "_limit", "_loop", "_since", "_task", "_timer", "_until", "timed_out")

    def __init__(self, *, limit: float | None = None, until: float | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[object] | None = None  # the task waiting now
        self._limit = math.inf if limit is None else limit
        self._until = math.inf if until is None else until
        self._since: float | None = None  # the start of the wait in progress
        self._timer: asyncio.TimerHandle | None = None
        self._armed = math.inf  # when the timer fires
        self._expired = False
        self.timed_out = False  # set when `next` raised its TimeoutError

    async def next(self, items: AsyncIterator[T]) -> T:
        """`anext(items)`; TimeoutError when the wait passes the bound."""
        now = self._loop.time()
        due = min(now + self._limit, self._until)
        if due <= now:
            self.timed_out = True
            raise TimeoutError
        if due < self._armed:
            self._arm(due)
        task = self._task = asyncio.current_task()
        assert task is not None, "WaitGuard waits inside a task"
        cancelling = task.cancelling()
        self._since = now
        try:
            return await anext(items)
        except asyncio.CancelledError:
            if self._expired and self._settle(task, cancelling):
                self.timed_out = True
                raise TimeoutError from None
            raise
        finally:
            self._since = None
            if self._expired:  # our cancel was swallowed below us: take it back all the same
                self._settle(task, cancelling)

    def _settle(self, task: asyncio.Task[object], cancelling: int) -> bool:
        """Withdraw our cancel; True if it was the only one (as `asyncio.timeout` decides)."""
        self._expired = False
        return task.uncancel() <= cancelling

    def close(self) -> None:
        """Drop the timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._armed = math.inf

    def _arm(self, when: float) -> None:
        self.close()
        self._armed = when
        self._timer = self._loop.call_at(when, self._fire)

    def _fire(self) -> None:
        fired_at, self._timer, self._armed = self._armed, None, math.inf
        if self._since is None:
            return  # between waits: the next wait arms a timer again
        due = min(self._since + self._limit, self._until)
        if due > fired_at:
            self._arm(due)  # the wait in progress started after the timer was set
            return
        assert self._task is not None
        self._expired = True
        self._task.cancel()


LOG = logging.getLogger("llmft")
LOG.addHandler(logging.NullHandler())


def _log_request(
    route: str, model: str, attempt: int, started: float, result: Result[ModelReply, ProviderFailure]
) -> None:
    """One DEBUG record per model request: route, model, attempt, latency, tokens (never content)."""
    latency = (time.perf_counter() - started) * 1000
    if isinstance(result, Success):
        usage = result.unwrap().usage
        tokens = f"{usage.input_tokens} in / {usage.output_tokens} out" if usage is not None else "unknown"
        LOG.debug(
            "model request route=%s model=%s attempt=%d %.1f ms tokens %s",
            route,
            model,
            attempt,
            latency,
            tokens,
        )
    else:
        failure = result.failure()
        LOG.debug(
            "model request route=%s model=%s attempt=%d %.1f ms failed: %s %s",
            route, model, attempt, latency, failure.kind, failure.status_code or "-",
        )  # fmt: skip


def _timed_out(model: str, seconds: float) -> ProviderFailure:
    return ProviderFailure(
        "llmft", model, f"no answer within the {seconds:g} s timeout", retryable=True, kind="timeout"
    )


def deadline_failure(model: str) -> ProviderFailure:
    """The failure a model call ends with when the call's deadline passes (not retried, no fallback)."""
    return ProviderFailure("llmft", model, "the call's deadline passed", kind="deadline")


Notify = Callable[[Notice], Awaitable[None] | None]  # told before a retry's wait / a fallback


def _ignore(notice: Notice) -> None:
    """The default listener: nobody is told."""


class RetryingModel:
    """Retries retryable failures with capped, jittered backoff; bounds each wait by the request's
    timeout and every attempt by the call's deadline (an absolute time on `clock`)."""

    def __init__(
        self,
        inner: ChatModel,
        policy: RetryPolicy,
        *,
        clock: Clock,
        deadline: float | None = None,
        jitter: Callable[[], float] = random.random,
        notify: Notify = _ignore,
        route: str = "custom",
        budget: UsageBudget | None = None,
        provider: str = "custom",
        telemetry: Telemetry | None = None,
    ) -> None:
        self.inner = inner
        self.budget = budget  # the call's usage limits: every attempt counts as a request
        self.route = route  # for the log: which route serves the model
        self.provider = provider  # for telemetry: whose model it is
        self.telemetry = telemetry  # a span per attempt (None: no telemetry)
        self.policy = policy
        self.clock = clock
        self.deadline = deadline
        self.jitter = jitter
        self.notify = notify

    def __repr__(self) -> str:
        return f"RetryingModel({self.inner!r}, max_retries={self.policy.max_retries})"

    async def aclose(self) -> None:
        """Close the wrapped model."""
        await self.inner.aclose()

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock.now()

    async def _wait(self, request: ModelRequest, retries: int, failure: ProviderFailure) -> bool:
        delay = retry_delay(self.policy, retries, failure, self.jitter(), self._remaining())
        if delay is None:
            return False
        LOG.info(
            "retrying %s (attempt %d) in %.2f s after %s: %s",
            request.model, retries + 2, delay, failure.kind, failure.status_code or "-",
        )  # fmt: skip
        told = self.notify(Retrying(request.model, retries + 1, delay, to_provider_error(failure)))
        if told is not None:
            await told
        await self.clock.sleep(delay)
        return True

    async def _attempt(self, request: ModelRequest, attempt: int) -> Result[ModelReply, ProviderFailure]:
        if self.budget is not None:
            self.budget.before_request()  # raises UsageLimitExceeded: the attempt is not made
        telemetry = self.telemetry
        if telemetry is None and not LOG.isEnabledFor(logging.DEBUG):
            return await self._bounded(request)
        started = time.perf_counter()
        if telemetry is None:
            result = await self._bounded(request)
        else:
            # Current while the request runs: an instrumented HTTP client's spans are its children.
            with telemetry.model_request(request, self.provider) as span:
                result = await self._bounded(request)
                span.finish(result)
        if LOG.isEnabledFor(logging.DEBUG):
            _log_request(self.route, request.model, attempt, started, result)
        return result

    async def _bounded(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        remaining = self._remaining()
        limit = request.timeout if request.timeout is not None else math.inf
        if request.extra.get("background") is True:
            limit = math.inf  # a background reply is polled: the adapter bounds each poll by the timeout
        if remaining is not None and remaining <= 0:
            return Failure(deadline_failure(request.model))
        bound = limit if remaining is None else min(limit, remaining)
        try:
            async with asyncio.timeout(None if bound == math.inf else bound):
                return await self.inner.complete(request)
        except TimeoutError:
            if remaining is not None and remaining <= limit:
                return Failure(deadline_failure(request.model))
            return Failure(_timed_out(request.model, limit))

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One call, retried while the failure is retryable and the budget allows."""
        retries = 0
        while True:
            result = await self._attempt(request, retries + 1)
            if isinstance(result, Success) or not await self._wait(request, retries, result.failure()):
                return result
            retries += 1

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """A stream, retried only while nothing of the reply has been yielded yet."""
        retries = 0
        loop = asyncio.get_running_loop()
        while True:
            started = False
            finished = False
            failure: ProviderFailure | None = None
            remaining = self._remaining()
            until = None if remaining is None else loop.time() + remaining
            if self.budget is not None:
                self.budget.before_request()
            deltas = self.inner.stream(request)
            guard = WaitGuard(limit=request.timeout, until=until)
            # Never made current: the stream yields to its consumer, whose context it must not change.
            watch = (
                None
                if self.telemetry is None
                else StreamSpan(self.telemetry.model_request(request, self.provider))
            )
            try:
                while True:
                    try:
                        delta = await guard.next(deltas)
                    except StopAsyncIteration:
                        if finished:
                            return
                        failure = ProviderFailure(
                            "llmft", request.model, "the stream ended before its terminal event",
                            retryable=True, kind="incomplete_stream",
                        )  # fmt: skip
                        break
                    except TimeoutError:
                        if until is not None and loop.time() >= until:
                            failure = deadline_failure(request.model)
                        else:
                            failure = _timed_out(request.model, request.timeout or 0)
                        break
                    if isinstance(delta, StreamFailed):
                        if not started:
                            failure = delta.failure
                            break
                        # Part of the reply was shown: a retry would repeat it, so it is final.
                        delta = StreamFailed(evolve(delta.failure, retryable=False))
                    if isinstance(delta, TextDelta | ToolCallDelta):
                        started = True
                    finished = finished or isinstance(delta, StreamEnd | StreamFailed)
                    if watch is not None:
                        watch.see(delta, request)
                    yield delta
            except BaseException as error:
                if watch is not None:
                    watch.span.close(error)
                raise
            finally:
                guard.close()
                await deltas.aclose()
            if watch is not None:
                watch.span.finish(Failure(failure))
            if started:
                # Part of the reply was shown already: a retry would repeat it. Report, do not retry.
                yield StreamFailed(evolve(failure, retryable=False))
                return
            if not await self._wait(request, retries, failure):
                yield StreamFailed(failure)
                return
            retries += 1


def _falls_back(failure: ProviderFailure) -> bool:
    """Worth trying another model: still failing after retries, or this model/endpoint is unavailable."""
    return failure.retryable or failure.status_code in (404, 410) or failure.kind == "connection"


class FallbackModel:
    """Tries each (model name, ChatModel, its own provider parameters) in order until one answers."""

    def __init__(
        self, candidates: Sequence[tuple[str, ChatModel, Mapping[str, Any]]], *, notify: Notify = _ignore
    ) -> None:
        self.candidates = list(candidates)
        self.notify = notify

    def __repr__(self) -> str:
        return f"FallbackModel({[name for name, _, _ in self.candidates]!r})"

    async def aclose(self) -> None:
        """Close every candidate."""
        for _, model, _ in self.candidates:
            await model.aclose()

    @staticmethod
    def _for(request: ModelRequest, name: str, options: Mapping[str, Any]) -> ModelRequest:
        if options:
            return evolve(request, model=name, extra={**request.extra, **options})
        return evolve(request, model=name)

    async def _next(self, index: int, failure: ProviderFailure) -> bool:
        """Whether to go on to candidate `index + 1` after `failure` (and say so)."""
        if index + 1 >= len(self.candidates) or not _falls_back(failure):
            return False
        current, following = self.candidates[index][0], self.candidates[index + 1][0]
        LOG.info("falling back from %s to %s after %s", current, following, failure.kind)
        told = self.notify(FallingBack(current, following, to_provider_error(failure)))
        if told is not None:
            await told
        return True

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """The first candidate's reply, else the next's, for failures another model might not have."""
        for index, (name, model, options) in enumerate(self.candidates):
            result = await model.complete(self._for(request, name, options))
            if isinstance(result, Success) or not await self._next(index, result.failure()):
                return result
        raise AssertionError("unreachable: the last candidate always returns")  # pragma: no cover

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """Streams the first candidate that starts answering."""
        for index, (name, model, options) in enumerate(self.candidates):
            started = False
            deltas = model.stream(self._for(request, name, options))
            try:
                async for delta in deltas:
                    if (
                        isinstance(delta, StreamFailed)
                        and not started
                        and await self._next(index, delta.failure)
                    ):
                        break
                    if isinstance(delta, TextDelta | ToolCallDelta):
                        started = True
                    yield delta
                else:
                    return
            finally:
                await deltas.aclose()


_r: type[ChatModel] = RetryingModel
_f: type[ChatModel] = FallbackModel
