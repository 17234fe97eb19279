"""JSON Schema from a function signature and its docstring; which parameters are injected, not shown.

Injected parameters never reach the model's schema: `tool_runtime`, `tool_call_depth`, anything
annotated `Injected[T]`, and (per call) any parameter named like a key of the call's context.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

from attrs import frozen
from pydantic import BaseModel, ConfigDict, Field, create_model
from returns.result import Failure, Result, Success

from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import ToolSpec

T = TypeVar("T")
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
RUNTIME_PARAMETERS = frozenset({"tool_runtime", "tool_call_depth"})


class InjectedMarker:
    """Annotation metadata marking a parameter as filled by the application, never by the model."""

    def __repr__(self) -> str:
        return "Injected"


INJECTED = InjectedMarker()
Injected = Annotated[T, INJECTED]
"""`user_id: Injected[str]` — hidden from the model, filled from `tool_execution_context`."""


@frozen
class ToolSignature:
    """What registration learns from a callable once, so each call does no introspection."""

    description: str
    schema: Mapping[str, Any]
    parameters: tuple[str, ...]
    required: frozenset[str]
    accepts_var_kwargs: bool
    injected: frozenset[str]
    # The visible parameters as a pydantic model (built once here): what arguments are validated and
    # converted with before the tool runs. None when the schema was given explicitly.
    arguments: type[BaseModel] | None = None


def check_tool_name(name: str) -> Result[str, ConfigurationFailure]:
    """Tool names must be 1-64 characters of letters, digits, `_` or `-` (what providers accept)."""
    if TOOL_NAME.fullmatch(name):
        return Success(name)
    return Failure(
        ConfigurationFailure(f"invalid tool name {name!r}: use 1-64 letters, digits, '_' or '-'", "name")
    )


_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Params|Keyword Args):\s*$")
_OTHER_SECTION = re.compile(r"^\s*(Returns?|Raises|Yields|Examples?|Notes?|See Also):\s*$")
_ARG_LINE = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_PARAM_LINE = re.compile(r"^\s*:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """The summary (text before any section) and per-argument descriptions (Google or reST style)."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    args: dict[str, str] = {}
    in_args = False
    seen_section = False
    current: str | None = None
    arg_indent = -1
    for line in lines:
        if _SECTION.match(line):
            in_args, seen_section, current, arg_indent = True, True, None, -1
            continue
        if _OTHER_SECTION.match(line):
            in_args, seen_section, current = False, True, None
            continue
        param = _PARAM_LINE.match(line)
        if param:
            seen_section, current = True, param.group(1)
            args[current] = param.group(2).strip()
            continue
        if in_args and line.strip():
            indent = len(line) - len(line.lstrip())
            match = _ARG_LINE.match(line)
            if match and (arg_indent < 0 or indent <= arg_indent):
                arg_indent = indent
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif current is not None:
                args[current] = f"{args[current]} {line.strip()}".strip()
            continue
        if not seen_section:
            summary.append(line)
        elif current is not None and line.strip() and line.startswith((" ", "\t")):
            args[current] = f"{args[current]} {line.strip()}".strip()
    return "\n".join(summary).strip(), args


def _is_injected(annotation: object) -> bool:
    return get_origin(annotation) is Annotated and any(
        isinstance(meta, InjectedMarker) for meta in get_args(annotation)[1:]
    )


