"""MathEngine in a worker process: sympy evaluates in a child interpreter that this engine can kill.

A big-integer operation inside sympy holds the GIL until it ends, so nothing in the calling process
(thread, timer, deadline) can stop one. A worker process can be stopped: each expression gets
`cap_seconds`; past that, or when the awaiting task is cancelled, the worker is killed (SIGKILL) and
reaped, and the next call starts a fresh one. Its pipes are read with the event loop's `add_reader`
rather than asyncio's subprocess transports, so one worker serves whichever loop calls (POSIX loops).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import weakref

from returns.result import Failure, Result, Success

from llmft.domain.math_expr import parse_expression
from llmft.domain.ports import MathEngine

_WORKER_MODULE = "llmft.adapters.sympy_math"
_READY = b'{"ready": true}'
_MAX_REPLY_BYTES = 1 << 20
_TEST_HOOKS = frozenset({"__spin__", "__environ__"})  # understood by the worker only with --test-hooks


class _WorkerFault(Exception):
    """The worker broke the protocol: exited, sent garbage, or stopped reading."""


class _WorkerExited(_WorkerFault):
    """The worker closed its end of the pipe: described once it is reaped, with its exit status."""


class _Worker:
    """One child process, and the bytes it has sent that no reply has used yet."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        self.process = process
        self.stdin, self.stdout = process.stdin.fileno(), process.stdout.fileno()
        os.set_blocking(self.stdin, False)
        os.set_blocking(self.stdout, False)
        self.pending = bytearray()
        self.busy = False  # a request is out and its reply unread: the pipe is out of step
        self.served = 0

    def send(self, line: bytes) -> None:
        # One line of at most PIPE_BUF bytes into an empty pipe: written whole or not at all.
        try:
            os.write(self.stdin, line)
        except OSError as error:  # BrokenPipeError: it has exited; BlockingIOError: it stopped reading
            raise _WorkerFault(f"it takes no requests ({type(error).__name__})") from None
        self.busy = True

    async def read_line(self) -> bytes:
        loop = asyncio.get_running_loop()
        while (end := self.pending.find(b"\n")) < 0:
            if len(self.pending) > _MAX_REPLY_BYTES:
                raise _WorkerFault("it sent an over-long reply")
            readable: asyncio.Future[None] = loop.create_future()
            loop.add_reader(self.stdout, _settle, readable)
            try:
                await readable
            finally:
                loop.remove_reader(self.stdout)
            try:
                chunk = os.read(self.stdout, 65536)
            except BlockingIOError:  # pragma: no cover - woken with nothing to read
                continue
            if not chunk:
                raise _WorkerExited
            self.pending += chunk
        line = bytes(self.pending[:end])
        del self.pending[: end + 1]
        self.busy = False
        return line

    def describe(self, fault: _WorkerFault) -> str:
        code = self.process.poll()
        if not isinstance(fault, _WorkerExited) or code is None:
            return str(fault) or "it exited"
        return f"it was ended by signal {-code}" if code < 0 else f"it exited with status {code}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()

    def reaped(self) -> bool:
        """Whether the process is gone (exit status collected); then its pipes are closed."""
        if self.process.poll() is None:
            return False
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        return True


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _kill_all(workers: list[_Worker]) -> None:
    """At garbage collection or interpreter exit: no worker outlives its engine."""
    for worker in workers:
        worker.kill()
        try:
            worker.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not take a second
            continue
        worker.reaped()
    workers.clear()


