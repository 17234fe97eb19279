"""`ToolFactory`: registration, definitions, dispatch and usage counters."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrs import evolve
from returns.result import Result, Success
from typing_extensions import Unpack

from llmft.app import bootstrap
from llmft.app.base_tool import BaseTool
from llmft.app.builtins import builtin_tools
from llmft.app.counters import UsageCounts
from llmft.app.dispatch import ToolDispatch
from llmft.app.errors import ConfigurationError, raise_failure
from llmft.app.factory_catalog import FactoryCatalog
from llmft.app.mcp_servers import MCPServerLocation, MCPServerOptions
from llmft.app.option_values import ALL_TOOLS, ToolSelection
from llmft.app.registered import RegisteredTool, ToolOptions, check_parameters, checked_timeout
from llmft.app.runtime import DEFAULT_MAX_DEPTH
from llmft.app.validation import Check, InvalidSchema, model_check, schema_check
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.ports import MathEngine, ToolSource
from llmft.domain.schema import ToolSignature, check_tool_name, copy_json, describe_function, hide_parameters
from llmft.domain.tool_catalog import compact_spec

LOG = logging.getLogger("llmft")


def _owner_mock(function: Callable[..., Any]) -> Callable[..., Any] | None:
    """A bound method's owner's own `mock_execute` (as the first version picked it up), if it has one."""
    owner = getattr(function, "__self__", None)
    mock: Callable[..., Any] | None = getattr(owner, "mock_execute", None)
    if (
        owner is None
        or not callable(mock)
        or getattr(type(owner), "mock_execute", None) is BaseTool.mock_execute
    ):
        return None
    return mock


def _check_for(name: str, signature: ToolSignature, parameters: Mapping[str, Any] | None) -> Check | None:
    """How the tool's arguments are validated: by its typed signature, else by its explicit schema."""
    if parameters is None:
        return model_check(signature.arguments) if signature.arguments is not None else None
    try:
        return schema_check(parameters)
    except InvalidSchema as error:
        raise ConfigurationError(
            f"tool {name!r}: parameters is not a valid JSON Schema: {error}", "parameters"
        ) from None


def _unwrap(result: Result[Any, ConfigurationFailure]) -> Any:
    if isinstance(result, Success):
        return result.unwrap()
    raise_failure(result.failure())


