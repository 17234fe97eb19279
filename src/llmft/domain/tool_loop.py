"""The tool loop as a pure reducer (sans-I/O, like h11): the driver performs commands, feeds events.

    start(request, config)  -> (LoopState, CallModel)
    step(state, event)      -> Result[(LoopState, Command), LoopFailure]

The transitions, as the table `TRANSITIONS` below spells them:

    phase           event           handler       next phase       command
    awaiting_model  ModelReplied    _on_reply     finished         Finish     (no tool calls, or the cap)
                                                  awaiting_tools   RunTools   (some calls can run)
                                                  awaiting_model   CallModel  (every call refused, or a
                                                                               paused turn to continue)
    awaiting_tools  ToolsCompleted  _on_outcomes  awaiting_model   CallModel
                                                  awaiting_approval  Finish  (calls await approval;
                                                                      `resumed` goes on from here)
    finished        OutputRejected  _on_output_rejected  awaiting_model  CallModel  (structured output
                                                                                    re-asked)
    finished         (none)

Argument parsing, the per-turn limits, the iteration cap and the bookkeeping (transcript, outcomes,
usage) live here, so every decision is testable without an event loop. Which argument names a model
may not set is the tool factory's decision (it binds the arguments), not the loop's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    ToolSpec,
    Usage,
    add_usage,
)
from llmft.domain.tool_calls import (
    DEFAULT_MAX_TOOL_ARGUMENT_BYTES,
    DEFAULT_MAX_TOOL_CALLS_PER_TURN,
    capped,
    error_outcome,
    guarded,
    plan_call,
    unique_call_ids,
)
from llmft.domain.values import replace

MAX_ITERATIONS_REASON = "max_tool_iterations"
PAUSED_REASON = "pause_turn"
APPROVAL_REASON = (
    "approval_required"  # Anthropic: a long server-tool turn paused; sending it back continues it
)


@frozen
class LoopConfig:
    """The loop's limits. A call may name only a tool offered in the request it answers."""

    max_tool_iterations: int = 10
    max_tool_calls_per_turn: int = DEFAULT_MAX_TOOL_CALLS_PER_TURN
    max_tool_argument_bytes: int = DEFAULT_MAX_TOOL_ARGUMENT_BYTES
    repetition_threshold: int = 3  # identical consecutive calls that may run; 0: no limit


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
    pending: tuple[ToolCall, ...] = ()  # calls awaiting approval (with finish_reason approval_required)

    @property
    def payloads(self) -> list[dict[str, Any]]:
        """One envelope per tool call that ran without error, in call order (as in the first version):
        `payload` None when the tool gave none, `metadata` {} when it gave none."""
        return [
            {"tool_name": o.name, "payload": o.payload, "metadata": dict(o.metadata or {})}
            for o in self.outcomes
            if o.error is None
        ]


@frozen
class CallModel:
    """Call the model with this request."""

    request: ModelRequest


@frozen
class RunTools:
    """Run these calls (arguments parsed) and report every outcome."""

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


@frozen
class OutputRejected:
    """The finished loop's answer did not fit the requested structure: ask again, with why."""

    feedback: str


Event = ModelReplied | ToolsCompleted | OutputRejected
Phase = Literal["awaiting_model", "awaiting_tools", "awaiting_approval", "finished"]


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
    streak: tuple[str, int] = ("", 0)  # the last call that ran (name and arguments), and how many in a row

    @property
    def transcript(self) -> tuple[Message, ...]:
        """The whole transcript so far: the input, then every message the loop added."""
        return self.request.messages


def start(request: ModelRequest, config: LoopConfig) -> tuple[LoopState, CallModel]:
    """Begin a loop: the first command is always a model call."""
    state = LoopState(request=request, config=config, start=len(request.messages), model=request.model)
    return state, CallModel(request)


def offered_tools(request: ModelRequest) -> frozenset[str]:
    """The names of the tools a request offers the model."""
    return frozenset(t.name for t in request.tools)


