"""OpenAI's strict JSON Schema form (structured outputs and `strict` function tools), made once per schema.

Strict mode needs every property listed in `required` (an optional one becomes nullable instead) and
`additionalProperties: false` on every object; a schema it cannot express (a free-form object) is sent
as it is, with `strict: false`. Only the Responses route sends this form, so it lives with that adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_STRICT_DROPPED = ("default", "title", "examples")
MAX_REMEMBERED = 4096  # distinct schemas whose strict form is kept


class _NotStrict(Exception):
    """The schema has a shape strict mode cannot express."""


def _strict_node(node: Any) -> Any:
    """One schema node in strict form, or raises `_NotStrict` if strict mode cannot express it."""
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if k not in _STRICT_DROPPED}
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if key in out:
            out[key] = [_strict_node(sub) for sub in out[key]]
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if "items" in out:
        out["items"] = _strict_node(out["items"])
    if "$defs" in out:
        out["$defs"] = {name: _strict_node(sub) for name, sub in out["$defs"].items()}
    is_object = out.get("type") == "object" or "properties" in out
    if is_object:
        extra = out.get("additionalProperties", False)
        if extra not in (False, None) or ("properties" not in out and out.get("type") == "object"):
            raise _NotStrict
        properties = out.get("properties", {})
        required = set(out.get("required", []))
        out["properties"] = {
            name: _strict_node(sub) if name in required else _nullable(_strict_node(sub))
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


def to_strict_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema in OpenAI strict form (every property required, optional ones nullable, no extra
    properties), or None when strict mode cannot express it (free-form objects)."""
    try:
        result = _strict_node(dict(schema))
    except _NotStrict:
        return None
    return result if isinstance(result, dict) else None


# By the schema object's id; the schema itself is held too, so an id is never reused while remembered.
_FORMS: dict[int, tuple[Mapping[str, Any], Mapping[str, Any] | None]] = {}


def strict_form(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """`to_strict_schema(schema)`, worked out once per schema object.

    A tool's spec (and so its parameters object) is made once per tool and reused by every call that
    offers it, so its strict form is made on the first request, not on each. Schemas are read, never
    changed, once registered.
    """
    known = _FORMS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    form = to_strict_schema(schema)
    if len(_FORMS) >= MAX_REMEMBERED:
        _FORMS.clear()  # a process with more distinct schemas than this starts again
    _FORMS[id(schema)] = (schema, form)
    return form
