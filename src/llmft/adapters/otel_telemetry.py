"""OpenTelemetry spans and metrics of model requests and tool runs, per the GenAI semantic conventions.

Only `opentelemetry-api` is used, and only once a global tracer or meter provider has been set (an
SDK set up by the application or an instrumentation) or providers were given: until then a span is a
shared no-op, and nothing more of OpenTelemetry is imported (an SDK that imports the tracing API for
itself, as anthropic's does, does not count). What the conventions record of llmft's values is worked
out in `domain.genai_conventions`. Message content is recorded only when
`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from returns.result import Success

from llmft.domain.errors import ProviderFailure
from llmft.domain.genai_conventions import (
    error_type_of,
    exception_type,
    input_messages,
    output_messages,
    provider_name,
    request_model,
)
from llmft.domain.messages import ModelReply, ModelRequest

if TYPE_CHECKING:
    from opentelemetry.metrics import Histogram, MeterProvider
    from opentelemetry.trace import Span, Tracer, TracerProvider
    from returns.result import Result

CAPTURE_VARIABLE = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
# Set, they make the API load an SDK's providers by itself: telemetry is then on from the first span.
PROVIDER_VARIABLES = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER")
API_MODULES = ("opentelemetry.trace", "opentelemetry.metrics")
# What the API hands out while no SDK has been set up (SDKs such as anthropic's import the tracing API
# for their own use, so an imported API alone says nothing).
UNSET_PROVIDERS = frozenset(
    {"ProxyTracerProvider", "NoOpTracerProvider", "_ProxyMeterProvider", "NoOpMeterProvider"}
)
SCOPE = "llmft"
# The conventions' advised histogram buckets.
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)


# Where the API keeps each global provider (None until one is set), and the getter to ask otherwise.
_PROVIDER_GLOBALS = (
    ("opentelemetry.trace", "_TRACER_PROVIDER", "get_tracer_provider"),
    ("opentelemetry.metrics._internal", "_METER_PROVIDER", "get_meter_provider"),
)
_ASK = object()


def providers_set(modules: Mapping[str, Any]) -> bool:
    """True when a global tracer or meter provider has been set (an SDK set up) in this process; only
    what is already imported is looked at, so asking imports nothing. Asked before every span while
    none is set, so it reads the API's globals (the getters look at the environment each time)."""
    for module_name, global_name, getter in _PROVIDER_GLOBALS:
        module = modules.get(module_name)
        if module is None:
            continue
        provider = getattr(module, global_name, _ASK)
        if provider is None:
            continue
        if provider is _ASK:  # an API version that keeps it elsewhere: its getter, if it has one here
            ask = getattr(module, getter, None)
            if ask is None:
                continue
            provider = ask()
        if type(provider).__name__ not in UNSET_PROVIDERS:
            return True
    return False


def capture_requested() -> bool:
    """True when the standard variable asks for message content in telemetry."""
    return os.environ.get(CAPTURE_VARIABLE, "").strip().lower() == "true"


class _Kit:
    """The API's modules and this telemetry's instruments, made on the first span."""

    def __init__(
        self, tracer_provider: TracerProvider | None, meter_provider: MeterProvider | None, version: str
    ) -> None:
        from opentelemetry import context, metrics, trace

        self.attach = context.attach
        self.detach = context.detach
        self.in_context = trace.set_span_in_context
        self.client = trace.SpanKind.CLIENT
        self.internal = trace.SpanKind.INTERNAL
        self.error = trace.StatusCode.ERROR
        self.status = trace.Status
        self.tracer: Tracer = trace.get_tracer(SCOPE, version, tracer_provider=tracer_provider)
        meter = metrics.get_meter(SCOPE, version, meter_provider=meter_provider)
        self.tokens: Histogram = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
        )
        self.duration: Histogram = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )


class _Span:
    """What a model request's span and a tool run's share: being current, and ending once."""

    __slots__ = ("_kit", "_open", "_span", "_token")

    def __init__(self, kit: _Kit, span: Span) -> None:
        self._kit = kit
        self._span = span
        self._token: object = None
        self._open = True

    def __enter__(self) -> Self:
        # An invalid span (no SDK) has nothing to pass on to children: the context stays as it is.
        if self._span.get_span_context().is_valid:
            self._token = self._kit.attach(self._kit.in_context(self._span))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._token is not None:
            self._kit.detach(self._token)  # type: ignore[arg-type]
            self._token = None
        if self._open:
            self._fail(exception_type(kind))

    def close(self, error: BaseException) -> None:
        """End the span as failed by `error` if it is still open."""
        if self._open:
            self._fail(exception_type(type(error)))

    def _fail(self, error_type: str) -> None:
        self._end(error_type, None)

    def _end(self, error_type: str | None, description: str | None) -> None:
        self._open = False
        span = self._span
        if error_type is not None and span.is_recording():
            span.set_attribute("error.type", error_type)
            span.set_status(self._kit.status(self._kit.error, description))
        span.end()


class _NoSpan:
    """The span of a process where nothing uses OpenTelemetry: it records nothing."""

    __slots__ = ()
    records_content = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None

    def close(self, error: BaseException) -> None:
        """Nothing to end."""

    def finish(self, *outcome: object) -> None:
        """Nothing to record."""


NO_SPAN = _NoSpan()


