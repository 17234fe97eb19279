"""Resuming a run that paused for approval, from its RunState alone (in this process or another).

Every pending call needs a decision: approved calls run (not asked about again by hooks), denied
ones are answered with the reason, and the same loop goes on — same options, same iteration budget.
Nothing runs when the state does not fit this client: tools no longer registered, a context value a
tool needs missing, a call id that is not pending, a call left undecided.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableSet, Sequence
from typing import Any

from llmft.app.calls import Setup, prepare
from llmft.app.driver import PreparedRun
from llmft.app.errors import ConfigurationError
from llmft.app.options import ClientDefaults, parse_options
from llmft.app.run_state import RunState, call_of, outcome_of, usage_of
from llmft.domain.tool_loop import Command, LoopState, resumed

RESTORED = (
    "model", "temperature", "max_output_tokens", "max_tool_iterations", "mock_tools", "parallel_tools",
    "web_search", "file_search", "reasoning_effort", "timeout", "deadline", "max_retries", "fallback_models",
    "tool_choice", "parallel_tool_calls", "tool_timeout", "max_concurrent_tools", "max_tool_output_chars",
    "repetition_threshold", "max_output_retries",
)  # fmt: skip


def _decisions(
    state: RunState, approve: Sequence[str], deny: Mapping[str, str]
) -> tuple[frozenset[str], dict[str, str]]:
    if isinstance(approve, str) or not isinstance(approve, Sequence):
        raise ConfigurationError("approve must be a list of call ids", "approve")
    if not isinstance(deny, Mapping):
        raise ConfigurationError("deny must be a dict of call id -> reason", "deny")
    pending = {call.id for call in state.pending}
    approved, denied = frozenset(approve), {str(k): str(v) for k, v in deny.items()}
    unknown = sorted((approved | denied.keys()) - pending)
    if unknown:
        raise ConfigurationError(
            f"not pending in this state: {unknown}; pending: {sorted(pending)}", "approve"
        )
    both = sorted(approved & denied.keys())
    if both:
        raise ConfigurationError(f"both approved and denied: {both}", "deny")
    undecided = sorted(pending - approved - denied.keys())
    if undecided:
        raise ConfigurationError(f"every pending call needs a decision; undecided: {undecided}", "approve")
    return approved, denied


def _options(state: RunState, overrides: Mapping[str, Any]) -> dict[str, Any]:
    stored = state.data["options"]
    loop = state.data["loop"]
    kwargs: dict[str, Any] = {key: stored[key] for key in RESTORED if stored.get(key) is not None}
    kwargs.update(stored.get("extra") or {})
    kwargs["use_tools"] = list(loop["tools"])
    if stored.get("response_format") is not None:
        kwargs["response_format"] = stored["response_format"]
    kwargs.update(overrides)
    return kwargs


def prepare_resume(
    setup: Setup,
    defaults: ClientDefaults,
    used: MutableSet[str],
    state: RunState,
    *,
    approve: Sequence[str],
    deny: Mapping[str, str],
    overrides: Mapping[str, Any],
) -> tuple[PreparedRun, tuple[LoopState, Command]]:
    """The run to go on with, and where its loop stands; raises before anything runs."""
    if not isinstance(state, RunState):
        raise ConfigurationError(f"state must be a RunState, got {type(state).__name__}", "state")
    if state.id in used:
        raise ConfigurationError(f"run state {state.id} was already resumed by this client", "state")
    approved, denied = _decisions(state, approve, deny)
    loop = state.data["loop"]
    options = parse_options(defaults, (), _options(state, overrides))
    run = prepare(setup, loop["messages"], options, approved=approved)
    try:
        paused = LoopState(
            request=run.request,
            config=run.config,
            start=int(loop["start"]),
            phase="awaiting_approval",
            rounds=int(loop["rounds"]),
            usage=usage_of(loop.get("usage")),
            outcomes=tuple(outcome_of(o) for o in loop["outcomes"]),
            turn=tuple(call_of(c) for c in loop["turn"]),
            rejected={str(k): outcome_of(o) for k, o in loop["known"].items()},
            model=str(loop.get("model") or run.request.model),
            streak=(str(loop["streak"][0]), int(loop["streak"][1])) if loop.get("streak") else ("", 0),
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ConfigurationError(
            f"the run state is malformed ({type(error).__name__}: {error})", "state"
        ) from None
    used.add(state.id)  # before anything runs: one client resumes a state once
    return run, resumed(paused, approved, denied)
