"""`generate`'s keywords, declared once (`GenerateKwargs`), and parsed once into `GenerateOptions`.

Every entry point (`generate`, `generate_stream`, `stream_events`, intents, batches, `resume`) takes
the same keywords and hands them here; validation happens in this module only, before any request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, TypedDict

import attrs
from attrs import frozen
from pydantic import BaseModel

from llmft.app.errors import ConfigurationError
from llmft.app.hooks import Hooks, checked_hooks
from llmft.app.json_values import json_value
from llmft.app.models import ModelSpec, check_fallbacks, model_spec
from llmft.app.option_values import (
    ALL_TOOLS,
    ToolSelection,
    check_not_retired,
    context_of,
    count_of,
    file_search_of,
    flag_of,
    limits_of,
    number_of,
    optional_number,
    positive_int_of,
    response_format_of,
    session_of,
    tool_search_of,
    use_tools_of,
    web_search_of,
)
from llmft.app.tool_session import ToolSession
from llmft.domain.limits import UsageLimits
from llmft.domain.messages import FileSearch, ReasoningEffort, ResponseFormat, ToolChoice, WebSearch


class GenerateKwargs(TypedDict, total=False):
    """The keywords of `generate` and every entry point built on it (see each key's docs in `docs/`)."""

    model: str | ModelSpec | None
    """Another model for this call (its own key and endpoint unless it is the primary's provider)."""
    temperature: float | None
    max_output_tokens: int | None
    max_tool_iterations: int
    """Rounds of tool execution; past them the result comes back with `max_tool_iterations`."""
    response_format: dict[str, Any] | type[BaseModel] | None
    use_tools: ToolSelection
    tool_execution_context: Mapping[str, Any] | None
    """Server-side values injected into tools; never sent to the model."""
    mock_tools: bool
    parallel_tools: bool
    merge_history: bool
    web_search: bool | dict[str, Any]
    file_search: bool | dict[str, Any] | Sequence[str]
    reasoning_effort: ReasoningEffort | None
    timeout: float | None
    """Seconds any one wait may last (the response to start, between stream chunks)."""
    deadline: float | None
    """Seconds for the whole call: tool loop, retries and tools included."""
    max_retries: int | None
    fallback_models: Sequence[str | ModelSpec] | None
    tool_timeout: float | None
    """Seconds a tool call may run (a tool's own `tool_timeout` applies too: the shorter wins)."""
    max_concurrent_tools: int | None
    """With `parallel_tools`, at most this many calls of a turn run at once."""
    max_parallel_tools: int | None
    """Another name for `max_concurrent_tools`."""
    max_tool_output_chars: int | None
    """A tool's output longer than this reaches the model cut, with a marker (the payload is whole)."""
    repetition_threshold: int
    """After this many identical consecutive calls have run, the next one is refused (0: never)."""
    max_output_retries: int
    """A structured output that does not validate is sent back with the errors this many times."""
    max_validation_retries: int
    """The first version's name for `max_output_retries`."""
    limits: UsageLimits | None
    """Totals this call may not pass (requests, tokens, tool calls, cost): `UsageLimitExceeded` past them."""
    max_input_tokens: int | None
    """Drop the oldest turns from what is sent so the input stays within this many tokens (estimated)."""
    hooks: Sequence[Hooks] | None
    """Policy around model requests and tool calls, run after the client's (see `llmft.Hooks`)."""
    tool_session: ToolSession | None
    """Dynamic loading: the conversation's session (kept between turns); default a fresh one per call."""
    compact_tools: bool | None
    """Send tools loaded on demand without nested descriptions and defaults (None: the client's)."""
    tool_search: Literal["meta", "native"] | None
    """How tools are found: "meta" (browse_toolkit, load_tools) or "native" (the provider's search)."""
    # Provider parameters llmft passes through as given (named here so they are type-checked).
    thinking: Mapping[str, Any] | None
    """Anthropic extended thinking as the SDK takes it: `{"type": "enabled", "budget_tokens": n}`
    (n >= 1024, below `max_output_tokens`) or `{"type": "adaptive"}`."""
    prompt_cache: bool
    """Native Anthropic route: cache the prompt prefix (`cache_control`); other routes cache on their own."""
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool | None
    top_p: float | None
    seed: int | None
    stop: str | Sequence[str] | None
    user: str | None
    metadata: Mapping[str, str] | None
    store: bool | None
    include: Sequence[str] | None
    service_tier: str | None
    background: bool | None
    """OpenAI Responses: run in the background; the reply is polled (each poll bounded by `timeout`)."""
    presence_penalty: float | None
    frequency_penalty: float | None
    logit_bias: Mapping[str, float] | None
    logprobs: bool | None
    top_logprobs: int | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None
    extra_body: Mapping[str, Any] | None


# The first version's positional order after `input`, so `generate(messages, "gpt-4o", 0.2)` still works.
POSITIONAL_ORDER: tuple[str, ...] = (
    "model", "temperature", "max_output_tokens", "max_tool_iterations", "response_format", "use_tools",
    "tool_execution_context", "mock_tools", "parallel_tools", "merge_history", "stream", "web_search",
    "file_search",
)  # fmt: skip
_OWN = frozenset(GenerateKwargs.__annotations__) - {
    "tool_choice", "parallel_tool_calls", "top_p", "seed", "stop", "user", "metadata", "store", "include",
    "service_tier", "background", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
    "top_logprobs", "extra_headers", "extra_query", "extra_body", "thinking", "prompt_cache",
}  # fmt: skip
REASONING_EFFORTS: tuple[ReasoningEffort, ...] = ("minimal", "low", "medium", "high")


@frozen
class ToolSettings:
    """How a call runs its tools: limits, the loop guard and structured-output re-asks."""

    tool_timeout: float | None = None
    max_concurrent_tools: int | None = None
    max_tool_output_chars: int | None = None
    repetition_threshold: int = 3
    max_output_retries: int = 1


def tool_settings_of(values: Mapping[str, Any], defaults: ToolSettings = ToolSettings()) -> ToolSettings:
    """The tool settings among `values` (a call's or a client's keywords), each checked; the rest from
    `defaults`."""
    get = values.get
    retries = get("max_output_retries", get("max_validation_retries"))
    timeout = get("tool_timeout")
    concurrent = _one_of(values, "max_concurrent_tools", "max_parallel_tools")
    return ToolSettings(
        tool_timeout=float(number_of(timeout, "tool_timeout", positive=True))
        if timeout is not None
        else defaults.tool_timeout,
        max_concurrent_tools=positive_int_of(get(concurrent), concurrent)
        if concurrent in values
        else defaults.max_concurrent_tools,
        max_tool_output_chars=positive_int_of(get("max_tool_output_chars"), "max_tool_output_chars")
        if "max_tool_output_chars" in values
        else defaults.max_tool_output_chars,
        repetition_threshold=count_of(get("repetition_threshold"), "repetition_threshold")
        if get("repetition_threshold") is not None
        else defaults.repetition_threshold,
        max_output_retries=count_of(retries, "max_output_retries")
        if retries is not None
        else defaults.max_output_retries,
    )


def _one_of(values: Mapping[str, Any], name: str, other_name: str) -> str:
    """The one of two names for a setting that `values` gives (`name` when neither)."""
    first, other = values.get(name), values.get(other_name)
    if first is not None and other is not None and first != other:
        raise ConfigurationError(f"{name} and {other_name} name the same setting: give one", name)
    return other_name if other is not None or name not in values else name


TOOL_SETTINGS = frozenset(
    {"tool_timeout", "max_concurrent_tools", "max_parallel_tools", "max_tool_output_chars",
     "repetition_threshold", "max_output_retries", "max_validation_retries"}
)  # fmt: skip


@frozen
class ClientDefaults:
    """The client-wide settings a call falls back on."""

    timeout: float
    max_retries: int
    fallback_models: tuple[ModelSpec, ...]
    extra: Mapping[str, Any]
    tools: ToolSettings = ToolSettings()
    hooks: tuple[Hooks, ...] = ()


@frozen
class GenerateOptions:
    """One call's options, validated; the client's defaults already applied."""

    model: ModelSpec | None
    temperature: float | None
    max_output_tokens: int | None
    max_tool_iterations: int
    response_format: ResponseFormat | None
    output_type: type[BaseModel] | None
    use_tools: ToolSelection
    context: Mapping[str, Any]
    mock_tools: bool
    parallel_tools: bool
    merge_history: bool
    stream: bool
    web_search: WebSearch | None
    file_search: FileSearch | None
    reasoning_effort: ReasoningEffort | None
    timeout: float
    deadline: float | None
    max_retries: int
    fallback_models: tuple[ModelSpec, ...]
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool | None
    extra: Mapping[str, Any]
    tools: ToolSettings = ToolSettings()
    hooks: tuple[Hooks, ...] = ()
    limits: UsageLimits | None = None
    max_input_tokens: int | None = None
    tool_session: ToolSession | None = None
    compact_tools: bool | None = None
    tool_search: Literal["meta", "native"] | None = None


def _named(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    if len(args) > len(POSITIONAL_ORDER):
        raise ConfigurationError(
            f"generate takes at most {len(POSITIONAL_ORDER) + 1} positional arguments; pass the rest by name"
        )
    named = dict(kwargs)
    for name, value in zip(POSITIONAL_ORDER, args, strict=False):
        if name in named:
            raise ConfigurationError(f"{name} was given both by position and by name", name)
        named[name] = value
    return named


def parse_options(
    defaults: ClientDefaults, args: tuple[Any, ...], kwargs: Mapping[str, Any], *, stream: bool = False
) -> GenerateOptions:
    """Validate one call's arguments (positional ones in the first version's order) into options."""
    named = _named(args, kwargs)
    check_not_retired(list(named), "generate")
    tools = tool_settings_of(named, defaults.tools) if TOOL_SETTINGS.intersection(named) else defaults.tools
    for key in TOOL_SETTINGS.intersection(named):
        del named[key]
    extra = {**defaults.extra}
    for key in [k for k in named if k not in _OWN and k != "stream"]:
        extra[key] = named.pop(key)  # provider parameters, passed through as given
    get = named.pop
    streaming = bool(get("stream", stream))
    effort = get("reasoning_effort", None)
    if effort is not None and effort not in REASONING_EFFORTS:
        raise ConfigurationError(
            f"reasoning_effort must be one of {list(REASONING_EFFORTS)}, got {effort!r}", "reasoning_effort"
        )
    fmt, output_type = response_format_of(get("response_format", None))
    tool_choice = extra.pop("tool_choice", None)
    if tool_choice is not None and not isinstance(tool_choice, str | Mapping):
        raise ConfigurationError("tool_choice must be 'auto', 'none', 'required' or a dict", "tool_choice")
    model = get("model", None)
    fallbacks = get("fallback_models", None)
    max_retries = get("max_retries", None)
    timeout = get("timeout", None)
    return GenerateOptions(
        model=model_spec(model, "model") if model is not None else None,
        temperature=optional_number(get("temperature", None), "temperature"),
        max_output_tokens=optional_number(
            get("max_output_tokens", None), "max_output_tokens", positive=True, whole=True
        ),
        max_tool_iterations=count_of(get("max_tool_iterations", 10), "max_tool_iterations"),
        response_format=fmt,
        output_type=output_type,
        use_tools=use_tools_of(get("use_tools", ALL_TOOLS)),
        context=context_of(get("tool_execution_context", None)),
        mock_tools=bool(get("mock_tools", False)),
        parallel_tools=bool(get("parallel_tools", False)),
        merge_history=bool(get("merge_history", False)),
        stream=streaming,
        web_search=web_search_of(get("web_search", False)),
        file_search=file_search_of(get("file_search", False)),
        reasoning_effort=effort,
        timeout=float(number_of(timeout, "timeout", positive=True))
        if timeout is not None
        else defaults.timeout,
        deadline=optional_number(get("deadline", None), "deadline", positive=True),
        max_retries=count_of(max_retries, "max_retries") if max_retries is not None else defaults.max_retries,
        fallback_models=check_fallbacks(fallbacks) if fallbacks is not None else defaults.fallback_models,
        tool_choice=tool_choice,
        parallel_tool_calls=extra.pop("parallel_tool_calls", None),
        extra=MappingProxyType(extra),
        tools=tools,
        hooks=(*defaults.hooks, *checked_hooks(get("hooks", None))),
        limits=limits_of(get("limits", None)),
        max_input_tokens=positive_int_of(get("max_input_tokens", None), "max_input_tokens"),
        tool_session=session_of(get("tool_session", None)),
        compact_tools=flag_of(get("compact_tools", None)),
        tool_search=tool_search_of(get("tool_search", None)),
    )


def options_json(options: GenerateOptions) -> dict[str, Any]:
    """The call's options as plain JSON, for a RunState: never a key (a ModelSpec's keys stay out, as do
    `extra_headers`), never the context, never a provider parameter that is not JSON."""
    fmt = options.response_format
    response_format: dict[str, Any] | None = None
    if fmt is not None:
        response_format = (
            {"type": "json_object"}
            if fmt.kind == "json_object"
            else {
                "type": "json_schema",
                "json_schema": {"name": fmt.name, "schema": dict(fmt.schema), "strict": fmt.strict},
            }
        )
    extra = {}
    for key, value in options.extra.items():
        kept, value = json_value(value)
        if kept and key != "extra_headers":
            extra[key] = value
    web, files, tools = options.web_search, options.file_search, options.tools
    return {
        "model": options.model.model if options.model is not None else None,
        "temperature": options.temperature,
        "max_output_tokens": options.max_output_tokens,
        "max_tool_iterations": options.max_tool_iterations,
        "response_format": response_format,
        "output_type": options.output_type.__name__ if options.output_type is not None else None,
        "mock_tools": options.mock_tools,
        "parallel_tools": options.parallel_tools,
        "web_search": attrs.asdict(web) if web is not None else False,
        "file_search": attrs.asdict(files) if files is not None else False,
        "reasoning_effort": options.reasoning_effort,
        "timeout": options.timeout,
        "deadline": options.deadline,
        "max_retries": options.max_retries,
        "fallback_models": [spec.model for spec in options.fallback_models],
        "tool_choice": json_value(options.tool_choice)[1],
        "parallel_tool_calls": options.parallel_tool_calls,
        "tool_timeout": tools.tool_timeout,
        "max_concurrent_tools": tools.max_concurrent_tools,
        "max_tool_output_chars": tools.max_tool_output_chars,
        "repetition_threshold": tools.repetition_threshold,
        "max_output_retries": tools.max_output_retries,
        "extra": extra,
    }
