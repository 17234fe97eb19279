"""OpenTelemetry: a span per model request (retries and fallbacks each their own) and per tool run,
children of the caller's span, the GenAI metrics, content only when asked for; read back through the
SDK's in-memory exporter and metric reader."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import llmft
from llmft import ConfigurationError, LLMClient, ProviderError, ToolExecutionResult, ToolRuntime
from llmft.testing import (
    ProviderEmulator,
    ScriptedModel,
    emu_fault,
    emu_stream_error,
    emu_text,
    emu_tool_calls,
    provider_error,
    reply,
    tool_call,
)

from ..providers.conftest import KEY
from ..reliability.conftest import FakeClock

USER = [{"role": "user", "content": "What is the weather in Paris?"}]
CONTENT_KEYS = {"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.call.arguments",
                "gen_ai.tool.call.result"}  # fmt: skip


class Recorded:
    """A tracer and a meter provider of the test's own, with what they recorded."""

    def __init__(self, *, capture: bool | None = False) -> None:
        self.exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.tracer = provider.get_tracer("test")
        self.telemetry = llmft.open_telemetry(
            tracer_provider=provider,
            meter_provider=MeterProvider(metric_readers=[self.reader]),
            capture_content=capture,
        )

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        return [s for s in self.spans if s.name == name]

    def points(self, metric: str) -> list[tuple[Any, HistogramDataPoint]]:
        """(the metric, one data point) for each data point of `metric`."""
        data = self.reader.get_metrics_data()
        found: list[tuple[Any, HistogramDataPoint]] = []
        for resource in data.resource_metrics if data is not None else ():
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name == metric:
                        found.extend(
                            (item, p) for p in item.data.data_points if isinstance(p, HistogramDataPoint)
                        )
        return found


def attrs(span: ReadableSpan) -> Mapping[str, Any]:
    assert span.attributes is not None
    return span.attributes


def labels(point: HistogramDataPoint) -> Mapping[str, Any]:
    assert point.attributes is not None
    return point.attributes


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    found: int = span.context.span_id
    return found


def weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: The city.
    """
    return f"rainy in {city}"


def scripted_client(rec: Recorded, *steps: Any, **kwargs: Any) -> tuple[LLMClient, ScriptedModel]:
    model = ScriptedModel(list(steps))
    client = LLMClient(model=model, telemetry=rec.telemetry, **kwargs)
    client.register_tool(weather)
    return client, model


# -- spans of a tool loop ------------------------------------------------------------------------


async def test_a_tool_loop_is_two_request_spans_and_a_tool_span_under_the_callers_span() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, tool_call("weather", {"city": "Paris"}, id="call_w"), reply("Rainy."))
    with rec.tracer.start_as_current_span("caller") as caller:
        result = await client.generate(USER)
    assert result.content == "Rainy."
    chats, tools = rec.named("chat scripted-model"), rec.named("execute_tool weather")
    assert len(chats) == 2
    assert len(tools) == 1
    caller_id = caller.get_span_context().span_id
    assert {parent_of(s) for s in [*chats, *tools]} == {caller_id}
    first, second = chats
    assert first.kind is SpanKind.CLIENT
    assert attrs(first)["gen_ai.operation.name"] == "chat"
    assert attrs(first)["gen_ai.provider.name"] == "custom"
    assert attrs(first)["gen_ai.request.model"] == "scripted-model"
    assert attrs(first)["gen_ai.response.model"] == "scripted-model"
    assert attrs(first)["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert attrs(second)["gen_ai.response.finish_reasons"] == ("stop",)
    assert result.usage is not None
    totals = [sum(attrs(s)[f"gen_ai.usage.{k}_tokens"] for s in chats) for k in ("input", "output")]
    assert totals == [result.usage.input_tokens, result.usage.output_tokens]
    tool = tools[0]
    assert tool.kind is SpanKind.INTERNAL
    assert attrs(tool)["gen_ai.operation.name"] == "execute_tool"
    assert attrs(tool)["gen_ai.tool.name"] == "weather"
    assert attrs(tool)["gen_ai.tool.call.id"] == "call_w"
    assert attrs(tool)["gen_ai.tool.description"].startswith("The weather in a city.")
    assert tool.status.status_code is StatusCode.UNSET
    # In order: request, tool run, request; content is never recorded by default.
    assert [s.name for s in rec.spans[:3]] == [
        "chat scripted-model",
        "execute_tool weather",
        "chat scripted-model",
    ]
    assert not any(CONTENT_KEYS & set(attrs(s)) for s in rec.spans)


async def test_a_stream_read_inside_the_callers_span_is_its_child() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, tool_call("weather", {"city": "Oslo"}), reply("Snow in Oslo today."))
    with rec.tracer.start_as_current_span("caller") as caller:
        chunks = [c async for c in client.generate_stream(USER)]
        assert caller.is_recording()
    assert chunks[-1].done
    chats = rec.named("chat scripted-model")
    assert len(chats) == 2
    assert len(rec.named("execute_tool weather")) == 1
    assert {parent_of(s) for s in rec.spans if s.name != "caller"} == {caller.get_span_context().span_id}
    assert attrs(chats[1])["gen_ai.response.finish_reasons"] == ("stop",)
    assert attrs(chats[1])["gen_ai.usage.output_tokens"] > 0


async def test_a_stream_given_up_half_way_ends_its_span_as_cancelled() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, reply("one two three four five six"))
    stream = client.generate_stream(USER)
    async for _chunk in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    for _ in range(20):  # the driver's inner generator is closed by the loop's finaliser, soon after
        if rec.spans:
            break
        await asyncio.sleep(0)
    (chat,) = rec.named("chat scripted-model")
    assert attrs(chat)["error.type"] == "cancelled"
    assert chat.status.status_code is StatusCode.ERROR


# -- over the wire -------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
async def test_the_openai_route_over_the_emulator(emu: ProviderEmulator, stream: bool) -> None:
    rec = Recorded()
    emu.script(emu_tool_calls(("weather", {"city": "Paris"})), emu_text("Rainy.", input_tokens=40))
    client = LLMClient(
        model="gpt-4o-mini", api_key=KEY, base_url=emu.openai_base_url, telemetry=rec.telemetry
    )
    emu.on_close(client.aclose)
    client.register_tool(weather)
    with rec.tracer.start_as_current_span("caller") as caller:
        if stream:
            chunks = [c async for c in client.generate_stream(USER, max_output_tokens=50, temperature=0.5)]
            result = chunks[-1].result
        else:
            result = await client.generate(USER, max_output_tokens=50, temperature=0.5)
    assert result is not None
    assert result.content == "Rainy."
    chats = rec.named("chat gpt-4o-mini")
    assert len(chats) == 2
    assert {parent_of(s) for s in chats} == {caller.get_span_context().span_id}
    last = attrs(chats[1])
    assert last["gen_ai.provider.name"] == "openai"
    assert last["gen_ai.request.model"] == "gpt-4o-mini"
    assert last["gen_ai.request.temperature"] == 0.5
    assert last["gen_ai.request.max_tokens"] == 50
    assert last["gen_ai.usage.input_tokens"] == 40
    assert last["gen_ai.usage.output_tokens"] == 7
    assert last["gen_ai.response.model"]
    (tool,) = rec.named("execute_tool weather")
    assert attrs(tool)["gen_ai.tool.call.id"]  # the id the provider gave


async def test_a_retry_and_a_fallback_are_separate_request_spans(emu: ProviderEmulator) -> None:
    rec = Recorded()
    emu.script(emu_fault(status=503), emu_fault(status=500), emu_text("ok"))
    client = LLMClient(
        model="gpt-4o-mini",
        api_key=KEY,
        base_url=emu.openai_base_url,
        max_retries=1,
        fallback_models=["gpt-4.1-mini"],
        clock=FakeClock(),
        telemetry=rec.telemetry,
    )
    emu.on_close(client.aclose)
    with rec.tracer.start_as_current_span("caller") as caller:
        result = await client.generate(USER)
    assert result.content == "ok"
    spans = [s for s in rec.spans if s.name != "caller"]
    assert [s.name for s in spans] == ["chat gpt-4o-mini", "chat gpt-4o-mini", "chat gpt-4.1-mini"]
    assert [attrs(s).get("error.type") for s in spans] == ["503", "500", None]
    assert [s.status.status_code for s in spans] == [StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET]
    assert attrs(spans[0])["http.response.status_code"] == 503
    assert {parent_of(s) for s in spans} == {caller.get_span_context().span_id}
    durations = rec.points("gen_ai.client.operation.duration")
    assert sorted(str(labels(p).get("error.type")) for _, p in durations) == ["500", "503", "None"]


async def test_a_failed_call_leaves_a_failed_span_on_a_scripted_model() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, provider_error("refused", status_code=400))
    with pytest.raises(ProviderError):
        await client.generate(USER)
    (chat,) = rec.named("chat scripted-model")
    assert attrs(chat)["error.type"] == "400"
    assert chat.status.description == "refused"


async def test_a_stream_that_fails_half_way_ends_its_span_as_failed(emu: ProviderEmulator) -> None:
    rec = Recorded()
    emu.script(emu_stream_error("Rainy in"), emu_fault(cut_after=2))
    client = LLMClient(
        model="gpt-4o-mini", api_key=KEY, base_url=emu.openai_base_url, telemetry=rec.telemetry
    )
    emu.on_close(client.aclose)
    kinds = []
    for _ in range(2):
        with pytest.raises(ProviderError) as caught:
            async for _chunk in client.generate_stream(USER, max_retries=0):
                pass
        kinds.append(caught.value.kind)
    spans = rec.named("chat gpt-4o-mini")
    assert [attrs(s).get("error.type") for s in spans] == kinds
    assert [s.status.status_code for s in spans] == [StatusCode.ERROR] * 2


# -- tool runs -----------------------------------------------------------------------------------


async def test_tool_failures_set_error_type() -> None:
    rec = Recorded()

    def broken(city: str) -> str:
        """Always fails."""
        raise ValueError("no such city")

    def refusing(city: str) -> ToolExecutionResult:
        """Says no."""
        return ToolExecutionResult(content="Error: closed", error="closed")

    async def slow(city: str) -> str:
        """Never answers in time."""
        await asyncio.sleep(5)
        return "late"

    calls = [tool_call(n, {"city": "Rome"}) for n in ("broken", "refusing", "slow", "weather")]
    client, _ = scripted_client(rec, calls, reply("done"), tool_timeout=0.05)
    for function in (broken, refusing, slow):
        client.register_tool(function)
    await client.generate(USER)
    errors = {s.name: attrs(s).get("error.type") for s in rec.spans if s.name.startswith("execute_tool")}
    assert errors == {
        "execute_tool broken": "ValueError",
        "execute_tool refusing": "tool_error",
        "execute_tool slow": "timeout",
        "execute_tool weather": None,
    }
    assert rec.named("execute_tool broken")[0].status.status_code is StatusCode.ERROR


async def test_nested_and_sync_tool_spans_are_children_of_the_tool_that_ran_them() -> None:
    rec = Recorded()

    async def outer(city: str, tool_runtime: ToolRuntime) -> str:
        """Asks two other tools."""
        first = await tool_runtime.call_tool("weather", arguments={"city": city})
        second = await tool_runtime.call_tool("inner", arguments={"city": city})
        return f"{first.content}; {second.content}"

    def inner(city: str) -> str:
        """A sync tool (run on a thread) with a span of its own."""
        with rec.tracer.start_as_current_span("inside the tool"):
            return f"inner {city}"

    client, _ = scripted_client(rec, tool_call("outer", {"city": "Lima"}), reply("done"))
    client.register_tool(outer)
    client.register_tool(inner)
    await client.generate(USER)
    (outer_span,) = rec.named("execute_tool outer")
    (weather_span,) = rec.named("execute_tool weather")
    (inner_span,) = rec.named("execute_tool inner")
    (inside,) = rec.named("inside the tool")
    assert parent_of(weather_span) == span_id(outer_span)
    assert parent_of(inner_span) == span_id(outer_span)
    assert parent_of(inside) == span_id(inner_span)
    assert "gen_ai.tool.call.id" not in attrs(inner_span)  # a nested call has no model-given id


async def test_parallel_tool_spans_each_have_the_callers_parent() -> None:
    rec = Recorded()
    calls = [tool_call("weather", {"city": c}) for c in ("A", "B", "C")]
    client, _ = scripted_client(rec, calls, reply("done"))
    with rec.tracer.start_as_current_span("caller") as caller:
        await client.generate(USER, parallel_tools=True)
    tools = rec.named("execute_tool weather")
    assert len(tools) == 3
    assert {parent_of(s) for s in tools} == {caller.get_span_context().span_id}


# -- content -------------------------------------------------------------------------------------


async def test_content_is_recorded_only_when_the_variable_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    rec = Recorded(capture=None)  # the variable decides
    client, _ = scripted_client(rec, tool_call("weather", {"city": "Paris"}, id="c1"), reply("Rainy."))
    await client.generate([{"role": "system", "content": "Be brief."}, *USER])
    first, second = rec.named("chat scripted-model")
    sent = json.loads(attrs(second)["gen_ai.input.messages"])
    assert sent == [
        {"role": "system", "parts": [{"type": "text", "content": "Be brief."}]},
        {"role": "user", "parts": [{"type": "text", "content": USER[0]["content"]}]},
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "weather",
                                         "arguments": {"city": "Paris"}}]},
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": "rainy in Paris"}]},
    ]  # fmt: skip
    assert json.loads(attrs(second)["gen_ai.output.messages"]) == [
        {"role": "assistant", "parts": [{"type": "text", "content": "Rainy."}], "finish_reason": "stop"}
    ]
    called = json.loads(attrs(first)["gen_ai.output.messages"])[0]["parts"][0]
    assert called == {"type": "tool_call", "id": "c1", "name": "weather", "arguments": {"city": "Paris"}}
    (tool,) = rec.named("execute_tool weather")
    assert json.loads(attrs(tool)["gen_ai.tool.call.arguments"]) == {"city": "Paris"}
    assert attrs(tool)["gen_ai.tool.call.result"] == "rainy in Paris"

    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false")
    off = Recorded(capture=None)
    client, _ = scripted_client(off, tool_call("weather", {"city": "Paris"}), reply("Rainy."))
    await client.generate(USER)
    assert len(off.spans) == 3
    assert not any(CONTENT_KEYS & set(attrs(s)) for s in off.spans)


async def test_a_streamed_reply_records_its_text_when_capturing() -> None:
    rec = Recorded(capture=True)
    client, _ = scripted_client(rec, reply("Snow in Oslo today."))
    [c async for c in client.generate_stream(USER)]
    (chat,) = rec.named("chat scripted-model")
    out = json.loads(attrs(chat)["gen_ai.output.messages"])
    assert out[0]["parts"] == [{"type": "text", "content": "Snow in Oslo today."}]


def test_media_parts_are_described_without_their_bytes() -> None:
    from llmft.domain.genai_conventions import input_messages
    from llmft.domain.messages import AudioPart, FilePart, ImagePart, Message, TextPart

    parts = (
        TextPart("look"),
        ImagePart("data:image/png;base64,AAAA"),
        ImagePart("https://example.com/cat.png"),
        AudioPart("UklGRg==", "wav"),
        FilePart(media_type="application/pdf", data="JVBERi0="),
        FilePart(file_id="file-1"),
    )
    (message,) = json.loads(input_messages([Message("user", parts)]))
    assert "AAAA" not in json.dumps(message)
    assert [p["type"] for p in message["parts"]] == ["text", "blob", "uri", "blob", "blob", "file_data"]
    assert message["parts"][1]["mime_type"] == "image/png"
    assert message["parts"][3]["mime_type"] == "audio/wav"


# -- metrics -------------------------------------------------------------------------------------


async def test_token_usage_and_duration_metrics() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, tool_call("weather", {"city": "Paris"}), reply("Rainy."))
    result = await client.generate(USER)
    assert result.usage is not None
    tokens = rec.points("gen_ai.client.token.usage")
    by_type = {labels(p)["gen_ai.token.type"]: p for _, p in tokens}
    assert set(by_type) == {"input", "output"}
    assert by_type["input"].sum == result.usage.input_tokens
    assert by_type["output"].sum == result.usage.output_tokens
    assert by_type["input"].count == 2
    metric, point = tokens[0]
    assert metric.unit == "{token}"
    assert point.explicit_bounds[:3] == (1, 4, 16)
    assert dict(labels(point)) | {"gen_ai.token.type": "x"} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "custom",
        "gen_ai.request.model": "scripted-model",
        "gen_ai.response.model": "scripted-model",
        "gen_ai.token.type": "x",
    }
    ((duration, timing),) = rec.points("gen_ai.client.operation.duration")
    assert duration.unit == "s"
    assert timing.count == 2
    assert timing.explicit_bounds[:2] == (0.01, 0.02)
    assert "error.type" not in labels(timing)


# -- choosing telemetry --------------------------------------------------------------------------


def test_telemetry_false_is_off_and_a_wrong_value_is_refused() -> None:
    client = LLMClient(model=ScriptedModel([]), telemetry=False)
    assert client._setup.telemetry is None
    for wrong in ("yes", True):
        with pytest.raises(ConfigurationError, match="telemetry must be"):
            LLMClient(model=ScriptedModel([]), telemetry=wrong)  # type: ignore[arg-type]


def run_python(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_opentelemetry_is_imported_only_once_the_application_uses_it() -> None:
    """One process, four states: the API not installed (blocked), a call imports nothing and
    `open_telemetry` says what to install; installed but unused, a call imports nothing either; the
    tracing API imported by someone else (the anthropic SDK does) but no provider set, a call still
    imports nothing more; once the application sets up an SDK (after the client was made), the same
    client's calls are spans of the global provider."""
    lines = run_python(
        """
        import asyncio, sys
        sys.modules["opentelemetry"] = None  # as if opentelemetry-api were not installed
        import llmft
        from llmft.testing import ScriptedModel, reply, tool_call

        model = ScriptedModel([tool_call("echo", {"x": 1}), reply("ok")] * 5)
        client = llmft.LLMClient(model=model)
        client.register_tool(lambda x: x, name="echo", description="Echo.")
        silent = llmft.LLMClient(model=model, telemetry=False)
        silent.register_tool(lambda x: x, name="echo", description="Echo.")
        hi = [{"role": "user", "content": "hi"}]

        def loaded():
            return sorted(m for m in sys.modules if m.startswith("opentelemetry"))

        async def main():
            print((await client.generate(hi)).content, loaded())  # only the blocked entry
            try:
                llmft.open_telemetry()
            except llmft.ConfigurationError as error:
                print(error)
            del sys.modules["opentelemetry"]  # installed after all, and still unused
            print((await client.generate(hi)).content, loaded())

            from opentelemetry import trace  # as SDKs import it for their own use: no provider set
            print((await client.generate(hi)).content, "opentelemetry.metrics" in sys.modules)

            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            trace.set_tracer_provider(provider)
            with trace.get_tracer("app").start_as_current_span("caller"):
                await client.generate(hi)
            await silent.generate(hi)
            for span in exporter.get_finished_spans():
                print(span.name, span.parent is not None)

        asyncio.run(main())
        """
    )
    assert lines[0] == "ok ['opentelemetry']"
    assert "pip install 'llmft[otel]'" in lines[1]
    assert lines[2:] == [
        "ok []",
        "ok False",  # the metrics API (~190 ms to import) is left alone until a provider is set
        "chat scripted-model True",
        "execute_tool echo True",
        "chat scripted-model True",
        "caller False",
    ]


