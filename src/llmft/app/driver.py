"""The one driver: runs the tool-loop reducer, performing each command through the ports.

Every mode is this loop seen differently: `stream_events` yields its events, `generate(stream=True)`
turns them into chunks, and `generate` waits for the last one. The driver also owns the call's
deadline (an absolute time on the client's clock) and the partial result an error carries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any, Protocol

from pydantic import BaseModel
from returns.result import Failure, Result

from llmft.app.budget import UsageBudget
from llmft.app.errors import (
    ConfigurationError,
    DeadlineExceededError,
    LLMToolkitError,
    StructuredOutputError,
    UsageLimitExceeded,
    raise_failure,
    to_exception,
)
from llmft.app.events import (
    Finished,
    Notice,
    ReasoningDelta,
    RunEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from llmft.app.hooks import NO_HOOKS, HookChain
from llmft.app.price_lookup import PriceLookup
from llmft.app.results import (
    GenerationResult,
    ParsedToolCall,
    ToolExecutionResult,
    reask_feedback,
    result_of,
)
from llmft.app.run_state import RunState
from llmft.domain.context_window import TranscriptSizes
from llmft.domain.conversion import to_public_messages
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest, PlannedCall, ToolOutcome, ToolSpec
from llmft.domain.ports import ChatModel, Clock
from llmft.domain.streaming import ReasoningDelta as ReasoningPiece
from llmft.domain.streaming import ReplyAccumulator
from llmft.domain.streaming import TextDelta as TextPiece
from llmft.domain.tool_calls import parse_arguments
from llmft.domain.tool_loop import (
    APPROVAL_REASON,
    CallModel,
    Command,
    Event,
    Finish,
    LoopConfig,
    LoopOutcome,
    LoopState,
    ModelReplied,
    OutputRejected,
    RunTools,
    ToolsCompleted,
    interrupted,
    start,
    step,
    with_tools,
)
from llmft.domain.values import replace

CONTENT_LOG = logging.getLogger("llmft.content")  # message content: only when enabled at DEBUG
ERROR_REASON = "error"  # finish_reason of the partial result an error carries
DEADLINE_REASON = "deadline"
USAGE_LIMIT_REASON = "usage_limit"


class ToolExecutor(Protocol):
    """Runs one turn's planned calls; appends each outcome to `done` as soon as it is known."""

    def arguments(self, call: PlannedCall) -> Mapping[str, Any]:
        """The call's arguments as the tool will get them from the model."""
        ...

    async def run(self, calls: tuple[PlannedCall, ...], done: list[ToolOutcome]) -> tuple[ToolOutcome, ...]:
        """Every call's outcome (tool failures are outcomes, never exceptions)."""
        ...


class PreparedRun:
    """One call, ready to run: the model chain, the first request, and how to run its tools."""

    __slots__ = (
        "budget",
        "capture",
        "clock",
        "config",
        "deadline",
        "deadline_at",
        "hooks",
        "max_input_tokens",
        "max_output_retries",
        "max_response_bytes",
        "model",
        "notices",
        "output_type",
        "prices",
        "provider",
        "refresh_tools",
        "request",
        "tools",
    )  # fmt: skip

    def __init__(
        self,
        *,
        model: ChatModel,
        provider: str,
        request: ModelRequest,
        config: LoopConfig,
        tools: ToolExecutor,
        output_type: type[BaseModel] | None,
        clock: Clock,
        deadline: float | None,
        deadline_at: float | None,
        notices: list[Notice],
        max_response_bytes: int | None = None,
        refresh_tools: Callable[[], tuple[ToolSpec, ...]] | None = None,
        prices: PriceLookup | None = None,
        max_output_retries: int = 0,
        hooks: HookChain = NO_HOOKS,
        capture: Callable[[LoopState], RunState] | None = None,
        budget: UsageBudget | None = None,
        max_input_tokens: int | None = None,
    ) -> None:
        self.budget = budget  # the call's usage limits (every attempt counts; see resilience.py)
        self.max_input_tokens = max_input_tokens
        self.max_output_retries = max_output_retries
        self.hooks = hooks
        self.capture = capture  # a paused loop as a RunState (how this call is stored for resume)
        self.prices = prices
        self.max_response_bytes = max_response_bytes
        self.refresh_tools = refresh_tools  # a tool set that changes between rounds (dynamic loading)
        self.model = model
        self.provider = provider
        self.request = request
        self.config = config
        self.tools = tools
        self.output_type = output_type
        self.clock = clock
        self.deadline = deadline
        self.deadline_at = deadline_at  # on `clock`: the one time every wait of the call is bounded by
        self.notices = notices  # the model wrappers append Retrying / FallingBack here