def with_tools(state: LoopState, tools: tuple[ToolSpec, ...]) -> LoopState:
    """The state with the tools the next model request offers (for tool sets that change each round)."""
    if state.phase != "awaiting_model" or tools == state.request.tools:
        return state
    return replace(state, request=replace(state.request, tools=tools))


def _with_messages(state: LoopState, *messages: Message) -> ModelRequest:
    return replace(state.request, messages=(*state.request.messages, *messages))


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


def _summed(state: LoopState, reply: ModelReply) -> Usage | None:
    """The loop's usage with this reply's, recorded under the model that answered."""
    if reply.usage is None:
        return state.usage
    return add_usage(state.usage, reply.usage.of_model(reply.model or state.model))


def _finish(
    state: LoopState, request: ModelRequest, reply: ModelReply, reason: str
) -> tuple[LoopState, Finish]:
    done = replace(
        state,
        request=request,
        phase="finished",
        usage=_summed(state, reply),
        model=reply.model or state.model,
    )
    return done, Finish(_outcome(done, done.transcript, reply.text, reason))


def _on_pause(state: LoopState, reply: ModelReply) -> tuple[LoopState, Command]:
    """A paused turn goes back as it is, and the model goes on with it (one more round)."""
    paused = Message("assistant", reply.text or None, reasoning=reply.reasoning)
    state = replace(
        state,
        request=_with_messages(state, paused),
        rounds=state.rounds + 1,
        usage=_summed(state, reply),
        model=reply.model or state.model,
    )
    return state, CallModel(state.request)


def _on_output_rejected(state: LoopState, event: OutputRejected) -> tuple[LoopState, Command]:
    """Send the answer's problems back and ask again (not a tool round)."""
    state = replace(
        state, request=_with_messages(state, Message("user", event.feedback)), phase="awaiting_model"
    )
    return state, CallModel(state.request)


def _on_reply(state: LoopState, reply: ModelReply) -> tuple[LoopState, Command]:
    config = state.config
    if reply.finish_reason == PAUSED_REASON and not reply.tool_calls:
        if state.rounds < config.max_tool_iterations:
            return _on_pause(state, reply)
        return _finish(
            state, _with_messages(state, Message("assistant", reply.text or "")), reply, MAX_ITERATIONS_REASON
        )
    if not reply.tool_calls:
        said = Message("assistant", reply.text or "", reasoning=reply.reasoning)
        return _finish(state, _with_messages(state, said), reply, reply.finish_reason)
    if state.rounds >= config.max_tool_iterations:
        # The calls are not run, so they stay out of the transcript: a call without its output
        # is rejected by the providers if the transcript is sent again.
        unrun = Message("assistant", reply.text, reasoning=reply.reasoning)
        request = _with_messages(state, unrun) if reply.text or reply.reasoning else state.request
        return _finish(state, request, reply, MAX_ITERATIONS_REASON)
    planned: list[PlannedCall] = []
    rejected: dict[str, ToolOutcome] = {}
    kept: list[ToolCall] = []
    offered = offered_tools(state.request)
    streak = state.streak
    for index, raw in enumerate(unique_call_ids(reply.tool_calls)):
        call, refusal = capped(raw, config.max_tool_argument_bytes)
        kept.append(call)
        if refusal is None and index >= config.max_tool_calls_per_turn:
            refusal = error_outcome(
                call,
                f"only the first {config.max_tool_calls_per_turn} tool calls of a turn are run "
                "(max_tool_calls_per_turn); this one was not",
            )
        plan = refusal or plan_call(call, offered)
        if isinstance(plan, PlannedCall):
            plan, streak = guarded(plan, call, streak, config.repetition_threshold)
        if isinstance(plan, PlannedCall):
            planned.append(plan)
        else:
            rejected[call.id] = plan
    turn = tuple(kept)
    state = replace(
        state,
        request=_with_messages(
            state, Message("assistant", reply.text or None, turn, reasoning=reply.reasoning)
        ),
        phase="awaiting_tools",
        turn=turn,
        rejected=rejected,
        usage=_summed(state, reply),
        model=reply.model or state.model,
        streak=streak,
    )
    if planned:
        return state, RunTools(tuple(planned))
    return _on_outcomes(state, ToolsCompleted(()))