def test_provider_names_and_request_models_follow_the_conventions() -> None:
    from llmft.domain.genai_conventions import exception_type, provider_name, request_model

    assert provider_name("gemini") == "gcp.gemini"
    assert provider_name("anthropic") == "anthropic"
    assert request_model("anthropic/claude-sonnet-4-5", "anthropic") == "claude-sonnet-4-5"
    assert request_model("openrouter/openai/gpt-5", "openrouter") == "openai/gpt-5"
    assert request_model("gpt-4o", "openai") == "gpt-4o"
    assert exception_type(asyncio.CancelledError) == "cancelled"
    assert exception_type(KeyError) == "KeyError"
    assert exception_type(ProviderError) == "llmft.app.errors.ProviderError"
    assert exception_type(None) == "_OTHER"


def test_a_provider_variable_without_the_api_leaves_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmft.adapters.otel_telemetry import NO_SPAN, OpenTelemetry
    from llmft.domain.messages import Message, ModelRequest

    monkeypatch.setenv("OTEL_PYTHON_TRACER_PROVIDER", "sdk_tracer_provider")
    monkeypatch.setitem(sys.modules, "opentelemetry", None)  # as if the API were not installed
    telemetry = OpenTelemetry()
    request = ModelRequest(model="m", messages=(Message("user", "hi"),))
    assert telemetry.model_request(request, "openai") is NO_SPAN
    assert telemetry.tool_run("echo", "c1", {}, "") is NO_SPAN


