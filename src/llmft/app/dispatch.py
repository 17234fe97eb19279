"""`ToolDispatch`: how a ToolFactory runs calls (from JSON arguments, from the loop, from nested
calls): bind the arguments, count the call, run the body within its timeout, wrap what it returns."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from returns.result import Success

from llmft.app.base_tool import mock_stub
from llmft.app.builtins import tool_error
from llmft.app.counters import UsageCounts
from llmft.app.errors import UsageLimitExceeded
from llmft.app.execution import ToolTimedOut, run_function, wrap_value
from llmft.app.hooks import AwaitApproval, ToolGate, call_info
from llmft.app.registered import BindError, RegisteredTool, checked_timeout
from llmft.app.results import ToolExecutionResult
from llmft.app.runtime import ToolRuntime
from llmft.app.tool_turn import NO_LIMITS, ToolLimits, ToolTurn
from llmft.domain.ports import Telemetry
from llmft.domain.tool_calls import parse_arguments

LOG = logging.getLogger("llmft")

_Ran = tuple[ToolExecutionResult, str | None]  # what a run returned, and the kind of its failure


class ToolDispatch:
    """The running half of a ToolFactory (which owns `_tools`, `_counts` and `max_depth`)."""

    _tools: dict[str, RegisteredTool]
    _counts: UsageCounts
    max_depth: int

    async def dispatch_tool(
        self,
        function_name: str,
        function_args_str: str,
        tool_execution_context: Mapping[str, Any] | None = None,
        use_mock: bool = False,
        tool_timeout: float | None = None,
    ) -> ToolExecutionResult:
        """Run one call from its JSON arguments; a tool's failure comes back as `error`, never raised.

        Args:
            function_name: The registered tool's name.
            function_args_str: Its arguments as JSON text (an object).
            tool_execution_context: Values injected into the tool, as in `generate`.
            use_mock: Run its mock instead.
            tool_timeout: Seconds the call may run (the tool's own limit applies too: the shorter wins).
        """
        parsed = parse_arguments(function_args_str if isinstance(function_args_str, str) else "")
        if not isinstance(parsed, Success):
            return tool_error(f"tool {function_name!r}: {parsed.failure()}")
        return await self.run_call(
            function_name,
            parsed.unwrap(),
            context=tool_execution_context or {},
            mock=use_mock,
            depth=0,
            timeout=checked_timeout(tool_timeout),
        )

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
        call_id: str = "",
        telemetry: Telemetry | None = None,
    ) -> ToolExecutionResult:
        """Run one call of tool `name` with parsed `arguments` (the loop's and the runtime's entry point)
        in `context`, its mock when `mock`, at nesting `depth`. Never raises for the tool.

        `timeout` is the call's limit (the tool's own, from registration, applies too: the shorter
        wins); `gate` holds the run's hooks and approvals (a top-level call that must wait for a human
        raises `AwaitApproval` to the turn runner); `telemetry` gets a span of the run (hooks
        included), current while the tool runs, so nested calls' spans are its children.
        """
        tool = self._tools.get(name)
        if tool is None:
            known = ", ".join(self._tools) or "none"
            return tool_error(f"unknown tool {name!r}; available tools: {known}")
        info = None
        if gate is not None:
            info = call_info(call_id, name, tool.model_arguments(arguments, context), depth, context)
            decision = await gate.decide(info, tool.options.requires_approval)
            if decision.kind == "deny":
                return tool_error(decision.reason or f"the call of {name!r} was not allowed")
            if decision.kind == "ask":
                if depth == 0:
                    raise AwaitApproval(decision.reason)
                return tool_error(f"the call of {name!r} needs approval, which a nested call cannot wait for")
            if decision.kind == "replace" and decision.arguments is not None:
                arguments = decision.arguments
                info = call_info(call_id, name, tool.model_arguments(arguments, context), depth, context)
            if gate.budget is not None:
                gate.budget.before_tool_call()  # raises UsageLimitExceeded: the call is not run
        if telemetry is None:
            result, _ = await self._execute(tool, arguments, context, mock, depth, timeout, gate, None)
            if gate is not None and gate.chain and info is not None:
                result = await gate.chain.after_tool(info, result)
            return result
        with telemetry.tool_run(name, call_id, arguments, tool.description) as span:
            result, failed = await self._execute(
                tool, arguments, context, mock, depth, timeout, gate, telemetry
            )
            if gate is not None and gate.chain and info is not None:
                result = await gate.chain.after_tool(info, result)
            if failed is None and result.error is not None:
                failed = "tool_error"
            span.finish(result.content, failed)
        return result

    async def _execute(
        self,
        tool: RegisteredTool,
        arguments: Mapping[str, Any],
        context: Mapping[str, Any],
        mock: bool,
        depth: int,
        timeout: float | None,
        gate: ToolGate | None,
        telemetry: Telemetry | None,
    ) -> _Ran:
        name = tool.name
        try:
            kwargs = tool.bind(
                arguments,
                context,
                lambda: ToolRuntime(
                    self,
                    context=context,
                    use_mock=mock,
                    depth=depth,
                    max_depth=self.max_depth,
                    tool_timeout=timeout,
                    gate=gate,
                    telemetry=telemetry,
                ),
                depth,
            )
        except BindError as error:
            return tool_error(str(error)), "invalid_arguments"
        self._counts.add(name)
        function = tool.function
        if mock:
            function = tool.mock if tool.mock is not None else (lambda **_: mock_stub(name))
        # A remote tool's own timeout is kept by its source (which restarts a server that hung).
        own = tool.options.tool_timeout if tool.options.inject else None
        limits = [t for t in (timeout, own) if t is not None]
        try:
            value = await run_function(function, kwargs, min(limits) if limits else None)
        except UsageLimitExceeded:
            raise  # a nested call hit the call's limits: the whole run stops
        except ToolTimedOut as error:
            LOG.warning("tool %r %s", name, error)
            message = f"tool {name!r} {error}; it was stopped (or, if synchronous, left to finish)"
            return tool_error(message), "timeout"
        except Exception as error:
            LOG.warning("tool %r raised %s", name, type(error).__name__, exc_info=error)
            return tool_error(f"tool {name!r} failed: {type(error).__name__}: {error}"), _raised(error)
        return wrap_value(name, value), None

    def model_arguments(
        self, name: str, arguments: Mapping[str, Any], context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A call's arguments as the tool will see them from the model (names it may not set removed)."""
        tool = self._tools.get(name)
        return tool.model_arguments(arguments, context) if tool is not None else dict(arguments)

    def executor(
        self,
        *,
        context: Mapping[str, Any],
        mock: bool,
        parallel: bool,
        limits: ToolLimits = NO_LIMITS,
        policy: ToolGate | None = None,
        telemetry: Telemetry | None = None,
    ) -> ToolTurn:
        """What the driver runs a turn's calls with, for one call's `context`, mode (`mock`, `parallel`:
        a turn's calls at once), `limits`, hooks and approvals (`policy`) and `telemetry`."""
        return ToolTurn(self, context, mock, parallel, limits, policy, telemetry)


def _raised(error: Exception) -> str:
    """The `error.type` of a tool that raised: its exception's class (qualified unless built in)."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
