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
from typing import Any, Literal

from cold_start import cold_start
from first_version import VERSION, FirstVersion, RemoteRow
from idle import settle
from raw_sdk_rows import anthropic_stream, anthropic_tool_loop, openai_tool_loop, ping

# Bare litellm gets the same offline switches llmft sets, so it is not charged for network retries.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
ROOT = Path(__file__).resolve().parents[1]
SEQUENTIAL = int(os.environ.get("BENCH_CALLS", "600"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "1000"))
BURSTS = 3  # bursts of CONCURRENT calls per side, alternated; throughput is over all of them
STREAM_CHUNKS = 200
STREAMS = 24  # streams per row
TOOL_LOOPS = 120  # tool loops per row, each 3 model calls (two tool rounds, then the answer)
USER = [{"role": "user", "content": "ping"}]
KEY = "sk-bench-0000000000"


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    """The emulator in its own process (bench_emulator.py: tool loops of 3 calls on every protocol)."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "bench_emulator.py"), str(STREAM_CHUNKS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


ROUNDS = 20  # every row is measured in slices, round-robin, so drift on a noisy machine hits all rows alike
# A row is a call made here, or a RemoteRow: the first version, measured in its own process and venv.
RowCall = Callable[[], Awaitable[Any]] | RemoteRow
V1 = f"first version {VERSION}"


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


async def interleaved(rows: dict[str, RowCall], n: int, rounds: int = ROUNDS) -> dict[str, Row]:
    """Runs each row n times in `rounds` round-robin slices (a RemoteRow's slices run in its process)."""
    for call in rows.values():  # warm-up: connections, caches, first-use imports
        if isinstance(call, RemoteRow):
            await call.run(5)
            continue
        for _ in range(5):
            await call()
    await settle()
    out = {name: Row() for name in rows}
    names = list(rows)
    for round_ in range(rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]  # nobody always goes first
        for name in order:
            row, call = out[name], rows[name]
            if isinstance(call, RemoteRow):  # timed by the other process, on its own CPU clock
                done = await call.run(n // rounds)
                row.slices.append(done.cpu_s)
                row.latencies += done.latencies
                row.returns += done.returns
                continue
            started_cpu = time.process_time()
            for _ in range(n // rounds):
                started = time.perf_counter()
                row.returns.append(await call())
                row.latencies.append(time.perf_counter() - started)
            await settle()  # the row's background work (litellm logs in threads and tasks) is the row's
            row.slices.append(time.process_time() - started_cpu)
    return out


async def measure_calls(rows: dict[str, RowCall], n: int, rounds: int = ROUNDS) -> dict[str, dict[str, Any]]:
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
    import anthropic
    import httpx
    import litellm
    import openai

    from llmft import LLMClient
    from llmft.testing import ScriptedModel, reply

    litellm.suppress_debug_info = True
    http = httpx.AsyncClient(base_url=f"{base}/v1")
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=f"{base}/v1", max_retries=0)
    claude = "anthropic/claude-bench"
    # With the anthropic SDK installed, `anthropic/...` goes to the Messages API natively; the litellm
    # route is asked for by name, so both of llmft's Anthropic routes are shown.
    routes: dict[str, tuple[str, str, Literal["auto", "litellm"]]] = {
        "llmft_openai": ("gpt-4o-mini", f"{base}/v1", "auto"),
        "llmft_litellm": ("openai/bench-model", f"{base}/v1", "auto"),
        "llmft_anthropic_native": (claude, base, "auto"),
        "llmft_anthropic": (claude, base, "litellm"),
    }
    out: dict[str, Any] = {
        "http": http,
        "sdk": sdk,
        "anthropic_sdk": anthropic.AsyncAnthropic(base_url=base, api_key=KEY, max_retries=0),
        "litellm": litellm,
        "llmft_scripted": LLMClient(model=ScriptedModel(lambda request: reply("pong"))),
    }
    for key, (model, url, route) in routes.items():
        out[key] = LLMClient(model, base_url=url, api_key=KEY, max_retries=0, route=route)
        # The same client with the benchmark's tool, for the tool loops (the plain one stays tool-less).
        out[f"{key}_tools"] = LLMClient(model, base_url=url, api_key=KEY, max_retries=0, route=route)
        out[f"{key}_tools"].register_tool(ping)
    return out


def first_version_row(c: dict[str, Any], row: str, label: str) -> dict[str, RowCall]:
    """One of the first version's rows ("<call|tool loop|stream> <openai|anthropic>[-sdk]") as {label: row}.

    Empty when it is not measured; `{openai}` and `{anthropic}` in label are the versions of its SDKs.
    """
    child = c["first_version"]
    return {label.format(**child.versions): child.row(row)} if isinstance(child, FirstVersion) else {}


async def sequential(c: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    lite = c["litellm"]
    claude = c["anthropic_sdk"]
    # Every row sends the request body llmft sends for USER: a message list, not a bare string.
    calls: dict[str, RowCall] = {
        "raw httpx POST (floor)": lambda: c["http"].post(
            "/responses", json={"model": "gpt-4o-mini", "input": USER}
        ),
        "openai SDK responses.create": lambda: c["sdk"].responses.create(model="gpt-4o-mini", input=USER),
        "llmft, OpenAI route": lambda: c["llmft_openai"].generate(USER),
        **first_version_row(c, "call openai", V1 + ", OpenAI route"),
        **first_version_row(
            c, "call openai-sdk", "openai SDK {openai} responses.create (first version's venv)"
        ),
        "litellm.acompletion (openai-compatible)": lambda: bare_litellm(lite, base, "openai"),
        "llmft, litellm route (openai-compatible)": lambda: c["llmft_litellm"].generate(USER),
        "anthropic SDK messages.create": lambda: claude.messages.create(
            model="claude-bench", max_tokens=64, messages=USER
        ),
        "llmft, native Anthropic route": lambda: c["llmft_anthropic_native"].generate(USER),
        "litellm.acompletion (anthropic)": lambda: bare_litellm(lite, base, "anthropic"),
        "llmft, litellm route (anthropic)": lambda: c["llmft_anthropic"].generate(USER),
        **first_version_row(
            c, "call anthropic-sdk", "anthropic SDK {anthropic} messages.create (first version's venv)"
        ),
        **first_version_row(c, "call anthropic", V1 + ", Anthropic route"),
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

    runs: dict[str, RowCall] = {
        "openai SDK stream": sdk,
        "llmft stream, OpenAI route": ours(c["llmft_openai"]),
        **first_version_row(c, "stream openai-sdk", "openai SDK {openai} stream (first version's venv)"),
        **first_version_row(c, "stream openai", V1 + " stream, OpenAI route"),
        "litellm stream (openai-compatible)": bare_litellm,
        "llmft stream, litellm route": ours(c["llmft_litellm"]),
        "anthropic SDK stream": lambda: anthropic_stream(c["anthropic_sdk"]),
        "llmft stream, native Anthropic route": ours(c["llmft_anthropic_native"]),
        "llmft stream, litellm route (anthropic)": ours(c["llmft_anthropic"]),
        **first_version_row(
            c, "stream anthropic-sdk", "anthropic SDK {anthropic} stream (first version's venv)"
        ),
        **first_version_row(c, "stream anthropic", V1 + " stream, Anthropic route"),
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


async def tool_loops(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A call that runs the model's tool calls until it answers: 3 model calls, two tool rounds."""
    runs: dict[str, RowCall] = {
        "openai SDK, tool loop by hand": lambda: openai_tool_loop(c["sdk"]),
        "llmft, OpenAI route": lambda: c["llmft_openai_tools"].generate(USER),
        **first_version_row(c, "tool loop openai", V1 + ", OpenAI route"),
        "anthropic SDK, tool loop by hand": lambda: anthropic_tool_loop(c["anthropic_sdk"]),
        "llmft, native Anthropic route": lambda: c["llmft_anthropic_native_tools"].generate(USER),
        "llmft, litellm route (anthropic)": lambda: c["llmft_anthropic_tools"].generate(USER),
        **first_version_row(c, "tool loop anthropic", V1 + ", Anthropic route"),
    }
    out = await measure_calls(runs, TOOL_LOOPS)
    for name, row in out.items():
        print(f"  {name:45} {row['cpu_ms_per_call']:7.3f} ms CPU/loop", flush=True)
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


async def own_work(c: dict[str, Any], base: str) -> dict[str, float]:
    """llmft's own CPU per call on each route, with the SDK call answered at once by a reply it made earlier.

    The end-to-end ratios above carry the noise of a 2-8 ms SDK call; this is the part that is ours
    (request building, retries wrapper, reply parsing, the tool loop, the result), measured alone.
    Runs last: it replaces `AsyncOpenAI.post` and `AsyncAnthropic.post` (what the native routes send
    their requests with; they read the HTTP response's JSON themselves) and `litellm.acompletion` in
    this process.
    """
    import anthropic as anthropic_sdk
    import httpx2
    import litellm
    import openai

    body = {"model": "gpt-4o-mini", "input": USER}
    responses = await c["sdk"].post("/responses", body=body, cast_to=httpx2.Response)
    message = await c["anthropic_sdk"].post(
        "/v1/messages",
        body={"model": "claude-bench", "max_tokens": 64, "messages": USER},
        cast_to=httpx2.Response,
    )
    chat = await bare_litellm(litellm, base, "openai")
    anthropic = await bare_litellm(litellm, base, "anthropic")

    async def answer_responses(self: Any, path: str, **params: Any) -> Any:
        assert path == "/responses", path
        return responses

    async def answer_messages(self: Any, path: str, **params: Any) -> Any:
        assert path == "/v1/messages", path
        return message

    async def answer_litellm(**params: Any) -> Any:
        return anthropic if params["model"].startswith("anthropic/") else chat

    openai.AsyncOpenAI.post = answer_responses  # type: ignore[method-assign]
    anthropic_sdk.AsyncAnthropic.post = answer_messages  # type: ignore[method-assign]
    litellm.acompletion = answer_litellm
    rows = await measure_calls(
        {
            "OpenAI route": lambda: c["llmft_openai"].generate(USER),
            "native Anthropic route": lambda: c["llmft_anthropic_native"].generate(USER),
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
    load_at_start = os.getloadavg()  # other work on the machine shows in every absolute figure
    proc, base = start_emulator()
    try:
        c = clients(base)
        # Started before the freeze, its own heap frozen in its process; a str says why it is not measured.
        c["first_version"] = await FirstVersion.start(base, KEY)
        if isinstance(c["first_version"], str):
            print(f"first version {VERSION}: not measured: {c['first_version']}")
        # Servers commonly freeze the start-up heap: litellm's import leaves ~400 000 objects, and a full
        # collection of them (~0.2 s) would otherwise land on whichever row happens to trigger it.
        gc.collect()
        gc.freeze()
        print("sequential calls:")
        seq = await sequential(c, base)
        print("streaming:")
        stream = await streaming(c, base)
        print("tool loops (3 model calls each):")
        loops = await tool_loops(c)
        print("concurrent:")
        conc = await concurrent(c)
        print("tool round:")
        tools = await tool_round(c)
        print("llmft's own work per call:")
        own = await own_work(c, base)
        print("cold start:")
        cold = cold_start(base)
        first_version = c["first_version"]
        if isinstance(first_version, FirstVersion):
            await first_version.close()
        for key, client in c.items():
            if key.startswith("llmft_") and key != "llmft_scripted":
                await client.aclose()
        await c["http"].aclose()
        await c["sdk"].close()
        await c["anthropic_sdk"].close()
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
            "load_average_start": load_at_start,
            "load_average_end": os.getloadavg(),
        },
        "sequential_calls": SEQUENTIAL,
        "concurrent_calls": CONCURRENT,
        "stream_chunks": STREAM_CHUNKS,
        "tool_loops_per_row": TOOL_LOOPS,
        "first_version": {
            "version": VERSION,
            "measured": isinstance(first_version, FirstVersion),
            "packages": first_version.versions if isinstance(first_version, FirstVersion) else {},
            "not_measured_because": first_version if isinstance(first_version, str) else None,
        },
        "sequential": seq,
        "streaming": stream,
        "tool_loops": loops,
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