class ToolFactory(FactoryCatalog, ToolDispatch):
    """Holds the registered tools; builds their definitions and runs their calls (and its catalog).

    Args:
        max_depth: How deep tools may nest calls through `ToolRuntime` (8); deeper calls raise `ToolError`.
        parts: What the built-ins and MCP servers are made with (`bootstrap.tool_parts(...)`): fakes
            in tests; the real adapters by default.
    """

    def __init__(
        self, *, max_depth: int = DEFAULT_MAX_DEPTH, parts: bootstrap.ToolParts | None = None
    ) -> None:
        self._tools: dict[str, RegisteredTool] = {}
        self._counts = UsageCounts()
        self._lock = threading.Lock()
        self._parts = parts if parts is not None else bootstrap.tool_parts()
        self._engines: list[MathEngine] = []  # what the built-ins hold open (a worker process)
        self._sources: list[ToolSource] = []  # MCP servers' connections
        self.max_depth = max_depth

    def __repr__(self) -> str:
        return f"ToolFactory(tools={self.available_tool_names!r})"

    async def aclose(self) -> None:
        """Release what the tools hold: the math evaluator's worker process, MCP servers' connections."""
        engines, self._engines = self._engines, []
        for engine in engines:
            await engine.aclose()
        for source in self._sources:  # kept: their tools stay registered, and reconnect when called
            await source.aclose()

    async def add_mcp_server(
        self, server: MCPServerLocation, **options: Unpack[MCPServerOptions]
    ) -> list[str]:
        """Connect to an MCP server and register its tools with their own schemas; returns their names.

        The keywords are documented on `MCPServerOptions`. A server that cannot be started, or lists a
        tool llmft cannot take, raises `MCPServerError` naming it; `aclose()` closes the connection.
        """
        from llmft.app.mcp_tools import add_server

        source, names = await add_server(self, self._parts.tool_source, server, options)
        self._sources.append(source)
        return names

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
        if parameters is not None:
            check_parameters(tool_name, parameters)
        schema: Mapping[str, Any] = parameters if parameters is not None else signature.schema
        if exclude_params:
            signature = evolve(signature, injected=signature.injected | frozenset(exclude_params))
            schema = hide_parameters(schema, exclude_params)
        if not signature.description:
            signature = evolve(signature, description=f"Executes the {tool_name} function.")
        if mock_function is None:
            mock_function = _owner_mock(function)
        options = ToolOptions(
            category=category,
            tags=tuple(tags or ()),
            group=group,
            requires_approval=bool(requires_approval),
            tool_timeout=checked_timeout(tool_timeout),
        )
        check = _check_for(tool_name, signature, parameters)
        tool = RegisteredTool(
            tool_name, signature.description, schema, function, signature, mock_function, options, check
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
        gets the model's arguments only — never a context value or the runtime.

        Args:
            name: The name the model calls it by.
            description: What the model reads.
            parameters: Its JSON Schema (arguments are validated against it before `call`).
            call: The async function that runs a call remotely.
            mock_function, category, tags, group, requires_approval, tool_timeout, replace: As for
                `register_tool`.
        """
        tool_name: str = _unwrap(check_tool_name(name))
        check_parameters(tool_name, parameters)
        signature = ToolSignature(description, parameters, (), frozenset(), True, frozenset())
        options = ToolOptions(
            category, tuple(tags or ()), group, bool(requires_approval), checked_timeout(tool_timeout), False
        )
        check = _check_for(tool_name, signature, parameters)
        tool = RegisteredTool(
            tool_name, description, parameters, call, signature, mock_function, options, check
        )
        self._add(tool, replace=replace)

    def register_tool_class(self, tool_class: type[BaseTool]) -> None:
        """Register `tool_class`, a `BaseTool` subclass (instantiated with no arguments); its class
        attributes (`NAME`, `DESCRIPTION`, `PARAMETERS`, `CATEGORY`, ...) are `register_tool`'s options."""
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

        Args:
            names: Which ones; None for both.
            file_root: The one directory `read_local_file` may read; it has no default (never the
                working directory, which on a server holds code and configuration).
            allow_hidden: Let `read_local_file` read names starting with "." (`.env`, `.git/…`).
            max_file_bytes: The largest file `read_local_file` reads (1 MiB).
            allow_hard_links: Let `read_local_file` read a file with more than one hard link (one can
                bring a file from outside the root inside it).
        """
        built = builtin_tools(
            names,
            self._parts,
            file_root=file_root,
            allow_hidden=allow_hidden,
            max_file_bytes=max_file_bytes,
            allow_hard_links=allow_hard_links,
        )
        for tool in built:
            self.register_tool(tool.function, name=tool.name, category="utility", tags=tool.tags)
            if tool.engine is not None:
                self._engines.append(tool.engine)

    def _add(self, tool: RegisteredTool, *, replace: bool = False) -> None:
        with self._lock:
            if tool.name in self._tools and not replace:
                raise ConfigurationError(
                    f"a tool named {tool.name!r} is already registered (pass replace=True to replace it)",
                    "name",
                )
            self._tools[tool.name] = tool
            self._counts.track(tool.name)  # every registered tool is counted from 0

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
        """The tools `use_tools` names: `ALL_TOOLS` = all, `None` or empty = none, a list = exactly those
        (an unknown name is a ConfigurationError)."""
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
        self,
        filter_tool_names: Sequence[str] | None = None,
        context: Mapping[str, Any] | None = None,
        *,
        use_tools: ToolSelection = ALL_TOOLS,
        compact: bool = False,
    ) -> list[dict[str, Any]]:
        """Chat Completions-style definitions (`{"type": "function", "function": {...}}`).

        `filter_tool_names` (the first version's parameter): those tools, unknown names skipped; None
        means all. Or `use_tools=` with `generate`'s meaning (`ALL_TOOLS`, a list, or None / [] for
        none). `context`: a call's `tool_execution_context`, whose keys are hidden from the schemas as
        in that call. `compact`: no nested descriptions or defaults.
        """
        if filter_tool_names is None:
            selection = use_tools
        else:
            selection = [n for n in filter_tool_names if n in self._tools]
        definitions = []
        for tool in self.select(selection):
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
        """How many times each tool was called since the last reset (every registered tool, from 0)."""
        return self._counts.snapshot()

    def reset_tool_usage_counts(self) -> None:
        """Set every counter back to zero."""
        self._counts.reset()

    def get_and_reset_tool_usage_counts(self) -> dict[str, int]:
        """The counters and a reset, atomically."""
        return self._counts.reset()

    def increment_tool_usage(self, tool_name: str) -> None:
        """Count one call of `tool_name` (a name that is not registered is ignored, with a warning)."""
        if not self._counts.add(tool_name):
            LOG.warning("increment_tool_usage: no tool named %r is registered", tool_name)
