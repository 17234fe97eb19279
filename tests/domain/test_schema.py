"""JSON Schema from signatures and docstrings; injected parameters never shown."""

from __future__ import annotations

import enum
from typing import Any, Literal

import pytest
from pydantic import BaseModel
from returns.pipeline import is_successful

from llmft.domain.docstrings import parse_docstring
from llmft.domain.schema import Injected, check_tool_name, describe_function, hide_parameters


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    street: str
    number: int = 1


def rich(
    city: str,
    days: int = 3,
    unit: Literal["c", "f"] = "c",
    color: Color | None = None,
    address: Address | None = None,
    tags: list[str] | None = None,
    *,
    user_id: Injected[str],
    tool_runtime: Any = None,
    tool_call_depth: int = 0,
    **extra: Any,
) -> str:
    """Forecast the weather.

    Longer text that is still part of the description.

    Args:
        city: The city name.
        days (int): How many days,
            counted from today.
        unit: Temperature unit.

    Returns:
        A forecast.
    """
    return city


def test_schema_from_type_hints_and_docstring() -> None:
    sig = describe_function(rich).unwrap()
    props = sig.schema["properties"]
    assert sig.description == "Forecast the weather.\n\nLonger text that is still part of the description."
    assert list(props) == ["city", "days", "unit", "color", "address", "tags"]
    assert props["city"] == {"type": "string", "description": "The city name."}
    assert props["days"] == {
        "type": "integer",
        "default": 3,
        "description": "How many days, counted from today.",
    }
    assert props["unit"]["enum"] == ["c", "f"]
    assert sig.schema["required"] == ["city"]
    assert "Address" in sig.schema["$defs"]
    assert "Color" in sig.schema["$defs"]
    assert "title" not in props["city"]
    assert "title" not in sig.schema
    assert sig.injected == {"user_id", "tool_runtime", "tool_call_depth"}
    assert sig.required == {"city", "user_id"}
    assert sig.accepts_var_kwargs
    assert sig.parameters == (
        "city",
        "days",
        "unit",
        "color",
        "address",
        "tags",
        "user_id",
        "tool_runtime",
        "tool_call_depth",
    )


def test_a_property_named_title_survives() -> None:
    def f(title: str) -> None:
        """Set a title."""

    assert describe_function(f).unwrap().schema["properties"] == {"title": {"type": "string"}}


def test_explicit_description_and_no_schema_mode() -> None:
    sig = describe_function(rich, description="custom", schema=False).unwrap()
    assert sig.description == "custom"
    assert sig.schema == {"type": "object", "properties": {}}


class Opaque:
    pass


def takes_opaque(x: Opaque) -> None:
    pass


def test_unschemable_annotation_is_a_failure_suggesting_parameters() -> None:
    result = describe_function(takes_opaque)
    assert not is_successful(result)
    assert "parameters=" in result.failure().message


def test_unresolvable_local_types_fail_clearly_unless_parameters_are_given() -> None:
    class Local:
        pass

    def f(x: Local, user_id: Injected[str]) -> None:
        pass

    result = describe_function(f)
    assert not is_successful(result)
    assert "Local" in result.failure().message
    assert "parameters=" in result.failure().message
    sig = describe_function(f, schema=False).unwrap()
    assert sig.injected == {"user_id"}
    assert sig.parameters == ("x", "user_id")


def test_positional_only_parameters_are_refused() -> None:
    def f(x: int, /) -> None:
        pass

    assert not is_successful(describe_function(f))


def test_uninspectable_callable_is_a_failure() -> None:
    assert not is_successful(describe_function(min))  # no signature: "no signature found for builtin"


def test_rest_style_docstring() -> None:
    summary, args = parse_docstring("Do it.\n\n:param x: the x\n:param int y: the y\n   more\n:returns: z")
    assert summary == "Do it."
    assert args == {"x": "the x", "y": "the y more"}


def test_empty_docstring() -> None:
    assert parse_docstring(None) == ("", {})


def test_hide_parameters() -> None:
    schema = {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a", "b"]}
    assert hide_parameters(schema, ["b"]) == {"type": "object", "properties": {"a": {}}, "required": ["a"]}
    assert hide_parameters(schema, ["a", "b"]) == {"type": "object", "properties": {}}
    assert hide_parameters(schema, ["z"]) is schema
    assert hide_parameters(schema, []) is schema
    assert schema["required"] == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("get_weather", True),
        ("a-b_9", True),
        ("x" * 64, True),
        ("", False),
        ("x" * 65, False),
        ("has space", False),
        ("dot.name", False),
    ],
)
def test_tool_names(name: str, ok: bool) -> None:
    assert is_successful(check_tool_name(name)) is ok
