"""The tool loop as a pure reducer (sans-I/O, like h11): the driver performs commands, feeds events.

    start(request, config)  -> (LoopState, CallModel)
    step(state, event)      -> Result[(LoopState, Command), LoopFailure]

Argument parsing, injected-parameter stripping, the iteration limit and the bookkeeping (transcript,
outcomes, usage) all live here, so every decision is testable without an event loop.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from attrs import field, frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import LoopFailure
from llmft.domain.messages import (
    Message,
    ModelReply,
    ModelRequest,
    PlannedCall,
    ToolCall,
    ToolOutcome,
    Usage,
    add_usage,
)
from llmft.domain.values import replace

MAX_ITERATIONS_REASON = "max_tool_iterations"


@frozen
class LoopConfig:
    """The loop's limits and, per callable tool, the argument names the model may not set."""

    max_tool_iterations: int = 10
    hidden: Mapping[str, frozenset[str]] = field(factory=dict)


@frozen
class LoopOutcome:
    """The finished loop: final text, everything gathered, and why it stopped."""

    content: str | None
    transcript: tuple[Message, ...]
    new_messages: tuple[Message, ...]
    outcomes: tuple[ToolOutcome, ...]
    usage: Usage | None
    finish_reason: str
    model: str
    rounds: int

    @property
    def payloads(self) -> list[dict[str, Any]]:
        """One envelope per tool call whose result carried a payload, in call order."""
        return [
            {
                "tool_name": o.name,
                "payload": o.payload,
                "metadata": dict(o.metadata) if o.metadata is not None else None,
            }
            for o in self.outcomes
            if o.payload is not None
        ]


@frozen
class CallModel:
    """Call the model with this request."""

    request: ModelRequest


@frozen
class RunTools:
    """Run these calls (arguments parsed, injected names stripped) and report every outcome."""

    calls: tuple[PlannedCall, ...]


@frozen
class Finish:
    """The loop is over."""

    outcome: LoopOutcome


Command = CallModel | RunTools | Finish


@frozen
class ModelReplied:
    """The model answered."""

    reply: ModelReply


@frozen
class ToolsCompleted:
    """The tools of the last `RunTools` finished; one outcome per planned call, any order."""

    outcomes: tuple[ToolOutcome, ...]


Event = ModelReplied | ToolsCompleted
Phase = Literal["awaiting_model", "awaiting_tools", "finished"]


@frozen
class LoopState:
    """Where the loop is. Replaced, never mutated."""

    request: ModelRequest
    config: LoopConfig
    start: int
    phase: Phase = "awaiting_model"
    rounds: int = 0
    usage: Usage | None = None
    outcomes: tuple[ToolOutcome, ...] = ()
    turn: tuple[ToolCall, ...] = ()
    rejected: Mapping[str, ToolOutcome] = field(factory=dict)
    model: str = ""

    @property
    def transcript(self) -> tuple[Message, ...]:
        """The whole transcript so far: the input, then every message the loop added."""
        return self.request.messages


def start(request: ModelRequest, config: LoopConfig) -> tuple[LoopState, CallModel]:
    """Begin a loop: the first command is always a model call."""
    state = LoopState(request=request, config=config, start=len(request.messages), model=request.model)
    return state, CallModel(request)


def parse_arguments(raw: str) -> Result[dict[str, Any], str]:
    """Tool-call arguments as a JSON object; empty text means no arguments."""
    if not raw.strip():
        return Success({})
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:
        return Failure(f"arguments are not valid JSON ({error})")
    if not isinstance(value, dict):
        return Failure(f"arguments must be a JSON object, got {type(value).__name__}")
    return Success(value)


def error_outcome(call: ToolCall, message: str) -> ToolOutcome:
    """The outcome the model reads when its call could not be run."""
    return ToolOutcome(call.id, call.name, f"Error: {message}", error=message)


def plan_call(call: ToolCall, hidden: Mapping[str, frozenset[str]]) -> PlannedCall | ToolOutcome:
    """A runnable call, or the error outcome for an unknown tool or unusable arguments."""
    if call.name not in hidden:
        known = ", ".join(sorted(hidden)) or "none"
        return error_outcome(call, f"unknown tool {call.name!r}; available tools: {known}")
    parsed = parse_arguments(call.arguments)
    if not isinstance(parsed, Success):
        return error_outcome(call, f"tool {call.name!r}: {parsed.failure()}")
    arguments = parsed.unwrap()
    injected = hidden[call.name]
    if injected and not injected.isdisjoint(arguments):
        arguments = {k: v for k, v in arguments.items() if k not in injected}
    return PlannedCall(call.id, call.name, arguments)


