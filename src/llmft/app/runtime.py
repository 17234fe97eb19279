"""`ToolRuntime`: handed to tools that take a `tool_runtime` parameter, for nested tool calls."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from returns.result import Success

from llmft.app.errors import ToolError
from llmft.app.hooks import ToolGate
from llmft.app.results import ToolExecutionResult
from llmft.domain.ports import Telemetry
from llmft.domain.tool_calls import parse_arguments

DEFAULT_MAX_DEPTH = 8


class ToolRunner(Protocol):
    """The dispatch a runtime calls back into (the ToolFactory)."""

    async def run_call(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        context: Mapping[str, Any],
        mock: bool,
        depth: int,
        timeout: float | None = None,
        gate: ToolGate | None = None,
        telemetry: Telemetry | None = None,
    ) -> ToolExecutionResult:
        """Run one tool call; never raises for the tool's own failure."""
        ...


class ToolRuntime:
    """Nested calls from inside a tool, with the same context and mock mode, one level deeper.

    llmft makes one for each tool call whose function takes a `tool_runtime` parameter (or `**kwargs`).

    Args:
        runner: The dispatch nested calls go through (the ToolFactory).
        context: The calling run's `tool_execution_context`.
        use_mock: The calling run's mock mode (sticky: nested calls are mocked too).
        depth: This call's nesting depth (0 for a call the model made).
        max_depth: The deepest a nested call may go; past it `ToolError`.
        tool_timeout: The calling run's per-call time limit, applied to nested calls.
        gate: The calling run's hooks, approvals and usage limits, applied to nested calls too.
        telemetry: The calling run's telemetry: each nested call's span is a child of the caller's.
    """

    __slots__ = (
        "_context",
        "_gate",
        "_runner",
        "_telemetry",
        "depth",
        "max_depth",
        "tool_timeout",
        "use_mock",
    )

    def __init__(
        self,
        runner: ToolRunner,
        *,
        context: Mapping[str, Any],
        use_mock: bool,
        depth: int,
        max_depth: int = DEFAULT_MAX_DEPTH,
        tool_timeout: float | None = None,
        gate: ToolGate | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self._runner = runner
        self._gate = gate  # the run's hooks: nested calls pass them too
        self._telemetry = telemetry  # and its telemetry
        self.tool_timeout = tool_timeout  # the calling run's limit, passed on to nested calls
        self._context = context
        self.use_mock = use_mock
        self.depth = depth
        self.max_depth = max_depth

    def __repr__(self) -> str:
        return f"ToolRuntime(depth={self.depth}, max_depth={self.max_depth}, use_mock={self.use_mock})"

    async def call_tool(
        self,
        name: str,
        *,
        arguments: Mapping[str, Any] | None = None,
        json_arguments: str | None = None,
        context: Mapping[str, Any] | None = None,
        use_mock: bool | None = None,
    ) -> ToolExecutionResult:
        """Call tool `name` one level deeper; past `max_depth` raise `ToolError`.

        Args:
            name: The registered tool to call.
            arguments: Its arguments as a dict; or
            json_arguments: its arguments as JSON text (bad JSON is an error result, not an exception).
            context: Values to add to (or override in) the calling run's context for this call.
            use_mock: Mock this call (a mocked run stays mocked whatever this says).
        """
        depth = self.depth + 1
        if depth > self.max_depth:
            raise ToolError(
                f"nested call to {name!r} refused: depth {depth} exceeds max_depth {self.max_depth}"
            )
        if arguments is not None and json_arguments is not None:
            raise ToolError("pass either arguments or json_arguments, not both")
        if json_arguments is not None:
            parsed = parse_arguments(json_arguments)
            if not isinstance(parsed, Success):
                message = f"tool {name!r}: {parsed.failure()}"
                return ToolExecutionResult(content=f"Error: {message}", error=message)
            arguments = parsed.unwrap()
        merged = {**self._context, **context} if context else self._context
        return await self._runner.run_call(
            name,
            arguments or {},
            context=merged,
            # Mock mode is sticky: a mocked call never starts real work further down.
            mock=self.use_mock or bool(use_mock),
            depth=depth,
            timeout=self.tool_timeout,
            gate=self._gate,
            telemetry=self._telemetry,
        )

    async def call_tools(
        self, calls: Sequence[Mapping[str, Any]], *, parallel: bool = False, max_concurrent: int | None = None
    ) -> list[ToolExecutionResult]:
        """Several nested calls (`{"name": ..., "arguments": {...}}`), one after another unless
        `parallel=True` (tools sharing a resource from the context must not race by surprise), then at
        most `max_concurrent` at a time; results in the calls' order."""
        for call in calls:
            if not isinstance(call.get("name"), str):
                raise ToolError(f"each call needs a 'name' string, got {json.dumps(call, default=str)[:200]}")
        if max_concurrent is not None and (
            isinstance(max_concurrent, bool) or not isinstance(max_concurrent, int) or max_concurrent < 1
        ):
            raise ToolError("max_concurrent must be an int >= 1")
        gate = asyncio.Semaphore(max_concurrent) if max_concurrent is not None else None

        async def one(call: Mapping[str, Any]) -> ToolExecutionResult:
            if gate is None:
                return await self.call_tool(call["name"], arguments=call.get("arguments") or {})
            async with gate:
                return await self.call_tool(call["name"], arguments=call.get("arguments") or {})

        if parallel:
            return list(await asyncio.gather(*(one(c) for c in calls)))
        return [await one(c) for c in calls]
