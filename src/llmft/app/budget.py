"""`UsageBudget`: one call's usage so far against its `UsageLimits`, checked before each model request
(every attempt) and each tool call (nested ones too)."""

from __future__ import annotations

from attrs import evolve

from llmft.app.errors import UsageLimitExceeded
from llmft.domain.limits import Spent, UsageLimits, exceeded
from llmft.domain.messages import Usage


class UsageBudget:
    """Counts a run's requests, tool calls and usage; raises `UsageLimitExceeded` before the work a
    limit forbids."""

    __slots__ = ("limits", "spent")

    def __init__(self, limits: UsageLimits, spent: Spent | None = None) -> None:
        self.limits = limits
        self.spent = spent if spent is not None else Spent()

    def _check(self, before: str) -> None:
        hit = exceeded(self.limits, self.spent, before=before)
        if hit is not None:
            name, message = hit
            raise UsageLimitExceeded(f"{message}; what was gathered is in .partial", limit=name)

    def before_request(self) -> None:
        """Count one model request (an attempt), or raise when a limit forbids it."""
        self._check("request")
        self.spent = evolve(self.spent, requests=self.spent.requests + 1)

    def before_tool_call(self) -> None:
        """Count one tool call, or raise when a limit forbids it."""
        self._check("tool call")
        self.spent = evolve(self.spent, tool_calls=self.spent.tool_calls + 1)

    def add(self, usage: Usage | None) -> None:
        """Add a reply's usage."""
        if usage is not None:
            self.spent = evolve(self.spent, usage=self.spent.usage + usage)
