"""`ToolTurn`: runs the planned calls of one model turn through a ToolFactory's dispatch, within the
call's tool limits (timeout, concurrency, output size)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

from llmft.app.hooks import NO_HOOKS, AwaitApproval, ToolGate
from llmft.domain.messages import PlannedCall, ToolOutcome
from llmft.domain.output import cut_output
from llmft.domain.ports import Telemetry

if TYPE_CHECKING:
    from llmft.app.dispatch import ToolDispatch


@frozen
class ToolLimits:
    """One call's limits on running its tools (None: no limit)."""

    timeout: float | None = None
    max_concurrent: int | None = None
    max_output_chars: int | None = None


NO_LIMITS = ToolLimits()


class ToolTurn:
    """Runs the planned calls of a turn: one after another, or concurrently when asked (at most
    `max_concurrent` at a time); what a tool returns over `max_output_chars` reaches the model cut."""

    __slots__ = ("_context", "_factory", "_gate", "_limits", "_mock", "_parallel", "_policy", "_telemetry")

    def __init__(
        self,
        factory: ToolDispatch,
        context: Mapping[str, Any],
        mock: bool,
        parallel: bool,
        limits: ToolLimits = NO_LIMITS,
        policy: ToolGate | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self._factory = factory
        self._telemetry = telemetry
        self._policy = policy if policy is not None else ToolGate(NO_HOOKS)  # hooks, approvals
        self._context = context
        self._mock = mock
        self._parallel = parallel
        self._limits = limits
        self._gate = asyncio.Semaphore(limits.max_concurrent) if limits.max_concurrent else None

    def arguments(self, call: PlannedCall) -> Mapping[str, Any]:
        """The call's arguments as the tool will get them from the model."""
        return self._factory.model_arguments(call.name, call.arguments, self._context)

    async def _one(self, call: PlannedCall, done: list[ToolOutcome]) -> ToolOutcome:
        try:
            if self._gate is None:
                r = await self._run(call)
            else:
                async with self._gate:
                    r = await self._run(call)
        except AwaitApproval as waiting:  # not run: a human decides, and the run stops until then
            held = ToolOutcome(call.call_id, call.name, "", metadata={"reason": waiting.reason}, pending=True)
            done.append(held)
            return held
        # The transcript holds what the model read; the payload keeps the tool's full data.
        content = cut_output(r.content, self._limits.max_output_chars)
        outcome = ToolOutcome(call.call_id, call.name, content, r.payload, r.metadata, r.error)
        done.append(outcome)
        return outcome

    async def _run(self, call: PlannedCall) -> Any:
        return await self._factory.run_call(
            call.name,
            call.arguments,
            context=self._context,
            mock=self._mock,
            depth=0,
            timeout=self._limits.timeout,
            gate=self._policy,
            call_id=call.call_id,
            telemetry=self._telemetry,
        )

    async def run(self, calls: tuple[PlannedCall, ...], done: list[ToolOutcome]) -> tuple[ToolOutcome, ...]:
        """Every call's outcome, in call order; each also lands in `done` as soon as it is known."""
        if self._parallel and len(calls) > 1:
            return tuple(await asyncio.gather(*(self._one(c, done) for c in calls)))
        return tuple([await self._one(c, done) for c in calls])
