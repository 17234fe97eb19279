"""`LLMClient`: validates the call, builds the request, runs the loop, returns the public results."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, overload
from weakref import WeakKeyDictionary

from attrs import frozen
from pydantic import BaseModel, ValidationError
from returns.result import Success

from llmft.app import bootstrap
from llmft.app.driver import Progress, run_loop, stream_loop
from llmft.app.errors import (
    ConfigurationError,
    DeadlineExceededError,
    StructuredOutputError,
    UnsupportedFeatureError,
    raise_failure,
)
from llmft.app.resilience import FallbackModel, RetryingModel, SystemClock, WaitGuard
from llmft.app.results import GenerationResult, ParsedToolCall, StreamChunk, ToolIntentOutput
from llmft.app.tools import BaseTool, ToolFactory
from llmft.domain.conversion import merge_history, normalize_input, to_chat_messages
from llmft.domain.messages import (
    FileSearch,
    Message,
    ModelRequest,
    PlannedCall,
    ReasoningEffort,
    ResponseFormat,
    ToolOutcome,
    WebSearch,
)
from llmft.domain.output import extract_json_text
from llmft.domain.ports import ChatModel, Clock, Secrets
from llmft.domain.redaction import api_key_problem
from llmft.domain.retry import RetryPolicy
from llmft.domain.routing import Route, route_model
from llmft.domain.tool_loop import (
    MAX_ITERATIONS_REASON,
    LoopConfig,
    LoopOutcome,
    interrupted,
    parse_arguments,
    plan_call,
    unique_call_ids,
)

REASONING_EFFORTS: tuple[ReasoningEffort, ...] = ("minimal", "low", "medium", "high")
WEB_SEARCH_OPTIONS = frozenset({"search_context_size", "user_location", "filters"})
FILE_SEARCH_OPTIONS = frozenset({"vector_store_ids", "max_num_results"})


class _Secret:
    """Holds a key so that no repr, str or traceback local shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "_Secret('***')"


def _check_key(api_key: str | None) -> _Secret | None:
    if api_key is None:
        return None
    problem = api_key_problem(api_key)
    if problem is not None:
        raise ConfigurationError(f"api_key {problem}", "api_key")
    return _Secret(api_key)


def _resolve(model: object) -> tuple[Route | None, ChatModel | None]:
    if isinstance(model, str):
        route = route_model(model)
        if isinstance(route, Success):
            return route.unwrap(), None
        raise_failure(route.failure())
    if isinstance(model, ChatModel):
        return None, model
    raise ConfigurationError(
        f"model must be a model string or a ChatModel, got {type(model).__name__}", "model"
    )


_MODEL_FORMATS: WeakKeyDictionary[type[BaseModel], ResponseFormat] = WeakKeyDictionary()


def _response_format(
    value: dict[str, Any] | type[BaseModel] | None,
) -> tuple[ResponseFormat | None, type[BaseModel] | None]:
    if value is None:
        return None, None
    if isinstance(value, type) and issubclass(value, BaseModel):
        made = _MODEL_FORMATS.get(value)
        if made is None:  # pydantic generates the JSON schema anew on every call (~0.3 ms): once per class
            made = _MODEL_FORMATS[value] = ResponseFormat(
                "json_schema", value.__name__, value.model_json_schema()
            )
        return made, value
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind == "text":
            return None, None
        if kind == "json_object":
            return ResponseFormat("json_object"), None
        spec = value.get("json_schema")
        if kind == "json_schema" and isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping):
            return (
                ResponseFormat(
                    "json_schema",
                    str(spec.get("name", "response")),
                    spec["schema"],
                    bool(spec.get("strict", True)),
                ),
                None,
            )
    raise ConfigurationError(
        "response_format must be {'type': 'json_object'}, {'type': 'json_schema', 'json_schema': {...}} "
        "or a pydantic BaseModel subclass",
        "response_format",
    )


def _web_search(value: bool | dict[str, Any]) -> WebSearch | None:
    if value is False:
        return None
    if value is True:
        return WebSearch()
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - WEB_SEARCH_OPTIONS)
        if unknown:
            raise ConfigurationError(f"web_search does not take {unknown}", "web_search")
        return WebSearch(value.get("search_context_size"), value.get("user_location"), value.get("filters"))
    raise ConfigurationError("web_search must be a bool or a dict of options", "web_search")


