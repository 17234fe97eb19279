"""An MCP server's tools in a ToolFactory: each registered with the server's own schema, its body a call
to the server through a `ToolSource`.

Arguments are checked against the tool's schema (compiled once, with jsonschema) before they are sent;
a result's text over `max_result_chars` is cut with a marker (its structured content, when over the
same cap, is left out of the payload); a server that crashed or let a call time out is that call's
error output and is restarted on the next call.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from returns.result import Success

from llmft.app.builtins import tool_error
from llmft.app.errors import ConfigurationError, MCPServerError, raise_failure
from llmft.app.factories import ToolSourceFactory
from llmft.app.mcp_servers import MCPServerHTTP, MCPServerLocation, MCPServerOptions, MCPServerStdio
from llmft.app.results import ToolExecutionResult
from llmft.domain.ports import ToolSource
from llmft.domain.remote_tools import (
    DEFAULT_MAX_RESULT_CHARS,
    RemoteTool,
    check_prefix,
    local_names,
    render_result,
)

if TYPE_CHECKING:
    from llmft.app.tools import ToolFactory

_GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_ARGUMENT_ERRORS = 5


def _positive(value: object, field: str, whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(f"{field} must be a positive number", field)
    if whole and not isinstance(value, int):
        raise ConfigurationError(f"{field} must be a positive int", field)
    return value


def _validator(source: ToolSource, tool: RemoteTool) -> Any:
    """The tool's compiled argument validator, or MCPServerError when its schema is not JSON Schema."""
    try:
        from jsonschema.exceptions import SchemaError
        from jsonschema.validators import validator_for
    except ImportError:  # pragma: no cover - jsonschema comes with the [mcp] extra
        raise ConfigurationError("MCP tools need jsonschema: pip install 'llmft[mcp]'", "server") from None
    schema = dict(tool.parameters)
    problem = None if schema.get("type") == "object" else "its root is not {'type': 'object', ...}"
    if problem is None:
        try:
            cls = validator_for(schema)
            cls.check_schema(schema)
            return cls(schema)
        except SchemaError as error:
            where = "/".join(str(p) for p in error.absolute_path) or "the root"
            problem = f"{error.message[:200]} (at {where})"
    raise MCPServerError(
        f"{source.label}: the input schema of its tool {tool.name!r} is not valid JSON Schema: {problem}",
        source.label,
    )


def _argument_errors(validator: Any, arguments: Mapping[str, Any]) -> list[str]:
    found = sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))
    return [
        f"{'.'.join(str(p) for p in e.absolute_path) or '(arguments)'}: {e.message[:200]}"
        for e in found[:_MAX_ARGUMENT_ERRORS]
    ]


def _remote_call(
    source: ToolSource, name: str, tool: RemoteTool, validator: Any, tool_timeout: float, max_chars: int
) -> Callable[..., Awaitable[ToolExecutionResult]]:
    required = set(tool.parameters.get("required") or ())

    async def call(**arguments: Any) -> ToolExecutionResult:
        # Strict mode lets a model leave an optional argument out only by sending null: drop it.
        arguments = {k: v for k, v in arguments.items() if v is not None or k in required}
        errors = _argument_errors(validator, arguments)
        if errors:
            return tool_error(f"tool {name!r}: invalid arguments: {'; '.join(errors)}")
        called = await source.call_tool(tool.name, arguments, tool_timeout)
        if not isinstance(called, Success):
            failure = called.failure()
            again = " (it is restarted on the next call)" if failure.kind in ("timeout", "closed") else ""
            return tool_error(f"{source.label} failed to run {tool.name!r}: {failure.message}{again}")
        result = called.unwrap()
        rendered = render_result(result, max_chars)
        metadata: dict[str, Any] = {"mcp_server": source.label, "mcp_tool": tool.name}
        if rendered.cut_chars:
            metadata["cut_chars"] = rendered.cut_chars
        if rendered.payload_dropped:
            metadata["structured_content_dropped"] = True
        reported = rendered.content.removeprefix("Error: ")[:500] or "the tool reported an error"
        error = reported if result.is_error else None
        return ToolExecutionResult(
            content=rendered.content, payload=rendered.payload, metadata=metadata, error=error
        )

    return call


def _group(prefix: str | None, server_name: str | None) -> str:
    name = prefix or _GROUP_UNSAFE.sub("_", server_name or "").strip("._") or "server"
    return f"mcp.{name}"


async def add_server(
    factory: ToolFactory, make_source: ToolSourceFactory, server: MCPServerLocation, options: MCPServerOptions
) -> tuple[ToolSource, list[str]]:
    """Connect, list, check and register the server's tools; the open source and the names registered."""
    if not isinstance(server, MCPServerStdio | MCPServerHTTP):
        raise ConfigurationError(
            f"server must be an MCPServerStdio or MCPServerHTTP, got {type(server).__name__}", "server"
        )
    unknown_options = sorted(set(options) - set(MCPServerOptions.__annotations__))
    if unknown_options:
        raise ConfigurationError(
            f"add_mcp_server got unknown keyword(s) {unknown_options}", unknown_options[0]
        )
    prefix = options.get("prefix")
    checked = check_prefix(prefix)
    if not isinstance(checked, Success):
        raise_failure(checked.failure())
    requires_approval = bool(options.get("requires_approval", False))
    tool_timeout = float(_positive(options.get("tool_timeout", 60.0), "tool_timeout"))
    init_timeout = float(_positive(options.get("init_timeout", 30.0), "init_timeout"))
    max_chars = int(
        _positive(options.get("max_result_chars", DEFAULT_MAX_RESULT_CHARS), "max_result_chars", whole=True)
    )
    mocks = dict(options.get("mock_functions") or {})
    source = make_source(server, init_timeout=init_timeout)
    listed = await source.list_tools()
    if not isinstance(listed, Success):
        await source.aclose()
        raise MCPServerError(f"{source.label} could not be started: {listed.failure().message}", source.label)
    catalog = listed.unwrap()
    try:
        names = local_names(prefix, catalog.tools)
        if not isinstance(names, Success):
            raise MCPServerError(f"{source.label}: {names.failure()}", source.label)
        plan = names.unwrap()
        by_name = {tool.name: tool for tool in catalog.tools}
        validators = {name: _validator(source, by_name[remote]) for name, remote in plan.items()}
        taken = sorted(set(plan) & set(factory.registrations))
        if taken:
            raise ConfigurationError(
                f"{source.label}: tool name(s) {taken} are already registered; "
                "pass another prefix= to add_mcp_server",
                "prefix",
            )
        unknown = sorted(set(mocks) - set(plan))
        if unknown:
            raise ConfigurationError(
                f"mock_functions names {unknown}, which {source.label} does not have; "
                f"its tools: {sorted(plan)}",
                "mock_functions",
            )
    except BaseException:
        await source.aclose()
        raise
    group = _group(prefix, catalog.server_name)
    for name, remote in plan.items():
        tool = by_name[remote]
        factory.register_remote_tool(
            name,
            tool.description or f"The {tool.name} tool of {source.label}.",
            dict(tool.parameters),
            _remote_call(source, name, tool, validators[name], tool_timeout, max_chars),
            mock_function=mocks.get(name),
            category="mcp",
            tags=["mcp"],
            group=group,
            requires_approval=requires_approval,
            tool_timeout=tool_timeout,
        )
    return source, list(plan)
