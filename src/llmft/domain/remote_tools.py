"""Tools served elsewhere (an MCP server): what a listing and a call return, the names llmft gives them,
and how a result becomes the text the model reads. Pure: the adapter does the talking."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ConfigurationFailure
from llmft.domain.schema import TOOL_NAME

DEFAULT_MAX_RESULT_CHARS = 1_000_000
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")
_PREFIX = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@frozen
class RemoteTool:
    """One tool as the server lists it: its own name, description and JSON Schema."""

    name: str
    description: str
    parameters: Mapping[str, Any]


@frozen
class RemoteCatalog:
    """A server's tools, and the name it gave itself in the handshake (None when it gave none)."""

    server_name: str | None
    tools: tuple[RemoteTool, ...]


@frozen
class RemoteResult:
    """A call's result: its content as text pieces (images and files as short placeholders), the
    structured content when the server sent some, and whether the server marked it an error."""

    parts: tuple[str, ...]
    structured: Any = None
    is_error: bool = False


@frozen
class SourceFailure:
    """Why a server could not be used: it could not be started, the call timed out, the connection
    closed under the call, or the server answered with a protocol error."""

    message: str
    kind: Literal["start", "timeout", "closed", "protocol"] = "protocol"


@frozen
class RenderedResult:
    """What the model reads of a result, and what was left out of it."""

    content: str
    payload: Any
    cut_chars: int = 0
    payload_dropped: bool = False


def check_prefix(prefix: str | None) -> Result[str | None, ConfigurationFailure]:
    """A prefix is 1-40 letters, digits, `_` or `-` (names stay within the 64 characters providers take)."""
    if prefix is None or (isinstance(prefix, str) and _PREFIX.fullmatch(prefix)):
        return Success(prefix)
    return Failure(ConfigurationFailure(f"invalid prefix {prefix!r}: use 1-40 letters, digits, '_' or '-'"))


def local_name(prefix: str | None, name: str) -> str:
    """The name llmft registers a server's tool under: `prefix_name`, every character a provider would
    refuse replaced by `_`, cut to 64 characters with a hash of the original when longer."""
    full = f"{prefix}_{name}" if prefix else name
    cleaned = _NOT_IN_NAME.sub("_", full)
    if cleaned and TOOL_NAME.fullmatch(cleaned):
        return cleaned
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{cleaned[:55]}_{digest}" if cleaned else f"tool_{digest}"


def local_names(prefix: str | None, tools: tuple[RemoteTool, ...]) -> Result[dict[str, str], str]:
    """llmft name -> server name for every tool, or why two tools would get the same llmft name."""
    names: dict[str, str] = {}
    for tool in tools:
        name = local_name(prefix, tool.name)
        if name in names:
            return Failure(f"its tools {names[name]!r} and {tool.name!r} would both be named {name!r}")
        names[name] = tool.name
    return Success(names)


def render_result(result: RemoteResult, max_chars: int) -> RenderedResult:
    """The model's text (the parts joined, or the structured content as JSON when there are none), cut at
    `max_chars` with a marker; the structured content is the payload unless its JSON is over the cap."""
    structured_json = None
    if result.structured is not None:
        structured_json = json.dumps(result.structured, ensure_ascii=False, default=str)
    text = "\n".join(result.parts) if result.parts else (structured_json or "")
    cut = max(0, len(text) - max_chars)
    if cut:
        text = (
            f"{text[:max_chars]}\n[... {cut} more characters cut: the result is over {max_chars} characters]"
        )
    dropped = structured_json is not None and len(structured_json) > max_chars
    return RenderedResult(text, None if dropped else result.structured, cut, dropped)