def _outcome(
    state: LoopState, transcript: tuple[Message, ...], content: str | None, reason: str
) -> LoopOutcome:
    return LoopOutcome(
        content=content,
        transcript=transcript,
        new_messages=transcript[state.start :],
        outcomes=state.outcomes,
        usage=state.usage,
        finish_reason=reason,
        model=state.model,
        rounds=state.rounds,
    )


def _finish(state: LoopState, content: str | None, reason: str, **changes: Any) -> tuple[LoopState, Finish]:
    done = replace(state, phase="finished", turn=(), rejected={}, **changes)
    return done, Finish(_outcome(done, done.transcript, content, reason))


def _with_messages(state: LoopState, *messages: Message) -> ModelRequest:
    return replace(state.request, messages=(*state.request.messages, *messages))


def unique_call_ids(calls: tuple[ToolCall, ...]) -> tuple[ToolCall, ...]:
    """Give empty or repeated call ids a unique suffix: each call must get exactly one output."""
    seen: set[str] = set()
    out: list[ToolCall] = []
    for index, call in enumerate(calls):
        if not call.id or call.id in seen:
            call = replace(call, id=f"{call.id or 'call'}_{index}")
        seen.add(call.id)
        out.append(call)
    return tuple(out)


def _on_reply(state: LoopState, reply: ModelReply) -> tuple[LoopState, Command]:
    # What every branch records (one `replace` per reply, not one per change).
    heard: dict[str, Any] = {
        "usage": add_usage(state.usage, reply.usage),
        "model": reply.model or state.model,
    }
    if not reply.tool_calls:
        said = Message("assistant", reply.text or "")
        return _finish(state, reply.text, reply.finish_reason, request=_with_messages(state, said), **heard)
    if state.rounds >= state.config.max_tool_iterations:
        # The calls are not run, so they stay out of the transcript: a call without its output
        # is rejected by the providers if the transcript is sent again.
        if reply.text:
            heard["request"] = _with_messages(state, Message("assistant", reply.text))
        return _finish(state, reply.text, MAX_ITERATIONS_REASON, **heard)
    calls = unique_call_ids(reply.tool_calls)
    said = Message("assistant", reply.text or None, calls)
    planned: list[PlannedCall] = []
    rejected: dict[str, ToolOutcome] = {}
    for call in calls:
        plan = plan_call(call, state.config.hidden)
        if isinstance(plan, PlannedCall):
            planned.append(plan)
        else:
            rejected[call.id] = plan
    state = replace(
        state,
        request=_with_messages(state, said),
        phase="awaiting_tools",
        turn=calls,
        rejected=rejected,
        **heard,
    )
    if planned:
        return state, RunTools(tuple(planned))
    return _on_outcomes(state, {})


def _on_outcomes(state: LoopState, ran: Mapping[str, ToolOutcome]) -> tuple[LoopState, Command]:
    ordered = tuple(ran.get(c.id) or state.rejected[c.id] for c in state.turn)
    outputs = tuple(Message("tool", o.content, tool_call_id=o.call_id, name=o.name) for o in ordered)
    state = replace(
        state,
        request=_with_messages(state, *outputs),
        phase="awaiting_model",
        rounds=state.rounds + 1,
        outcomes=(*state.outcomes, *ordered),
        turn=(),
        rejected={},
    )
    return state, CallModel(state.request)


def interrupted(state: LoopState, reason: str) -> LoopOutcome:
    """What the loop gathered so far, when it is stopped from outside (a deadline, say).

    Calls that were planned but have no outputs yet are left out, so the transcript stays valid.
    """
    transcript = state.transcript
    if state.phase == "awaiting_tools":
        transcript = transcript[:-1]
    return _outcome(state, transcript, None, reason)


def step(state: LoopState, event: Event) -> Result[tuple[LoopState, Command], LoopFailure]:
    """Advance the loop by one event."""
    match (state.phase, event):
        case ("awaiting_model", ModelReplied(reply)):
            return Success(_on_reply(state, reply))
        case ("awaiting_tools", ToolsCompleted(outcomes)):
            ran = {o.call_id: o for o in outcomes}
            expected = {c.id for c in state.turn} - state.rejected.keys()
            if ran.keys() != expected or len(ran) != len(outcomes):
                return Failure(
                    LoopFailure(
                        f"tool outcomes {sorted(ran)} do not match the planned calls {sorted(expected)}"
                    )
                )
            return Success(_on_outcomes(state, ran))
    return Failure(LoopFailure(f"event {type(event).__name__} does not fit phase {state.phase!r}"))