def _on_held(state: LoopState, event: ToolsCompleted) -> tuple[LoopState, Command]:
    """Some calls await approval: keep what ran, and stop until a decision on the others."""
    known = {**state.rejected, **{o.call_id: o for o in event.outcomes if not o.pending}}
    held = replace(state, phase="awaiting_approval", rejected=known)
    waiting = tuple(c for c in state.turn if c.id not in known)
    done = interrupted(held, APPROVAL_REASON, tuple(known[c.id] for c in state.turn if c.id in known))
    return held, Finish(replace(done, pending=waiting))


def resumed(
    state: LoopState, approved: frozenset[str], denied: Mapping[str, str]
) -> tuple[LoopState, RunTools]:
    """The loop after a human decided on every pending call: denied calls are answered with the reason,
    approved ones run (the caller checks that every pending call has a decision)."""
    known = dict(state.rejected)
    for call in state.turn:
        if call.id in denied:
            known[call.id] = error_outcome(call, denied[call.id] or "not approved")
    runs = []
    for call in state.turn:
        if call.id in approved:
            planned = plan_call(call, frozenset({call.name}))
            assert isinstance(planned, PlannedCall), "a pending call's arguments parsed when it was planned"
            runs.append(planned)
    return replace(state, phase="awaiting_tools", rejected=known), RunTools(tuple(runs))


def pending_calls(state: LoopState) -> tuple[ToolCall, ...]:
    """The calls of a paused turn that await a decision."""
    return (
        tuple(c for c in state.turn if c.id not in state.rejected)
        if state.phase == "awaiting_approval"
        else ()
    )


def _on_outcomes(state: LoopState, event: ToolsCompleted) -> tuple[LoopState, Command]:
    if any(o.pending for o in event.outcomes):
        return _on_held(state, event)
    ran = {o.call_id: o for o in event.outcomes}
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


def _check_outcomes(state: LoopState, event: ToolsCompleted) -> LoopFailure | None:
    ran = {o.call_id for o in event.outcomes}
    expected = {c.id for c in state.turn} - state.rejected.keys()
    if ran != expected or len(ran) != len(event.outcomes):
        return LoopFailure(f"tool outcomes {sorted(ran)} do not match the planned calls {sorted(expected)}")
    return None


Transition = Callable[[LoopState, Any], tuple[LoopState, Command]]
TRANSITIONS: Mapping[tuple[Phase, type[Event]], Transition] = {
    ("awaiting_model", ModelReplied): lambda state, event: _on_reply(state, event.reply),
    ("awaiting_tools", ToolsCompleted): _on_outcomes,
    ("finished", OutputRejected): _on_output_rejected,
}


def step(state: LoopState, event: Event) -> Result[tuple[LoopState, Command], LoopFailure]:
    """Advance the loop by one event."""
    transition = TRANSITIONS.get((state.phase, type(event)))
    if transition is None:
        return Failure(LoopFailure(f"event {type(event).__name__} does not fit phase {state.phase!r}"))
    if isinstance(event, ToolsCompleted):
        mismatch = _check_outcomes(state, event)
        if mismatch is not None:
            return Failure(mismatch)
    return Success(transition(state, event))


def interrupted(state: LoopState, reason: str, completed: tuple[ToolOutcome, ...] = ()) -> LoopOutcome:
    """What the loop gathered so far, when it is stopped from outside (a deadline, an error).

    Calls that were planned but have no outputs yet are left out of the transcript, so it stays
    valid; the outcomes of those that did finish (`completed`) are kept, so no payload is lost.
    """
    transcript = state.transcript
    if state.phase in ("awaiting_tools", "awaiting_approval"):
        transcript = transcript[:-1]
    if completed:
        state = replace(state, outcomes=(*state.outcomes, *completed))
    return _outcome(state, transcript, None, reason)
