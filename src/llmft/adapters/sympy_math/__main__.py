"""The math worker: `python -m llmft.adapters.sympy_math`, the process `math_process` starts and can kill.

One JSON request per line on stdin (`{"expression": ...}`), one JSON reply per line on stdout
(`{"value": ...}` or `{"refused": ...}`), until EOF; each evaluation under a SIGALRM past its budget.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence

from returns.result import Result, Success

from llmft.adapters.sympy_math import SympyMath

# Test-only requests, honoured when the worker runs with --test-hooks (never by the library's own engine).
_TEST_HOOKS: dict[str, Callable[[], str]] = {
    "__spin__": lambda: str(sum(itertools.repeat(1, 10**15))),  # one C call, GIL held: only a kill ends it
    "__environ__": lambda: " ".join(sorted(os.environ)),
}


def main(argv: Sequence[str] | None = None) -> None:
    """The worker: one JSON request per line on stdin, one JSON reply per line on stdout, until EOF."""
    options = argparse.ArgumentParser(prog="python -m llmft.adapters.sympy_math")
    options.add_argument("--budget", type=float, default=2.0)
    options.add_argument("--memory-mb", type=int, default=0)
    options.add_argument("--test-hooks", action="store_true")
    args = options.parse_args(argv)
    if args.memory_mb and sys.platform == "linux":  # elsewhere RLIMIT_AS is missing or refused
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (args.memory_mb << 20, args.memory_mb << 20))
    # SIGALRM's default action ends the process: orphaned mid-computation, a worker cannot run on.
    alarm = signal.setitimer if hasattr(signal, "setitimer") else lambda *_: None
    engine, out = SympyMath(budget_seconds=args.budget), sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        try:
            expression = json.loads(line)["expression"]
        except (ValueError, KeyError, TypeError):
            expression = None
        alarm(0, args.budget + 1.0)  # 0: ITIMER_REAL
        if args.test_hooks and expression in _TEST_HOOKS:
            result: Result[str, str] = Success(_TEST_HOOKS[expression]())
        else:
            result = engine.evaluate(expression)  # it refuses anything but a string
        alarm(0, 0)
        reply = {"value": result.unwrap()} if isinstance(result, Success) else {"refused": result.failure()}
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
