"""What telemetry costs per call: llmft on ScriptedModel with telemetry off against the default, in three
states of one process (`make bench-otel`, also part of `make bench`):

1. opentelemetry-api installed, nothing imported it (the default then imports nothing either);
2. the API imported but no SDK configured (its tracer and meter do nothing);
3. an SDK configured: spans to a processor that drops them, metrics to an in-memory reader.

Each state compares `telemetry=False` with the default on a plain call (one request span) and on a call
with one tool round (two request spans and a tool span), in interleaved slices (see run.py): CPU time
per call, the difference telemetry's. A call costs a few hundred µs, so a difference of a few µs is
within its noise: each state also times the default telemetry's span of a request and of a tool run
alone (started, made current, finished). Results go to benchmarks/otel_overhead.json.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform
import sys
import timeit
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from run import RowCall, measure_calls

from llmft import LLMClient
from llmft.app.bootstrap import default_telemetry
from llmft.domain.messages import Message, ModelReply, ModelRequest, Usage
from llmft.testing import ScriptedModel, reply, tool_call

ROOT = Path(__file__).resolve().parents[1]
USER = [{"role": "user", "content": "ping"}]
CALLS = int(os.environ.get("BENCH_OTEL_CALLS", "6000"))
ROUNDS = 30


def ping(n: int) -> int:
    """Return n."""
    return n


def clients(telemetry: bool) -> dict[str, LLMClient]:
    """A plain client and one whose model calls a tool once, with telemetry off or the default."""
    choice: Any = None if telemetry else False
    plain = LLMClient(model=ScriptedModel(lambda r: reply("pong")), telemetry=choice)
    looped = LLMClient(
        model=ScriptedModel(lambda r: reply("done") if len(r.messages) > 1 else tool_call("ping", {"n": 1})),
        telemetry=choice,
    )
    looped.register_tool(ping)
    return {"plain call": plain, "one tool round": looped}


OFF = clients(telemetry=False)
ON = clients(telemetry=True)


def call(client: LLMClient) -> Callable[[], Awaitable[Any]]:
    return lambda: client.generate(USER)


def spans_alone() -> dict[str, float]:
    """µs of the default telemetry's request span and tool-run span, each started, current, finished."""
    from returns.result import Success

    telemetry = default_telemetry()
    request = ModelRequest(model="bench-model", messages=(Message("user", "ping"),))
    outcome = Success(
        ModelReply(text="pong", usage=Usage(input_tokens=3, output_tokens=1), model="bench-model")
    )

    def request_span() -> None:
        with telemetry.model_request(request, "openai") as span:
            span.finish(outcome)

    def tool_span() -> None:
        with telemetry.tool_run("ping", "call_1", {"n": 1}, "Return n.") as span:
            span.finish("1", None)

    n = 50_000
    timings = {}
    for name, run in (("request_span_us", request_span), ("tool_span_us", tool_span)):
        run()
        timings[name] = min(timeit.repeat(run, number=n, repeat=5)) / n * 1e6
    return timings


async def state(name: str) -> dict[str, Any]:
    """Off against the default, for both kinds of call, in the process's present state."""
    rows: dict[str, RowCall] = {}
    for kind in OFF:
        rows[f"{kind}, off"] = call(OFF[kind])
        rows[f"{kind}, default"] = call(ON[kind])
    measured = await measure_calls(rows, CALLS, rounds=ROUNDS)
    out: dict[str, Any] = {}
    for kind in OFF:
        off = 1000 * measured[f"{kind}, off"]["cpu_ms_per_call_median_slice"]
        on = 1000 * measured[f"{kind}, default"]["cpu_ms_per_call_median_slice"]
        out[kind] = {"off_us": off, "default_us": on, "telemetry_us": on - off}
        print(f"  {name:36} {kind:15} off {off:6.1f} µs  default {on:6.1f} µs  {on - off:+6.1f} µs")
    alone = out["spans alone"] = spans_alone()
    print(
        f"  {name:36} {'spans alone':15} request {alone['request_span_us']:.2f} µs, "
        f"tool run {alone['tool_span_us']:.2f} µs",
        flush=True,
    )
    return out


def loaded() -> Sequence[str]:
    return sorted(m for m in sys.modules if m.startswith("opentelemetry"))


async def main() -> dict[str, Any]:
    gc.collect()
    gc.freeze()
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()}
    }
    results["api installed, not imported"] = await state("API installed, not imported")
    assert not loaded(), loaded()  # the default imported nothing of OpenTelemetry

    from opentelemetry import metrics, trace

    results["api imported, no sdk"] = await state("API imported, no SDK configured")

    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class Dropping(SpanExporter):
        """Exports nowhere: what is measured is the SDK's making of spans, not an exporter's I/O."""

        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Dropping()))
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(metric_readers=[InMemoryMetricReader()]))
    results["sdk configured"] = await state("SDK configured (spans dropped)")
    return results


if __name__ == "__main__":
    results = asyncio.run(main())
    (ROOT / "benchmarks" / "otel_overhead.json").write_text(json.dumps(results, indent=2) + "\n")
    print("wrote benchmarks/otel_overhead.json")
