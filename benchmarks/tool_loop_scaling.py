"""Tool-loop scaling: the CPU of one call whose model calls a tool every round, at 100, 200 and 400 rounds.

Run with `make bench-loop` (also part of `make bench`). A loop sends its whole transcript every round, so
a round that converts, estimates or checks the whole transcript again makes the loop's cost grow with the
square of its rounds. The target: 400 rounds cost at most 4× what 100 do.

- ScriptedModel rows: the framework alone (an instant in-process model), as `generate`, as a stream, and
  with `max_input_tokens` (the transcript fitted to a budget every round).
- Route rows: the real SDKs over HTTP to the provider emulator in another process (its CPU is not
  counted). The whole transcript is serialised and sent each round there, as the protocols require, so
  those rows keep a small quadratic part of their own (JSON encoding in C).

Each figure is the least CPU time of several loops (noise only adds); of the 400-round loop, also the mean
CPU of its first 100 rounds and of its last 100 (between two tool calls: the whole round, model call
included). Results go to benchmarks/tool_loop_scaling.json, and docs/performance.md is regenerated with
them (from benchmarks/results.json as it stands).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
ROOT = Path(__file__).resolve().parents[1]
ROUNDS = (100, 200, 400)
TARGET = 4.0  # 400 rounds / 100 rounds, at most
KEY = "sk-bench-0000000000"
USER = [{"role": "user", "content": "keep pinging"}]


STAMPS: list[float] = []  # the process's CPU time at each tool call of the loop under way


async def ping(n: int) -> int:
    """Answer with n (and note when: the CPU between two calls is one round's)."""
    STAMPS.append(time.process_time())
    return n


def round_costs() -> tuple[float, float]:
    """Mean CPU µs per round over the loop's first 100 rounds and over its last 100."""
    rounds = [b - a for a, b in itertools.pairwise(STAMPS)]
    return 1e6 * statistics.mean(rounds[:100]), 1e6 * statistics.mean(rounds[-100:])


def serve() -> None:
    """The emulator, answering every request with a tool call (its argument differs each round, so the
    repetition guard never refuses it)."""
    from llmft.testing import ProviderEmulator, RecordedRequest, emu_tool_calls

    def answer(request: RecordedRequest) -> Any:
        inputs = request.body.get("input") or request.body.get("messages") or []
        return emu_tool_calls(("ping", {"n": len(inputs)}))

    async def main() -> None:
        async with ProviderEmulator(answer, record=False) as emu:
            print(emu.base_url, flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


def scripted_client(**options: Any) -> Any:
    from llmft import LLMClient
    from llmft.testing import ScriptedModel, tool_call

    client = LLMClient(model=ScriptedModel(lambda r: tool_call("ping", {"n": len(r.messages)})), **options)
    client.register_tool(ping)
    return client


def route_client(model: str, base_url: str) -> Any:
    from llmft import LLMClient

    client = LLMClient(model, base_url=base_url, api_key=KEY, max_retries=0)
    client.register_tool(ping)
    return client


def loop(
    make: Callable[[], Any], *, stream: bool = False, **options: Any
) -> Callable[[int], Awaitable[None]]:
    """One call of `rounds` tool rounds on a fresh client (so no round profits from an earlier loop)."""

    async def run(rounds: int) -> None:
        client = make()
        try:
            if stream:
                async for _ in await client.generate(
                    USER, stream=True, max_tool_iterations=rounds, **options
                ):
                    pass
            else:
                result = await client.generate(USER, max_tool_iterations=rounds, **options)
                assert result.finish_reason == "max_tool_iterations", result.finish_reason
                assert len(result.messages) == 2 * rounds + 1
        finally:
            await client.aclose()

    return run


@dataclass
class Samples:
    """One row's CPU seconds per loop at each size, and its longest loops' first and last 100 rounds."""

    cpu: dict[int, list[float]] = field(default_factory=lambda: {n: [] for n in ROUNDS})
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The least of each (on a shared machine, noise only ever adds)."""
        cpu = {n: min(s) for n, s in self.cpu.items()}
        return {
            "cpu_s": {str(n): cpu[n] for n in ROUNDS},
            "us_per_round_first_100": min(self.first),
            "us_per_round_last_100": min(self.last),
            "cpu_ms_per_round": {str(n): 1000 * cpu[n] / n for n in ROUNDS},
            "ratio_400_to_100": cpu[400] / cpu[100],
            "loops_per_size": len(self.first),
        }


async def settle() -> None:
    """Let the last loop's deferred work run before the next is timed: a stream's generators closed by
    the collector are closed by tasks the event loop runs later."""
    for _ in range(3):
        gc.collect()
        for _ in range(5):
            await asyncio.sleep(0)


async def sample(run: Callable[[int], Awaitable[None]], repeats: int, into: Samples) -> None:
    """CPU seconds of `repeats` loops at each size, the sizes taken in turns."""
    for _ in range(repeats):
        for n in ROUNDS:
            await settle()
            STAMPS.clear()
            started = time.process_time()
            await run(n)
            into.cpu[n].append(time.process_time() - started)
        early, late = round_costs()  # of the longest loop, the last one run
        into.first.append(early)
        into.last.append(late)


async def main(base: str) -> dict[str, Any]:
    # name: (one loop, loops per size in a pass, passes). The quick rows are measured in passes taken in
    # turns, so a slow spell of a shared machine falls on one pass of each row, not on all of one.
    rows: dict[str, tuple[Callable[[int], Awaitable[None]], int, int]] = {
        "ScriptedModel (framework only)": (loop(scripted_client), 7, 3),
        "ScriptedModel, streamed": (loop(scripted_client, stream=True), 7, 3),
        "ScriptedModel, max_input_tokens": (loop(scripted_client, max_input_tokens=10**9), 7, 3),
        "OpenAI route": (loop(lambda: route_client("gpt-4o-mini", f"{base}/v1")), 3, 1),
        "OpenAI route, streamed": (
            loop(lambda: route_client("gpt-4o-mini", f"{base}/v1"), stream=True),
            3,
            1,
        ),
        "litellm route (openai-compatible)": (loop(lambda: route_client("openai/bench", f"{base}/v1")), 3, 1),
        "native Anthropic route": (loop(lambda: route_client("anthropic/claude-bench", base)), 3, 1),
    }
    for run, _, _ in rows.values():
        await run(5)  # warm-up: imports, connections
    gc.collect()
    gc.freeze()  # the imported modules' objects: as in run.py, no full collection walks them
    samples = {name: Samples() for name in rows}
    for pass_ in range(max(passes for _, _, passes in rows.values())):
        for name, (run, repeats, passes) in rows.items():
            if pass_ < passes:
                await sample(run, repeats, samples[name])
    out = {}
    for name, row_samples in samples.items():
        out[name] = row = row_samples.summary()
        cpu = row["cpu_s"]
        print(
            f"  {name:38} "
            + " / ".join(f"{cpu[str(n)]:6.3f}" for n in ROUNDS)
            + f" s CPU   400/100: {row['ratio_400_to_100']:.2f}×"
            + f"   µs/round first/last 100: {row['us_per_round_first_100']:.0f} / "
            + f"{row['us_per_round_last_100']:.0f}",
            flush=True,
        )
    return {"rounds": list(ROUNDS), "target_ratio": TARGET, "rows": out}


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
        sys.exit(0)
    print(f"tool loop, CPU seconds at {' / '.join(map(str, ROUNDS))} rounds:")
    emulator = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    assert emulator.stdout is not None
    try:
        measured = asyncio.run(main(emulator.stdout.readline().strip()))
    finally:
        emulator.terminate()
        emulator.wait()
        emulator.stdout.close()
    (ROOT / "benchmarks" / "tool_loop_scaling.json").write_text(json.dumps(measured, indent=2) + "\n")
    results = ROOT / "benchmarks" / "results.json"
    if results.exists():
        from report import write_report

        write_report(json.loads(results.read_text()), ROOT / "docs")
        print("wrote benchmarks/tool_loop_scaling.json and docs/performance.md")
