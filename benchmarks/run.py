"""llmft benchmarks: client overhead against the raw SDKs and litellm, in one run (`make bench`).

The provider emulator runs in a separate process, so the CPU time measured here is the client's
alone. Results go to benchmarks/results.json and docs/performance.md (table + chart).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Bare litellm gets the same offline switches llmft sets, so it is not charged for network retries.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
ROOT = Path(__file__).resolve().parents[1]
SEQUENTIAL = int(os.environ.get("BENCH_CALLS", "600"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "1000"))
BURSTS = 3  # bursts of CONCURRENT calls per side, alternated; throughput is over all of them
STREAM_CHUNKS = 500
STREAMS = 24  # streams per row
WRAPPERS = {"llmft", "llmft.app", "llmft.app.client"}  # they only contain the rest
USER = [{"role": "user", "content": "ping"}]
KEY = "sk-bench-0000000000"


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmft", "emulator", "--chunks", str(STREAM_CHUNKS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


ROUNDS = 20  # every row is measured in slices, round-robin, so drift on a noisy machine hits all rows alike


@dataclass
class Row:
    """One row's measurements: CPU seconds per slice, and every call's latency and return value."""

    slices: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    returns: list[Any] = field(default_factory=list)

    def cpu_per_call(self) -> float:
        """CPU seconds per call over all slices."""
        return sum(self.slices) / len(self.latencies)

    def median_slice_cpu_per_call(self) -> float:
        """CPU seconds per call of the median slice: steadier when the cost measured is tiny."""
        return statistics.median(self.slices) * len(self.slices) / len(self.latencies)


async def interleaved(
    rows: dict[str, Callable[[], Awaitable[Any]]], n: int, rounds: int = ROUNDS
) -> dict[str, Row]:
    """Runs each row n times in `rounds` round-robin slices."""
    for call in rows.values():  # warm-up: connections, caches, first-use imports
        for _ in range(5):
            await call()
    await settle()
    out = {name: Row() for name in rows}
    names = list(rows)
    for round_ in range(rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]  # nobody always goes first
        for name in order:
            row = out[name]
            started_cpu = time.process_time()
            for _ in range(n // rounds):
                started = time.perf_counter()
                row.returns.append(await rows[name]())
                row.latencies.append(time.perf_counter() - started)
            await settle()  # the row's background work (litellm logs in threads and tasks) is the row's
            row.slices.append(time.process_time() - started_cpu)
    return out


async def settle() -> None:
    """Idle until the process stops using CPU (at most 2 s), so deferred work lands on the row that made it."""
    for _ in range(100):
        before = time.process_time()
        await asyncio.sleep(0.02)
        if time.process_time() - before < 0.001:
            return


async def measure_calls(
    rows: dict[str, Callable[[], Awaitable[Any]]], n: int, rounds: int = ROUNDS
) -> dict[str, dict[str, Any]]:
    out = {}
    for name, row in (await interleaved(rows, n, rounds)).items():
        latencies = sorted(row.latencies)
        out[name] = {
            "cpu_ms_per_call": 1000 * row.cpu_per_call(),
            "cpu_ms_per_call_median_slice": 1000 * row.median_slice_cpu_per_call(),
            "cpu_ms_per_call_by_round": [1000 * cpu * rounds / len(row.latencies) for cpu in row.slices],
            "latency_median_ms": 1000 * statistics.median(latencies),
            "latency_p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        }
    return out


def bare_litellm(lite: Any, base: str, provider: str) -> Awaitable[Any]:
    """One plain `litellm.acompletion`, as a user would write it, to the emulator's protocol for provider."""
    if provider == "anthropic":
        return lite.acompletion(  # type: ignore[no-any-return]
            model="anthropic/claude-bench",
            messages=USER,
            api_base=base,
            api_key=KEY,
            num_retries=0,
            max_tokens=64,
        )
    return lite.acompletion(  # type: ignore[no-any-return]
        model="openai/bench-model", messages=USER, api_base=f"{base}/v1", api_key=KEY, num_retries=0
    )


