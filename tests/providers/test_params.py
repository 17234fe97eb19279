"""What the adapters hand their SDKs: schemas worked out once, and never shared with code that edits them."""

from __future__ import annotations

from typing import Any

from llmft.adapters import litellm_chat, openai_responses
from llmft.adapters.openai_responses.strict import strict_form, to_strict_schema
from llmft.domain.messages import Message, ModelRequest, ResponseFormat, ToolSpec
from llmft.domain.schema import copy_json

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"where": {"type": "object", "properties": {"city": {"type": "string"}}}},
    "required": ["where"],
}


def _request(*tools: ToolSpec, fmt: ResponseFormat | None = None) -> ModelRequest:
    return ModelRequest(model="m", messages=(Message("user", "hi"),), tools=tools, response_format=fmt)


def test_litellm_gets_its_own_copy_of_every_schema() -> None:
    # litellm's provider transforms (Gemini, Anthropic output formats) edit schemas in place.
    spec = ToolSpec("find", "Find.", SCHEMA)
    fmt = ResponseFormat("json_schema", "Out", SCHEMA)
    params = litellm_chat.build_params(_request(spec, fmt=fmt))
    sent_tool = params["tools"][0]["function"]["parameters"]
    sent_format = params["response_format"]["json_schema"]["schema"]
    for sent in (sent_tool, sent_format):
        assert sent == SCHEMA
        assert sent["properties"]["where"] is not SCHEMA["properties"]["where"]
        sent["properties"]["where"]["properties"].clear()
        sent["required"].append("x")
    assert SCHEMA["properties"]["where"]["properties"] == {"city": {"type": "string"}}
    assert SCHEMA["required"] == ["where"]


def test_the_openai_route_sends_the_strict_form_worked_out_once_per_schema() -> None:
    spec = ToolSpec("find", "Find.", SCHEMA)
    strict = strict_form(SCHEMA)
    assert strict is not None
    assert strict == to_strict_schema(SCHEMA)
    (sent,) = openai_responses.build_params(_request(spec))["tools"]
    assert sent["strict"] is True
    assert sent["parameters"] == dict(strict)
    (again,) = openai_responses.build_params(_request(spec))["tools"]
    assert again == sent
    assert strict_form(spec.parameters) is strict  # the same schema object: made once, not per request
    free_form = ToolSpec("any", "Anything.", {"type": "object", "additionalProperties": True})
    assert strict_form(free_form.parameters) is None
    (sent,) = openai_responses.build_params(_request(free_form))["tools"]
    assert sent["strict"] is False
    assert sent["parameters"] == {"type": "object", "additionalProperties": True}


def test_a_strict_form_is_never_taken_for_another_schema_of_the_same_id() -> None:
    first: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
    made = strict_form(first)
    assert made is not None
    assert list(made["properties"]) == ["a"]
    equal_but_new = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert strict_form(equal_but_new) == made
    assert strict_form(equal_but_new) is not made  # a schema object of its own gets a form of its own


def test_copy_json_copies_containers_at_every_level() -> None:
    value: dict[str, Any] = {"a": [{"b": 1}, (2, 3)], "c": "s", "d": None}
    copied = copy_json(value)
    assert copied == {"a": [{"b": 1}, [2, 3]], "c": "s", "d": None}
    assert copied["a"] is not value["a"]
    assert copied["a"][0] is not value["a"][0]
