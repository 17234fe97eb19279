"""Turns benchmarks/results.json into docs/performance.md and docs/performance.png."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

LOOP_RESULTS = Path(__file__).with_name("tool_loop_scaling.json")  # from tool_loop_scaling.py, when run

# llmft's row -> the row of the client it wraps, in the sequential and streaming tables.
PAIRS = {
    "llmft, OpenAI route": "openai SDK responses.create",
    "llmft, litellm route (openai-compatible)": "litellm.acompletion (openai-compatible)",
    "llmft, native Anthropic route": "anthropic SDK messages.create",
    "llmft, litellm route (anthropic)": "litellm.acompletion (anthropic)",
    "llmft stream, OpenAI route": "openai SDK stream",
    "llmft stream, litellm route": "litellm stream (openai-compatible)",
    "llmft stream, native Anthropic route": "anthropic SDK stream",
}
# In the tool-loop table, llmft's rows against the same loop written by hand over the SDK.
LOOP_PAIRS = {
    "llmft, OpenAI route": "openai SDK, tool loop by hand",
    "llmft, native Anthropic route": "anthropic SDK, tool loop by hand",
}
V1 = "first version 2.1.0"
# Per kind of row: its table, the CPU key, and llmft's row -> the first version's row it replaces.
FIRST_VERSION = {
    "call": ("sequential", "cpu_ms_per_call", "llmft, OpenAI route", "llmft, native Anthropic route", ""),
    "tool loop": (
        "tool_loops",
        "cpu_ms_per_call",
        "llmft, OpenAI route",
        "llmft, native Anthropic route",
        "",
    ),
    "stream": (
        "streaming",
        "cpu_us_per_chunk",
        "llmft stream, OpenAI route",
        "llmft stream, native Anthropic route",
        " stream",
    ),
}


def ratio(table: dict[str, Any], name: str, key: str, other: str | None = None) -> tuple[float, float]:
    """A row against another (default: the client it wraps): (ratio of totals, median of per-round ratios).

    Rows are measured in round-robin slices; the per-round ratio compares two slices taken back to back,
    so one slow moment of the machine (or one full garbage collection) moves one round, not the answer.
    """
    mine, theirs = table[name], table[other or PAIRS[name]]
    rounds = [a / b for a, b in zip(mine[f"{key}_by_round"], theirs[f"{key}_by_round"], strict=True)]
    return mine[key] / theirs[key], statistics.median(rounds)


def _against(table: dict[str, Any], name: str, key: str, pairs: dict[str, str] = PAIRS) -> str:
    """The table cell comparing llmft's row with the client it wraps (empty for the other rows)."""
    return "{:.2f}× / {:.2f}×".format(*ratio(table, name, key, pairs[name])) if name in pairs else ""


