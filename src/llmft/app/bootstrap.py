"""The composition root: the one module that names concrete adapters.

`bootstrap(...)` builds everything a client or a tool factory needs from keyword dependencies, so a
test hands in fakes (a clock, secrets, a model factory) and production gets the real adapters. The
adapters themselves are imported on first use, so `import llmft` stays light.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.util import find_spec
from os import PathLike
from pathlib import Path
from typing import Any, Literal, Protocol

from attrs import frozen
from returns.result import Failure

from llmft.app.errors import ConfigurationError, UnsupportedFeatureError, raise_failure
from llmft.app.factories import (
    BatchProviderFactory,
    FileReaderFactory,
    ModelFactory,
    ProgressFactory,
    ToolSourceFactory,
)
from llmft.app.mcp_servers import MCPServerHTTP, MCPServerLocation, MCPServerStdio
from llmft.domain.connections import Connection
from llmft.domain.ports import (
    BatchProvider,
    ChatModel,
    Clock,
    FileReader,
    MathEngine,
    PriceTable,
    ProgressDisplay,
    Secrets,
    Telemetry,
    ToolSource,
)
from llmft.domain.remote_tools import RemoteResult, RemoteTool
from llmft.domain.routing import Route


@frozen
class ToolParts:
    """What a ToolFactory needs from outside: the built-ins' engines, and MCP connections."""

    math_engine: Callable[[], MathEngine]
    file_reader: FileReaderFactory
    tool_source: ToolSourceFactory


@frozen
class ClientParts:
    """What an LLMClient needs from outside."""

    secrets: Secrets
    clock: Clock
    model_factory: ModelFactory
    tools: ToolParts
    prices: PriceTable
    batch_provider: BatchProviderFactory
    progress: ProgressFactory
    telemetry: Telemetry | None = None


class SDKModel(Protocol):
    """An adapter class over a provider's SDK, as the composition root makes one."""

    def __call__(self, model: str, connection: Connection, *, transport: Any) -> ChatModel:
        """The adapter for `model` over `connection`, its replies capped by `transport`."""
        ...


def lacks(error: ImportError, *packages: str) -> bool:
    """True when an import failed for want of one of `packages` (an optional extra), not for a bug."""
    return str(error.name).split(".")[0] in (*packages, "None")


def chat_model_for(route: Route, connection: Connection) -> ChatModel:
    """The real adapter serving `route` (the openai SDK for the Responses route, the anthropic SDK for
    the native Anthropic route, else litellm)."""
    if route.kind == "openai_responses":
        return _sdk_model(route, connection, _openai, "openai", "the OpenAI Responses API")
    if route.kind == "anthropic_messages":  # the pool routes here only when the anthropic SDK is installed
        return _sdk_model(
            route,
            connection,
            _anthropic,
            "anthropic",
            "Anthropic's Messages API",
            " (or pass route='litellm')",
        )
    from llmft.adapters.litellm_chat import LiteLLMChatModel

    created = LiteLLMChatModel.create(route, connection)
    if isinstance(created, Failure):
        raise_failure(created.failure())
    return created.unwrap()


def _openai() -> SDKModel:
    from llmft.adapters.openai_responses import OpenAIResponsesModel

    return OpenAIResponsesModel


def _anthropic() -> SDKModel:
    from llmft.adapters.anthropic_messages import AnthropicMessagesModel

    return AnthropicMessagesModel


def _sdk_model(
    route: Route,
    connection: Connection,
    load: Callable[[], SDKModel],
    package: str,
    api: str,
    advice: str = "",
) -> ChatModel:
    """The adapter `load` imports, its replies capped as they arrive; a missing SDK is a
    ConfigurationError saying what to install."""
    try:
        adapter = load()
    except ImportError as error:
        if not lacks(error, package):
            raise
        raise ConfigurationError(
            f"model {route.model_string!r} uses {api}, which needs the {package} package: "
            f"pip install 'llmft[{package}]'{advice}",
            "model",
        ) from None
    from llmft.adapters.capped_http import capped_transport

    return adapter(route.name, connection, transport=capped_transport(connection.max_response_bytes))


def _missing_sdk(error: ImportError, package: str) -> bool:
    """True when `error` is the SDK `package` not being installed (not an error inside llmft)."""
    return error.name in (package, None) or str(error.name).startswith(f"{package}.")