def clients(base: str) -> dict[str, Any]:
    import httpx
    import litellm
    import openai

    from llmft import LLMClient
    from llmft.testing import ScriptedModel, reply

    litellm.suppress_debug_info = True
    http = httpx.AsyncClient(base_url=f"{base}/v1")
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=f"{base}/v1", max_retries=0)
    return {
        "http": http,
        "sdk": sdk,
        "litellm": litellm,
        "llmft_openai": LLMClient("gpt-4o-mini", base_url=f"{base}/v1", api_key=KEY, max_retries=0),
        "llmft_litellm": LLMClient("openai/bench-model", base_url=f"{base}/v1", api_key=KEY, max_retries=0),
        # route="litellm": with the anthropic SDK installed, `anthropic/…` would take the native route.
        "llmft_anthropic": LLMClient(
            "anthropic/claude-bench", base_url=base, api_key=KEY, max_retries=0, route="litellm"
        ),
        "llmft_scripted": LLMClient(model=ScriptedModel(lambda request: reply("pong"))),
    }


async def sequential(c: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    lite = c["litellm"]
    # Every row sends the request body llmft sends for USER: a message list, not a bare string.
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "raw httpx POST (floor)": lambda: c["http"].post(
            "/responses", json={"model": "gpt-4o-mini", "input": USER}
        ),
        "openai SDK responses.create": lambda: c["sdk"].responses.create(model="gpt-4o-mini", input=USER),
        "llmft, OpenAI route": lambda: c["llmft_openai"].generate(USER),
        "litellm.acompletion (openai-compatible)": lambda: bare_litellm(lite, base, "openai"),
        "llmft, litellm route (openai-compatible)": lambda: c["llmft_litellm"].generate(USER),
        "litellm.acompletion (anthropic)": lambda: bare_litellm(lite, base, "anthropic"),
        "llmft, litellm route (anthropic)": lambda: c["llmft_anthropic"].generate(USER),
        "llmft on ScriptedModel (framework only)": lambda: c["llmft_scripted"].generate(USER),
    }
    out = await measure_calls(calls, SEQUENTIAL)
    for name, row in out.items():
        print(f"  {name:45} {row['cpu_ms_per_call']:7.3f} ms CPU/call", flush=True)
    return out


