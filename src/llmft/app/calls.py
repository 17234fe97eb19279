"""From one call's options to a `PreparedRun`: the transcript, the tools, the request and the model chain.

Everything here happens before the first request, so every mistake in the call's input is a
`ConfigurationError` (or `UnsupportedFeatureError`) with nothing sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen
from returns.result import Success

from llmft.app.budget import UsageBudget
from llmft.app.driver import PreparedRun, ToolExecutor
from llmft.app.dynamic_loading import DynamicLoading, DynamicRun, start_dynamic
from llmft.app.errors import ConfigurationError, UnsupportedFeatureError, raise_failure
from llmft.app.events import Notice
from llmft.app.hooks import HookChain, ToolGate
from llmft.app.models import Borrowed, ModelPool, ModelSpec
from llmft.app.options import GenerateOptions, options_json
from llmft.app.price_lookup import PriceLookup
from llmft.app.registered import RegisteredTool
from llmft.app.resilience import FallbackModel, Notify, RetryingModel
from llmft.app.run_state import RunState, loop_json
from llmft.app.tool_turn import ToolLimits
from llmft.app.tools import ToolFactory
from llmft.domain.conversion import merge_history, normalize_input
from llmft.domain.messages import Message, ModelRequest
from llmft.domain.part_routes import refused_part
from llmft.domain.ports import ChatModel, Clock, Telemetry
from llmft.domain.retry import RetryPolicy
from llmft.domain.tool_loop import LoopConfig


@frozen
class Limits:
    """The client's safety limits (each also named in the error it causes)."""

    max_response_bytes: int = 32 * 2**20
    max_tool_argument_bytes: int = 2**20
    max_tool_calls_per_turn: int = 64


@frozen
class Setup:
    """What a client contributes to every call: its models, tools, clock and limits."""

    primary: ModelSpec | Borrowed
    pool: ModelPool
    tools: ToolFactory
    clock: Clock
    limits: Limits
    prices: PriceLookup | None = None
    dynamic: DynamicLoading = field(factory=DynamicLoading)  # dynamic tool loading (off by default)
    telemetry: Telemetry | None = None  # spans and metrics of requests and tool runs (None: off)


def transcript_of(input: object, merge: bool) -> tuple[Message, ...]:
    """The call's input as the canonical transcript."""
    normalized = normalize_input(input)
    if not isinstance(normalized, Success):
        raise_failure(normalized.failure())
    messages = normalized.unwrap()
    return merge_history(messages) if merge else messages


def check_injected(tools: Sequence[RegisteredTool], context: Mapping[str, Any]) -> None:
    """A required injected parameter missing from the context is the caller's mistake: say so now."""
    for tool in tools:
        missing = tool.missing_injected(context)
        if missing:
            raise ConfigurationError(
                f"tool {tool.name!r} needs {missing} from tool_execution_context, which does not have them",
                "tool_execution_context",
            )


def _candidates(setup: Setup, options: GenerateOptions) -> list[ModelSpec | Borrowed]:
    first: ModelSpec | Borrowed = options.model if options.model is not None else setup.primary
    return [first, *options.fallback_models]


def _name(candidate: ModelSpec | Borrowed) -> str:
    return candidate.route.name if isinstance(candidate, ModelSpec) else _custom_name(candidate)


def _custom_name(model: Borrowed) -> str:
    return str(getattr(model.inner, "name", type(model.inner).__name__))


def _chain(
    setup: Setup,
    options: GenerateOptions,
    notify: Notify,
    deadline_at: float | None,
    budget: UsageBudget | None,
) -> ChatModel:
    policy = RetryPolicy(max_retries=options.max_retries)
    links: list[tuple[str, ChatModel, Any]] = []
    for candidate in _candidates(setup, options):
        model = setup.pool.model(candidate) if isinstance(candidate, ModelSpec) else candidate
        route = candidate.route.kind if isinstance(candidate, ModelSpec) else "custom"
        retrying = RetryingModel(
            model,
            policy,
            clock=setup.clock,
            deadline=deadline_at,
            notify=notify,
            route=route,
            budget=budget,
            provider=candidate.route.provider if isinstance(candidate, ModelSpec) else "custom",
            telemetry=setup.telemetry,
        )
        options_of = candidate.options if isinstance(candidate, ModelSpec) else {}
        links.append((_name(candidate), retrying, options_of))
    if len(links) == 1:
        return links[0][1]
    return FallbackModel(links, notify=notify)


def _budget(
    setup: Setup, options: GenerateOptions, candidates: list[ModelSpec | Borrowed]
) -> UsageBudget | None:
    """The call's usage limits; a cost limit needs the price of every model that may serve the call."""
    limits = options.limits
    if limits is None:
        return None
    if limits.cost_limit_usd is not None:
        prices = setup.prices
        for candidate in candidates:
            name = candidate.route.name if isinstance(candidate, ModelSpec) else _name(candidate)
            if prices is None or prices.price(name) is None:
                raise ConfigurationError(
                    f"cost_limit_usd needs the price of {name!r}, which the price table does not have "
                    "(pass prices= with it to LLMClient)",
                    "cost_limit_usd",
                )
    return UsageBudget(limits)