async def test_planned_calls_run_after_approval_have_spans_too() -> None:
    rec = Recorded()
    client, _ = scripted_client(rec, tool_call("weather", {"city": "Oslo"}, id="call_p"))
    with rec.tracer.start_as_current_span("caller") as caller:
        intent = await client.generate_tool_intent(USER)
        await client.execute_tool_intents(intent)
    (chat,) = rec.named("chat scripted-model")
    (tool,) = rec.named("execute_tool weather")
    assert attrs(tool)["gen_ai.tool.call.id"] == "call_p"
    assert {parent_of(chat), parent_of(tool)} == {caller.get_span_context().span_id}


def test_a_set_provider_is_found_in_the_apis_globals_or_through_its_getter() -> None:
    from types import SimpleNamespace

    from llmft.adapters.otel_telemetry import providers_set

    class ProxyTracerProvider:  # what the API hands out before one is set
        pass

    class TracerProvider:
        pass

    def api(**fields: Any) -> SimpleNamespace:
        return SimpleNamespace(**fields)

    assert not providers_set({})
    assert not providers_set({"opentelemetry.trace": None})  # blocked
    assert not providers_set({"opentelemetry.trace": api(_TRACER_PROVIDER=None)})
    assert providers_set({"opentelemetry.trace": api(_TRACER_PROVIDER=TracerProvider())})
    # An API version keeping it elsewhere is asked through its getter.
    assert not providers_set({"opentelemetry.trace": api(get_tracer_provider=ProxyTracerProvider)})
    assert providers_set({"opentelemetry.trace": api(get_tracer_provider=TracerProvider)})
    assert providers_set({"opentelemetry.metrics._internal": api(_METER_PROVIDER=TracerProvider())})
    assert not providers_set({"opentelemetry.metrics._internal": api()})  # neither: nothing to go by
