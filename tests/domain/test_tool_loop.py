"""The reducer, driven by hand: no event loop, no I/O; states and commands asserted directly."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from attrs import frozen
from returns.pipeline import is_successful

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
)
from llmft.domain.tool_calls import parse_arguments
from llmft.domain.tool_loop import (
    CallModel,
    Command,
    Finish,
    LoopConfig,
    LoopOutcome,
    LoopState,
    ModelReplied,
    RunTools,
    ToolsCompleted,
    start,
    step,
    with_tools,
)

USER = Message("user", "hello")
TOOLS = frozenset({"add", "lookup"})


def offering(tools: frozenset[str]) -> ModelRequest:
    return ModelRequest(
        model="m", messages=(USER,), tools=tuple(ToolSpec(n, "", {"type": "object"}) for n in sorted(tools))
    )


REQUEST = offering(TOOLS)


def call(name: str, arguments: str, id: str = "") -> ToolCall:
    return ToolCall(id, name, arguments)


def said(text: str | None = None, *calls: ToolCall, usage: Usage | None = None) -> ModelReply:
    return ModelReply(text, tuple(calls), usage, "tool_calls" if calls else "stop", "m")


def echo_tools(calls: tuple[PlannedCall, ...]) -> tuple[ToolOutcome, ...]:
    return tuple(
        ToolOutcome(
            c.call_id, c.name, f"{c.name}:{json.dumps(dict(c.arguments), sort_keys=True)}", payload=c.name
        )
        for c in calls
    )


@frozen
class Trace:
    commands: tuple[Command, ...]
    outcome: LoopOutcome
    state: LoopState

    @property
    def kinds(self) -> list[str]:
        return [type(c).__name__ for c in self.commands]

    @property
    def runs(self) -> list[tuple[PlannedCall, ...]]:
        return [c.calls for c in self.commands if isinstance(c, RunTools)]

    @property
    def tool_outputs(self) -> list[str]:
        return [m.text for m in self.outcome.new_messages if m.role == "tool"]


def drive(
    replies: Sequence[ModelReply],
    *,
    tools: frozenset[str] = TOOLS,
    config: LoopConfig | None = None,
    limit: int = 10,
    run: Callable[[tuple[PlannedCall, ...]], tuple[ToolOutcome, ...]] = echo_tools,
) -> Trace:
    state, first = start(offering(tools), config or LoopConfig(limit))
    command: Command = first
    commands: list[Command] = [command]
    pending = iter(replies)
    while True:
        match command:
            case CallModel():
                event: ModelReplied | ToolsCompleted = ModelReplied(next(pending))
            case RunTools(calls):
                event = ToolsCompleted(run(calls))
            case Finish(outcome):
                return Trace(tuple(commands), outcome, state)
        result = step(state, event)
        assert is_successful(result), result
        state, command = result.unwrap()
        commands.append(command)


@frozen
class Scenario:
    name: str
    replies: tuple[ModelReply, ...]
    kinds: tuple[str, ...]
    runs: tuple[tuple[tuple[str, dict[str, Any]], ...], ...] = ()
    outputs: tuple[str, ...] = ()
    finish_reason: str = "stop"
    content: str | None = "done"
    limit: int = 10


def loop_forever(n: int) -> tuple[ModelReply, ...]:
    return tuple(said(None, call("add", json.dumps({"a": i}))) for i in range(n))


SCENARIOS = [
    Scenario("plain answer", (said("done"),), ("CallModel", "Finish")),
    Scenario(
        "one tool",
        (said(None, call("add", '{"a": 1, "b": 2}')), said("done")),
        ("CallModel", "RunTools", "CallModel", "Finish"),
        runs=((("add", {"a": 1, "b": 2}),),),
        outputs=('add:{"a": 1, "b": 2}',),
    ),
    Scenario(
        "several tools in one turn, order kept",
        (
            said("let me see", call("add", '{"a": 1}'), call("lookup", '{"q": "x"}'), call("add", "{}")),
            said("done"),
        ),
        ("CallModel", "RunTools", "CallModel", "Finish"),
        runs=((("add", {"a": 1}), ("lookup", {"q": "x"}), ("add", {})),),
        outputs=('add:{"a": 1}', 'lookup:{"q": "x"}', "add:{}"),
    ),
    Scenario(
        "bad JSON is answered as an error and the loop goes on",
        (said(None, call("add", '{"a": ')), said("done")),
        ("CallModel", "CallModel", "Finish"),
        outputs=("Error: tool 'add': arguments are not valid JSON",),
    ),
    Scenario(
        "non-object arguments",
        (said(None, call("add", "[1, 2]")), said("done")),
        ("CallModel", "CallModel", "Finish"),
        outputs=("Error: tool 'add': arguments must be a JSON object, got list",),
    ),
    Scenario(
        "unknown tool",
        (said(None, call("rm_rf", "{}")), said("done")),
        ("CallModel", "CallModel", "Finish"),
        outputs=("Error: unknown tool 'rm_rf'; available tools: add, lookup",),
    ),
    Scenario(
        "good and bad calls in one turn: only the good run, outputs in call order",
        (said(None, call("nope", "{}"), call("add", '{"a": 1}'), call("add", "7")), said("done")),
        ("CallModel", "RunTools", "CallModel", "Finish"),
        runs=((("add", {"a": 1}),),),
        outputs=("Error: unknown tool 'nope'", 'add:{"a": 1}', "Error: tool 'add': arguments must be"),
    ),
    Scenario(
        "empty arguments mean no arguments",
        (said(None, call("add", "")), said("done")),
        ("CallModel", "RunTools", "CallModel", "Finish"),
        runs=((("add", {}),),),
        outputs=("add:{}",),
    ),
    Scenario(
        "iteration limit 3: the model is called 4 times, the 4th turn's calls are not run",
        loop_forever(4),
        ("CallModel", "RunTools") * 3 + ("CallModel", "Finish"),
        runs=tuple(((("add", {"a": i}),)) for i in range(3)),
        outputs=('add:{"a": 0}', 'add:{"a": 1}', 'add:{"a": 2}'),
        finish_reason="max_tool_iterations",
        content=None,
        limit=3,
    ),
    Scenario(
        "iteration limit 0: one model call, nothing run",
        loop_forever(1),
        ("CallModel", "Finish"),
        finish_reason="max_tool_iterations",
        content=None,
        limit=0,
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario) -> None:
    trace = drive(scenario.replies, limit=scenario.limit)
    assert tuple(trace.kinds) == scenario.kinds
    assert [[(p.name, dict(p.arguments)) for p in run] for run in trace.runs] == [
        list(r) for r in scenario.runs
    ]
    assert len(trace.tool_outputs) == len(scenario.outputs)
    for got, expected in zip(trace.tool_outputs, scenario.outputs, strict=True):
        assert got.startswith(expected)
    assert trace.outcome.finish_reason == scenario.finish_reason
    assert trace.outcome.content == scenario.content
    assert trace.state.phase == "finished"
    model_calls = trace.kinds.count("CallModel")
    assert model_calls <= scenario.limit + 1


def test_every_call_gets_exactly_one_output_in_the_transcript() -> None:
    trace = drive(next(s for s in SCENARIOS if s.name.startswith("good and bad")).replies)
    assistant = trace.outcome.new_messages[0]
    outputs = [m for m in trace.outcome.new_messages if m.role == "tool"]
    assert [c.id for c in assistant.tool_calls] == [m.tool_call_id for m in outputs]
    assert [m.name for m in outputs] == ["nope", "add", "add"]
    errors = [o.error for o in trace.outcome.outcomes]
    assert errors[0] is not None
    assert errors[1] is None
    assert errors[2] is not None


def test_transcript_payloads_and_usage_accumulate() -> None:
    u = Usage(10, 2, 12, 4)
    trace = drive(
        (
            said("thinking", call("add", '{"a": 1}', "c1"), usage=u),
            said(None, call("lookup", "{}", "c2"), usage=u),
            said("done", usage=u),
        )
    )
    out = trace.outcome
    assert out.usage == Usage(30, 6, 36, 12)
    assert out.rounds == 2
    assert [m.role for m in out.transcript] == ["user", "assistant", "tool", "assistant", "tool", "assistant"]
    assert out.transcript[0] is USER
    assert out.new_messages == out.transcript[1:]
    assert out.transcript[1].content == "thinking"
    assert out.payloads == [
        {"tool_name": "add", "payload": "add", "metadata": {}},
        {"tool_name": "lookup", "payload": "lookup", "metadata": {}},
    ]
    assert out.model == "m"


def test_one_envelope_per_call_that_ran_without_error() -> None:
    def run(calls: tuple[PlannedCall, ...]) -> tuple[ToolOutcome, ...]:
        return (
            ToolOutcome(calls[0].call_id, "add", "x"),
            ToolOutcome(calls[1].call_id, "add", "y", payload={"k": 1}, metadata={"m": True}),
            ToolOutcome(calls[2].call_id, "add", "Error: no", error="no"),
        )

    turn = said(None, call("add", "{}"), call("add", "{}"), call("add", "{}"), call("nope", "{}"))
    trace = drive((turn, said("done")), run=run)
    assert trace.outcome.payloads == [
        {"tool_name": "add", "payload": None, "metadata": {}},
        {"tool_name": "add", "payload": {"k": 1}, "metadata": {"m": True}},
    ]


def test_limit_keeps_text_of_the_unrun_turn_but_not_its_calls() -> None:
    trace = drive((said("I would call add", call("add", "{}")),), limit=0)
    assert trace.outcome.content == "I would call add"
    assert trace.outcome.new_messages == (Message("assistant", "I would call add"),)


def test_duplicate_and_empty_call_ids_are_made_unique() -> None:
    trace = drive(
        (said(None, call("add", "{}", "x"), call("add", "{}", "x"), call("add", "{}")), said("done"))
    )
    ids = [c.call_id for c in trace.runs[0]]
    assert len(set(ids)) == 3
    assert ids[0] == "x"


def test_reply_without_tool_calls_finishes_with_its_reason() -> None:
    reply = ModelReply("cut", (), None, "length", "m2")
    trace = drive((reply,))
    assert trace.outcome.finish_reason == "length"
    assert trace.outcome.model == "m2"


def test_tools_completed_while_awaiting_the_model_is_a_failure() -> None:
    state, _ = start(REQUEST, LoopConfig())
    result = step(state, ToolsCompleted(()))
    assert not is_successful(result)
    assert isinstance(result.failure(), LoopFailure)


def test_outcomes_that_do_not_match_the_planned_calls_are_a_failure() -> None:
    state, _ = start(REQUEST, LoopConfig())
    state, command = step(state, ModelReplied(said(None, call("add", "{}", "c1")))).unwrap()
    assert isinstance(command, RunTools)
    wrong = step(state, ToolsCompleted((ToolOutcome("other", "add", "x"),)))
    assert not is_successful(wrong)
    twice = step(state, ToolsCompleted((ToolOutcome("c1", "add", "x"), ToolOutcome("c1", "add", "x"))))
    assert not is_successful(twice)


def test_no_event_is_accepted_after_finish() -> None:
    trace = drive((said("done"),))
    assert not is_successful(step(trace.state, ModelReplied(said("again"))))


def test_state_is_never_mutated() -> None:
    state, _ = start(REQUEST, LoopConfig())
    before = copy.deepcopy(state)  # a snapshot, not an alias: any change to `state` would show
    waiting, _ = step(
        state, ModelReplied(said(None, call("add", "{}", "c1"), call("x", "{}", "c2")))
    ).unwrap()
    waiting_before = copy.deepcopy(waiting)
    step(waiting, ToolsCompleted((ToolOutcome("c1", "add", "ok"),))).unwrap()
    assert state == before
    assert state.phase == "awaiting_model"
    assert state.transcript == (USER,)
    assert waiting == waiting_before
    assert waiting.rejected.keys() == {"c2"}


def test_call_ids_are_made_unique_without_colliding_with_later_ones() -> None:
    trace = drive(
        (said(None, call("add", "{}", "a_1"), call("add", "{}", "a"), call("add", "{}", "a")), said("done"))
    )
    ids = [c.call_id for c in trace.runs[0]]
    assert ids[:2] == ["a_1", "a"]
    assert len(set(ids)) == 3
    outputs = [m.tool_call_id for m in trace.outcome.new_messages if m.role == "tool"]
    assert outputs == ids


def test_arguments_over_the_byte_cap_are_refused_and_dropped_from_the_transcript() -> None:
    big = json.dumps({"a": "x" * 200})
    trace = drive(
        (said(None, call("add", big, "c1"), call("add", '{"a": 1}', "c2")), said("done")),
        config=LoopConfig(max_tool_argument_bytes=100),
    )
    assert [c.call_id for c in trace.runs[0]] == ["c2"]
    first = trace.tool_outputs[0]
    assert "max_tool_argument_bytes" in first
    assert "100" in first
    assert trace.outcome.new_messages[0].tool_calls[0].arguments == "{}"
    assert big not in repr(trace.outcome.transcript)


def test_calls_past_the_per_turn_cap_are_answered_not_run() -> None:
    calls = [call("add", json.dumps({"a": i}), f"c{i}") for i in range(5)]
    trace = drive((said(None, *calls), said("done")), config=LoopConfig(max_tool_calls_per_turn=2))
    assert [c.call_id for c in trace.runs[0]] == ["c0", "c1"]
    assert len(trace.tool_outputs) == 5
    assert all("max_tool_calls_per_turn" in out for out in trace.tool_outputs[2:])


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("{}", True),
        ('{"a": [1, {"b": null}]}', True),
        ("", True),
        ("  ", True),
        ("null", False),
        ('"text"', False),
        ("1", False),
        ("{", False),
        ("[" * 100_000, False),
    ],
)
def test_parse_arguments(raw: str, ok: bool) -> None:
    assert is_successful(parse_arguments(raw)) is ok


def test_the_tools_offered_can_change_between_rounds() -> None:
    state, _ = start(offering(frozenset({"add"})), LoopConfig())
    state, command = step(state, ModelReplied(said(None, call("add", "{}", "c1")))).unwrap()
    assert isinstance(command, RunTools)
    assert with_tools(state, ()) is state  # only between rounds, never under a turn in progress
    state, _ = step(state, ToolsCompleted((ToolOutcome("c1", "add", "ok"),))).unwrap()
    state = with_tools(state, (ToolSpec("lookup", "", {"type": "object"}),))
    state, _ = step(
        state, ModelReplied(said(None, call("add", "{}", "c2"), call("lookup", "{}", "c3")))
    ).unwrap()
    assert [c.name for c in state.turn] == ["add", "lookup"]
    assert state.rejected["c2"].content.startswith("Error: unknown tool 'add'")


def test_a_paused_turn_is_sent_back_and_continued_as_one_more_round() -> None:
    paused = ModelReply("Searching", (), None, "pause_turn", "m")
    trace = drive((paused, said("found it")))
    assert trace.kinds == ["CallModel", "CallModel", "Finish"]
    assert trace.outcome.content == "found it"
    assert trace.outcome.finish_reason == "stop"
    assert trace.outcome.rounds == 1
    assert [m.text for m in trace.outcome.new_messages] == ["Searching", "found it"]
    capped = drive((paused,), limit=0)
    assert capped.outcome.finish_reason == "max_tool_iterations"