class RequestSpan(_Span):
    """The span of one model request: `chat {model}`, kind CLIENT."""

    __slots__ = ("_base", "_content", "_started")

    def __init__(self, kit: _Kit, span: Span, base: dict[str, Any], content: bool) -> None:
        super().__init__(kit, span)
        self._base = base  # the metrics' attributes
        self._content = content
        self._started = time.perf_counter()

    @property
    def records_content(self) -> bool:
        """True when the reply's content is recorded."""
        return self._content

    def finish(self, outcome: Result[ModelReply, ProviderFailure]) -> None:
        """End the span with the reply or the failure, and record the metrics (once only)."""
        if not self._open:
            return
        elapsed = time.perf_counter() - self._started
        span = self._span
        base = self._base
        if isinstance(outcome, Success):
            reply = outcome.unwrap()
            if reply.model:
                base = {**base, "gen_ai.response.model": reply.model}
            usage = reply.usage
            if span.is_recording():
                span.set_attribute("gen_ai.response.finish_reasons", (reply.finish_reason,))
                if reply.model:
                    span.set_attribute("gen_ai.response.model", reply.model)
                if usage is not None:
                    span.set_attribute("gen_ai.usage.input_tokens", usage.input_tokens)
                    span.set_attribute("gen_ai.usage.output_tokens", usage.output_tokens)
                if self._content:
                    span.set_attribute("gen_ai.output.messages", output_messages(reply))
            if usage is not None:
                tokens = self._kit.tokens
                tokens.record(usage.input_tokens, {**base, "gen_ai.token.type": "input"})
                tokens.record(usage.output_tokens, {**base, "gen_ai.token.type": "output"})
            self._kit.duration.record(elapsed, base)
            self._end(None, None)
            return
        failure = outcome.failure()
        error_type = error_type_of(failure)
        if failure.status_code is not None and span.is_recording():
            span.set_attribute("http.response.status_code", failure.status_code)
        self._kit.duration.record(elapsed, {**base, "error.type": error_type})
        self._end(error_type, failure.message)

    def _fail(self, error_type: str) -> None:
        elapsed = time.perf_counter() - self._started
        self._kit.duration.record(elapsed, {**self._base, "error.type": error_type})
        self._end(error_type, None)


class ToolSpan(_Span):
    """The span of one tool run: `execute_tool {name}`, kind INTERNAL."""

    __slots__ = ("_content",)

    def __init__(self, kit: _Kit, span: Span, content: bool) -> None:
        super().__init__(kit, span)
        self._content = content

    def finish(self, output: str, error_type: str | None) -> None:
        """End the span with the tool's output (recorded only with content capture) or its error."""
        if not self._open:
            return
        if self._content and error_type is None and self._span.is_recording():
            self._span.set_attribute("gen_ai.tool.call.result", output)
        self._end(error_type, None)


class OpenTelemetry:
    """Telemetry through the OpenTelemetry API: the global providers unless others are given;
    `capture_content` (default: the standard variable) records messages, tool arguments and results."""

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        capture_content: bool | None = None,
        version: str = "",
    ) -> None:
        self._providers = (tracer_provider, meter_provider)
        self._version = version  # llmft's, for the instrumentation scope
        self._capture = capture_content
        self._content = False  # decided with the instruments, on the first span
        self._kit: _Kit | None = None
        self._off = False  # set when the API turned out not to be importable
        given = tracer_provider is not None or meter_provider is not None
        self._always = given or any(os.environ.get(v) for v in PROVIDER_VARIABLES)

    def __repr__(self) -> str:
        return f"OpenTelemetry(capture_content={self._capture})"

    def _ready(self) -> _Kit | None:
        """The instruments; None while no global provider is set (no SDK set up, spans would go
        nowhere) and none were given: making them imports the metrics API, ~190 ms on a slow machine."""
        kit = self._kit
        if kit is None:
            if self._off or not (self._always or providers_set(sys.modules)):
                return None
            try:
                kit = _Kit(*self._providers, self._version)
            except ImportError:  # a provider variable set where the API is not installed: stay off
                self._off = True
                return None
            self._content = capture_requested() if self._capture is None else self._capture
            self._kit = kit
        return kit

    def model_request(self, request: ModelRequest, provider: str) -> RequestSpan | _NoSpan:
        """Start the span of one request, a child of the current span."""
        kit = self._ready()
        if kit is None:
            return NO_SPAN
        name = provider_name(provider)
        model = request_model(request.model, provider)
        base: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": name,
            "gen_ai.request.model": model,
        }
        span = kit.tracer.start_span(f"chat {model}", kind=kit.client)
        if span.is_recording():
            span.set_attributes(base)
            if request.temperature is not None:
                span.set_attribute("gen_ai.request.temperature", request.temperature)
            if request.max_output_tokens is not None:
                span.set_attribute("gen_ai.request.max_tokens", request.max_output_tokens)
            if self._content:
                span.set_attribute("gen_ai.input.messages", input_messages(request.messages))
        return RequestSpan(kit, span, base, self._content)

    def tool_run(
        self, name: str, call_id: str, arguments: Mapping[str, Any], description: str
    ) -> ToolSpan | _NoSpan:
        """Start the span of one tool run, a child of the current span."""
        kit = self._ready()
        if kit is None:
            return NO_SPAN
        span = kit.tracer.start_span(f"execute_tool {name}", kind=kit.internal)
        if span.is_recording():
            span.set_attribute("gen_ai.operation.name", "execute_tool")
            span.set_attribute("gen_ai.tool.name", name)
            span.set_attribute("gen_ai.tool.type", "function")
            if call_id:
                span.set_attribute("gen_ai.tool.call.id", call_id)
            if description:
                span.set_attribute("gen_ai.tool.description", description)
            if self._content:
                span.set_attribute(
                    "gen_ai.tool.call.arguments", json.dumps(dict(arguments), ensure_ascii=False, default=str)
                )
        return ToolSpan(kit, span, self._content)
