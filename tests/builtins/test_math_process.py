"""ProcessMath: sympy in a worker process that is killed on overrun, on cancellation and on close.

Real worker processes throughout. The worker understands two test-only requests when started with
`_test_hooks=True`: `__spin__` (one C call holding the GIL, never ending) and `__environ__` (the names
in its environment).
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from llmft.adapters.math_process import ProcessMath

SECRET_NAME = "LLMFT_TEST_OPENAI_API_KEY"


@pytest.fixture(scope="module")
def secret_in_environment() -> Iterator[None]:
    """A key in this process's environment while the module's workers start."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_NAME, "sk-test-not-for-children")
        patch.setenv("OPENAI_API_KEY", "sk-test-not-for-children")
        yield


@pytest.fixture(scope="module")
async def engine(secret_in_environment: None) -> AsyncIterator[ProcessMath]:
    math = ProcessMath(_test_hooks=True)
    yield math
    await math.aclose()


def _alive(pid: int | None) -> bool:
    assert pid is not None
    try:
        os.kill(pid, 0)  # succeeds for a zombie too: gone means killed and reaped
    except ProcessLookupError:
        return False
    return True


class Heartbeat:
    """Ticks every 10 ms on the event loop and keeps the longest gap between ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            self.longest, last = max(self.longest, now - last), now

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


HOSTILE = [
    ("(1+1/10**29)**1000000", "≈ 1.00000000000000000000001 (approximate"),
    ("(1+1/10**29)**300000", "≈ 1.000000000000000000000003 (approximate"),
    ("(1+1/10**29)**-1000000", "≈ 0.99999999999999999999999 (approximate"),
    ("12**(10**29/(10**29+1))", "≈ 11.99999999999999999999999999970"),
    ("(sqrt(2)*10**19/14142135623730950488)**1000000", "≈ 1.0000000000000011941"),
    ("(3/2)**5000", "≈ 2.8595340902714e+880"),
    ("sqrt(10**999+7)", "≈ 3.16227766016837933199889354443271853372e+499"),
    ("floor(pi*10**999)", "31415926535897932384626433832795028841971693993751058209749445923"),
    ("(10**999) % pi", "2.75623198699107"),
    ("9**9**9", "the exponent is too large"),
    ("factorial(300)**3", "the power exceeds 10^1000 in size"),
    ("factorial(10**10)", "factorial() takes a whole number from 0 to 300"),
    ("lcm(10**29+1, 10**29+3, 10**29+7, 10**29+9) ** 40", "the power exceeds 10^1000 in size"),
]


async def test_hostile_expressions_never_stall_the_event_loop(engine: ProcessMath) -> None:
    async with Heartbeat() as heartbeat:
        for expression, expected in HOSTILE:
            result = await engine.evaluate(expression)
            text = result.unwrap() if is_successful(result) else result.failure()
            assert text.startswith(expected), (expression, text)
    assert heartbeat.longest < 0.1


async def test_a_deadline_kills_the_worker_and_the_next_call_gets_a_fresh_one(engine: ProcessMath) -> None:
    assert (await engine.evaluate("2 + 3")).unwrap() == "5"
    spinning = engine.worker_pid
    started = time.perf_counter()
    async with Heartbeat() as heartbeat:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await engine.evaluate("__spin__")
    assert time.perf_counter() - started < 0.5 + 0.2
    assert heartbeat.longest < 0.1
    assert not _alive(spinning)
    assert engine.worker_pid is None
    assert (await engine.evaluate("6 * 7")).unwrap() == "42"
    assert engine.worker_pid != spinning


async def test_the_cap_stops_a_slow_expression_without_any_deadline(secret_in_environment: None) -> None:
    capped = ProcessMath(cap_seconds=0.3, _test_hooks=True)
    assert (await capped.evaluate("1 + 1")).unwrap() == "2"
    spinning = capped.worker_pid
    started = time.perf_counter()
    result = await capped.evaluate("__spin__")
    assert time.perf_counter() - started < 0.3 + 0.2
    assert result.failure() == "the evaluation took longer than 0.3 s (the worker was stopped)"
    assert not _alive(spinning)
    assert (await capped.evaluate("2 ** 10")).unwrap() == "1024"
    # Dropped without aclose, the engine still takes its worker with it.
    fresh = capped.worker_pid
    del capped
    gc.collect()
    assert not _alive(fresh)


async def test_a_worker_killed_from_outside_is_replaced_on_the_next_call(engine: ProcessMath) -> None:
    assert is_successful(await engine.evaluate("1"))
    pid = engine.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
    assert (await engine.evaluate("2 ** 0.5")).unwrap() == "1.4142135623731"
    assert engine.worker_pid != pid
    assert not _alive(pid)


async def test_a_deadline_during_start_up_kills_the_starting_worker() -> None:
    math = ProcessMath()
    before = _children()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await math.evaluate("1 + 1")
    assert math.worker_pid is None
    assert _children() <= before


async def test_aclose_kills_the_worker_and_reaps_it(engine: ProcessMath) -> None:
    assert is_successful(await engine.evaluate("1"))
    pid = engine.worker_pid
    await engine.aclose()
    assert not _alive(pid)
    assert engine.worker_pid is None
    await engine.aclose()  # twice is harmless
    assert pid not in _children()


def _children() -> set[int]:
    """This process's children, as Linux lists them (empty elsewhere)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