def _file_search(value: bool | dict[str, Any] | Sequence[str]) -> FileSearch | None:
    if value is False:
        return None
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - FILE_SEARCH_OPTIONS)
        if unknown:
            raise ConfigurationError(f"file_search does not take {unknown}", "file_search")
        ids, limit = value.get("vector_store_ids", ()), value.get("max_num_results")
    elif isinstance(value, Sequence) and not isinstance(value, str):
        ids, limit = value, None
    else:
        ids, limit = (), None
    if not ids or isinstance(ids, str) or not all(isinstance(i, str) and i for i in ids):
        raise ConfigurationError(
            "file_search needs vector_store_ids: a list of vector store ids", "file_search"
        )
    return FileSearch(tuple(ids), limit)


def _check_fallbacks(models: object) -> None:
    if isinstance(models, str) or not isinstance(models, Sequence):
        raise ConfigurationError("fallback_models must be a list of model strings", "fallback_models")
    for name in models:
        if not isinstance(name, str):
            raise ConfigurationError("fallback_models must be a list of model strings", "fallback_models")
        _resolve(name)


def _check_count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{field} must be an int >= 0", field)
    return value


@frozen
class _Call:
    """One prepared call: the model, the first request and how to run its tools."""

    model: ChatModel
    provider: str
    request: ModelRequest
    config: LoopConfig
    context: Mapping[str, Any]
    mock: bool
    parallel: bool
    output_type: type[BaseModel] | None
    deadline: float | None


