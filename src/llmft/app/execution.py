"""Running a tool's body: async tools on the loop, sync tools on llmft's own threads, each within its
timeout.

Sync tools never run on the loop's default executor (one hung tool would starve it, and `asyncio.run`
waits for it at exit) nor on a `concurrent.futures` pool (its threads are joined at interpreter exit).
They run on a bounded pool of daemon threads: a sync tool past its timeout is reported at once and
its thread left to finish on its own — never waited for, and never keeping the process alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import json
import queue
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from llmft.app.builtins import tool_error
from llmft.app.results import ToolExecutionResult

MAX_TOOL_THREADS = 64


class ToolTimedOut(Exception):
    """The tool did not finish within its timeout."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


_Job = tuple[Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


class ToolThreads:
    """A bounded pool of daemon threads, grown on demand up to `max_threads`."""

    def __init__(self, max_threads: int = MAX_TOOL_THREADS) -> None:
        self._max = max_threads
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0  # threads waiting for a job
        self._pending = 0  # jobs not yet taken

    def submit(self, work: Callable[[], Any]) -> asyncio.Future[Any]:
        """Run `work` on a pool thread; the future resolves on the calling loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            self._pending += 1
            if self._pending > self._idle and self._threads < self._max:
                self._threads += 1
                name = f"llmft-tool-{self._threads}"
                threading.Thread(target=self._serve, name=name, daemon=True).start()
        self._jobs.put((work, loop, future))
        return future

    def _serve(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            work, loop, future = self._jobs.get()
            with self._lock:
                self._idle -= 1
                self._pending -= 1
            try:
                value = work()
            except BaseException as error:  # handed to the awaiting task, whatever it is
                _settle(loop, future, error=error)
            else:
                _settle(loop, future, value=value)


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    *,
    value: Any = None,
    error: BaseException | None = None,
) -> None:
    def settle() -> None:
        if future.done():  # timed out or cancelled meanwhile: nobody is waiting any more
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    with contextlib.suppress(RuntimeError):  # the loop closed while the tool ran
        loop.call_soon_threadsafe(settle)


_SHARED: ToolThreads | None = None


def tool_threads() -> ToolThreads:
    """The process's pool of tool threads (made on first use)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ToolThreads()
    return _SHARED


async def run_function(function: Callable[..., Any], kwargs: dict[str, Any], timeout: float | None) -> Any:
    """The tool's return value; `ToolTimedOut` past `timeout` (an async tool is cancelled then)."""
    try:
        async with asyncio.timeout(timeout):
            if inspect.iscoroutinefunction(function):
                return await function(**kwargs)
            context = contextvars.copy_context()  # the tool sees the caller's contextvars
            # On a timeout the future is cancelled; the thread goes on and its result is dropped.
            value = await tool_threads().submit(lambda: context.run(function, **kwargs))
            if inspect.isawaitable(value):
                value = await value
            return value
    except TimeoutError:
        if timeout is None:
            raise
        raise ToolTimedOut(timeout) from None


def wrap_value(name: str, value: Any) -> ToolExecutionResult:
    """A tool's return value as a result: a plain value is both what the model reads and the payload."""
    if isinstance(value, ToolExecutionResult):
        return value
    if isinstance(value, str):
        return ToolExecutionResult(content=value, payload=value)
    if isinstance(value, BaseModel):
        return ToolExecutionResult(content=value.model_dump_json(), payload=value)
    try:
        return ToolExecutionResult(content=json.dumps(value, ensure_ascii=False), payload=value)
    except (TypeError, ValueError) as error:
        return tool_error(f"tool {name!r} returned a value that is not JSON-serialisable ({error})")