def _first_version_targets(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """llmft against the first version it replaces, per kind of row, on the OpenAI and Anthropic routes."""
    first = r["first_version"]
    rows: list[tuple[str, str, str, bool | None]] = []
    for kind, (table, key, openai_row, anthropic_row, label) in FIRST_VERSION.items():
        target = f"{kind}: llmft CPU / first version {first['version']} (OpenAI; native Anthropic route)"
        if not first["measured"]:
            rows.append((target, "< 1.00× on both", f"not measured: {first['not_measured_because']}", None))
            continue
        cells, met = [], True
        for mine, route in ((openai_row, "OpenAI"), (anthropic_row, "Anthropic")):
            total, median = ratio(r[table], mine, key, f"{V1}{label}, {route} route")
            cells.append(f"{median:.2f}× (totals {total:.2f}×)")
            met = met and median < 1.0
        rows.append((target, "< 1.00× on both", "; ".join(cells), met))
    return rows


def _ratios(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    seq, conc = r["sequential"], r["concurrent"]
    tool_ms = r["tool_round"]["framework_ms_per_tool_round_async_tool"]
    throughput = conc["llmft, OpenAI route"]["calls_per_s"] / conc["openai SDK"]["calls_per_s"]
    errors = conc["llmft, OpenAI route"]["errors"]
    imp = r["cold_start"]["import_median_ms"]
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "`import llmft` median, no SDK imported",
            "≤ 100 ms",
            f"{imp:.0f} ms ({r['cold_start']['sdks_loaded_by_import']})",
            imp <= 100,
        )
    ]
    for label, table, name, key, goal in [
        (
            "OpenAI route CPU / raw openai SDK, per call",
            "sequential",
            "llmft, OpenAI route",
            "cpu_ms_per_call",
            1.0,
        ),
        (
            "OpenAI route CPU / raw openai SDK, per stream chunk",
            "streaming",
            "llmft stream, OpenAI route",
            "cpu_us_per_chunk",
            1.0,
        ),
        (
            "OpenAI route CPU / tool loop by hand over the SDK",
            "tool_loops",
            "llmft, OpenAI route",
            "cpu_ms_per_call",
            0.9,
        ),
        (
            "native Anthropic route CPU / raw anthropic SDK, per call",
            "sequential",
            "llmft, native Anthropic route",
            "cpu_ms_per_call",
            1.10,
        ),
        (
            "litellm route CPU / bare litellm (openai-compatible), per call",
            "sequential",
            "llmft, litellm route (openai-compatible)",
            "cpu_ms_per_call",
            1.05,
        ),
        (
            "litellm route CPU / bare litellm (openai-compatible), per stream chunk",
            "streaming",
            "llmft stream, litellm route",
            "cpu_us_per_chunk",
            1.05,
        ),
        (
            "litellm route CPU / bare litellm (anthropic), per call",
            "sequential",
            "llmft, litellm route (anthropic)",
            "cpu_ms_per_call",
            1.05,
        ),
    ]:
        pairs = LOOP_PAIRS if table == "tool_loops" else PAIRS
        total, median = ratio(r[table], name, key, pairs[name])
        rows.append((label, f"≤ {goal:.2f}×", f"{median:.2f}× (totals {total:.2f}×)", median <= goal))
    total, median = ratio(
        seq, "llmft, litellm route (anthropic)", "cpu_ms_per_call", "llmft, native Anthropic route"
    )
    rows.append(
        (
            "Anthropic: litellm route CPU / native route (native ≥ 4× cheaper)",
            "≥ 4.00×",
            f"{median:.2f}× (totals {total:.2f}×)",
            median >= 4.0,
        )
    )
    rows += _first_version_targets(r)
    start = r["cold_start"]["start_to_first_answer"]
    native = start["ms"].get("llmft, native Anthropic route")
    raw = start["ms"].get("raw anthropic SDK")
    clean = start["litellm_never_imported"]
    got = (
        (f"{native:.0f} ms, " if native is not None else "")
        + (f"raw anthropic SDK {raw:.0f} ms, " if raw is not None else "")
        + ("litellm never imported" if clean else start["failures"]["llmft, native Anthropic route"])
    )
    rows += [
        (
            "`python -c` start → first answer, native Anthropic route",
            "≤ 1.0 s, litellm never imported",
            got,
            native is not None and native <= 1000 and clean,
        ),
        ("framework CPU per tool round (ScriptedModel)", "≤ 0.2 ms", f"{tool_ms:.3f} ms", tool_ms <= 0.2),
        (
            "1 000 concurrent: throughput / raw SDK, errors",
            "≥ 1.0×, 0",
            f"{throughput:.2f}×, {errors}",
            throughput >= 1.0 and errors == 0,
        ),
    ]
    return rows


def _loop_target(loop: dict[str, Any] | None) -> list[tuple[str, str, str, bool]]:
    if loop is None:
        return []
    ratio = max(
        loop["rows"][name]["ratio_400_to_100"] for name in loop["rows"] if name.startswith("Scripted")
    )
    goal = loop["target_ratio"]
    return [
        ("tool loop CPU, 400 rounds / 100 (ScriptedModel)", f"≤ {goal:.0f}×", f"{ratio:.2f}×", ratio <= goal)
    ]


