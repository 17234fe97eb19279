"""Conversion: hypothesis round trips through both wire shapes, mixed input, errors, history merging."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from llmft.domain.conversion import merge_history, normalize_input, to_chat_messages, to_responses_input
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import ImagePart, Message, TextPart, ToolCall

text = st.text(max_size=40)
tool_names = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
arguments = st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), text), max_size=3).map(
    lambda d: json.dumps(d, ensure_ascii=False)
)
parts = st.lists(
    st.one_of(
        text.map(TextPart),
        st.builds(
            ImagePart, text.filter(lambda u: not u.startswith("data:")), st.sampled_from([None, "low"])
        ),
    ),
    min_size=1,
    max_size=3,
).map(tuple)


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[Message, ...]:
    """Realistic transcripts: optional system prompt, then user turns each answered by the assistant,
    possibly through rounds of tool calls, each call followed by exactly one output."""
    out: list[Message] = []
    if draw(st.booleans()):
        out.append(Message(draw(st.sampled_from(["system", "developer"])), draw(text)))
    ids = iter(range(10_000))
    for _ in range(draw(st.integers(1, 3))):
        out.append(Message("user", draw(st.one_of(text, parts))))
        for _ in range(draw(st.integers(0, 2))):
            calls = tuple(
                ToolCall(f"{draw(text)}#{next(ids)}", draw(tool_names), draw(arguments))
                for _ in range(draw(st.integers(1, 3)))
            )
            out.append(Message("assistant", draw(st.one_of(st.none(), text)), calls))
            out.extend(Message("tool", draw(text), tool_call_id=c.id, name=c.name) for c in calls)
        out.append(Message("assistant", draw(text)))
    return tuple(out)


def normalized(items: Any) -> tuple[Message, ...]:
    result = normalize_input(items)
    assert is_successful(result), result
    return result.unwrap()


@given(transcripts())
def test_chat_round_trip_keeps_everything_in_order(messages: tuple[Message, ...]) -> None:
    wire = json.loads(json.dumps(to_chat_messages(messages)))
    assert normalized(wire) == messages


@given(transcripts())
def test_responses_round_trip_keeps_everything_in_order(messages: tuple[Message, ...]) -> None:
    wire = json.loads(json.dumps(to_responses_input(messages)))
    assert normalized(wire) == messages


@given(transcripts())
def test_public_messages_with_tool_names_round_trip(messages: tuple[Message, ...]) -> None:
    assert normalized(to_chat_messages(messages, tool_names=True)) == messages


@given(transcripts(), st.integers(0, 30))
def test_mixing_both_shapes_at_any_turn_boundary(messages: tuple[Message, ...], cut: int) -> None:
    # Cut only where a user message starts, so a tool round is never split across shapes.
    starts = [i for i, m in enumerate(messages) if m.role == "user"]
    at = starts[cut % len(starts)]
    mixed = to_responses_input(messages[:at]) + to_chat_messages(messages[at:])
    assert normalized(mixed) == messages


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=12,
)
item_like = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(["user", "assistant", "tool", "system", "bogus"]),
        "type": st.sampled_from(["message", "function_call", "function_call_output", "reasoning"]),
        "content": json_values,
        "tool_calls": json_values,
        "call_id": json_values,
        "name": json_values,
        "arguments": json_values,
        "output": json_values,
        "tool_call_id": json_values,
    },
)


@given(st.one_of(json_values, st.lists(st.one_of(item_like, json_values), max_size=5)))
def test_normalize_never_raises(value: Any) -> None:
    result = normalize_input(value)
    if not is_successful(result):
        assert isinstance(result.failure(), ConfigurationFailure)
        assert result.failure().field is not None


def test_mixed_chat_and_responses_input() -> None:
    items = [
        {"role": "system", "content": "be brief"},
        {
            "role": "user",
            "content": [{"type": "input_text", "text": "hi"}, {"type": "input_image", "image_url": "u"}],
        },
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "checking"}]},
        {"type": "function_call", "call_id": "c1", "name": "add", "arguments": {"a": 1}},
        {"type": "function_call_output", "call_id": "c1", "output": "2"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "c2", "type": "function", "function": {"name": "mul", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "c2", "content": [{"type": "text", "text": "0"}]},
        {"type": "function_call_output", "call_id": "c3", "output": {"structured": True}},
    ]
    messages = normalized(items)
    assert messages[1].content == (TextPart("hi"), ImagePart("u"))
    assert messages[2] == Message("assistant", (TextPart("checking"),), (ToolCall("c1", "add", '{"a": 1}'),))
    assert messages[3] == Message("tool", "2", tool_call_id="c1", name="add")
    assert messages[5] == Message("tool", "0", tool_call_id="c2", name="mul")
    assert messages[6].text == '{"structured": true}'
    assert messages[6].name is None
    assert to_responses_input(messages)[2] == {
        "role": "assistant",
        "content": [{"type": "output_text", "text": "checking"}],
    }


def test_chat_image_parts_keep_detail() -> None:
    items = [
        {
            "role": "user",
            "content": [
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"},
                }
            ],
        }
    ]
    messages = normalized(items)
    assert messages[0].content == (ImagePart("data:image/png;base64,iVBORw0KGgo=", "low"),)
    assert to_chat_messages(messages) == items
    assert to_responses_input(messages) == [
        {
            "role": "user",
            "content": [
                {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}
            ],
        }
    ]


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ("hello", "input"),
        ([1], "input[0]"),
        ([{"content": "no role"}], "input[0].role"),
        ([{"role": "wizard", "content": "x"}], "input[0].role"),
        ([{"role": "user", "content": 42}], "input[0].content"),
        ([{"role": "user"}], "input[0].content"),
        ([{"role": "user", "content": [{"type": "video"}]}], "input[0].content[0].type"),
        ([{"role": "user", "content": ["bare string part"]}], "input[0].content[0]"),
        ([{"role": "tool", "content": "x"}], "input[0].tool_call_id"),
        ([{"role": "assistant", "tool_calls": [{"id": "c"}]}], "input[0].tool_calls[0]"),
        ([{"role": "assistant", "tool_calls": "x"}], "input[0].tool_calls"),
        ([{"type": "function_call", "call_id": "c", "name": 3}], "input[0].name"),
        ([{"type": "function_call", "call_id": "c", "name": "f", "arguments": 5}], "input[0].arguments"),
        ([{"type": "web_search_call"}], "input[0].type"),
    ],
)
def test_bad_input_names_the_field(items: Any, field: str) -> None:
    result = normalize_input(items)
    assert not is_successful(result)
    assert result.failure().field == field


def test_merge_history_joins_consecutive_same_role_messages() -> None:
    messages = (
        Message("user", "a"),
        Message("user", "b"),
        Message("user", (TextPart("c"),)),
        Message("assistant", "x", (ToolCall("1", "f", "{}"),)),
        Message("assistant", None, (ToolCall("2", "f", "{}"),)),
        Message("tool", "r1", tool_call_id="1"),
        Message("tool", "r2", tool_call_id="2"),
    )
    merged = merge_history(messages)
    assert merged[0] == Message("user", (TextPart("a\n\nb"), TextPart("\n\n"), TextPart("c")))
    assert merged[1] == Message("assistant", "x", (ToolCall("1", "f", "{}"), ToolCall("2", "f", "{}")))
    assert [m.role for m in merged] == ["user", "assistant", "tool", "tool"]