def _outcome_result(outcome: ToolOutcome) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=outcome.content,
        payload=outcome.payload,
        metadata=dict(outcome.metadata) if outcome.metadata is not None else None,
        error=outcome.error,
    )


class _Driver:
    """The state of one run while it goes; `events()` is the loop."""

    def __init__(self, run: PreparedRun, stream: bool) -> None:
        self.run = run
        self.stream = stream
        self.state: LoopState | None = None
        self.done: list[ToolOutcome] = []  # outcomes of the turn in progress
        self.reasks = 0  # structured-output re-asks so far
        self.scale = 1.0  # provider tokens per estimated token, from the last reply (max_input_tokens)
        self.sizes = TranscriptSizes()  # the transcript's estimated sizes, each message estimated once
        self.sent_tokens = 0  # the estimate of the last request sent (max_input_tokens)
        self.invalid: list[list[dict[str, Any]]] = []  # each attempt's validation errors

    def _start(self) -> tuple[LoopState, Command]:
        state, first = start(self.run.request, self.run.config)
        return state, first

    def _remaining(self) -> float | None:
        at = self.run.deadline_at
        return None if at is None else at - self.run.clock.now()

    def partial(self, reason: str) -> GenerationResult | None:
        """What was gathered so far, as a result (structured output is not validated here)."""
        if self.state is None:
            return None
        return result_of(interrupted(self.state, reason, tuple(self.done)), None)

    def deadline_error(self) -> DeadlineExceededError:
        rounds = self.state.rounds if self.state is not None else 0
        return DeadlineExceededError(
            f"the {self.run.deadline:g} s deadline passed after {rounds} tool round(s); "
            "what was gathered is in .partial",
            provider=self.run.provider,
            model=self.run.request.model,
            partial=self.partial(DEADLINE_REASON),
        )

    def _fail(self, failure: ProviderFailure) -> LLMToolkitError:
        if failure.kind == "deadline":
            return self.deadline_error()
        return to_exception(failure)

    async def _bounded(
        self, work: Callable[[], Awaitable[tuple[ToolOutcome, ...]]]
    ) -> tuple[ToolOutcome, ...]:
        remaining = self._remaining()
        if remaining is None:
            return await work()
        try:
            async with asyncio.timeout(max(remaining, 0)):
                return await work()
        except TimeoutError:
            if self.run.clock.now() < (self.run.deadline_at or 0):
                raise  # not our deadline: a tool's own timeout, say
            raise self.deadline_error() from None

    def _fitted(self, request: ModelRequest) -> ModelRequest:
        """The request with its oldest turns left out, to stay within `max_input_tokens` (the loop's
        transcript stays whole)."""
        limit = self.run.max_input_tokens
        if limit is None:
            return request
        fitted = self.sizes.fitted(request.messages, limit, self.scale)
        if isinstance(fitted, Failure):
            raise ConfigurationError(fitted.failure(), "max_input_tokens")
        chosen = fitted.unwrap()
        self.sent_tokens = chosen.tokens
        if chosen.messages is request.messages:
            return request
        return replace(request, messages=chosen.messages)

    def _calibrate(self, reply: ModelReply) -> None:
        """What the provider counted for what was sent tunes the next estimate."""
        if self.run.max_input_tokens is None or reply.usage is None or not reply.usage.input_tokens:
            return
        if self.sent_tokens:
            self.scale = min(max(reply.usage.input_tokens / self.sent_tokens, 0.25), 4.0)

    async def _reply(self, request: ModelRequest) -> AsyncGenerator[RunEvent | ModelReply, None]:
        """The model's reply to `request` (streamed as TextDelta events first when streaming)."""
        request = self._fitted(request)
        if self.run.hooks:
            await self.run.hooks.before_request(request)
        if CONTENT_LOG.isEnabledFor(logging.DEBUG):
            last = request.messages[-1] if request.messages else None
            CONTENT_LOG.debug("to %s: %s", request.model, to_public_messages([last]) if last else [])
        replied: Result[ModelReply, ProviderFailure]
        notices = self.run.notices
        if self.stream:
            acc = ReplyAccumulator(self.run.max_response_bytes)
            deltas = self.run.model.stream(request)
            try:
                async for delta in deltas:
                    while notices:
                        yield notices.pop(0)
                    acc.add(delta)
                    if isinstance(delta, TextPiece) and delta.text:
                        yield TextDelta(delta.text)
                    elif isinstance(delta, ReasoningPiece) and delta.text:
                        yield ReasoningDelta(delta.text)
                    if acc.finished:
                        break
            finally:
                await deltas.aclose()
            replied = acc.build(self.run.provider, request.model)
        else:
            replied = await self.run.model.complete(request)
        while notices:
            yield notices.pop(0)
        if isinstance(replied, Failure):
            raise self._fail(replied.failure())
        reply = replied.unwrap()
        if self.run.prices is not None:
            reply = await self.run.prices.priced(reply, request.model)
        self._calibrate(reply)
        if self.run.budget is not None:
            self.run.budget.add(reply.usage)
        if self.run.hooks:
            await self.run.hooks.after_response(reply, request.model)
        if CONTENT_LOG.isEnabledFor(logging.DEBUG):
            calls = [(c.name, c.arguments) for c in reply.tool_calls]
            CONTENT_LOG.debug("from %s: %r, tool calls %r", reply.model or request.model, reply.text, calls)
        yield reply

    def _paused(self, state: LoopState, outcome: LoopOutcome) -> GenerationResult:
        """The result of a run that waits for approval: what ran so far, the calls that wait, the state."""
        result = result_of(outcome, None)
        result.pending = [
            ParsedToolCall(
                id=c.id,
                name=c.name,
                arguments=self.run.tools.arguments(
                    PlannedCall(c.id, c.name, parse_arguments(c.arguments).value_or({}))
                ),
            )
            for c in outcome.pending
        ]
        result.state = self.run.capture(state) if self.run.capture is not None else None
        return result

    def _reask(self, invalid: StructuredOutputError) -> OutputRejected:
        """Ask again after an answer that did not validate, or raise once the re-asks are spent."""
        self.invalid.extend(invalid.errors)
        if self.reasks >= self.run.max_output_retries or self.run.output_type is None:
            invalid.errors = list(self.invalid)
            raise invalid
        self.reasks += 1
        return OutputRejected(reask_feedback(invalid, self.run.output_type))

    async def _tools(self, calls: tuple[PlannedCall, ...]) -> AsyncGenerator[RunEvent | ToolsCompleted, None]:
        for call in calls:
            yield ToolCallStarted(call.call_id, call.name, self.run.tools.arguments(call))
        self.done = []
        outcomes = await self._bounded(lambda: self.run.tools.run(calls, self.done))
        for outcome in outcomes:
            yield ToolCallFinished(outcome.call_id, outcome.name, _outcome_result(outcome))
        self.done = []
        yield ToolsCompleted(outcomes)

    async def events(self, resume: tuple[LoopState, Command] | None = None) -> AsyncGenerator[RunEvent, None]:
        state, command = resume if resume is not None else self._start()
        self.state = state
        try:
            while True:
                event: Event | None = None
                match command:
                    case CallModel(request):
                        if self.run.refresh_tools is not None:
                            state = self.state = with_tools(state, self.run.refresh_tools())
                            request = state.request
                        async for said in self._reply(request):
                            if isinstance(said, ModelReply):
                                event = ModelReplied(said)
                            else:
                                yield said
                    case RunTools(calls):
                        async for ran in self._tools(calls):
                            if isinstance(ran, ToolsCompleted):
                                event = ran
                            else:
                                yield ran
                    case Finish(outcome) if outcome.finish_reason == APPROVAL_REASON:
                        yield Finished(self._paused(state, outcome))
                        return
                    case Finish(outcome):
                        try:
                            result = result_of(outcome, self.run.output_type)
                        except StructuredOutputError as invalid:
                            event = self._reask(invalid)
                        else:
                            yield Finished(result)
                            return
                assert event is not None
                advanced = step(state, event)
                if isinstance(advanced, Failure):
                    raise_failure(advanced.failure())
                state, command = advanced.unwrap()
                self.state = state
        except UsageLimitExceeded as error:
            error.partial = self.partial(USAGE_LIMIT_REASON)
            raise
        except LLMToolkitError as error:
            if error.partial is None and (state.outcomes or self.done):
                error.partial = self.partial(ERROR_REASON)
            raise


def run_events(
    run: PreparedRun, *, stream: bool, resume: tuple[LoopState, Command] | None = None
) -> AsyncGenerator[RunEvent, None]:
    """The run as events, ending with `Finished` (or raising, with `.partial` when tools ran); `resume`
    starts from a paused loop instead of the first request."""
    return _Driver(run, stream).events(resume)


async def run_to_end(run: PreparedRun) -> GenerationResult:
    """The run without streaming: its final result."""
    events = run_events(run, stream=False)
    try:
        async for event in events:
            if isinstance(event, Finished):
                return event.result
    finally:
        await events.aclose()
    raise AssertionError("the driver always ends with Finished")  # pragma: no cover