async def test_concurrent_callers_get_their_own_answers(engine: ProcessMath) -> None:
    results = await asyncio.gather(*(engine.evaluate(f"{n} * {n} + {n} / 7") for n in range(20)))
    expected = [str(Fraction(n * n * 7 + n, 7)) for n in range(20)]
    assert [r.unwrap().split(" ")[0] for r in results] == expected


async def test_the_worker_environment_holds_no_keys(engine: ProcessMath) -> None:
    assert os.environ[SECRET_NAME]
    names = (await engine.evaluate("__environ__")).unwrap().split()
    assert not [n for n in names if "KEY" in n or "TOKEN" in n or "SECRET" in n]
    assert set(names) <= {"PATH", "PYTHONPATH", "LC_CTYPE"}  # LC_CTYPE: Python's own locale coercion


async def test_one_worker_serves_another_event_loop(engine: ProcessMath) -> None:
    assert is_successful(await engine.evaluate("1"))
    pid = engine.worker_pid
    result = await asyncio.to_thread(asyncio.run, engine.evaluate("sqrt(16)"))
    assert result.unwrap() == "4"
    assert engine.worker_pid == pid


async def test_text_the_parser_refuses_never_starts_a_worker() -> None:
    math = ProcessMath()
    refused = await math.evaluate("__import__('os').system('id')")
    assert refused.failure() == "only calls to the allowed functions, by name and without keywords"
    assert "unknown name" in (await math.evaluate("__spin__")).failure()  # no hooks without _test_hooks
    assert (await math.evaluate(12)).failure() == "the expression must be a string"  # type: ignore[arg-type]
    assert math.worker_pid is None


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("exit 3\n", "the math worker did not start: it exited with status 3"),
        ("echo garbage\n", "the math worker did not start: it sent something other than its ready line"),
        ("sleep 30\n", "the math worker did not start within 0.3 s"),
        ("echo '{\"ready\": true}'; read x; exit 5\n", "the math worker failed: it exited with status 5"),
        (
            "echo '{\"ready\": true}'; read x; echo '[1]'; sleep 30\n",
            "the math worker failed: it sent a malformed reply",
        ),
        (
            "echo '{\"ready\": true}'; read x; head -c 1100000 /dev/zero | tr '\\0' x; sleep 30\n",
            "the math worker failed: it sent an over-long reply",
        ),
        ("echo noise >&2; exit 1\n", "the math worker did not start: it exited with status 1"),
    ],
    ids=["crash", "garbage", "silent", "crash-mid-request", "malformed", "over-long", "stderr"],
)
async def test_a_broken_worker_is_a_failure_not_a_hang(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], body: str, message: str
) -> None:
    math = ProcessMath(python=_script(tmp_path, body), start_timeout_seconds=0.3, cap_seconds=1.0)
    started = time.perf_counter()
    result = await math.evaluate("1 + 1")
    assert time.perf_counter() - started < 1.5
    assert result.failure().startswith(message)
    assert math.worker_pid is None
    assert "noise" not in capfd.readouterr().err


async def test_a_missing_interpreter_is_a_failure() -> None:
    math = ProcessMath(python="/nonexistent/python3")
    assert (
        (await math.evaluate("1 + 1")).failure().startswith("the math worker cannot start: FileNotFoundError")
    )