def _notify(notices: list[Notice], hooks: HookChain) -> Notify:
    """How the model wrappers tell of a retry or a fallback: an event for the stream, and the hooks."""
    if not hooks:
        return notices.append

    async def notify(notice: Notice) -> None:
        notices.append(notice)
        await hooks.notice(notice)

    return notify


def _executor(
    setup: Setup,
    options: GenerateOptions,
    context: Mapping[str, Any],
    dynamic: DynamicRun | None,
    policy: ToolGate,
) -> ToolExecutor:
    settings = options.tools
    limits = ToolLimits(settings.tool_timeout, settings.max_concurrent_tools, settings.max_tool_output_chars)
    turn = setup.tools.executor(
        context=context,
        mock=options.mock_tools,
        parallel=options.parallel_tools,
        limits=limits,
        policy=policy,
        telemetry=setup.telemetry,
    )
    return dynamic.executor(turn) if dynamic is not None else turn


def prepare(
    setup: Setup,
    input: object,
    options: GenerateOptions,
    *,
    planning: bool = False,
    approved: frozenset[str] = frozenset(),
) -> PreparedRun:
    """Everything one call needs, checked; nothing is sent yet. `planning`: one model turn whose tool
    calls are returned, not run (so the context they need is not needed yet); `approved`: call ids a
    human approved (a resumed run), which run without being asked about again."""
    messages = transcript_of(input, options.merge_history)
    tools = setup.tools.select(options.use_tools)
    candidates = _candidates(setup, options)
    kinds = [c.route.kind if isinstance(c, ModelSpec) else None for c in candidates]
    dynamic = start_dynamic(setup.tools, setup.dynamic, options, kinds)  # None: a fixed tool set
    context = dynamic.context if dynamic is not None else options.context
    if not planning:
        check_injected(tools, context)
    if options.file_search is not None:
        for candidate in candidates:
            if isinstance(candidate, ModelSpec) and candidate.route.kind != "openai_responses":
                raise UnsupportedFeatureError(
                    f"file_search is only available on OpenAI models, not {candidate.model!r}"
                )
    for candidate in candidates:  # an image, file or audio part a route cannot take: refused now
        if isinstance(candidate, ModelSpec):
            refused = refused_part(setup.pool.route(candidate), messages)
            if refused is not None:
                raise_failure(refused)
    first = candidates[0]
    notices: list[Notice] = []
    hooks = HookChain(options.hooks)
    budget = _budget(setup, options, candidates)
    clock = setup.clock
    deadline_at = clock.now() + options.deadline if options.deadline is not None else None
    request = ModelRequest(
        model=_name(first),
        messages=messages,
        tools=dynamic.offer() if dynamic is not None else tuple(t.spec(context) for t in tools),
        temperature=options.temperature,
        max_output_tokens=options.max_output_tokens,
        response_format=options.response_format,
        reasoning_effort=options.reasoning_effort,
        web_search=options.web_search,
        file_search=options.file_search,
        timeout=options.timeout,
        tool_choice=options.tool_choice,
        parallel_tool_calls=options.parallel_tool_calls,
        extra=options.extra,
        tool_search=dynamic is not None and dynamic.native,
    )
    limits = setup.limits
    config = LoopConfig(
        max_tool_iterations=0 if planning else options.max_tool_iterations,
        max_tool_calls_per_turn=limits.max_tool_calls_per_turn,
        max_tool_argument_bytes=limits.max_tool_argument_bytes,
        repetition_threshold=options.tools.repetition_threshold,
    )
    return PreparedRun(
        model=_chain(setup, options, _notify(notices, hooks), deadline_at, budget),
        provider=first.route.provider if isinstance(first, ModelSpec) else "custom",
        request=request,
        config=config,
        tools=_executor(setup, options, context, dynamic, ToolGate(hooks, approved, budget)),
        output_type=options.output_type,
        clock=clock,
        deadline=options.deadline,
        deadline_at=deadline_at,
        notices=notices,
        max_response_bytes=limits.max_response_bytes,
        prices=setup.prices,
        max_output_retries=options.tools.max_output_retries,
        refresh_tools=dynamic.offer if dynamic is not None and dynamic.changes else None,
        hooks=hooks,
        budget=budget,
        max_input_tokens=options.max_input_tokens,
        capture=lambda state: RunState.new(
            model=first.model if isinstance(first, ModelSpec) else None,
            options=options_json(options),
            loop=loop_json(state),
        ),
    )