class ProcessMath:
    """Evaluates expressions in a sympy worker process, each within `cap_seconds` whatever the caller.

    The worker starts on first use (a fresh interpreter importing sympy: 0.5-2 s) and serves requests
    one at a time. It gets PATH and a PYTHONPATH of this process's `sys.path`, nothing else from the
    environment: no API keys. A call after `aclose` starts a new worker. Needs a loop with add_reader.
    """

    def __init__(
        self,
        *,
        cap_seconds: float = 2.0,
        start_timeout_seconds: float = 20.0,
        memory_limit_mb: int | None = 1024,
        python: str = sys.executable,
        _test_hooks: bool = False,
    ) -> None:
        self.cap_seconds = cap_seconds
        self.start_timeout_seconds = start_timeout_seconds
        self.memory_limit_mb = memory_limit_mb
        self.python = python
        self._test_hooks = _test_hooks
        self._worker: _Worker | None = None
        self._workers: list[_Worker] = []  # every process not yet reaped, the current one included
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        weakref.finalize(self, _kill_all, self._workers)

    @property
    def worker_pid(self) -> int | None:
        """The current worker's process id (None before the first call or after a kill)."""
        return self._worker.process.pid if self._worker is not None else None

    async def evaluate(self, expression: str) -> Result[str, str]:
        """The value as text, or why it was refused (or why the worker could not answer)."""
        if not (self._test_hooks and isinstance(expression, str) and expression in _TEST_HOOKS):
            parsed = parse_expression(expression)  # bad text is refused here, without a worker
            if not isinstance(parsed, Success):
                return Failure(parsed.failure())
        request = json.dumps({"expression": expression.strip()}).encode() + b"\n"
        if len(request) > select.PIPE_BUF:  # pragma: no cover - parsing caps the text well below
            return Failure("the expression is too long")
        async with self._loop_lock():
            while True:
                worker = await self._started()
                if isinstance(worker, str):
                    return Failure(worker)
                result = await self._exchange(worker, request)
                if result is not None:
                    return result

    async def aclose(self) -> None:
        """Kill the worker (a call in progress gets a Failure) and reap it."""
        if self._worker is not None:
            self._worker.kill()
        async with self._loop_lock():
            if self._worker is not None:
                await self._discard(self._worker)
            await self._reap()

    def _loop_lock(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to the loop it first waited on; callers from a new loop get a new one.
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def _exchange(self, worker: _Worker, request: bytes) -> Result[str, str] | None:
        """The worker's reply; None to ask again, when a worker that had served calls was found gone."""
        try:
            worker.send(request)
            async with asyncio.timeout(self.cap_seconds):
                line = await worker.read_line()
        except TimeoutError:
            await self._discard(worker)
            return Failure(f"the evaluation took longer than {self.cap_seconds} s (the worker was stopped)")
        except _WorkerFault as fault:
            await self._discard(worker)
            if isinstance(fault, _WorkerExited) and worker.served:  # killed between calls (OOM killer)
                return None
            return Failure(f"the math worker failed: {worker.describe(fault)}")
        except BaseException:  # cancelled (a caller's deadline) while the worker computes: stop it
            await self._discard(worker)
            raise
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        worker.served += 1
        if isinstance(reply, dict) and isinstance(reply.get("value"), str):
            return Success(reply["value"])
        if isinstance(reply, dict) and isinstance(reply.get("refused"), str):
            return Failure(reply["refused"])
        await self._discard(worker)
        return Failure("the math worker failed: it sent a malformed reply")

    async def _started(self) -> _Worker | str:
        """The running worker, or a new one that has said it is ready; else why there is none."""
        await self._reap()
        current = self._worker
        if current is not None and not current.busy and current.process.poll() is None:
            return current
        if current is not None:
            await self._discard(current)
        try:
            process = _spawn(self._command())
        except OSError as error:
            return f"the math worker cannot start: {type(error).__name__}: {error.strerror or error}"
        worker = self._worker = _Worker(process)
        self._workers.append(worker)
        try:
            async with asyncio.timeout(self.start_timeout_seconds):
                line = await worker.read_line()
        except TimeoutError:
            await self._discard(worker)
            return f"the math worker did not start within {self.start_timeout_seconds} s"
        except _WorkerFault as fault:
            await self._discard(worker)
            return f"the math worker did not start: {worker.describe(fault)}"
        except BaseException:
            await self._discard(worker)
            raise
        if line.strip() != _READY:
            await self._discard(worker)
            return "the math worker did not start: it sent something other than its ready line"
        return worker

    def _command(self) -> list[str]:
        # -P: not the working directory on sys.path; -s: no user site beyond what PYTHONPATH names.
        command = [self.python, "-P", "-s", "-m", _WORKER_MODULE, "--budget", str(0.9 * self.cap_seconds)]
        if self.memory_limit_mb:
            command += ["--memory-mb", str(self.memory_limit_mb)]
        return [*command, "--test-hooks"] if self._test_hooks else command

    async def _discard(self, worker: _Worker) -> None:
        """Kill `worker` and wait (briefly, off the loop's back) until it is reaped."""
        worker.kill()
        if self._worker is worker:
            self._worker = None
        await self._reap()

    async def _reap(self) -> None:
        # After SIGKILL the exit takes milliseconds; polling never blocks the loop as wait() would.
        for _ in range(500):
            self._workers[:] = [w for w in self._workers if w is self._worker or not w.reaped()]
            if all(w is self._worker for w in self._workers):
                return
            await asyncio.sleep(0.002)


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    # Popen returns once the child has exec'd (vfork: milliseconds); asyncio's subprocess support
    # makes the same call on the loop. Its stderr goes nowhere: tracebacks would spam ours.
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_environment(),
        start_new_session=True,  # a terminal's Ctrl-C is for this process, which then ends the worker
    )


def _environment() -> dict[str, str]:
    """PATH, and the module path that finds llmft and sympy as this process does; no secrets."""
    paths = [p for p in sys.path if p and os.path.exists(p)]
    return {"PATH": os.environ.get("PATH", os.defpath), "PYTHONPATH": os.pathsep.join(paths)}


_: type[MathEngine] = ProcessMath