def batch_provider_for(route: Route, connection: Connection, *, max_retries: int) -> BatchProvider:
    """The provider batch API serving `route`: OpenAI's Batch API for the Responses route (requests
    built and replies read by that route's own code), Anthropic's Message Batches for `anthropic/…`."""
    if route.kind == "openai_responses":
        try:
            from llmft.adapters.openai_batches import OpenAIBatches
            from llmft.adapters.openai_responses import build_params, parse_response
        except ImportError as error:
            if not _missing_sdk(error, "openai"):
                raise
            raise ConfigurationError(
                f"model {route.model_string!r} batches through the OpenAI Batch API, which needs the "
                "openai package: pip install 'llmft[openai]'",
                "model",
            ) from None
        return OpenAIBatches(
            route.name,
            connection,
            build_params=build_params,
            parse_response=parse_response,
            max_retries=max_retries,
        )
    if route.provider == "anthropic":
        try:
            from llmft.adapters.anthropic_batches import AnthropicBatches
        except ImportError as error:
            if not _missing_sdk(error, "anthropic"):
                raise
            raise ConfigurationError(
                f"model {route.model_string!r} batches through Anthropic's Message Batches API, which "
                "needs the anthropic package: pip install 'llmft[anthropic]'",
                "model",
            ) from None
        return AnthropicBatches(route.name, connection, max_retries=max_retries)
    raise UnsupportedFeatureError(
        f"provider batches (mode='provider') are available for OpenAI and Anthropic models, not "
        f"{route.model_string!r}; mode='local' runs the batch with live calls"
    )


def progress_bar(total: int | None, description: str) -> ProgressDisplay:
    """A progress bar on stderr (needs the [progress] extra: tqdm)."""
    try:
        from llmft.adapters.tqdm_progress import TqdmProgress
    except ImportError as error:
        if not _missing_sdk(error, "tqdm"):
            raise
        raise ConfigurationError(
            "progress=True draws with tqdm, which is not installed: pip install 'llmft[progress]'",
            "progress",
        ) from None
    return TqdmProgress(total, description)


def open_telemetry(
    *, tracer_provider: Any = None, meter_provider: Any = None, capture_content: bool | None = None
) -> Telemetry:
    """Spans and metrics through the OpenTelemetry API (needs the [otel] extra): to the global tracer
    and meter providers unless others are given; message content only with `capture_content` (default:
    `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`)."""
    try:
        found = find_spec("opentelemetry.trace") is not None
    except (ImportError, ValueError):  # a blocked or broken `opentelemetry` package
        found = False
    if not found:
        raise ConfigurationError(
            "telemetry needs the OpenTelemetry API: pip install 'llmft[otel]'", "telemetry"
        )
    return _open_telemetry(tracer_provider, meter_provider, capture_content)


def _open_telemetry(tracer_provider: Any, meter_provider: Any, capture_content: bool | None) -> Telemetry:
    from llmft import __version__
    from llmft.adapters.otel_telemetry import OpenTelemetry

    return OpenTelemetry(
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        capture_content=capture_content,
        version=__version__,
    )


_DEFAULT_TELEMETRY: list[Telemetry] = []  # one for the process: its instruments are made once


def default_telemetry() -> Telemetry:
    """OpenTelemetry through the global providers, on from the first request after the application
    imported its API (set up an SDK): before that, and where it is not installed, nothing is imported."""
    if not _DEFAULT_TELEMETRY:
        _DEFAULT_TELEMETRY.append(_open_telemetry(None, None, None))
    return _DEFAULT_TELEMETRY[0]


def math_engine() -> MathEngine:
    """The safe math evaluator: sympy in a worker process (needs the [builtins] extra)."""
    if find_spec("sympy") is None:  # the worker imports it; this process need not
        raise ConfigurationError("safe_math_evaluator needs sympy: pip install 'llmft[builtins]'", "names")
    from llmft.adapters.math_process import ProcessMath

    return ProcessMath()


def file_reader(
    root: str | Path, *, allow_hidden: bool, max_bytes: int, allow_hard_links: bool
) -> FileReader:
    """A reader confined to `root`."""
    from llmft.adapters.local_files import LocalFiles

    try:
        return LocalFiles(
            root, allow_hidden=allow_hidden, max_bytes=max_bytes, allow_hard_links=allow_hard_links
        )
    except ValueError as error:
        raise ConfigurationError(str(error), "file_root") from None


def part_file(path: str | PathLike[str], max_bytes: int) -> tuple[bytes, str | None]:
    """A local file for a content part and the media type its name suggests; ConfigurationError naming
    the path (or the cap) when it cannot be used."""
    from llmft.adapters.content_files import read_part_file

    read = read_part_file(path, max_bytes)
    if isinstance(read, Failure):
        raise ConfigurationError(read.failure(), "path")
    return read.unwrap()


