"""The ports: small Protocols the app talks to and the adapters (or users' own objects) implement."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from returns.result import Result

from llmft.domain.batches import BatchOutput, BatchRequest, BatchStatus
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.pricing import Price
from llmft.domain.remote_tools import RemoteCatalog, RemoteResult, SourceFailure
from llmft.domain.secret import Secret
from llmft.domain.streaming import StreamDelta

DeltaStream = AsyncGenerator[StreamDelta, None]
"""What `ChatModel.stream` returns: deltas, ending in `StreamEnd` or `StreamFailed`; `aclose()` stops it."""


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: one call returning a reply, or a stream of deltas; it owns its connections."""

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """Run one model turn."""
        ...

    def stream(self, request: ModelRequest) -> DeltaStream:
        """Run one model turn as deltas; the last is `StreamEnd` or `StreamFailed`."""
        ...

    async def aclose(self) -> None:
        """Release the connections this model opened (a no-op for one that opened none)."""
        ...


class Secrets(Protocol):
    """Finds the API key for a provider (environment > `.env`)."""

    def api_key(self, provider: str) -> Secret | None:
        """The key for `provider`, or None when there is none."""
        ...


class Clock(Protocol):
    """Time as a port, so retry and deadline logic can be tested without sleeping."""

    def now(self) -> float:
        """Monotonic seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        ...


class MathEngine(Protocol):
    """Evaluates a whitelisted arithmetic expression with bounded cost, never stalling the loop."""

    async def evaluate(self, expression: str) -> Result[str, str]:
        """The value as text, or why it was refused."""
        ...

    async def aclose(self) -> None:
        """Release what the engine holds (its worker process)."""
        ...


class FileReader(Protocol):
    """Reads text files confined to a root directory."""

    def read_text(self, path: str) -> Result[str, str]:
        """The file's text, or why it was refused."""
        ...


class PriceTable(Protocol):
    """Knows what models cost; loads its data on first use and never fetches anything."""

    def price(self, model: str) -> Price | None:
        """The price of `model` (a model string like "anthropic/claude-sonnet-4-5" or the name a reply
        reports, like "gpt-4o-mini-2024-07-18"); None when it is not known."""
        ...


class ToolSource(Protocol):
    """Tools served elsewhere (an MCP server): connected and listed once, then called by name; a
    connection that failed is made anew on the next call."""

    label: str
    """What messages call the server (its command or URL, never a credential)."""

    async def list_tools(self) -> Result[RemoteCatalog, SourceFailure]:
        """Connect (within the source's start-up time limit) and list the server's tools."""
        ...

    async def call_tool(
        self, name: str, arguments: Mapping[str, Any], timeout: float
    ) -> Result[RemoteResult, SourceFailure]:
        """Run one call, waiting at most `timeout` seconds; never raises for the server's failure."""
        ...

    async def aclose(self) -> None:
        """Close every connection (a subprocess is stopped and reaped)."""
        ...


class BatchProvider(Protocol):
    """A provider's batch API (OpenAI Batch, Anthropic Message Batches) for one model and connection:
    requests go in at once and are answered within a day, at a lower price."""

    async def submit(self, requests: Sequence[BatchRequest]) -> Result[BatchStatus, ProviderFailure]:
        """Send the requests as one batch; its first status (with the batch id)."""
        ...

    async def status(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """Where the batch is now."""
        ...

    async def results(self, status: BatchStatus) -> Result[BatchOutput, ProviderFailure]:
        """The outcomes of an ended batch's requests (any order)."""
        ...

    async def cancel(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """Ask the provider to stop the batch (requests already answered keep their results)."""
        ...

    async def aclose(self) -> None:
        """Release the connections this provider opened."""
        ...


class ProgressDisplay(Protocol):
    """Shows how far a batch has got (a progress bar on stderr)."""

    def update(self, done: int, failed: int) -> None:
        """`done` items have ended so far, `failed` of them with an error."""
        ...

    def close(self, summary: str) -> None:
        """The batch is over: stop drawing and show its summary line."""
        ...


class TelemetrySpan(Protocol):
    """One span in progress (a model request or a tool run).

    `with span:` makes it the current span of the running task (so what runs inside is its child) and,
    on the way out, ends it if `finish` was not called, with the exception's kind as the error. A span
    that must outlive a `yield` (a stream's) is never entered: `close` ends it instead.
    """

    def __enter__(self) -> Self:
        """Make this the current span of the running task."""
        ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Stop being current; end the span if it is still open."""
        ...

    def close(self, error: BaseException) -> None:
        """End the span as failed by `error` if it is still open (a stream closed half-way)."""
        ...


class RequestSpan(TelemetrySpan, Protocol):
    """The span of one model request (one attempt: a retry or a fallback has its own)."""

    @property
    def records_content(self) -> bool:
        """True when the reply's content is recorded (a stream then passes its text to `finish`)."""
        ...

    def finish(self, outcome: Result[ModelReply, ProviderFailure]) -> None:
        """End the span with the reply (model, usage, finish reason) or the failure; once only."""
        ...


class ToolSpan(TelemetrySpan, Protocol):
    """The span of one tool run."""

    def finish(self, output: str, error_type: str | None) -> None:
        """End the span with what the tool returned, or the kind of its failure; once only."""
        ...


class Telemetry(Protocol):
    """Traces and metrics of model requests and tool runs (OpenTelemetry's GenAI conventions).

    Spans start as children of the caller's current span; what they record never includes message
    content unless the implementation was told to capture it.
    """

    def model_request(self, request: ModelRequest, provider: str) -> RequestSpan:
        """Start the span of one request of `request.model` from `provider`."""
        ...

    def tool_run(self, name: str, call_id: str, arguments: Mapping[str, Any], description: str) -> ToolSpan:
        """Start the span of one run of the tool `name` (`call_id` empty for a nested call)."""
        ...
