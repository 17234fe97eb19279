"""Pure wire rules: retryable statuses, Retry-After, redaction, key checks, strict schemas."""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmft.adapters.openai_responses.strict import to_strict_schema
from llmft.domain.redaction import api_key_problem, redact
from llmft.domain.retry import is_retryable_status, parse_retry_after
from llmft.domain.schema import describe_function


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (529, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
        (418, False),
        (599, True),
    ],
)
def test_retryable_statuses(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"Retry-After": formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({"Retry-After": "-5"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Incorrect API key provided: sk-proj-abcdefghijklmnop",
        "header Authorization: Bearer abcdefghijklmnopqrstuvwxyz",
        "x-api-key: sk-ant-api03-abcdefghij",
        "key=AIzaSyA1234567890abcdefghijklmnop",
        "api_key='abcdefgh12345678'",
    ],
)
def test_key_shaped_tokens_are_masked(text: str) -> None:
    masked = redact(text)
    assert "***" in masked
    assert "abcdefgh" not in masked
    assert "1234567890" not in masked


@given(
    st.text(min_size=8, max_size=40).filter(lambda s: s.strip() == s and len(s) >= 8), st.text(max_size=30)
)
def test_a_given_secret_never_survives(secret: str, around: str) -> None:
    assert secret not in redact(f"{around}{secret}{around}", [secret])


def test_redact_keeps_ordinary_text() -> None:
    assert redact("rate limited, retry in 7s", ["sk-xyz-1234"]) == "rate limited, retry in 7s"


@pytest.mark.parametrize(
    ("value", "ok"), [("sk-1", True), ("", False), ("  ", False), ("sk\n", False), (3, False)]
)
def test_api_key_problem(value: object, ok: bool) -> None:
    assert (api_key_problem(value) is None) is ok


def tool(a: int, b: str = "x", c: list[int] | None = None, d: dict[str, int] | None = None) -> None:
    """T."""


def test_strict_schema_makes_everything_required_and_optional_nullable() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "default": 1},
            "b": {"type": "string", "enum": ["x", "y"]},
            "c": {"$ref": "#/$defs/C"},
            "d": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "e": {"type": ["string", "integer"]},
            "f": {"type": "array", "items": {"type": "object", "properties": {"g": {"type": "integer"}}}},
        },
        "required": ["a"],
        "$defs": {"C": {"type": "object", "properties": {"h": {"type": "boolean"}}, "required": ["h"]}},
    }
    strict = to_strict_schema(schema)
    assert strict is not None
    props = strict["properties"]
    assert strict["required"] == ["a", "b", "c", "d", "e", "f"]
    assert strict["additionalProperties"] is False
    assert props["a"] == {"type": "integer"}
    assert props["b"] == {"type": ["string", "null"], "enum": ["x", "y", None]}
    assert props["c"] == {"anyOf": [{"$ref": "#/$defs/C"}, {"type": "null"}]}
    assert props["d"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert props["e"] == {"type": ["string", "integer", "null"]}
    assert props["f"]["type"] == ["array", "null"]
    assert props["f"]["items"]["required"] == ["g"]
    assert props["f"]["items"]["properties"]["g"] == {"type": ["integer", "null"]}
    assert strict["$defs"]["C"]["additionalProperties"] is False
    assert schema["required"] == ["a"]  # the input is not modified


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object"},
        {"type": "object", "properties": {"x": {"type": "object", "additionalProperties": True}}},
        {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}},
    ],
)
def test_free_form_objects_are_not_strict(schema: dict[str, Any]) -> None:
    assert to_strict_schema(schema) is None


def test_inferred_schemas_become_strict_unless_free_form() -> None:
    schema = describe_function(tool).unwrap().schema
    assert to_strict_schema(schema) is None  # d is a free-form dict

    def simple(a: int, b: str = "x", c: list[int] | None = None) -> None:
        """S."""

    strict = to_strict_schema(describe_function(simple).unwrap().schema)
    assert strict is not None
    assert strict["required"] == ["a", "b", "c"]