def price_table() -> PriceTable:
    """The built-in prices: litellm's bundled price map, read as data on first use (litellm not imported)."""
    from llmft.adapters.price_table import LiteLLMPriceTable

    return LiteLLMPriceTable()


# Largest message taken from an MCP server over HTTP (stdio lines are not capped by the SDK).
MCP_MAX_MESSAGE_BYTES = 32 * 2**20


def tool_source(server: MCPServerLocation, *, init_timeout: float) -> ToolSource:
    """The MCP client for `server`, over the official mcp SDK (needs the [mcp] extra)."""
    try:
        from llmft.adapters import mcp_client
    except ImportError as error:
        if not lacks(error, "mcp", "mcp_types", "httpx2", "anyio"):
            raise
        raise ConfigurationError(
            "MCP servers need the mcp package: pip install 'llmft[mcp]'", "server"
        ) from None
    if isinstance(server, MCPServerStdio):
        return mcp_client.stdio_source(
            server.command, server.args, server.env, server.cwd, init_timeout=init_timeout
        )
    if isinstance(server, MCPServerHTTP):
        return mcp_client.http_source(
            server.url, server.headers, init_timeout=init_timeout, max_message_bytes=MCP_MAX_MESSAGE_BYTES
        )
    raise ConfigurationError(
        f"server must be an MCPServerStdio or MCPServerHTTP, got {type(server).__name__}", "server"
    )


async def publish_tools(
    list_tools: Callable[[], Sequence[RemoteTool]],
    call_tool: Callable[[str, Mapping[str, Any], Any], Awaitable[RemoteResult]],
    *,
    name: str,
    version: str,
    transport: Literal["stdio", "http"],
    host: str,
    port: int,
    on_ready: Callable[[str], None],
) -> None:
    """Serve tools as an MCP server with the official mcp SDK (needs the [mcp] extra)."""
    try:
        from llmft.adapters.mcp_server import publish
    except ImportError as error:
        if not lacks(error, "mcp", "mcp_types", "uvicorn", "anyio"):
            raise
        raise ConfigurationError(
            "serving MCP needs the mcp package: pip install 'llmft[mcp]'", "transport"
        ) from None
    await publish(
        list_tools,
        call_tool,
        name=name,
        version=version,
        transport=transport,
        host=host,
        port=port,
        on_ready=on_ready,
    )


def tool_parts(
    *,
    math_engine: Callable[[], MathEngine] = math_engine,
    file_reader: FileReaderFactory = file_reader,
    tool_source: ToolSourceFactory = tool_source,
) -> ToolParts:
    """A ToolFactory's outside parts; each keyword replaces the real one."""
    return ToolParts(math_engine=math_engine, file_reader=file_reader, tool_source=tool_source)


def client_parts(
    *,
    secrets: Secrets | None = None,
    clock: Clock | None = None,
    model_factory: ModelFactory | None = None,
    tools: ToolParts | None = None,
    prices: PriceTable | None = None,
    batch_provider: BatchProviderFactory | None = None,
    progress: ProgressFactory | None = None,
    telemetry: Telemetry | Literal[False] | None = None,
) -> ClientParts:
    """An LLMClient's outside parts; each keyword replaces the real one (fakes in tests). `telemetry`:
    None for OpenTelemetry's global providers (once the application uses it), False for none."""
    if secrets is None:
        from llmft.adapters.dotenv_secrets import DotenvSecrets

        secrets = DotenvSecrets()
    if clock is None:
        from llmft.adapters.clock import SystemClock

        clock = SystemClock()
    return ClientParts(
        secrets=secrets,
        clock=clock,
        model_factory=model_factory if model_factory is not None else chat_model_for,
        tools=tools if tools is not None else tool_parts(),
        prices=prices if prices is not None else price_table(),
        batch_provider=batch_provider if batch_provider is not None else batch_provider_for,
        progress=progress if progress is not None else progress_bar,
        telemetry=_telemetry(telemetry),
    )


def _telemetry(choice: Telemetry | Literal[False] | None) -> Telemetry | None:
    if choice is None:
        return default_telemetry()
    if choice is False:
        return None
    for method in ("model_request", "tool_run"):
        if not callable(getattr(choice, method, None)):
            raise ConfigurationError(
                "telemetry must be None (OpenTelemetry's global providers), False (off) or a Telemetry "
                f"such as llmft.open_telemetry(...), got {type(choice).__name__}",
                "telemetry",
            )
    return choice
