"""Tool arguments are validated and converted before the tool runs; bad ones never reach its body."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

import pytest
from pydantic import BaseModel

from llmft import ConfigurationError, Injected, LLMClient, ToolFactory
from llmft.testing import ScriptedModel, reply, tool_call

USER = [{"role": "user", "content": "ship it"}]


class Address(BaseModel):
    street: str
    zip: str


class Speed(enum.Enum):
    STANDARD = "standard"
    EXPRESS = "express"


@dataclasses.dataclass
class Box:
    width_cm: int
    height_cm: int


received: list[dict[str, Any]] = []


def ship(
    address: Address,
    weight_kg: float,
    speed: Speed,
    boxes: list[Box],
    on: dt.date,
    tenant: Injected[str],
    note: str = "",
) -> str:
    """Ship a parcel."""
    received.append(
        {"address": address, "weight_kg": weight_kg, "speed": speed, "boxes": boxes, "on": on, "note": note}
    )
    return "shipped"


GOOD = {
    "address": {"street": "1 Main St", "zip": "12345"},
    "weight_kg": "2.5",
    "speed": "express",
    "boxes": [{"width_cm": 10, "height_cm": "20"}],
    "on": "2026-12-01",
}


async def test_the_tool_receives_typed_values() -> None:
    received.clear()
    factory = ToolFactory()
    factory.register_tool(ship)
    import json

    result = await factory.dispatch_tool("ship", json.dumps(GOOD), {"tenant": "acme"})
    assert result.content == "shipped"
    (got,) = received
    assert got["address"] == Address(street="1 Main St", zip="12345")
    assert got["weight_kg"] == 2.5
    assert got["speed"] is Speed.EXPRESS
    assert got["boxes"] == [Box(10, 20)]
    assert got["on"] == dt.date(2026, 12, 1)
    assert got["note"] == ""  # left out by the model: the function's own default


async def test_invalid_arguments_never_reach_the_tool_and_the_model_reads_each_bad_field() -> None:
    received.clear()
    bad = {**GOOD, "weight_kg": "heavy", "speed": "teleport", "address": {"street": "x"}}
    client = LLMClient(model=ScriptedModel([tool_call("ship", bad), tool_call("ship", GOOD), reply("done")]))
    client.register_tool(ship)
    result = await client.generate(USER, tool_execution_context={"tenant": "acme"})
    first, second = (m["content"] for m in result.tool_messages)
    assert first.startswith("Error: tool 'ship' got invalid arguments:")
    for field in ("weight_kg", "speed", "address.zip"):
        assert field in first
    assert "'heavy'" in first
    assert second == "shipped"
    assert len(received) == 1  # only the valid call ran
    assert result.content == "done"


async def test_an_explicit_schema_is_checked_with_a_json_schema_validator() -> None:
    seen: list[dict[str, Any]] = []

    def lookup(**kwargs: Any) -> str:
        seen.append(kwargs)
        return "ok"

    schema = {
        "type": "object",
        "properties": {"q": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}},
        "required": ["q"],
        "additionalProperties": False,
    }
    factory = ToolFactory()
    factory.register_tool(lookup, parameters=schema)
    bad = await factory.dispatch_tool("lookup", '{"limit": 0, "extra": true}')
    assert bad.error is not None
    assert "'q' is a required property" in bad.content
    assert "limit: 0 is less than the minimum of 1" in bad.content
    assert "extra" in bad.content
    assert seen == []
    assert (await factory.dispatch_tool("lookup", '{"q": "x", "limit": 2}')).content == "ok"


def test_a_schema_that_is_not_json_schema_is_refused_at_registration() -> None:
    with pytest.raises(ConfigurationError, match="not a valid JSON Schema"):
        ToolFactory().register_tool(
            lambda **k: "x", name="broken", parameters={"type": "object", "properties": 5}
        )
    with pytest.raises(ConfigurationError, match="not a valid JSON Schema"):
        ToolFactory().register_tool(
            lambda **k: "x", name="typo", parameters={"type": "object", "required": "q"}
        )
    with pytest.raises(ConfigurationError, match="not a valid JSON Schema"):  # checked by its own draft
        ToolFactory().register_tool(
            lambda **k: "x",
            name="drafted",
            parameters={
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "prefixItems": 3,
            },
        )


async def test_a_schema_naming_no_draft_is_checked_and_applied_as_draft_7() -> None:
    factory = ToolFactory()
    tuple_form = {"type": "array", "items": [{"type": "string"}]}  # Draft 7's positional items
    factory.register_tool(
        lambda **k: "ok", name="pair", parameters={"type": "object", "properties": {"a": tuple_form}}
    )
    assert (await factory.dispatch_tool("pair", '{"a": ["x", 1]}')).content == "ok"
    bad = await factory.dispatch_tool("pair", '{"a": [1]}')
    assert bad.error is not None
    assert "a.0: 1 is not of type 'string'" in bad.content
