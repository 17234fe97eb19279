"""`ToolFactory`: registration, definitions, dispatch and usage counters."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrs import evolve
from pydantic import BaseModel
from returns.result import Result, Success

from llmft.app import bootstrap
from llmft.app.base_tool import BaseTool, mock_stub
from llmft.app.builtins import builtin_names, file_tool, math_tool, tool_error
from llmft.app.errors import ConfigurationError, raise_failure
from llmft.app.factory_catalog import FactoryCatalog
from llmft.app.options import ALL_TOOLS, ToolSelection
from llmft.app.registered import BindError, RegisteredTool, ToolOptions
from llmft.app.results import ToolExecutionResult
from llmft.app.runtime import DEFAULT_MAX_DEPTH, ToolRuntime
from llmft.app.tool_turn import ToolTurn
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.ports import MathEngine
from llmft.domain.schema import ToolSignature, check_tool_name, copy_json, describe_function, hide_parameters
from llmft.domain.tool_catalog import compact_spec
from llmft.domain.tool_loop import parse_arguments


def _wrap(name: str, value: Any) -> ToolExecutionResult:
    if isinstance(value, ToolExecutionResult):
        return value
    if isinstance(value, str):
        return ToolExecutionResult(content=value)
    if isinstance(value, BaseModel):
        return ToolExecutionResult(content=value.model_dump_json())
    try:
        return ToolExecutionResult(content=json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError) as error:
        return tool_error(f"tool {name!r} returned a value that is not JSON-serialisable ({error})")


def _timeout(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError("tool_timeout must be a positive number of seconds", "tool_timeout")
    return float(value)


def _unwrap(result: Result[Any, ConfigurationFailure]) -> Any:
    if isinstance(result, Success):
        return result.unwrap()
    raise_failure(result.failure())


class ToolFactory(FactoryCatalog):
    """Holds the registered tools; builds their definitions and runs their calls (and its catalog)."""

    def __init__(
        self, *, max_depth: int = DEFAULT_MAX_DEPTH, parts: bootstrap.ToolParts | None = None
    ) -> None:
        self._tools: dict[str, RegisteredTool] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._parts = parts if parts is not None else bootstrap.tool_parts()
        self._engines: list[MathEngine] = []  # what the built-ins hold open (a worker process)
        self.max_depth = max_depth

    def __repr__(self) -> str:
        return f"ToolFactory(tools={self.available_tool_names!r})"

    async def aclose(self) -> None:
        """Release what the built-in tools hold (the math evaluator's worker process)."""
        engines, self._engines = self._engines, []
        for engine in engines:
            await engine.aclose()

    # -- registration -------------------------------------------------------------------------

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        mock_function: Callable[..., Any] | None = None,
        *,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        requires_approval: bool = False,
        tool_timeout: float | None = None,
        exclude_params: Sequence[str] | None = None,
        blocking: bool = False,
        replace: bool = False,
    ) -> None:
        """Register a sync or async function as a tool.

        Args:
            function: The tool (sync functions run in a worker thread, never on the event loop).
            name: The name the model calls it by (default: the function's name).
            description: What the model reads (default: the docstring's summary).
            parameters: Its JSON Schema; None infers it from type hints and the docstring.
            mock_function: What runs instead in mock mode (default: the owner's `mock_execute` for a
                bound method, else a stub).
            category, tags, group: Catalog metadata (`group` is dotted, e.g. "crm.contacts").
            requires_approval: Stop the loop before running it, for a human decision.
            tool_timeout: Seconds a call of this tool may run.
            exclude_params: Parameters filled from the context, left out of the schema.
            blocking: Accepted for the first version's code; every sync tool runs off the event loop.
            replace: Replace a tool of the same name (otherwise that is an error).
        """
        if not callable(function):
            raise ConfigurationError(
                f"register_tool needs a callable, got {type(function).__name__}", "function"
            )
        tool_name: str = _unwrap(check_tool_name(name or str(getattr(function, "__name__", ""))))
        signature: ToolSignature = _unwrap(
            describe_function(function, description=description, schema=parameters is None)
        )
        if parameters is not None and not (
            isinstance(parameters, dict) and parameters.get("type") == "object"
        ):
            raise ConfigurationError(
                f"tool {tool_name!r}: parameters must be a JSON Schema object ({{'type': 'object', ...}})",
                "parameters",
            )
        schema: Mapping[str, Any] = parameters if parameters is not None else signature.schema
        if exclude_params:
            signature = evolve(signature, injected=signature.injected | frozenset(exclude_params))
            schema = hide_parameters(schema, exclude_params)
        if not signature.description:
            signature = evolve(signature, description=f"Executes the {tool_name} function.")
        if mock_function is None:
            owner_mock = getattr(getattr(function, "__self__", None), "mock_execute", None)
            if callable(owner_mock) and type(function.__self__).mock_execute is not BaseTool.mock_execute:  # type: ignore[attr-defined]
                mock_function = owner_mock
        options = ToolOptions(
            category=category,
            tags=tuple(tags or ()),
            group=group,
            requires_approval=bool(requires_approval),
            tool_timeout=_timeout(tool_timeout),
        )
        tool = RegisteredTool(
            tool_name, signature.description, schema, function, signature, mock_function, options
        )
        self._add(tool, replace=replace)

    def register_remote_tool(
        self,
        name: str,
        description: str,
        parameters: dict[str, Any],
        call: Callable[..., Awaitable[Any]],
        *,
        mock_function: Callable[..., Any] | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        requires_approval: bool = False,
        tool_timeout: float | None = None,
        replace: bool = False,
    ) -> None:
        """Register a tool whose body runs elsewhere (an MCP server, a service): `await call(**arguments)`
        gets the model's arguments only — never a context value or the runtime."""
        tool_name: str = _unwrap(check_tool_name(name))
        if not (isinstance(parameters, dict) and parameters.get("type") == "object"):
            raise ConfigurationError(
                f"tool {tool_name!r}: parameters must be a JSON Schema object", "parameters"
            )
        signature = ToolSignature(description, parameters, (), frozenset(), True, frozenset())
        options = ToolOptions(
            category, tuple(tags or ()), group, bool(requires_approval), _timeout(tool_timeout), False
        )
        tool = RegisteredTool(tool_name, description, parameters, call, signature, mock_function, options)
        self._add(tool, replace=replace)

    def register_tool_class(self, tool_class: type[BaseTool]) -> None:
        """Register a `BaseTool` subclass (instantiated with no arguments)."""
        if not (isinstance(tool_class, type) and issubclass(tool_class, BaseTool)):
            raise ConfigurationError("register_tool_class needs a BaseTool subclass", "tool_class")
        name = getattr(tool_class, "NAME", None)
        if not isinstance(name, str):
            raise ConfigurationError(f"{tool_class.__name__} must set NAME to a string", "NAME")
        instance = tool_class()
        overrides_mock = type(instance).mock_execute is not BaseTool.mock_execute
        self.register_tool(
            instance.execute,
            name=name,
            description=tool_class.DESCRIPTION,
            parameters=tool_class.PARAMETERS,
            mock_function=instance.mock_execute if overrides_mock else None,
            category=tool_class.CATEGORY,
            tags=tool_class.TAGS,
            group=tool_class.GROUP,
            requires_approval=tool_class.REQUIRES_APPROVAL,
            tool_timeout=tool_class.TOOL_TIMEOUT,
        )

    def register_builtins(
        self,
        names: Sequence[str] | None = None,
        *,
        file_root: str | Path | None = None,
        allow_hidden: bool = False,
        max_file_bytes: int = 1_048_576,
        allow_hard_links: bool = False,
    ) -> None:
        """Register the built-in tools (`safe_math_evaluator`, `read_local_file`), or only `names`.

        `read_local_file` needs `file_root`: the one directory it may read (never the working directory
        by default, which on a server holds code and configuration).
        """
        chosen = builtin_names(names)
        if "read_local_file" in chosen and file_root is None:
            raise ConfigurationError(
                "read_local_file needs file_root=: the directory it may read (there is no default)",
                "file_root",
            )
        if "safe_math_evaluator" in chosen:
            engine = self._parts.math_engine()
            self._engines.append(engine)
            self.register_tool(
                math_tool(engine), name="safe_math_evaluator", category="utility", tags=["math", "calculator"]
            )
        if "read_local_file" in chosen:
            assert file_root is not None
            reader = self._parts.file_reader(
                file_root,
                allow_hidden=allow_hidden,
                max_bytes=max_file_bytes,
                allow_hard_links=allow_hard_links,
            )
            self.register_tool(
                file_tool(reader), name="read_local_file", category="utility", tags=["file", "io", "read"]
            )

    def _add(self, tool: RegisteredTool, *, replace: bool = False) -> None:
        with self._lock:
            if tool.name in self._tools and not replace:
                raise ConfigurationError(
                    f"a tool named {tool.name!r} is already registered (pass replace=True to replace it)",
                    "name",
                )
            self._tools[tool.name] = tool

    @property
    def registrations(self) -> Mapping[str, RegisteredTool]:
        """The registered tools by name (read-only)."""
        return MappingProxyType(self._tools)

    # -- definitions --------------------------------------------------------------------------

    @property
    def available_tool_names(self) -> list[str]:
        """The registered tool names, in registration order."""
        return list(self._tools)

    def select(self, use_tools: ToolSelection = ALL_TOOLS) -> list[RegisteredTool]:
        """`ALL_TOOLS` = all tools, `None` or empty = none, a list = exactly those (unknown names raise)."""
        if use_tools is ALL_TOOLS:
            return list(self._tools.values())
        if use_tools is None:
            return []
        if isinstance(use_tools, str) or not isinstance(use_tools, Sequence):
            raise ConfigurationError("use_tools must be a list of tool names, not a string", "use_tools")
        unknown = [n for n in use_tools if n not in self._tools]
        if unknown:
            known = ", ".join(self._tools) or "none"
            raise ConfigurationError(
                f"use_tools names unregistered tools {unknown}; registered: {known}", "use_tools"
            )
        return [self._tools[n] for n in dict.fromkeys(use_tools)]

    def get_tool_definitions(
        self, use_tools: ToolSelection = ALL_TOOLS, context: Mapping[str, Any] | None = None, *,
        compact: bool = False, filter_tool_names: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """Chat Completions-style definitions; `compact`: no nested descriptions or defaults.
        `filter_tool_names` (the first version's keyword): those tools, unknown names skipped."""
        if filter_tool_names is not None:
            use_tools = [n for n in filter_tool_names if n in self._tools]
        definitions = []
        for tool in self.select(use_tools):
            spec = tool.spec(context or {})
            spec = compact_spec(spec) if compact else spec
            definitions.append(
                {
                    "type": "function",
                    "function": {
                        "name": spec.name,
                        "description": spec.description,
                        "parameters": copy_json(spec.parameters),  # the caller's own copy
                    },
                }
            )
        return definitions

    # -- usage counters -----------------------------------------------------------------------

    def get_tool_usage_counts(self) -> dict[str, int]:
        """How many times each tool was called since the last reset."""
        with self._lock:
            return dict(self._counts)

    def reset_tool_usage_counts(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._counts = {}

    def get_and_reset_tool_usage_counts(self) -> dict[str, int]:
        """The counters and a reset, atomically."""
        with self._lock:
            counts, self._counts = self._counts, {}
            return counts

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + 1

    # -- dispatch -----------------------------------------------------------------------------

    async def dispatch_tool(
        self,
        function_name: str,
        function_args_str: str,
        tool_execution_context: Mapping[str, Any] | None = None,
        use_mock: bool = False,
    ) -> ToolExecutionResult:
        """Run one call from its JSON arguments; a tool's failure comes back as `error`, never raised."""
        parsed = parse_arguments(function_args_str if isinstance(function_args_str, str) else "")
        if not isinstance(parsed, Success):
            return tool_error(f"tool {function_name!r}: {parsed.failure()}")
        return await self.run_call(
            function_name,
            parsed.unwrap(),
            context=tool_execution_context or {},
            mock=use_mock,
            depth=0,
        )

    async def run_call(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        context: Mapping[str, Any],
        mock: bool,
        depth: int,
    ) -> ToolExecutionResult:
        """Run one call with parsed arguments (the loop's and the runtime's entry point)."""
        tool = self._tools.get(name)
        if tool is None:
            known = ", ".join(self._tools) or "none"
            return tool_error(f"unknown tool {name!r}; available tools: {known}")
        try:
            kwargs = tool.bind(
                arguments,
                context,
                lambda: ToolRuntime(
                    self, context=context, use_mock=mock, depth=depth, max_depth=self.max_depth
                ),
                depth,
            )
        except BindError as error:
            return tool_error(str(error))
        self._count(name)
        function = tool.function
        if mock:
            function = tool.mock if tool.mock is not None else (lambda **_: mock_stub(name))
        try:
            if inspect.iscoroutinefunction(function):
                value = await function(**kwargs)
            else:
                # to_thread keeps contextvars (run_in_executor would drop them).
                value = await asyncio.to_thread(function, **kwargs)
                if inspect.isawaitable(value):
                    value = await value
        except Exception as error:
            return tool_error(f"tool {name!r} failed: {type(error).__name__}: {error}")
        return _wrap(name, value)

    def model_arguments(
        self, name: str, arguments: Mapping[str, Any], context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A call's arguments as the tool will see them from the model (names it may not set removed)."""
        tool = self._tools.get(name)
        return tool.model_arguments(arguments, context) if tool is not None else dict(arguments)

    def executor(self, *, context: Mapping[str, Any], mock: bool, parallel: bool) -> ToolTurn:
        """What the driver runs a turn's calls with, for one call's context and mode."""
        return ToolTurn(self, context, mock, parallel)
