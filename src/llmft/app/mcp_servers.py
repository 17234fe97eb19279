"""Where an MCP server is: `MCPServerStdio` (a command llmft runs) and `MCPServerHTTP` (a URL)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypedDict
from urllib.parse import urlsplit

from attrs import frozen

from llmft.app.errors import ConfigurationError


def _strings(value: object, field: str) -> Mapping[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigurationError(f"{field} must be a mapping of strings to strings", field)
    return MappingProxyType(dict(value))


@frozen(init=False, repr=False)
class MCPServerStdio:
    """An MCP server llmft starts as a subprocess and speaks to over its stdin and stdout.

    The process gets the SDK's safe environment (PATH, HOME, ...) plus `env`; `cwd` is its working
    directory (default: this process's).
    """

    command: str
    args: tuple[str, ...]
    env: Mapping[str, str] | None
    cwd: str | None

    def __init__(
        self,
        command: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        *,
        cwd: str | Path | None = None,
    ) -> None:
        if not isinstance(command, str) or not command.strip():
            raise ConfigurationError("command must be a non-empty string", "command")
        if isinstance(args, str) or not all(isinstance(a, str) for a in args):
            raise ConfigurationError("args must be a sequence of strings (not one string)", "args")
        if cwd is not None and not isinstance(cwd, str | Path):
            raise ConfigurationError("cwd must be a path", "cwd")
        self.__attrs_init__(command, tuple(args), _strings(env, "env"), None if cwd is None else str(cwd))

    def __repr__(self) -> str:
        # Environment values are often credentials: only their names are shown.
        env = f", env=<{', '.join(self.env)}>" if self.env else ""
        return f"MCPServerStdio({self.command!r}, args={list(self.args)!r}{env})"


@frozen(init=False, repr=False)
class MCPServerHTTP:
    """An MCP server reached over streamable HTTP at `url`; `headers` (e.g. Authorization) go with
    every request and are never shown."""

    url: str
    headers: Mapping[str, str] | None

    def __init__(self, url: str, headers: Mapping[str, str] | None = None) -> None:
        try:
            parts = urlsplit(url)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except (TypeError, ValueError, AttributeError):  # not a string, or a port that is not a number
            valid = False
        if not valid:
            raise ConfigurationError("url must be an http:// or https:// URL", "url")
        self.__attrs_init__(url, _strings(headers, "headers"))

    def __repr__(self) -> str:
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        headers = f", headers=<{', '.join(self.headers)}>" if self.headers else ""
        return f"MCPServerHTTP('{parts.scheme}://{parts.hostname}{port}{parts.path}'{headers})"


MCPServerLocation = MCPServerStdio | MCPServerHTTP


class MCPServerOptions(TypedDict, total=False):
    """The keywords of `add_mcp_server` (on `LLMClient` and `ToolFactory`)."""

    prefix: str | None
    """Names the tools `prefix_name` (1-40 letters, digits, `_`, `-`); default: the server's own names."""
    requires_approval: bool
    """Stop the loop before each call of these tools, for a human decision (default False)."""
    tool_timeout: float
    """Seconds one call may wait for the server (default 60); past it the call is an error output."""
    init_timeout: float
    """Seconds the server has to start and list its tools (default 30)."""
    max_result_chars: int
    """A result's text past this is cut with a marker (default 1,000,000)."""
    mock_functions: Mapping[str, Callable[..., Any]] | None
    """What runs instead of the server in mock mode, by llmft tool name (default: a stub)."""
