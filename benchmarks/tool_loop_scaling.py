"""Tool-loop scaling: the CPU of one call whose model calls a tool every round, at 100, 200 and 400 rounds.

Run with `make bench-loop` (also part of `make bench`). A loop sends its whole transcript every round, so
a round that converts, estimates or checks the whole transcript again makes the loop's cost grow with the
square of its rounds. The target: 400 rounds cost at most 4× what 100 do.

- ScriptedModel rows: the framework alone (an instant in-process model), as `generate`, as a stream, and
  with `max_input_tokens` (the transcript fitted to a budget every round).
- Route rows: the real SDKs over HTTP to the provider emulator in another process (its CPU is not
  counted). The whole transcript is serialised and sent each round there, as the protocols require, so
  those rows keep a small quadratic part of their own (JSON encoding in C).

Each figure is the median CPU time of several loops; results go to benchmarks/tool_loop_scaling.json, and
docs/performance.md is regenerated with them (from benchmarks/results.json as it stands).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
ROOT = Path(__file__).resolve().parents[1]
ROUNDS = (100, 200, 400)
TARGET = 4.0  # 400 rounds / 100 rounds, at most
KEY = "sk-bench-0000000000"
USER = [{"role": "user", "content": "keep pinging"}]


async def ping(n: int) -> int:
    """Answer with n."""
    return n


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


async def measure(run: Callable[[int], Awaitable[None]], repeats: int) -> dict[str, Any]:
    """CPU seconds of one loop at each size (the median of `repeats`, sizes taken in turns)."""
    await run(5)  # warm-up: imports, connections
    samples: dict[int, list[float]] = {n: [] for n in ROUNDS}
    for _ in range(repeats):
        for n in ROUNDS:
            gc.collect()
            started = time.process_time()
            await run(n)
            samples[n].append(time.process_time() - started)
    cpu = {n: statistics.median(s) for n, s in samples.items()}
    return {
        "cpu_s": {str(n): cpu[n] for n in ROUNDS},
        "cpu_ms_per_round": {str(n): 1000 * cpu[n] / n for n in ROUNDS},
        "ratio_400_to_100": cpu[400] / cpu[100],
        "repeats": repeats,
    }


async def main(base: str) -> dict[str, Any]:
    rows: dict[str, tuple[Callable[[int], Awaitable[None]], int]] = {
        "ScriptedModel (framework only)": (loop(scripted_client), 7),
        "ScriptedModel, streamed": (loop(scripted_client, stream=True), 7),
        "ScriptedModel, max_input_tokens": (loop(scripted_client, max_input_tokens=10**9), 7),
        "OpenAI route": (loop(lambda: route_client("gpt-4o-mini", f"{base}/v1")), 3),
        "OpenAI route, streamed": (loop(lambda: route_client("gpt-4o-mini", f"{base}/v1"), stream=True), 3),
        "litellm route (openai-compatible)": (loop(lambda: route_client("openai/bench", f"{base}/v1")), 3),
        "native Anthropic route": (loop(lambda: route_client("anthropic/claude-bench", base)), 3),
    }
    out = {}
    gc.collect()
    gc.freeze()  # the imported modules' objects: as in run.py, no full collection walks them
    for name, (run, repeats) in rows.items():
        out[name] = row = await measure(run, repeats)
        cpu = row["cpu_s"]
        print(
            f"  {name:38} "
            + " / ".join(f"{cpu[str(n)]:6.3f}" for n in ROUNDS)
            + f" s CPU   400/100: {row['ratio_400_to_100']:.2f}×",
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
