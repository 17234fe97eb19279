"""One model turn's tool calls, before they run: arguments parsed, ids made unique, caps and the
loop guard applied. Each refused call becomes an error outcome the model reads."""

from __future__ import annotations

import json
from typing import Any

from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.domain.messages import PlannedCall, ToolCall, ToolOutcome

DEFAULT_MAX_TOOL_CALLS_PER_TURN = 64
DEFAULT_MAX_TOOL_ARGUMENT_BYTES = 2**20


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


def plan_call(call: ToolCall, tools: frozenset[str]) -> PlannedCall | ToolOutcome:
    """A runnable call, or the error outcome for an unknown tool or unusable arguments."""
    if call.name not in tools:
        known = ", ".join(sorted(tools)) or "none"
        return error_outcome(call, f"unknown tool {call.name!r}; available tools: {known}")
    parsed = parse_arguments(call.arguments)
    if not isinstance(parsed, Success):
        return error_outcome(call, f"tool {call.name!r}: {parsed.failure()}")
    return PlannedCall(call.id, call.name, parsed.unwrap())


def unique_call_ids(calls: tuple[ToolCall, ...]) -> tuple[ToolCall, ...]:
    """Give empty or repeated call ids a fresh one (never one another call of the turn has): each call
    must get exactly one output."""
    taken = {c.id for c in calls if c.id}
    seen: set[str] = set()
    out: list[ToolCall] = []
    for call in calls:
        if not call.id or call.id in seen:
            base, n = call.id or "call", 1
            while f"{base}_{n}" in taken:
                n += 1
            call = evolve(call, id=f"{base}_{n}")
            taken.add(call.id)
        seen.add(call.id)
        out.append(call)
    return tuple(out)


def capped(call: ToolCall, max_bytes: int) -> tuple[ToolCall, ToolOutcome | None]:
    """The call as the transcript keeps it, and its refusal when its arguments are over the byte cap."""
    size = len(call.arguments.encode("utf-8", "surrogatepass"))
    if size <= max_bytes:
        return call, None
    message = (
        f"tool {call.name!r}: the arguments are {size} bytes, over the max_tool_argument_bytes cap of "
        f"{max_bytes}; the call was not run and its arguments were dropped"
    )
    return evolve(call, arguments="{}"), error_outcome(call, message)


def guarded(
    plan: PlannedCall, call: ToolCall, streak: tuple[str, int], threshold: int
) -> tuple[PlannedCall | ToolOutcome, tuple[str, int]]:
    """The loop guard: the same call, with the same arguments, runs at most `threshold` times in a row."""
    key = f"{plan.name}\x00{json.dumps(dict(plan.arguments), sort_keys=True, default=str)}"
    last, count = streak
    if key != last:
        return plan, (key, 1)
    if threshold and count >= threshold:
        message = (
            f"this exact call (tool {plan.name!r} with the same arguments) already ran {count} times in a "
            "row, so it was not run again (repetition_threshold); use its results, change the arguments, "
            "or answer"
        )
        return error_outcome(call, message), streak
    return plan, (key, count + 1)
