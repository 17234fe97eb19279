"""A tool's JSON Schema from its signature (descriptions from its docstring), and which parameters are
injected rather than shown.

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

from llmft.domain.docstrings import parse_docstring
from llmft.domain.errors import ConfigurationFailure

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


def copy_json(value: Any) -> Any:
    """A copy of a JSON-like value (mappings and lists copied at every level, scalars shared).

    For handing a schema to code that may edit it in place (litellm's provider transforms do).
    """
    if isinstance(value, Mapping):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [copy_json(v) for v in value]
    return value
