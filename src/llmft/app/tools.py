"""`ToolFactory` (registration, definitions, dispatch, usage counters) and `BaseTool`."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from attrs import field, frozen
from pydantic import BaseModel
from returns.result import Result, Success

from llmft.app import bootstrap
from llmft.app.errors import ConfigurationError, raise_failure
from llmft.app.results import ToolExecutionResult
from llmft.app.runtime import DEFAULT_MAX_DEPTH, ToolRuntime
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import ToolSpec
from llmft.domain.ports import FileReader, MathEngine
from llmft.domain.schema import (
    ToolSignature,
    check_tool_name,
    copy_json,
    describe_function,
    hide_parameters,
    tool_spec,
)
from llmft.domain.tool_loop import parse_arguments


class BaseTool:
    """A tool as a class: set `NAME`, `DESCRIPTION`, optionally `PARAMETERS`, and define `execute`."""

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str] = ""
    PARAMETERS: ClassVar[dict[str, Any] | None] = None

    def execute(self, **kwargs: Any) -> Any:
        """Do the work (sync or async)."""
        raise NotImplementedError(f"{type(self).__name__}.execute is not implemented")

    def mock_execute(self, **kwargs: Any) -> Any:
        """What mock mode returns instead of running `execute`."""
        return _mock_stub(self.NAME)


def _mock_stub(name: str) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"[mock] tool {name!r} was called in mock mode; nothing was executed.",
        metadata={"mock": True},
    )


_MAX_SPECS_PER_TOOL = 64  # distinct hidden-parameter sets remembered per tool


@frozen
class RegisteredTool:
    """A tool ready to dispatch: its callable, visible schema and what registration learned of it."""

    name: str
    description: str
    schema: Mapping[str, Any]
    function: Callable[..., Any]
    signature: ToolSignature
    mock: Callable[..., Any] | None

    def hidden(self, context: Mapping[str, Any]) -> frozenset[str]:
        """Argument names the model may not set in a call with this context."""
        if not context:
            return self.signature.injected
        return self.signature.injected | frozenset(p for p in self.signature.parameters if p in context)

    # Specs made so far, by the set of hidden parameters: a tool's schema is worked out once, not per call.
    _specs: dict[frozenset[str], ToolSpec] = field(factory=dict, init=False, eq=False, repr=False)

    def spec(self, context: Mapping[str, Any]) -> ToolSpec:
        """The definition sent to the model for a call with this context."""
        hidden = self.hidden(context)
        made = self._specs.get(hidden)
        if made is None:
            made = tool_spec(self.name, self.description, hide_parameters(self.schema, hidden))
            if len(self._specs) < _MAX_SPECS_PER_TOOL:
                self._specs[hidden] = made
        return made


BUILTINS = ("safe_math_evaluator", "read_local_file")


def _math_tool(engine: MathEngine) -> Callable[[str], Awaitable[ToolExecutionResult]]:
    async def safe_math_evaluator(expression: str) -> ToolExecutionResult:
        """Evaluate an arithmetic expression exactly, e.g. "sqrt(2) * (3 + 4)^2" or "factorial(20) / 3".

        Args:
            expression: Numbers, + - * / // % ** (or ^), parentheses, the constants pi, e and tau, and
                sqrt, cbrt, exp, log (optional base), ln, log10, log2, sin, cos, tan, asin, acos, atan,
                atan2, sinh, cosh, tanh, abs, floor, ceil, round, factorial, binomial, gcd, lcm, min, max.
        """
        result = await engine.evaluate(expression)
        if isinstance(result, Success):
            value = result.unwrap()
            return ToolExecutionResult(content=value, payload={"expression": expression, "result": value})
        return _error(f"cannot evaluate the expression: {result.failure()}")

    return safe_math_evaluator


def _file_tool(reader: FileReader) -> Callable[[str], ToolExecutionResult]:
    def read_local_file(path: str) -> ToolExecutionResult:
        """Read a UTF-8 text file from the application's document folder.

        Args:
            path: The file's path, relative to the document folder.
        """
        result = reader.read_text(path)
        if isinstance(result, Success):
            return ToolExecutionResult(content=result.unwrap(), metadata={"path": path})
        return _error(f"cannot read {path!r}: {result.failure()}")

    return read_local_file


def _error(message: str) -> ToolExecutionResult:
    return ToolExecutionResult(content=f"Error: {message}", error=message)


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
        return _error(f"tool {name!r} returned a value that is not JSON-serialisable ({error})")


def _unwrap(result: Result[Any, ConfigurationFailure]) -> Any:
    if isinstance(result, Success):
        return result.unwrap()
    raise_failure(result.failure())


class ToolFactory:
    """Holds the registered tools; builds their definitions and runs their calls."""

    def __init__(self, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self._tools: dict[str, RegisteredTool] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.max_depth = max_depth

    def __repr__(self) -> str:
        return f"ToolFactory(tools={self.available_tool_names!r})"

    # -- registration -------------------------------------------------------------------------

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        mock_function: Callable[..., Any] | None = None,
    ) -> None:
        """Register a sync or async function; `parameters=None` infers its schema from type hints."""
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
        self._add(
            RegisteredTool(
                name=tool_name,
                description=signature.description,
                schema=parameters if parameters is not None else signature.schema,
                function=function,
                signature=signature,
                mock=mock_function,
            )
        )

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
        )

    def register_builtins(
        self,
        names: Sequence[str] | None = None,
        *,
        file_root: str | Path | None = None,
        allow_hidden: bool = False,
        max_file_bytes: int = 1_048_576,
    ) -> None:
        """Register the built-in tools (`safe_math_evaluator`, `read_local_file`), or only `names`."""
        chosen = list(BUILTINS) if names is None else list(names)
        unknown = sorted(set(chosen) - set(BUILTINS))
        if unknown or isinstance(names, str):
            raise ConfigurationError(
                f"unknown built-in tools {unknown or names!r}; available: {list(BUILTINS)}", "names"
            )
        if "safe_math_evaluator" in chosen:
            self.register_tool(_math_tool(bootstrap.math_engine()), name="safe_math_evaluator")
        if "read_local_file" in chosen:
            reader = bootstrap.file_reader(
                file_root if file_root is not None else os.getcwd(),
                allow_hidden=allow_hidden,
                max_bytes=max_file_bytes,
            )
            self.register_tool(_file_tool(reader), name="read_local_file")

    def _add(self, tool: RegisteredTool) -> None:
        with self._lock:
            if tool.name in self._tools:
                raise ConfigurationError(f"a tool named {tool.name!r} is already registered", "name")
            self._tools[tool.name] = tool

    # -- definitions --------------------------------------------------------------------------

    @property
    def available_tool_names(self) -> list[str]:
        """The registered tool names, in registration order."""
        return list(self._tools)

    def select(self, use_tools: Sequence[str] | None = ()) -> list[RegisteredTool]:
        """`()` = all tools, `None` = none, a list = exactly those (unknown names are an error)."""
        if use_tools is None:
            return []
        if isinstance(use_tools, str):
            raise ConfigurationError("use_tools must be a list of tool names, not a string", "use_tools")
        if not use_tools:
            return list(self._tools.values())
        unknown = [n for n in use_tools if n not in self._tools]
        if unknown:
            known = ", ".join(self._tools) or "none"
            raise ConfigurationError(
                f"use_tools names unregistered tools {unknown}; registered: {known}", "use_tools"
            )
        return [self._tools[n] for n in dict.fromkeys(use_tools)]

    def get_tool_definitions(
        self, use_tools: Sequence[str] | None = (), context: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Chat Completions-style definitions (`{"type": "function", "function": {...}}`)."""
        definitions = []
        for tool in self.select(use_tools):
            spec = tool.spec(context or {})
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
            return _error(f"tool {function_name!r}: {parsed.failure()}")
        return await self.run_call(
            function_name,
            parsed.unwrap(),
            context=tool_execution_context or {},
            mock=use_mock,
            depth=0,
            max_depth=self.max_depth,
        )

    async def run_call(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        context: Mapping[str, Any],
        mock: bool,
        depth: int,
        max_depth: int,
    ) -> ToolExecutionResult:
        """Run one call with parsed arguments (the loop's and the runtime's entry point)."""
        tool = self._tools.get(name)
        if tool is None:
            known = ", ".join(self._tools) or "none"
            return _error(f"unknown tool {name!r}; available tools: {known}")
        kwargs = self._bind(tool, arguments, context, mock, depth, max_depth)
        if isinstance(kwargs, ToolExecutionResult):
            return kwargs
        self._count(name)
        function = tool.function
        if mock:
            function = tool.mock if tool.mock is not None else (lambda **_: _mock_stub(name))
        try:
            if inspect.iscoroutinefunction(function):
                value = await function(**kwargs)
            else:
                # to_thread keeps contextvars (run_in_executor would drop them).
                value = await asyncio.to_thread(function, **kwargs)
                if inspect.isawaitable(value):
                    value = await value
        except Exception as error:
            return _error(f"tool {name!r} failed: {type(error).__name__}: {error}")
        return _wrap(name, value)

    def _bind(
        self,
        tool: RegisteredTool,
        arguments: Mapping[str, Any],
        context: Mapping[str, Any],
        mock: bool,
        depth: int,
        max_depth: int,
    ) -> dict[str, Any] | ToolExecutionResult:
        sig = tool.signature
        hidden = tool.hidden(context)
        # null for a parameter that has a default means "use the default": strict schemas make
        # every property required, so null is the only way a model can leave one out.
        kwargs = {
            k: v
            for k, v in arguments.items()
            if k not in hidden and not (v is None and k in sig.parameters and k not in sig.required)
        }
        if not sig.accepts_var_kwargs:
            unexpected = sorted(k for k in kwargs if k not in sig.parameters)
            if unexpected:
                return _error(f"tool {tool.name!r} does not take the argument(s) {unexpected}")
        for param in sig.parameters:
            if param == "tool_runtime":
                kwargs[param] = ToolRuntime(
                    self, context=context, use_mock=mock, depth=depth, max_depth=max_depth
                )
            elif param == "tool_call_depth":
                kwargs[param] = depth
            elif param in context:
                kwargs[param] = context[param]
        missing = sorted(p for p in sig.required if p not in kwargs)
        if missing:
            injected = [p for p in missing if p in sig.injected]
            if injected:
                return _error(
                    f"tool {tool.name!r} needs {injected} from tool_execution_context, "
                    "which does not have them"
                )
            return _error(f"tool {tool.name!r} is missing required argument(s) {missing}")
        return kwargs