def _loop_section(loop: dict[str, Any] | None) -> list[str]:
    if loop is None:
        return []
    sizes = loop["rounds"]
    lines = [
        "",
        "## Tool-loop scaling",
        "",
        "Regenerated by `make bench-loop` (benchmarks/tool_loop_scaling.py); raw numbers in",
        "`benchmarks/tool_loop_scaling.json`. One call whose model calls a tool every round, on a fresh",
        "client, its CPU time the least of several loops (noise only adds). A loop sends its whole",
        "transcript every round, so every round's own work is kept to what is new: each message is converted",
        "to its wire form once (a memo by message identity), `max_input_tokens` fits the transcript from",
        "running sizes, and the OpenAI and native Anthropic routes send their body as built (the SDKs'",
        "request preparation walked or copied every item, every round) and read replies as plain JSON.",
        "The routes still serialise and send the whole transcript each round, as the protocols require, so",
        "their cost keeps a quadratic part of its own; on the litellm route most of it is litellm's (its",
        "per-message logging and transforms).",
        "",
        f"The last column compares the mean CPU of the first 100 rounds of the {sizes[-1]}-round loop with",
        "that of its last 100: on ScriptedModel a late round costs about what an early one does; on the",
        "routes a late round also serialises and sends a longer body.",
        "",
        "| loop | "
        + " | ".join(f"CPU s, {n} rounds" for n in sizes)
        + " | 400 / 100 | µs per round, first 100 → last 100 |",
        "|---|" + "---|" * (len(sizes) + 2),
    ]
    for name, row in loop["rows"].items():
        cells = " | ".join(f"{row['cpu_s'][str(n)]:.3f}" for n in sizes)
        rounds = f"{row['us_per_round_first_100']:.0f} → {row['us_per_round_last_100']:.0f}"
        lines.append(f"| {name} | {cells} | {row['ratio_400_to_100']:.2f}× | {rounds} |")
    return lines


