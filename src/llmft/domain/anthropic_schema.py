"""A JSON Schema in the subset Anthropic's structured outputs (`output_config.format`) accept.

Every object is closed (`additionalProperties: false`); keywords the API does not take (numeric
bounds, patterns, defaults, most string formats, `minItems` above 1) are not dropped silently but
written into the description, so the model still reads them. The input is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
_KEPT = frozenset({"type", "description", "title", "properties", "required", "items", "additionalProperties",
                   "anyOf", "oneOf", "allOf", "$defs", "$ref", "enum", "const"})  # fmt: skip


def _primitive(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def output_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """`schema` rewritten for Anthropic structured outputs (see the module docs)."""
    out: dict[str, Any] = {}
    rest: dict[str, Any] = {k: v for k, v in schema.items() if k not in _KEPT}
    defs = schema.get("$defs")
    if isinstance(defs, Mapping):
        out["$defs"] = {name: output_schema(sub) for name, sub in defs.items() if isinstance(sub, Mapping)}
    if "$ref" in schema:
        out["$ref"] = schema["$ref"]
        return out
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(_primitive(v) for v in enum):
        out["enum"] = list(enum)
    if "const" in schema and _primitive(schema["const"]):
        out["const"] = schema["const"]
    literal = "enum" in out or "const" in out
    kind = None if literal else schema.get("type")
    for key in ("anyOf", "oneOf", "allOf"):
        variants = schema.get(key)
        if isinstance(variants, list):
            out["allOf" if key == "allOf" else "anyOf"] = [
                output_schema(v) for v in variants if isinstance(v, Mapping)
            ]
            break
    else:
        if kind is not None:
            out["type"] = kind
    for key in ("description", "title"):
        if isinstance(schema.get(key), str):
            out[key] = schema[key]
    if kind == "object":
        properties = schema.get("properties")
        out["properties"] = (
            {name: output_schema(sub) for name, sub in properties.items() if isinstance(sub, Mapping)}
            if isinstance(properties, Mapping)
            else {}
        )
        out["additionalProperties"] = False
        if isinstance(schema.get("required"), list):
            out["required"] = list(schema["required"])
    elif kind == "string" and rest.get("format") in STRING_FORMATS:
        out["format"] = rest.pop("format")
    elif kind == "array":
        if isinstance(schema.get("items"), Mapping):
            out["items"] = output_schema(schema["items"])
        if rest.get("minItems") in (0, 1):
            out["minItems"] = rest.pop("minItems")
    if rest:
        note = "{" + ", ".join(f"{key}: {value}" for key, value in rest.items()) + "}"
        out["description"] = f"{out['description']}\n\n{note}" if "description" in out else note
    return out
