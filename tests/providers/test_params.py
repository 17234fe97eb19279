"""What the adapters hand their SDKs: schemas worked out once, and never shared with code that edits them."""

from __future__ import annotations

from typing import Any

from llmft.adapters import litellm_chat, openai_responses
from llmft.domain.messages import Message, ModelRequest, ResponseFormat, ToolSpec
from llmft.domain.schema import copy_json, tool_spec

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"where": {"type": "object", "properties": {"city": {"type": "string"}}}},
    "required": ["where"],
}


def _request(*tools: ToolSpec, fmt: ResponseFormat | None = None) -> ModelRequest:
    return ModelRequest(model="m", messages=(Message("user", "hi"),), tools=tools, response_format=fmt)


def test_litellm_gets_its_own_copy_of_every_schema() -> None:
    # litellm's provider transforms (Gemini, Anthropic output formats) edit schemas in place.
    spec = tool_spec("find", "Find.", SCHEMA)
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


def test_the_openai_route_sends_the_strict_form_the_spec_carries() -> None:
    spec = tool_spec("find", "Find.", SCHEMA)
    assert spec.strict_parameters is not None
    (sent,) = openai_responses.build_params(_request(spec))["tools"]
    assert sent["strict"] is True
    assert sent["parameters"] == dict(spec.strict_parameters)
    free_form = tool_spec("any", "Anything.", {"type": "object", "additionalProperties": True})
    assert free_form.strict_parameters is None
    (sent,) = openai_responses.build_params(_request(free_form))["tools"]
    assert sent["strict"] is False
    assert sent["parameters"] == {"type": "object", "additionalProperties": True}
    # A spec made without `tool_spec` has no strict form, and is sent as it is.
    (sent,) = openai_responses.build_params(_request(ToolSpec("raw", "Raw.", SCHEMA)))["tools"]
    assert (sent["strict"], sent["parameters"]) == (False, SCHEMA)


def test_copy_json_copies_containers_at_every_level() -> None:
    value: dict[str, Any] = {"a": [{"b": 1}, (2, 3)], "c": "s", "d": None}
    copied = copy_json(value)
    assert copied == {"a": [{"b": 1}, [2, 3]], "c": "s", "d": None}
    assert copied["a"] is not value["a"]
    assert copied["a"][0] is not value["a"][0]