def _drop_titles(node: Any) -> Any:
    """Remove pydantic's generated `title` keywords (noise for the model), keeping property names."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                continue
            if key in ("properties", "$defs") and isinstance(value, dict):
                out[key] = {name: _drop_titles(sub) for name, sub in value.items()}
            else:
                out[key] = _drop_titles(value)
        return out
    if isinstance(node, list):
        return [_drop_titles(item) for item in node]
    return node


def describe_function(
    function: Callable[..., Any], *, description: str | None = None, schema: bool = True
) -> Result[ToolSignature, ConfigurationFailure]:
    """Inspect a tool callable once: its visible schema, parameter names and injected parameters.

    With `schema=False` (parameters given explicitly) no schema is built from the annotations.
    """
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as error:
        return Failure(ConfigurationFailure(f"cannot inspect tool {function!r}: {error}", "function"))
    try:
        hints = get_type_hints(function, include_extras=True)
    except NameError as error:
        if schema:
            return Failure(
                ConfigurationFailure(
                    f"cannot resolve the type hints of tool {function!r}: {error}; define the types at "
                    "module level or pass parameters= explicitly",
                    "parameters",
                )
            )
        # The schema is given; only injected markers matter, and unresolved ones are strings.
        hints = {
            name: Annotated[Any, INJECTED] if "Injected[" in str(p.annotation) else Any
            for name, p in signature.parameters.items()
        }
    summary, arg_docs = parse_docstring(inspect.getdoc(function))
    fields: dict[str, Any] = {}
    names: list[str] = []
    required: set[str] = set()
    injected: set[str] = set()
    var_kwargs = False
    for name, param in signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            var_kwargs = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            return Failure(
                ConfigurationFailure(
                    f"tool {function!r}: positional-only parameter {name!r} cannot take JSON arguments",
                    "function",
                )
            )
        names.append(name)
        annotation = hints.get(name, Any)
        has_default = param.default is not inspect.Parameter.empty
        if name in RUNTIME_PARAMETERS:
            injected.add(name)
            continue
        if not has_default:
            required.add(name)
        if _is_injected(annotation):
            injected.add(name)
            continue
        default = param.default if has_default else ...
        fields[name] = (annotation, Field(default, description=arg_docs.get(name)))
    built: dict[str, Any] = {"type": "object", "properties": {}}
    model: type[BaseModel] | None = None
    if schema:
        try:
            model = create_model("ToolArguments", __config__=ConfigDict(), **fields)
            built = _drop_titles(model.model_json_schema())
        except Exception as error:  # pydantic raises several types for unschemable annotations
            return Failure(
                ConfigurationFailure(
                    f"cannot build a JSON Schema for tool {function!r}: {error}; pass parameters= explicitly",
                    "parameters",
                )
            )
        built.setdefault("properties", {})
    return Success(
        ToolSignature(
            description=description if description is not None else summary,
            schema=built,
            parameters=tuple(names),
            required=frozenset(required),
            accepts_var_kwargs=var_kwargs,
            injected=frozenset(injected),
            arguments=model,
        )
    )


def hide_parameters(schema: Mapping[str, Any], names: Iterable[str]) -> Mapping[str, Any]:
    """The schema without the named properties (and without them in `required`)."""
    hidden = frozenset(names)
    properties = schema.get("properties")
    if not hidden or not isinstance(properties, Mapping) or hidden.isdisjoint(properties):
        return schema
    out = dict(schema)
    out["properties"] = {k: v for k, v in properties.items() if k not in hidden}
    required = schema.get("required")
    if isinstance(required, list):
        out["required"] = [r for r in required if r not in hidden]
        if not out["required"]:
            del out["required"]
    return out


_STRICT_DROPPED = ("default", "title", "examples")


def _strict_node(node: Any, optional_nullable: bool) -> Any:
    """One schema node in strict form, or raises `_NotStrict` if strict mode cannot express it."""
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if k not in _STRICT_DROPPED}
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if key in out:
            out[key] = [_strict_node(sub, False) for sub in out[key]]
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if "items" in out:
        out["items"] = _strict_node(out["items"], False)
    if "$defs" in out:
        out["$defs"] = {name: _strict_node(sub, False) for name, sub in out["$defs"].items()}
    is_object = out.get("type") == "object" or "properties" in out
    if is_object:
        extra = out.get("additionalProperties", False)
        if extra not in (False, None) or ("properties" not in out and out.get("type") == "object"):
            raise _NotStrict
        properties = out.get("properties", {})
        required = set(out.get("required", []))
        out["properties"] = {
            name: _strict_node(sub, False) if name in required else _nullable(_strict_node(sub, False))
            for name, sub in properties.items()
        }
        out["required"] = list(properties)
        out["additionalProperties"] = False
    return out


def _nullable(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if isinstance(kind, str):
        if kind == "null":
            return node
        if "enum" in node:
            return {**node, "type": [kind, "null"], "enum": [*node["enum"], None]}
        return {**node, "type": [kind, "null"]}
    if isinstance(kind, list):
        return node if "null" in kind else {**node, "type": [*kind, "null"]}
    if "anyOf" in node:
        branches = node["anyOf"]
        if any(isinstance(b, dict) and b.get("type") == "null" for b in branches):
            return node
        return {**node, "anyOf": [*branches, {"type": "null"}]}
    return {"anyOf": [node, {"type": "null"}]}


class _NotStrict(Exception):
    """Internal: the schema has a shape strict mode cannot express."""


def to_strict_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema in OpenAI strict form (every property required, optional ones nullable, no extra
    properties), or None when strict mode cannot express it (free-form objects)."""
    try:
        result = _strict_node(dict(schema), False)
    except _NotStrict:
        return None
    return result if isinstance(result, dict) else None


def tool_spec(name: str, description: str, parameters: Mapping[str, Any]) -> ToolSpec:
    """A tool's spec with its strict form worked out, once, here rather than on every model call."""
    return ToolSpec(name, description, parameters, to_strict_schema(parameters))


def copy_json(value: Any) -> Any:
    """A copy of a JSON-like value (mappings and lists copied at every level, scalars shared).

    For handing a schema to code that may edit it in place (litellm's provider transforms do).
    """
    if isinstance(value, Mapping):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [copy_json(v) for v in value]
    return value
