"""`ToolTurn`: runs the planned calls of one model turn through a ToolFactory."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llmft.domain.messages import PlannedCall, ToolOutcome

if TYPE_CHECKING:
    from llmft.app.tools import ToolFactory


class ToolTurn:
    """Runs the planned calls of a turn (one after another, or concurrently when asked)."""

    __slots__ = ("_context", "_factory", "_mock", "_parallel")

    def __init__(self, factory: ToolFactory, context: Mapping[str, Any], mock: bool, parallel: bool) -> None:
        self._factory = factory
        self._context = context
        self._mock = mock
        self._parallel = parallel

    def arguments(self, call: PlannedCall) -> Mapping[str, Any]:
        """The call's arguments as the tool will get them from the model."""
        return self._factory.model_arguments(call.name, call.arguments, self._context)

    async def _one(self, call: PlannedCall, done: list[ToolOutcome]) -> ToolOutcome:
        r = await self._factory.run_call(
            call.name, call.arguments, context=self._context, mock=self._mock, depth=0
        )
        outcome = ToolOutcome(call.call_id, call.name, r.content, r.payload, r.metadata, r.error)
        done.append(outcome)
        return outcome

    async def run(self, calls: tuple[PlannedCall, ...], done: list[ToolOutcome]) -> tuple[ToolOutcome, ...]:
        """Every call's outcome, in call order; each also lands in `done` as soon as it is known."""
        if self._parallel and len(calls) > 1:
            return tuple(await asyncio.gather(*(self._one(c, done) for c in calls)))
        return tuple([await self._one(c, done) for c in calls])
