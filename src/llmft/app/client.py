"""`LLMClient`: the public face. A thin façade: options are parsed in `options`, a call is prepared in
`calls`, run by `driver`; batches, tool registration and approval are mixins (`client_*`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal, overload

from attrs import evolve
from typing_extensions import Unpack

from llmft.app import bootstrap
from llmft.app.batching import Batching
from llmft.app.calls import Limits, Setup, prepare
from llmft.app.client_approval import ApprovalMethods, chunks_of
from llmft.app.client_batches import BatchMethods
from llmft.app.client_tools import ToolProxies
from llmft.app.driver import run_events, run_to_end
from llmft.app.dynamic_loading import configure
from llmft.app.errors import ConfigurationError
from llmft.app.events import RunEvent
from llmft.app.factories import ModelFactory
from llmft.app.hooks import Hooks, checked_hooks
from llmft.app.models import (
    Borrowed,
    ModelPool,
    ModelSpec,
    RouteChoice,
    borrowed_model,
    check_fallbacks,
    checked_key,
    checked_route_choice,
)
from llmft.app.option_values import InputItems, check_not_retired
from llmft.app.options import ClientDefaults, GenerateKwargs, parse_options, tool_settings_of
from llmft.app.price_lookup import PriceLookup
from llmft.app.results import GenerationResult, StreamChunk
from llmft.app.tools import ToolFactory
from llmft.domain.connections import Connection
from llmft.domain.ports import ChatModel, Clock, PriceTable, Secrets, Telemetry
from llmft.domain.secret import Secret, wrap_secret


def _positive(value: object, field: str, kind: type = float) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or value != value:
        raise ConfigurationError(f"{field} must be a positive number", field)
    if kind is int and not isinstance(value, int):
        raise ConfigurationError(f"{field} must be a positive int", field)
    return value


class LLMClient(ToolProxies, BatchMethods, ApprovalMethods):
    """One async client over 100+ providers, with an automatic tool loop.

    Args:
        model: "provider/model" (OpenAI models go to the Responses API, `anthropic/…` to Anthropic's
            Messages API, others through litellm), or any object with `complete` and `stream` (a
            ChatModel, e.g. `llmft.testing.ScriptedModel`), which llmft uses as given and never closes.
        api_key: The primary model's key; else its provider's environment variable, else `.env`. It is
            used only for models of the primary's provider.
        tool_factory: The tools to offer (a new, empty ToolFactory by default).
        timeout: Seconds any one wait may last (for a response to start, between stream chunks); the
            default for every call's `timeout`.
        base_url: The primary provider's endpoint, as its SDK takes it (openai: "http://host/v1").
        max_retries: Retries of retryable failures (408/409/429/5xx, connection errors), with backoff,
            per model.
        fallback_models: Models (strings or `ModelSpec`s) tried in order when one keeps failing; each
            uses its own `ModelSpec` key and endpoint, or its provider's environment variable.
        max_response_bytes: Largest reply accepted; a bigger one is a ProviderError(kind="malformed").
        max_tool_argument_bytes: Largest tool-call arguments run; bigger ones are answered with an error.
        max_tool_calls_per_turn: Calls run per model turn; the rest are answered with an error.
        tool_timeout: Seconds a tool call may run (None: no limit; a tool's own applies too).
        max_concurrent_tools: With `parallel_tools`, at most this many calls of a turn at once
            (`max_parallel_tools` is accepted too).
        max_tool_output_chars: Tool output longer than this reaches the model cut, with a marker.
        repetition_threshold: After this many identical consecutive calls ran, the next is refused (0: off).
        max_output_retries: Times an invalid structured output is sent back with its errors (the first
            version's `max_validation_retries` is accepted too).
        hooks: Policy around every model request and tool call (`llmft.Hooks` objects).
        prices: The price table `Usage.cost_usd` comes from (default: litellm's bundled price map, read
            as data); any object with `price(model) -> llmft.Price | None`. Its first answer is asked
            for from a worker thread (a table loads its data then), the rest on the event loop.
        route: "auto" (`anthropic/…` to Anthropic's Messages API when `llmft[anthropic]` is installed, else
            litellm) or "litellm" (every non-OpenAI model through litellm).
        core_tools: Dynamic loading: the tools every request offers (the rest are found and loaded).
        dynamic_tool_loading: Start each call with the core tools and the meta-tools (browse_toolkit,
            load_tools, ...) over the factory's catalog; a "provider/model" string also adds
            `find_tools`, a search by that model. Needs `tool_factory`.
        compact_tools: Send tools loaded on demand without nested descriptions and defaults.
        tool_search: "meta" (the meta-tools) or "native" (the provider searches deferred tools).
        clock: Time as a port (`now()`, `sleep()`): a test's fake clock sees every retry delay and
            deadline exactly. Default: the monotonic clock and asyncio sleeping.
        secrets: Where provider keys come from (`api_key(provider) -> Secret | None`). Default: the
            environment, then a `.env` file that is read, never loaded into `os.environ`.
        model_factory: Makes the ChatModel serving a route over a connection (`(route, connection) ->
            ChatModel`); a test hands in fakes. Default: the real adapters over the SDKs.
        telemetry: OpenTelemetry spans and metrics of every model request and tool run. None (the
            default): to the global providers once the application has imported `opentelemetry`
            (nothing of it is imported before); False: none; `llmft.open_telemetry(tracer_provider=,
            meter_provider=, capture_content=)`: to the providers given.
        **kwargs: Provider parameters sent with every call.
    """

    def __init__(
        self,
        model: str | ChatModel = "openai/gpt-4o-mini",
        api_key: str | Secret | None = None,
        tool_factory: ToolFactory | None = None,
        timeout: float = 180.0,
        base_url: str | None = None,
        max_retries: int = 2,
        fallback_models: Sequence[str | ModelSpec] = (),
        *,
        max_response_bytes: int = 32 * 2**20,
        max_tool_argument_bytes: int = 2**20,
        max_tool_calls_per_turn: int = 64,
        tool_timeout: float | None = None,
        max_concurrent_tools: int | None = None,
        max_tool_output_chars: int | None = None,
        repetition_threshold: int = 3,
        max_output_retries: int = 1,
        hooks: Sequence[Hooks] = (),
        route: RouteChoice = "auto",
        clock: Clock | None = None,
        secrets: Secrets | None = None,
        model_factory: ModelFactory | None = None,
        prices: PriceTable | None = None,
        core_tools: Sequence[str] = (),
        dynamic_tool_loading: bool | str = False,
        compact_tools: bool = False,
        tool_search: Literal["meta", "native"] = "meta",
        telemetry: Telemetry | Literal[False] | None = None,
        **kwargs: Any,
    ) -> None:
        api_key = wrap_secret(api_key)  # first, before anything can raise with the plain key in a local
        key = checked_key(api_key)
        parts = bootstrap.client_parts(
            secrets=secrets, clock=clock, model_factory=model_factory, prices=prices, telemetry=telemetry
        )
        primary: ModelSpec | Borrowed | None
        if isinstance(model, str):
            primary = ModelSpec(model, key, base_url)
        else:
            primary = borrowed_model(model)
            if primary is None:
                raise ConfigurationError(
                    f"model must be a model string or a ChatModel, got {type(model).__name__}", "model"
                )
        self._primary = primary
        self.tool_factory = tool_factory if tool_factory is not None else ToolFactory(parts=parts.tools)
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ConfigurationError("max_retries must be an int >= 0", "max_retries")
        self.timeout = float(_positive(timeout, "timeout"))
        self.base_url = base_url
        self.max_retries = max_retries
        self.fallback_models = check_fallbacks(fallback_models)
        check_not_retired(list(kwargs), "LLMClient")
        settings = {
            "tool_timeout": tool_timeout,
            "max_concurrent_tools": max_concurrent_tools,
            "max_parallel_tools": kwargs.pop("max_parallel_tools", None),
            "max_tool_output_chars": max_tool_output_chars,
            "repetition_threshold": repetition_threshold,
            "max_output_retries": kwargs.pop("max_validation_retries", max_output_retries),
        }
        self._defaults = ClientDefaults(
            self.timeout,
            max_retries,
            self.fallback_models,
            dict(kwargs),
            tool_settings_of(settings),
            checked_hooks(hooks),
        )
        owner = primary.route.provider if isinstance(primary, ModelSpec) else None
        max_bytes = _positive(max_response_bytes, "max_response_bytes", int)
        self._pool = ModelPool(
            parts,
            owner=owner,
            connection=Connection(key, base_url, max_bytes),
            route=checked_route_choice(route),
        )
        dynamic = configure(
            self.tool_factory,
            explicit_factory=tool_factory is not None,
            core_tools=core_tools,
            dynamic_tool_loading=dynamic_tool_loading,
            compact_tools=compact_tools,
            tool_search=tool_search,
        )
        self._search_agent: LLMClient | None = None
        if isinstance(dynamic_tool_loading, str) and dynamic_tool_loading:  # find_tools asks this model
            self._search_agent = LLMClient(
                dynamic_tool_loading,
                secrets=secrets,
                clock=clock,
                model_factory=model_factory,
                telemetry=parts.telemetry or False,
            )
            self.tool_factory.register_find_tools()
            dynamic = evolve(dynamic, search_agent=self._search_agent)
        self.core_tools = list(dynamic.core_tools)
        self.dynamic_tool_loading = dynamic.enabled
        self.compact_tools = dynamic.compact_tools
        self.tool_search = dynamic.tool_search
        self._resumed: set[str] = set()  # run states this client resumed (each once only)
        self._setup = Setup(
            primary=primary,
            pool=self._pool,
            tools=self.tool_factory,
            clock=parts.clock,
            prices=PriceLookup(parts.prices),
            limits=Limits(
                max_bytes,
                _positive(max_tool_argument_bytes, "max_tool_argument_bytes", int),
                _positive(max_tool_calls_per_turn, "max_tool_calls_per_turn", int),
            ),
            dynamic=dynamic,
            telemetry=parts.telemetry,
        )
        self._batching = Batching(self._setup, self._defaults, parts.progress)

    def __repr__(self) -> str:
        factory = self.__dict__.get("tool_factory")  # a half-built client (a failed __init__) still prints
        tools = factory.available_tool_names if factory is not None else []
        return f"LLMClient(model={self.model!r}, tools={tools!r})"

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the provider connections this client opened, and its tools' resources (a ChatModel
        passed in is the caller's to close)."""
        pool = self.__dict__.get("_pool")
        if pool is not None:
            await pool.aclose()
        agent = self.__dict__.get("_search_agent")
        if agent is not None:
            await agent.aclose()
        factory = self.__dict__.get("tool_factory")
        if factory is not None:
            await factory.aclose()

    @property
    def model(self) -> str:
        """The default model string (or the custom ChatModel's name)."""
        primary = self.__dict__.get("_primary")
        if isinstance(primary, ModelSpec):
            return primary.model
        if isinstance(primary, Borrowed):
            return str(getattr(primary.inner, "name", type(primary.inner).__name__))
        return "?"

    # -- generation ----------------------------------------------------------------------------

    @overload
    async def generate(
        self, input: InputItems, *, stream: Literal[True], **options: Unpack[GenerateKwargs]
    ) -> AsyncIterator[StreamChunk]: ...

    @overload
    async def generate(
        self, input: InputItems, *args: Any, stream: Literal[False] = ..., **options: Unpack[GenerateKwargs]
    ) -> GenerationResult: ...

    async def generate(
        self, input: InputItems, *args: Any, stream: bool = False, **options: Any
    ) -> GenerationResult | AsyncIterator[StreamChunk]:
        """Generate a reply, running the model's tool calls until it answers (or a limit is reached).

        `input` is a list of Chat Completions messages and/or Responses items (a previous result's
        `messages` included). Positional arguments after it follow the first version's order (model,
        temperature, max_output_tokens, ...). With `stream=True` the awaited value is an async iterator
        of `StreamChunk`; its last chunk has `done=True` and the whole `result`. Every keyword below is
        declared once, on `GenerateKwargs`, and taken by every entry point built on `generate`.

        Args:
            model: Another model for this call (a string or a `ModelSpec`; a model of another provider
                than the client's gets its own key and endpoint, never the client's).
            temperature: Sampling temperature (left out for models that refuse it).
            max_output_tokens: The most tokens one reply may have.
            max_tool_iterations: Rounds of tool execution (10); past them `finish_reason` is
                "max_tool_iterations".
            response_format: {"type": "json_object"}, {"type": "json_schema", "json_schema": {...}} or a
                pydantic model class (then `content` is an instance of it).
            use_tools: Which registered tools to offer: `llmft.ALL_TOOLS` (default), a list of names,
                or None / [] for none.
            tool_execution_context: Values injected into tools by parameter name; never sent to the model.
            mock_tools: Run mocks instead of the tools (`mock_function`, `mock_execute`, or a stub).
            parallel_tools: Run one turn's tool calls concurrently (default: one after another).
            merge_history: Merge consecutive messages of one role before sending.
            web_search: True or options (search_context_size, user_location, filters): provider web search.
            file_search: Vector store ids (a list, or {"vector_store_ids": [...], "max_num_results": n});
                OpenAI models only.
            reasoning_effort: "minimal", "low", "medium" or "high".
            timeout: Seconds any one wait may last (the client's `timeout` by default).
            deadline: Seconds for the whole call (tool loop, retries and tools); past it
                `DeadlineExceededError` with `.partial`.
            max_retries: Retries per model for this call (the client's by default).
            fallback_models: Models tried in order when one keeps failing (the client's by default).
            tool_timeout: Seconds a tool call may run (a tool's own `tool_timeout` applies too: the
                shorter wins); past it the call's output is a timeout error the model reads.
            max_concurrent_tools: With `parallel_tools`, at most this many calls of a turn at once.
            max_parallel_tools: Another name for `max_concurrent_tools`.
            max_tool_output_chars: A tool output longer than this reaches the model cut, with a marker
                (the payload stays whole).
            repetition_threshold: After this many identical consecutive calls have run, the next is
                refused (0: never).
            max_output_retries: Times a structured output that does not validate is sent back with the
                errors before `StructuredOutputError`.
            max_validation_retries: The first version's name for `max_output_retries`.
            limits: A `UsageLimits` of totals for the whole call (requests, tokens, tool calls, cost);
                crossing one raises `UsageLimitExceeded` with `.partial`.
            max_input_tokens: The oldest turns are left out of what is sent so the input stays within
                this many tokens (`result.messages` keeps them).
            hooks: `llmft.Hooks` run around each model request and tool call, after the client's.
            tool_session: Dynamic loading: the conversation's `ToolSession`, kept between turns.
            compact_tools: Dynamic loading: send tools loaded on demand without nested descriptions.
            tool_search: Dynamic loading: "meta" (the meta-tools) or "native" (the provider searches).
            thinking: Anthropic extended thinking, as the SDK takes it ({"type": "enabled",
                "budget_tokens": n} or {"type": "adaptive"}).
            prompt_cache: Native Anthropic route: cache the prompt prefix (`cache_control` breakpoints).
            tool_choice: "auto", "none", "required" or a named tool (sent only with tools).
            parallel_tool_calls: Whether the model may call several tools in one turn.
            top_p: Nucleus sampling, passed through.
            seed: Sampling seed, passed through where the provider takes one.
            stop: Stop sequence(s), passed through.
            user: An end-user id for the provider's abuse monitoring.
            metadata: Key-value pairs stored with the request by the provider.
            store: OpenAI: whether the provider stores the response.
            include: OpenAI Responses: extra output to include (e.g. "reasoning.encrypted_content").
            service_tier: The provider's service tier.
            background: OpenAI Responses: run in the background; the reply is polled until final.
            presence_penalty: Passed through (OpenAI-style providers).
            frequency_penalty: Passed through (OpenAI-style providers).
            logit_bias: Passed through (OpenAI-style providers).
            logprobs: Passed through (OpenAI-style providers).
            top_logprobs: Passed through (OpenAI-style providers).
            extra_headers: Extra HTTP headers for the request, as the SDK takes them.
            extra_query: Extra query parameters, as the SDK takes them.
            extra_body: Extra body fields, as the SDK takes them.

        Any other keyword is a provider parameter, passed through as given (see docs/providers.md).
        """
        parsed = parse_options(self._defaults, args, options, stream=stream)
        run = prepare(self._setup, input, parsed)
        if parsed.stream:
            return chunks_of(run_events(run, stream=True))
        return await run_to_end(run)

    def generate_stream(
        self, input: InputItems, **options: Unpack[GenerateKwargs]
    ) -> AsyncIterator[StreamChunk]:
        """`generate(input, stream=True, ...)` typed as the iterator of `StreamChunk`; the input and the
        keywords (`generate`'s) are checked before it returns, the request is sent on the first read."""
        run = prepare(self._setup, input, parse_options(self._defaults, (), options, stream=True))
        return chunks_of(run_events(run, stream=True))

    def stream_events(self, input: InputItems, **options: Unpack[GenerateKwargs]) -> AsyncIterator[RunEvent]:
        """The run of `input` as typed events (text, reasoning, tool calls, retries, fallbacks), ending
        with `Finished(result)`; takes `generate`'s keywords (checked before it returns)."""
        run = prepare(self._setup, input, parse_options(self._defaults, (), options, stream=True))
        return run_events(run, stream=True)