def _chart(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(r["sequential"])
    values = [r["sequential"][n]["cpu_ms_per_call"] for n in names]
    colors = [
        "#4a90d9" if n.startswith("llmft") else "#e0a040" if n.startswith(V1) else "#9b9b9b" for n in names
    ]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    bars = ax.barh(names[::-1], values[::-1], color=colors[::-1])
    ax.bar_label(bars, fmt="%.2f ms", padding=3, fontsize=8)
    ax.set_xlabel("client CPU per non-streaming call (ms, lower is better)")
    ax.set_title("llmft (blue), the clients it wraps (grey), its first version (orange)", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _load_note(machine: dict[str, Any]) -> list[str]:
    """The machine's load around the run: other work inflates every absolute figure, less so the ratios."""
    if "load_average_start" not in machine:
        return []
    start, end = machine["load_average_start"][0], machine["load_average_end"][0]
    return [
        f"Load average (1 min) at the start and the end of this run: {start:.2f} and {end:.2f} on"
        f" {machine['cpus']} CPUs. A load near the CPU count means other work shared the machine: absolute"
        " figures (ms, µs, calls/s) come out higher than on an idle one; ratios of rows measured in the same"
        " round-robin slices are the figures to compare."
    ]


def _first_version_note(first: dict[str, Any]) -> str:
    """How the first version's rows were measured, or why they were not."""
    if not first["measured"]:
        return f"The first version ({first['version']}) was not measured: {first['not_measured_because']}."
    packages = ", ".join(f"{name} {version}" for name, version in first["packages"].items())
    return (
        f"The first version ({packages}) pins an older openai, so it runs in its own venv (`.venv-v1`) and"
        " process, against the same emulator; that process measures its own CPU per slice, and its slices"
        " take their turn among the others. The SDKs it runs on are called directly there too (rows"
        " marked \"first version's venv\"), so a difference between SDK versions is not read as llmft's."
        " Its streams go through its router's `generate_stream`: 2.1.0's `generate(stream=True)` hands"
        " `usage_metadata` on to the SDK, which refuses it."
    )


def _tool_loop_table(r: dict[str, Any]) -> list[str]:
    loops = r["tool_loops"]
    lines = [
        "",
        f"## Tool loops ({r['tool_loops_per_row']} per row, 3 model calls each)",
        "",
        "One call whose model asks for a tool twice, then answers: two tool rounds, three requests. The SDK"
        " rows are the same loop written by hand (run the call, send its output back, ask again).",
        "",
        "| client | CPU ms/loop | × the hand-written loop (totals / median round) | latency median ms |",
        "|---|---|---|---|",
    ]
    for name, row in loops.items():
        vs = _against(loops, name, "cpu_ms_per_call", LOOP_PAIRS)
        lines.append(f"| {name} | {row['cpu_ms_per_call']:.3f} | {vs} | {row['latency_median_ms']:.2f} |")
    return lines


def _start_to_answer(start: dict[str, Any]) -> list[str]:
    lines = [
        f"- `python -c` launched → first answer printed (interpreter start included, median of {start['runs']}): "
        + ", ".join(f"{label} {ms:.0f} ms" for label, ms in start["ms"].items())
        + "; the native route's child asserts that litellm was never imported: "
        + ("it was not" if start["litellm_never_imported"] else "**it was**")
    ]
    lines += [f"- failed: {label}: {why}" for label, why in start["failures"].items()]
    return lines


def write_report(r: dict[str, Any], docs: Path) -> None:
    docs.mkdir(exist_ok=True)
    loop = json.loads(LOOP_RESULTS.read_text()) if LOOP_RESULTS.exists() else None
    _chart(r, docs / "performance.png")
    m = r["machine"]
    lines = [
        "# Performance",
        "",
        "Regenerated by `make bench` (benchmarks/run.py); raw numbers in `benchmarks/results.json`.",
        f"Machine: Python {m['python']}, {m['cpus']} CPUs, {m['platform']}. The provider emulator runs in a",
        "separate process, so CPU time is the client's alone. Every row comes from the same run, and rows that",
        "are compared are measured in round-robin slices, so a noisy machine's drift falls on all of them alike;",
        "each slice waits for its own deferred work (litellm logs in threads) before its CPU time is read, and",
        "the start-up heap is frozen (`gc.freeze()`, as servers do) so a full collection of litellm's ~400 000",
        "imported objects does not land on whichever row happens to trigger it.",
        *_load_note(m),
        "",
        _first_version_note(r["first_version"]),
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
    ]
    verdicts = {True: "yes", False: "**no**", None: "not measured"}
    lines += [
        f"| {name} | {goal} | {got} | {verdicts[ok]} |"
        for name, goal, got, ok in [*_ratios(r), *_loop_target(loop)]
    ]
    own = r["own_work"]
    lite_rows = [
        row["cpu_ms_per_call"] for name, row in r["sequential"].items() if name.startswith("litellm.")
    ]
    lite = (min(lite_rows), max(lite_rows))
    lines += [
        "",
        f"Reading the ratios: a litellm call costs {lite[0]:.0f}-{lite[1]:.0f} ms of CPU here and moves by several"
        " per cent from one",
        "moment to the next, so its ratios move by about ±5 % between runs of `make bench` (the median of",
        "back-to-back rounds is the steadier figure; both are shown). llmft's share is measured alone below:",
        f"{min(own.values()):.0f}-{max(own.values()):.0f} µs per call on every route.",
    ]
    lines += [
        "",
        f"## Non-streaming calls ({r['sequential_calls']} sequential calls each)",
        "",
        "![client CPU per call](performance.png)",
        "",
        "| client | CPU ms/call | × the client it wraps (totals / median round) | latency median ms | latency p99 ms |",
        "|---|---|---|---|---|",
    ]
    seq = r["sequential"]
    for name, row in seq.items():
        cpu = row["cpu_ms_per_call"]
        vs = _against(seq, name, "cpu_ms_per_call")
        lines.append(
            f"| {name} | {cpu:.3f} | {vs} | {row['latency_median_ms']:.2f} | {row['latency_p99_ms']:.2f} |"
        )
    lines += [
        "",
        f"## Streaming ({r['stream_chunks']}-chunk replies)",
        "",
        "| client | time to first chunk ms | CPU µs/chunk | × the client it wraps (totals / median round) |",
        "|---|---|---|---|",
    ]
    streams = r["streaming"]
    for name, row in streams.items():
        cpu = row["cpu_us_per_chunk"]
        vs = _against(streams, name, "cpu_us_per_chunk")
        lines.append(f"| {name} | {row['time_to_first_chunk_ms']:.2f} | {cpu:.1f} | {vs} |")
    lines += _tool_loop_table(r)
    lines += [
        "",
        f"## {r['concurrent_calls']} concurrent calls",
        "",
        f"Bursts of {r['concurrent_calls']} calls, alternated between the two clients on one process;"
        " throughput is over all bursts. Peak RSS is the process's high-water mark after the row's bursts.",
        "",
        "| client | wall s per burst | calls/s | errors | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, row in r["concurrent"].items():
        lines.append(
            f"| {name} | {row['wall_s']:.2f} | {row['calls_per_s']:.0f} | {row['errors']} | {row['peak_rss_mb']:.0f} |"
        )
    tool, cold = r["tool_round"], r["cold_start"]
    own_rows = {
        "OpenAI route": "openai SDK responses.create",
        "native Anthropic route": "anthropic SDK messages.create",
        "litellm route (openai-compatible)": "litellm.acompletion (openai-compatible)",
        "litellm route (anthropic)": "litellm.acompletion (anthropic)",
    }
    lines += [
        "",
        "## llmft's own work per call",
        "",
        "The same llmft clients with the SDK call answered at once by a reply the SDK produced earlier: what is",
        "left is llmft's own CPU (request building, the retry wrapper, reply parsing, the tool loop, the result).",
        "It is what the ratios above would be without the SDK's noise.",
        "",
        "| route | llmft µs/call | share of the wrapped client's CPU/call |",
        "|---|---|---|",
        *(
            f"| {name} | {us:.0f} | {us / 10 / seq[own_rows[name]]['cpu_ms_per_call']:.1f} % |"
            for name, us in r["own_work"].items()
        ),
    ]
    lines += [
        "",
        "## One tool round on ScriptedModel (framework cost, model and tool excluded)",
        "",
        f"- async tool: {tool['framework_ms_per_tool_round_async_tool']:.3f} ms CPU per round",
        f"- sync tool: {tool['framework_ms_per_tool_round_sync_tool']:.3f} ms CPU per round; a plain function runs in a"
        " worker thread so it never blocks the event loop, and the thread hand-off is most of that",
        f"- a plain ScriptedModel call: {tool['scripted_plain_call_ms']:.3f} ms",
        *_loop_section(loop),
        "",
        "## Cold start",
        "",
        f"Median of {cold['import_samples']} fresh interpreters each, taken in turns, with bytecode cached (as",
        "after `pip install`). `import llmft` loads each public name on first use; the client's own cost is",
        "its row minus the floor of the packages it cannot do without.",
        "",
        "| import | median ms |",
        "|---|---|",
        *(
            f"| `{k}` | {v:.0f} |" if k.startswith(("import", "from")) else f"| {k} | {v:.0f} |"
            for k, v in cold["import_medians_ms"].items()
        ),
        "",
        f"- litellm/openai loaded by `import llmft`: {cold['sdks_loaded_by_import']}",
        "- largest packages and llmft modules under `from llmft import LLMClient` (`python -X importtime`,"
        " cumulative ms): "
        + ", ".join(f"{k} {v:.0f}" for k, v in cold["client_import_breakdown_ms"].items()),
        "- first call, import included: "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in cold["first_call_ms_including_import"].items()),
        *_start_to_answer(cold["start_to_first_answer"]),
        "",
    ]
    (docs / "performance.md").write_text("\n".join(lines))