async def streaming(c: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    lite = c["litellm"]

    async def sdk() -> float:
        started, first = time.perf_counter(), 0.0
        stream = await c["sdk"].responses.create(model="gpt-4o-mini", input=USER, stream=True)
        async for event in stream:
            if not first and event.type == "response.output_text.delta":
                first = time.perf_counter() - started
        return first

    async def bare_litellm() -> float:
        started, first = time.perf_counter(), 0.0
        stream = await lite.acompletion(
            model="openai/bench-model",
            messages=USER,
            api_base=f"{base}/v1",
            api_key=KEY,
            stream=True,
            stream_options={"include_usage": True},  # llmft asks for usage on streams; so does this row
            num_retries=0,
        )
        async for chunk in stream:
            if not first and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - started
        return first

    def ours(client: Any) -> Callable[[], Awaitable[float]]:
        async def consume() -> float:
            started, first = time.perf_counter(), 0.0
            async for chunk in client.generate_stream(USER):
                if not first and chunk.content:
                    first = time.perf_counter() - started
            return first

        return consume

    runs = {
        "openai SDK stream": sdk,
        "llmft stream, OpenAI route": ours(c["llmft_openai"]),
        "litellm stream (openai-compatible)": bare_litellm,
        "llmft stream, litellm route": ours(c["llmft_litellm"]),
    }
    out = {}
    for name, row in (await interleaved(runs, STREAMS)).items():
        per_round = len(row.latencies) / len(row.slices)
        out[name] = {
            "time_to_first_chunk_ms": 1000 * statistics.median(row.returns),
            "cpu_us_per_chunk": 1e6 * row.cpu_per_call() / STREAM_CHUNKS,
            "cpu_us_per_chunk_by_round": [1e6 * cpu / per_round / STREAM_CHUNKS for cpu in row.slices],
        }
        print(f"  {name:45} {out[name]['cpu_us_per_chunk']:7.1f} µs CPU/chunk", flush=True)
    return out


async def concurrent(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    async def burst(call: Callable[[], Awaitable[Any]]) -> dict[str, float]:
        started = time.perf_counter()
        results = await asyncio.gather(*(call() for _ in range(CONCURRENT)), return_exceptions=True)
        wall = time.perf_counter() - started
        errors = sum(isinstance(r, BaseException) for r in results)
        return {
            "wall_s": wall,
            "calls_per_s": CONCURRENT / wall,
            "errors": errors,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    sdk = lambda: c["sdk"].responses.create(model="gpt-4o-mini", input=USER)  # noqa: E731
    ours = lambda: c["llmft_openai"].generate(USER)  # noqa: E731
    runs: dict[str, list[dict[str, float]]] = {"openai SDK": [], "llmft, OpenAI route": []}
    for _ in range(BURSTS):  # alternate, so neither side profits from going second
        runs["openai SDK"].append(await burst(sdk))
        runs["llmft, OpenAI route"].append(await burst(ours))
    out = {
        name: {
            "wall_s": statistics.mean(row["wall_s"] for row in rows),
            "calls_per_s": len(rows) * CONCURRENT / sum(row["wall_s"] for row in rows),
            "errors": sum(row["errors"] for row in rows),
            "peak_rss_mb": max(row["peak_rss_mb"] for row in rows),
            "bursts": len(rows),
        }
        for name, rows in runs.items()
    }
    for name, row in out.items():
        print(f"  {name:45} {row['calls_per_s']:7.0f} calls/s, {row['errors']} errors", flush=True)
    return out


async def tool_round(c: dict[str, Any]) -> dict[str, float]:
    from llmft import LLMClient
    from llmft.testing import ScriptedModel, reply, tool_call

    def ping(n: int) -> int:
        return n

    async def ping_async(n: int) -> int:
        return n

    plain = LLMClient(model=ScriptedModel(lambda r: reply("done")))
    looped = LLMClient(
        model=ScriptedModel(
            lambda r: reply("done") if len(r.messages) > 1 else tool_call("ping_async", {"n": 1})
        )
    )
    looped.register_tool(ping_async)
    threaded = LLMClient(
        model=ScriptedModel(lambda r: reply("done") if len(r.messages) > 1 else tool_call("ping", {"n": 1}))
    )
    threaded.register_tool(ping)
    rows = await measure_calls(
        {
            "plain": lambda: plain.generate(USER),
            "async tool": lambda: looped.generate(USER),
            "sync tool": lambda: threaded.generate(USER),
        },
        6000,
        rounds=30,
    )
    # A difference of two small costs: the median slice keeps one noisy slice from deciding it.
    cost = {name: row["cpu_ms_per_call_median_slice"] for name, row in rows.items()}
    return {
        "framework_ms_per_tool_round_async_tool": cost["async tool"] - cost["plain"],
        "framework_ms_per_tool_round_sync_tool": cost["sync tool"] - cost["plain"],
        "scripted_plain_call_ms": cost["plain"],
    }


# What a process pays before it can use llmft: the bare import, the client, and the packages the client
# cannot do without (asyncio, pydantic's BaseModel, attrs, returns) as the floor.
COLD_IMPORTS = {
    "import llmft": "import llmft",
    "from llmft import LLMClient": "from llmft import LLMClient",
    "dependency floor (asyncio, pydantic BaseModel, attrs, returns)": (
        "import asyncio, attrs, returns.result; from pydantic import BaseModel"
    ),
}


def cold_start(base: str) -> dict[str, Any]:
    # Bytecode cached, as after `pip install` of a wheel (some shells set PYTHONDONTWRITEBYTECODE=1,
    # which would charge every fresh interpreter for compiling llmft's sources).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(code: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        return float(out.stdout.strip())

    samples: dict[str, list[float]] = {label: [] for label in COLD_IMPORTS}
    for round_ in range(16):  # the first round only writes the bytecode
        for label, code in COLD_IMPORTS.items():
            took = run(f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)")
            if round_:
                samples[label].append(1000 * took)
    check = subprocess.run(
        [sys.executable, "-c", "import llmft, sys; print('litellm' in sys.modules, 'openai' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from llmft import LLMClient"],
        capture_output=True,
        text=True,
        env=env,
    ).stderr
    rows = []
    for line in trace.splitlines()[1:]:
        parts = line.split("|")
        # Whole packages (no dot) and llmft's own modules, wherever they sit in the import tree.
        name = parts[2].strip() if len(parts) == 3 else ""
        if name and ("." not in name or name.startswith("llmft.")) and name not in WRAPPERS:
            rows.append((int(parts[1]), name))
    # The first call of a fresh process, import included: llmft on each route, and the client it wraps.
    # The subprocesses inherit the offline switches set at the top of this file (bare litellm would
    # otherwise fetch its cost map from GitHub first); llmft sets them itself.
    timed = "import time, asyncio; t=time.perf_counter(); {}; print(time.perf_counter()-t)"
    ping = "[{'role':'user','content':'ping'}]"
    first_calls = {
        "llmft, OpenAI route": (
            f"from llmft import LLMClient; c=LLMClient('gpt-4o-mini', base_url='{base}/v1', api_key='{KEY}'); "
            f"asyncio.run(c.generate({ping}))"
        ),
        "raw openai SDK": (
            f"import openai; c=openai.AsyncOpenAI(base_url='{base}/v1', api_key='{KEY}'); "
            f"asyncio.run(c.responses.create(model='gpt-4o-mini', input={ping}))"
        ),
        "llmft, litellm route": (
            f"from llmft import LLMClient; c=LLMClient('openai/bench-model', base_url='{base}/v1', "
            f"api_key='{KEY}'); asyncio.run(c.generate({ping}))"
        ),
        "bare litellm": (
            f"import litellm; asyncio.run(litellm.acompletion(model='openai/bench-model', messages={ping}, "
            f"api_base='{base}/v1', api_key='{KEY}'))"
        ),
    }
    first_call = {
        label: statistics.median(1000 * run(timed.format(code)) for _ in range(3))
        for label, code in first_calls.items()
    }
    medians = {label: statistics.median(ms) for label, ms in samples.items()}
    return {
        "import_median_ms": medians["import llmft"],
        "import_medians_ms": medians,
        "import_samples": len(samples["import llmft"]),
        "sdks_loaded_by_import": check,
        "client_import_breakdown_ms": {name: us / 1000 for us, name in sorted(rows, reverse=True)[:12]},
        "first_call_ms_including_import": first_call,
    }


async def own_work(c: dict[str, Any], base: str) -> dict[str, float]:
    """llmft's own CPU per call on each route, with the SDK call answered at once by a reply it made earlier.

    The end-to-end ratios above carry the noise of a 2-8 ms SDK call; this is the part that is ours
    (request building, retries wrapper, reply parsing, the tool loop, the result), measured alone.
    Runs last: it replaces `AsyncOpenAI.post` (what the OpenAI route sends `/responses` with) and
    `litellm.acompletion` in this process.
    """
    import litellm
    import openai

    responses = await c["sdk"].responses.create(model="gpt-4o-mini", input=USER)
    chat = await bare_litellm(litellm, base, "openai")
    anthropic = await bare_litellm(litellm, base, "anthropic")

    async def answer_responses(self: Any, path: str, **params: Any) -> Any:
        assert path == "/responses", path
        return responses

    async def answer_litellm(**params: Any) -> Any:
        return anthropic if params["model"].startswith("anthropic/") else chat

    openai.AsyncOpenAI.post = answer_responses  # type: ignore[method-assign]
    litellm.acompletion = answer_litellm
    rows = await measure_calls(
        {
            "OpenAI route": lambda: c["llmft_openai"].generate(USER),
            "litellm route (openai-compatible)": lambda: c["llmft_litellm"].generate(USER),
            "litellm route (anthropic)": lambda: c["llmft_anthropic"].generate(USER),
        },
        6000,
        rounds=30,
    )
    out = {name: 1000 * row["cpu_ms_per_call_median_slice"] for name, row in rows.items()}
    for name, us in out.items():
        print(f"  {name:45} {us:7.1f} µs CPU/call", flush=True)
    return out


async def main() -> dict[str, Any]:
    proc, base = start_emulator()
    try:
        c = clients(base)
        # Servers commonly freeze the start-up heap: litellm's import leaves ~400 000 objects, and a full
        # collection of them (~0.2 s) would otherwise land on whichever row happens to trigger it.
        gc.collect()
        gc.freeze()
        print("sequential calls:")
        seq = await sequential(c, base)
        print("streaming:")
        stream = await streaming(c, base)
        print("concurrent:")
        conc = await concurrent(c)
        print("tool round:")
        tools = await tool_round(c)
        print("llmft's own work per call:")
        own = await own_work(c, base)
        print("cold start:")
        cold = cold_start(base)
        for key in ("llmft_openai", "llmft_litellm", "llmft_anthropic"):
            await c[key].aclose()
        await c["http"].aclose()
        await c["sdk"].close()
    finally:
        proc.terminate()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    return {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "sequential_calls": SEQUENTIAL,
        "concurrent_calls": CONCURRENT,
        "stream_chunks": STREAM_CHUNKS,
        "sequential": seq,
        "streaming": stream,
        "concurrent": conc,
        "tool_round": tools,
        "own_work": own,
        "cold_start": cold,
    }


if __name__ == "__main__":
    results = asyncio.run(main())
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    from report import write_report

    write_report(results, ROOT / "docs")
    print("wrote benchmarks/results.json and docs/performance.md")