class LLMClient:
    """One async client over 100+ providers, with an automatic tool loop."""

    def __init__(
        self,
        model: str | ChatModel = "openai/gpt-4o-mini",
        api_key: str | None = None,
        tool_factory: ToolFactory | None = None,
        timeout: float = 180.0,
        base_url: str | None = None,
        max_retries: int = 2,
        fallback_models: Sequence[str] = (),
        *,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> None:
        self._route, self._custom = _resolve(model)
        self._model_name = model if isinstance(model, str) else getattr(model, "name", type(model).__name__)
        self._api_key = _check_key(api_key)
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigurationError("timeout must be a positive number of seconds", "timeout")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError("max_retries must be an int >= 0", "max_retries")
        _check_fallbacks(fallback_models)
        self.tool_factory = tool_factory if tool_factory is not None else ToolFactory()
        self.timeout = float(timeout)
        self.base_url = base_url
        self.max_retries = max_retries
        self.fallback_models = tuple(fallback_models)
        self._kwargs = kwargs
        self._adapters: dict[str, ChatModel] = {}
        self._secrets: Secrets | None = None
        self._clock: Clock = clock if clock is not None else SystemClock()

    def __repr__(self) -> str:
        return f"LLMClient(model={self._model_name!r}, tools={self.tool_factory.available_tool_names!r})"

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the provider connections this client opened (a custom ChatModel is the caller's)."""
        adapters, self._adapters = list(self._adapters.values()), {}
        for adapter in adapters:
            close = getattr(adapter, "aclose", None)
            if close is not None:
                await close()

    @property
    def model(self) -> str:
        """The default model string (or the custom ChatModel's name)."""
        return str(self._model_name)

    # -- tool registration proxies ---------------------------------------------------------------

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        mock_function: Callable[..., Any] | None = None,
    ) -> None:
        """Register a tool on this client's ToolFactory."""
        self.tool_factory.register_tool(function, name, description, parameters, mock_function)

    def register_tool_class(self, tool_class: type[BaseTool]) -> None:
        """Register a BaseTool subclass on this client's ToolFactory."""
        self.tool_factory.register_tool_class(tool_class)

    def register_builtins(
        self,
        names: Sequence[str] | None = None,
        *,
        file_root: str | Path | None = None,
        allow_hidden: bool = False,
        max_file_bytes: int = 1_048_576,
    ) -> None:
        """Register the built-in tools on this client's ToolFactory."""
        self.tool_factory.register_builtins(
            names, file_root=file_root, allow_hidden=allow_hidden, max_file_bytes=max_file_bytes
        )

    # -- model selection ---------------------------------------------------------------------

    def _route_of(self, model: str | None) -> Route | None:
        """The route of the call's model; None for a custom ChatModel."""
        if model is None:
            return self._route
        return _resolve(model)[0]

    def _chat_model(self, route: Route | None) -> ChatModel:
        if route is None:
            assert self._custom is not None
            return self._custom
        adapter = self._adapters.get(route.model_string)
        if adapter is None:
            connection = bootstrap.Connection(
                api_key=self._api_key.reveal() if self._api_key else None,
                base_url=self.base_url,
                timeout=self.timeout,
            )
            if self._secrets is None:
                self._secrets = bootstrap.default_secrets()
            adapter = bootstrap.chat_model_for(route, connection, self._secrets)
            self._adapters[route.model_string] = adapter
        return adapter

    # -- preparation ---------------------------------------------------------------------------

    def _prepare(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None,
        temperature: float | None,
        max_output_tokens: int | None,
        max_tool_iterations: int,
        response_format: dict[str, Any] | type[BaseModel] | None,
        use_tools: Sequence[str] | None,
        tool_execution_context: dict[str, Any] | None,
        mock_tools: bool,
        parallel_tools: bool,
        merge: bool,
        web_search: bool | dict[str, Any],
        file_search: bool | dict[str, Any] | Sequence[str],
        reasoning_effort: ReasoningEffort | None,
        timeout: float | None,
        kwargs: Mapping[str, Any],
        deadline: float | None = None,
        max_retries: int | None = None,
        fallback_models: Sequence[str] | None = None,
    ) -> _Call:
        normalized = normalize_input(input)
        if not isinstance(normalized, Success):
            raise_failure(normalized.failure())
        messages = normalized.unwrap()
        if merge:
            messages = merge_history(messages)
        if (
            isinstance(max_tool_iterations, bool)
            or not isinstance(max_tool_iterations, int)
            or max_tool_iterations < 0
        ):
            raise ConfigurationError("max_tool_iterations must be an int >= 0", "max_tool_iterations")
        if reasoning_effort is not None and reasoning_effort not in REASONING_EFFORTS:
            raise ConfigurationError(
                f"reasoning_effort must be one of {list(REASONING_EFFORTS)}, got {reasoning_effort!r}",
                "reasoning_effort",
            )
        if temperature is not None and (
            isinstance(temperature, bool) or not isinstance(temperature, int | float)
        ):
            raise ConfigurationError("temperature must be a number", "temperature")
        if max_output_tokens is not None and (
            isinstance(max_output_tokens, bool)
            or not isinstance(max_output_tokens, int)
            or max_output_tokens < 1
        ):
            raise ConfigurationError("max_output_tokens must be a positive int", "max_output_tokens")
        if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
            raise ConfigurationError("timeout must be a positive number of seconds", "timeout")
        if tool_execution_context is not None and not isinstance(tool_execution_context, Mapping):
            raise ConfigurationError("tool_execution_context must be a dict", "tool_execution_context")
        fmt, output_type = _response_format(response_format)
        web, files = _web_search(web_search), _file_search(file_search)
        tools = self.tool_factory.select(use_tools)
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0
        ):
            raise ConfigurationError("deadline must be a positive number of seconds", "deadline")
        retries = self.max_retries if max_retries is None else _check_count(max_retries, "max_retries")
        if fallback_models is not None:
            _check_fallbacks(fallback_models)
        fallbacks = self.fallback_models if fallback_models is None else tuple(fallback_models)
        route = self._route_of(model)
        routes = [route, *(_resolve(name)[0] for name in fallbacks)]
        for candidate in routes:
            if files is not None and candidate is not None and candidate.kind != "openai_responses":
                raise UnsupportedFeatureError(
                    f"file_search is only available on OpenAI models, not {candidate.model_string!r}"
                )
        deadline_at = self._clock.now() + deadline if deadline is not None else None
        policy = RetryPolicy(max_retries=retries)
        chain = [
            (
                r.name if r is not None else self.model,
                RetryingModel(self._chat_model(r), policy, clock=self._clock, deadline=deadline_at),
            )
            for r in routes
        ]
        chat_model: ChatModel = chain[0][1] if len(chain) == 1 else FallbackModel(chain)
        context: Mapping[str, Any] = MappingProxyType(dict(tool_execution_context or {}))
        extra = {**self._kwargs, **kwargs}
        # Both only make sense with tools: they go into the request, where adapters send them with tools.
        tool_choice = extra.pop("tool_choice", None)
        parallel_tool_calls = extra.pop("parallel_tool_calls", None)
        if tool_choice is not None and not isinstance(tool_choice, str | dict):
            raise ConfigurationError(
                "tool_choice must be 'auto', 'none', 'required' or a dict", "tool_choice"
            )
        request = ModelRequest(
            model=route.name if route is not None else self.model,
            messages=messages,
            tools=tuple(t.spec(context) for t in tools),
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            response_format=fmt,
            reasoning_effort=reasoning_effort,
            web_search=web,
            file_search=files,
            timeout=float(timeout) if timeout is not None else self.timeout,
            tool_choice=tool_choice,
            parallel_tool_calls=parallel_tool_calls,
            extra=extra,
        )
        config = LoopConfig(max_tool_iterations, {t.name: t.hidden(context) for t in tools})
        return _Call(
            model=chat_model,
            provider=route.provider if route is not None else "custom",
            request=request,
            config=config,
            context=context,
            mock=bool(mock_tools),
            parallel=bool(parallel_tools),
            output_type=output_type,
            deadline=float(deadline) if deadline is not None else None,
        )

    async def _run_tools(self, call: _Call, planned: tuple[PlannedCall, ...]) -> tuple[ToolOutcome, ...]:
        factory = self.tool_factory

        async def one(p: PlannedCall) -> ToolOutcome:
            r = await factory.run_call(
                p.name,
                p.arguments,
                context=call.context,
                mock=call.mock,
                depth=0,
                max_depth=factory.max_depth,
            )
            return ToolOutcome(p.call_id, p.name, r.content, r.payload, r.metadata, r.error)

        if call.parallel and len(planned) > 1:
            return tuple(await asyncio.gather(*(one(p) for p in planned)))
        return tuple([await one(p) for p in planned])

    @staticmethod
    def _result(outcome: LoopOutcome, output_type: type[BaseModel] | None) -> GenerationResult:
        content: str | BaseModel | None = outcome.content
        if output_type is not None and outcome.content is not None:
            raw = outcome.content
            try:
                content = output_type.model_validate_json(extract_json_text(raw))
            except ValidationError as error:
                if outcome.finish_reason == MAX_ITERATIONS_REASON:
                    content = None  # the loop was cut short; its text stays in `messages`
                else:
                    raise StructuredOutputError(
                        f"the model's output is not a valid {output_type.__name__}: "
                        f"{error.error_count()} error(s), first: {error.errors()[0]['msg']}",
                        raw,
                    ) from None
        tool_messages = [m for m in outcome.new_messages if m.role == "tool"]
        return GenerationResult(
            content=content,
            payloads=outcome.payloads,
            tool_messages=to_chat_messages(tool_messages, tool_names=True),
            messages=to_chat_messages(outcome.transcript, tool_names=True),
            usage=outcome.usage,
            finish_reason=outcome.finish_reason,
            model=outcome.model,
        )

    # -- generation ----------------------------------------------------------------------------

    @overload
    async def generate(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None = ...,
        temperature: float | None = ...,
        max_output_tokens: int | None = ...,
        max_tool_iterations: int = ...,
        response_format: dict[str, Any] | type[BaseModel] | None = ...,
        use_tools: Sequence[str] | None = ...,
        tool_execution_context: dict[str, Any] | None = ...,
        mock_tools: bool = ...,
        parallel_tools: bool = ...,
        merge_history: bool = ...,
        stream: Literal[False] = ...,
        web_search: bool | dict[str, Any] = ...,
        file_search: bool | dict[str, Any] | Sequence[str] = ...,
        reasoning_effort: ReasoningEffort | None = ...,
        timeout: float | None = ...,
        deadline: float | None = ...,
        max_retries: int | None = ...,
        fallback_models: Sequence[str] | None = ...,
        **kwargs: Any,
    ) -> GenerationResult: ...

    @overload
    async def generate(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None = ...,
        temperature: float | None = ...,
        max_output_tokens: int | None = ...,
        max_tool_iterations: int = ...,
        response_format: dict[str, Any] | type[BaseModel] | None = ...,
        use_tools: Sequence[str] | None = ...,
        tool_execution_context: dict[str, Any] | None = ...,
        mock_tools: bool = ...,
        parallel_tools: bool = ...,
        merge_history: bool = ...,
        stream: Literal[True],
        web_search: bool | dict[str, Any] = ...,
        file_search: bool | dict[str, Any] | Sequence[str] = ...,
        reasoning_effort: ReasoningEffort | None = ...,
        timeout: float | None = ...,
        deadline: float | None = ...,
        max_retries: int | None = ...,
        fallback_models: Sequence[str] | None = ...,
        **kwargs: Any,
    ) -> AsyncIterator[StreamChunk]: ...

    async def generate(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_output_tokens: int | None = None,
        max_tool_iterations: int = 10,
        response_format: dict[str, Any] | type[BaseModel] | None = None,
        use_tools: Sequence[str] | None = (),
        tool_execution_context: dict[str, Any] | None = None,
        mock_tools: bool = False,
        parallel_tools: bool = False,
        merge_history: bool = False,
        stream: bool = False,
        web_search: bool | dict[str, Any] = False,
        file_search: bool | dict[str, Any] | Sequence[str] = False,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        fallback_models: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> GenerationResult | AsyncIterator[StreamChunk]:
        """Generate a reply, running tool calls until the model answers (or the limit is reached)."""
        call = self._prepare(
            input,
            model=model,
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            max_tool_iterations=max_tool_iterations,
            response_format=response_format,
            use_tools=use_tools,
            tool_execution_context=tool_execution_context,
            mock_tools=mock_tools,
            parallel_tools=parallel_tools,
            merge=merge_history,
            web_search=web_search,
            file_search=file_search,
            reasoning_effort=reasoning_effort,
            timeout=timeout,
            kwargs=kwargs,
            deadline=deadline,
            max_retries=max_retries,
            fallback_models=fallback_models,
        )
        if stream:
            return self._stream(call)
        progress = Progress()
        loop = run_loop(call.model, call.request, call.config, lambda p: self._run_tools(call, p), progress)
        if call.deadline is None:
            return self._result(await loop, call.output_type)
        try:
            async with asyncio.timeout(call.deadline) as scope:
                outcome = await loop
        except TimeoutError:
            if not scope.expired():
                raise
            raise self._deadline_error(call, progress) from None
        return self._result(outcome, call.output_type)

    def _deadline_error(self, call: _Call, progress: Progress) -> DeadlineExceededError:
        state = progress.state
        partial = self._result(interrupted(state, "deadline"), None) if state is not None else None
        rounds = state.rounds if state is not None else 0
        return DeadlineExceededError(
            f"the {call.deadline:g} s deadline passed after {rounds} tool round(s); "
            "what was gathered is in .partial",
            provider=call.provider,
            model=call.request.model,
            partial=partial,
        )

    def generate_stream(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_output_tokens: int | None = None,
        max_tool_iterations: int = 10,
        response_format: dict[str, Any] | type[BaseModel] | None = None,
        use_tools: Sequence[str] | None = (),
        tool_execution_context: dict[str, Any] | None = None,
        mock_tools: bool = False,
        parallel_tools: bool = False,
        merge_history: bool = False,
        web_search: bool | dict[str, Any] = False,
        file_search: bool | dict[str, Any] | Sequence[str] = False,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        fallback_models: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[StreamChunk]:
        """`generate(..., stream=True)` typed as the iterator; the input is checked before it returns."""
        call = self._prepare(
            input,
            model=model,
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            max_tool_iterations=max_tool_iterations,
            response_format=response_format,
            use_tools=use_tools,
            tool_execution_context=tool_execution_context,
            mock_tools=mock_tools,
            parallel_tools=parallel_tools,
            merge=merge_history,
            web_search=web_search,
            file_search=file_search,
            reasoning_effort=reasoning_effort,
            timeout=timeout,
            kwargs=kwargs,
            deadline=deadline,
            max_retries=max_retries,
            fallback_models=fallback_models,
        )
        return self._stream(call)

    async def _stream(self, call: _Call) -> AsyncIterator[StreamChunk]:
        progress = Progress()
        items = stream_loop(
            call.model, call.request, call.config, lambda p: self._run_tools(call, p), call.provider, progress
        )
        # The deadline bounds each wait for the stream, never the consumer's own awaits.
        guard = None
        if call.deadline is not None:
            guard = WaitGuard(until=asyncio.get_running_loop().time() + call.deadline)
        try:
            while True:
                try:
                    item = await (anext(items) if guard is None else guard.next(items))
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    if guard is None or not guard.timed_out:
                        raise
                    raise self._deadline_error(call, progress) from None
                if isinstance(item, str):
                    yield StreamChunk(content=item)
                else:
                    result = self._result(item, call.output_type)
                    usage = result.usage.as_dict() if result.usage is not None else None
                    yield StreamChunk(done=True, usage=usage, result=result)
        finally:
            if guard is not None:
                guard.close()
            await items.aclose()

    # -- intent planning ---------------------------------------------------------------------

    async def generate_tool_intent(
        self,
        input: list[dict[str, Any]],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_output_tokens: int | None = None,
        response_format: dict[str, Any] | type[BaseModel] | None = None,
        use_tools: Sequence[str] | None = (),
        tool_execution_context: dict[str, Any] | None = None,
        web_search: bool | dict[str, Any] = False,
        file_search: bool | dict[str, Any] | Sequence[str] = False,
        **kwargs: Any,
    ) -> ToolIntentOutput:
        """Ask the model what it would do; nothing is executed."""
        call = self._prepare(
            input,
            model=model,
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            max_tool_iterations=0,
            response_format=response_format,
            use_tools=use_tools,
            tool_execution_context=tool_execution_context,
            mock_tools=False,
            parallel_tools=False,
            merge=False,
            web_search=web_search,
            file_search=file_search,
            reasoning_effort=None,
            timeout=None,
            kwargs=kwargs,
        )
        replied = await call.model.complete(call.request)
        if not isinstance(replied, Success):
            raise_failure(replied.failure())
        reply = replied.unwrap()
        calls = unique_call_ids(reply.tool_calls)
        parsed: list[ParsedToolCall] = []
        for c in calls:
            plan = plan_call(c, call.config.hidden)
            if isinstance(plan, PlannedCall):
                parsed.append(ParsedToolCall(id=c.id, name=c.name, arguments=dict(plan.arguments)))
            else:
                parsed.append(
                    ParsedToolCall(
                        id=c.id, name=c.name, arguments=c.arguments, arguments_parsing_error=plan.error
                    )
                )
        assistant = Message("assistant", reply.text or None, calls)
        return ToolIntentOutput(
            content=reply.text,
            tool_calls=parsed or None,
            raw_assistant_message=to_chat_messages([assistant]),
        )

    async def execute_tool_intents(
        self,
        intent: ToolIntentOutput,
        *,
        tool_execution_context: dict[str, Any] | None = None,
        mock_tools: bool = False,
    ) -> list[dict[str, Any]]:
        """Run the (approved) planned calls; returns tool messages to append after the assistant turn."""
        context: Mapping[str, Any] = MappingProxyType(dict(tool_execution_context or {}))
        factory = self.tool_factory
        out: list[Message] = []
        for c in intent.tool_calls or []:
            arguments = c.arguments
            if isinstance(arguments, str):
                parsed = parse_arguments(arguments)
                if not isinstance(parsed, Success):
                    error = c.arguments_parsing_error or f"tool {c.name!r}: {parsed.failure()}"
                    out.append(Message("tool", f"Error: {error}", tool_call_id=c.id, name=c.name))
                    continue
                arguments = parsed.unwrap()
            result = await factory.run_call(
                c.name, arguments, context=context, mock=mock_tools, depth=0, max_depth=factory.max_depth
            )
            out.append(Message("tool", result.content, tool_call_id=c.id, name=c.name))
        return to_chat_messages(out, tool_names=True)
