"""Canonical request → Anthropic Messages parameters: transcript, tools, thinking, output, caching."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from returns.pipeline import is_successful

from llmft.domain.anthropic_schema import output_schema
from llmft.domain.anthropic_wire import (
    JSON_TOOL,
    adaptive_thinking,
    default_max_tokens,
    model_version,
    to_anthropic_messages,
    to_anthropic_params,
    uses_json_tool,
)
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import (
    FileSearch,
    ImagePart,
    Message,
    ModelRequest,
    ReasoningPart,
    ResponseFormat,
    TextPart,
    ToolCall,
    ToolSpec,
    WebSearch,
)

from .test_conversion import transcripts

USER = Message("user", "hi")
THOUGHT = ReasoningPart(
    "anthropic", "thinking", {"type": "thinking", "thinking": "hmm", "signature": "sig=="}, "hmm"
)
REDACTED = ReasoningPart("anthropic", "redacted_thinking", {"type": "redacted_thinking", "data": "Enc=="})
FOREIGN = ReasoningPart("openai", "reasoning", {"type": "reasoning", "id": "rs_1"})
TOOL = ToolSpec("weather", "Weather", {"type": "object", "properties": {"city": {"type": "string"}}})


def params(**fields: Any) -> dict[str, Any]:
    fields.setdefault("messages", (USER,))
    built = to_anthropic_params(ModelRequest(model="anthropic/claude-sonnet-4-5", **fields))
    assert is_successful(built), built
    return built.unwrap()


def failure(**fields: Any) -> ConfigurationFailure:
    fields.setdefault("messages", (USER,))
    built = to_anthropic_params(ModelRequest(model="anthropic/claude-sonnet-4-5", **fields))
    assert not is_successful(built)
    problem = built.failure()
    assert isinstance(problem, ConfigurationFailure)
    return problem


def converted(*messages: Message) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    built = to_anthropic_messages(messages)
    assert is_successful(built), built
    return built.unwrap()


def test_system_and_developer_messages_become_the_system_blocks() -> None:
    system, messages = converted(Message("system", "be brief"), USER, Message("developer", "in English"))
    assert system == [{"type": "text", "text": "be brief"}, {"type": "text", "text": "in English"}]
    assert messages == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]


def test_tool_results_follow_their_tool_use_turn_and_lead_the_user_turn() -> None:
    call = ToolCall("toolu_1", "weather", '{"city": "Oslo"}')
    _, messages = converted(
        USER,
        Message("assistant", "checking", (call,), reasoning=(THOUGHT, FOREIGN, REDACTED)),
        Message("user", "also, hurry"),
        Message("tool", "sunny", tool_call_id="toolu_1"),
    )
    assert messages == [
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
        {
            "role": "assistant",
            "content": [
                dict(THOUGHT.data),  # Anthropic's blocks first, in order; OpenAI's left out
                dict(REDACTED.data),
                {"type": "text", "text": "checking"},
                {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Oslo"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"},
                {"type": "text", "text": "also, hurry"},
            ],
        },
    ]


def test_empty_turns_are_left_out_and_their_neighbours_merge() -> None:
    _, messages = converted(USER, Message("assistant", " \n"), Message("user", "again"))
    assert messages == [
        {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "text", "text": "again"}]}
    ]


def test_an_empty_tool_output_is_sent_as_a_placeholder() -> None:
    call = ToolCall("t", "f", "{}")
    _, messages = converted(USER, Message("assistant", None, (call,)), Message("tool", "", tool_call_id="t"))
    assert messages[-1]["content"] == [{"type": "tool_result", "tool_use_id": "t", "content": "(no output)"}]


def test_arguments_that_never_parsed_go_back_as_an_empty_object() -> None:
    _, messages = converted(USER, Message("assistant", None, (ToolCall("t", "f", "{bad"),)))
    assert messages[1]["content"] == [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]


def test_images_by_url_and_by_data_url() -> None:
    parts = (TextPart("look"), ImagePart("https://x.test/a.png"), ImagePart("data:image/png;base64,iVBO"))
    _, messages = converted(Message("user", parts))
    assert messages[0]["content"] == [
        {"type": "text", "text": "look"},
        {"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}},
    ]
    bad = to_anthropic_messages((Message("user", (ImagePart("data:text/plain,hello"),)),))
    assert not is_successful(bad)
    assert "base64" in bad.failure().message


@given(transcripts())
def test_any_transcript_alternates_roles_and_answers_every_call_first(messages: tuple[Message, ...]) -> None:
    system, wire = converted(*messages)
    wire = json.loads(json.dumps(wire))
    roles = [m["role"] for m in wire]
    assert all(a != b for a, b in itertools.pairwise(roles))  # merged: the roles alternate
    for index, turn in enumerate(wire):
        uses = [b["id"] for b in turn["content"] if b["type"] == "tool_use"]
        if uses:
            results = [b["tool_use_id"] for b in wire[index + 1]["content"][: len(uses)]]
            assert results == uses
    texts = [b["text"] for m in wire for b in m["content"] if b["type"] == "text"]
    assert all(t.strip() for t in texts)  # Anthropic refuses blank text blocks
    kept = [
        (p if isinstance(p, str) else p.text)
        for m in messages
        if m.role in ("user", "assistant")
        for p in ((m.content,) if isinstance(m.content, str) else m.content or ())
        if isinstance(p, str | TextPart) and (p if isinstance(p, str) else p.text).strip()
    ]
    assert texts == kept
    outputs = [b["content"] for m in wire for b in m["content"] if b["type"] == "tool_result"]
    assert outputs == [m.text if m.text.strip() else "(no output)" for m in messages if m.role == "tool"]
    assert [b["text"] for b in system] == [
        m.text for m in messages if m.role in ("system", "developer") and m.text
    ]


def test_tools_and_tool_choice() -> None:
    body = params(tools=(TOOL,), tool_choice="required", parallel_tool_calls=False)
    assert body["tools"] == [
        {"name": "weather", "description": "Weather", "input_schema": dict(TOOL.parameters)}
    ]
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert params(tools=(TOOL,), tool_choice="none")["tool_choice"] == {"type": "none"}
    named = {"type": "function", "function": {"name": "weather"}}
    assert params(tools=(TOOL,), tool_choice=named)["tool_choice"] == {"type": "tool", "name": "weather"}
    assert params(tools=(TOOL,), tool_choice={"type": "auto"})["tool_choice"] == {"type": "auto"}
    assert "tool_choice" not in params(tool_choice="auto")  # no tools, no choice
    assert failure(tools=(TOOL,), tool_choice={"type": "function"}).field == "tool_choice"
    assert failure(tools=(TOOL,), tool_choice=3).field == "tool_choice"


def test_defaults_and_model_names() -> None:
    body = params()
    assert (body["model"], body["max_tokens"]) == ("claude-sonnet-4-5", 8192)
    assert "thinking" not in body
    assert "temperature" not in body
    assert default_max_tokens("claude-3-haiku-20240307") == 4096
    assert default_max_tokens("claude-3-5-haiku-latest") == 8192
    assert model_version("claude-3-7-sonnet-latest") == (3, 7)
    assert model_version("claude-opus-4-20250514") == (4, 0)
    assert model_version("my-own-model") is None
    assert adaptive_thinking("claude-opus-4-7")
    assert adaptive_thinking("claude-sonnet-5")
    assert not adaptive_thinking("claude-sonnet-4-5")
    assert not adaptive_thinking("claude-opus-4-20250514")


@pytest.mark.parametrize(("effort", "budget"), [("low", 1024), ("medium", 4096), ("high", 16384)])
def test_reasoning_effort_is_a_thinking_budget_with_room_for_the_answer(effort: str, budget: int) -> None:
    body = params(reasoning_effort=effort)
    assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
    assert body["max_tokens"] == budget + 8192


def test_reasoning_effort_within_a_given_output_limit() -> None:
    body = params(reasoning_effort="high", max_output_tokens=2048)
    assert (body["thinking"]["budget_tokens"], body["max_tokens"]) == (1024, 2048)
    assert failure(reasoning_effort="low", max_output_tokens=1000).field == "max_output_tokens"
    assert "thinking" not in params(reasoning_effort="minimal")


def test_adaptive_models_get_adaptive_thinking_and_an_effort() -> None:
    request = ModelRequest(model="anthropic/claude-opus-4-7", messages=(USER,), reasoning_effort="medium")
    body = to_anthropic_params(request).unwrap()
    assert body["thinking"] == {"type": "adaptive"}
    assert body["output_config"] == {"effort": "medium"}
    minimal = ModelRequest(model="claude-opus-4-7", messages=(USER,), reasoning_effort="minimal")
    assert to_anthropic_params(minimal).unwrap()["thinking"] == {"type": "disabled"}


def test_thinking_as_the_sdk_takes_it_is_checked() -> None:
    body = params(extra={"thinking": {"type": "enabled", "budget_tokens": 2000}})
    assert (body["thinking"], body["max_tokens"]) == ({"type": "enabled", "budget_tokens": 2000}, 10192)
    adaptive = params(extra={"thinking": {"type": "adaptive"}}, reasoning_effort="low")
    assert (adaptive["thinking"], adaptive["output_config"]) == ({"type": "adaptive"}, {"effort": "low"})
    assert params(extra={"thinking": {"type": "disabled"}})["thinking"] == {"type": "disabled"}
    assert failure(extra={"thinking": {"type": "enabled", "budget_tokens": 512}}).field == "thinking"
    assert failure(extra={"thinking": {"type": "enabled"}}).field == "thinking"
    assert failure(extra={"thinking": True}).field == "thinking"
    too_big = failure(extra={"thinking": {"type": "enabled", "budget_tokens": 4096}}, max_output_tokens=4096)
    assert "below max_output_tokens" in too_big.message
    forced = failure(extra={"thinking": {"type": "adaptive"}}, tools=(TOOL,), tool_choice="required")
    assert forced.field == "tool_choice"


def test_response_formats() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]}
    body = params(response_format=ResponseFormat("json_schema", "N", schema))
    assert body["output_config"]["format"] == {"type": "json_schema", "schema": output_schema(schema)}
    assert not uses_json_tool(body)
    json_mode = params(response_format=ResponseFormat("json_object"))
    assert json_mode["tool_choice"] == {"type": "tool", "name": JSON_TOOL}
    assert json_mode["tools"][0]["input_schema"]["type"] == "object"
    assert uses_json_tool(json_mode)
    # With tools of its own, or thinking, the model cannot be forced: JSON is not enforced then.
    assert "tool_choice" not in params(response_format=ResponseFormat("json_object"), tools=(TOOL,))
    assert "tools" not in params(response_format=ResponseFormat("json_object"), reasoning_effort="low")


def test_output_schema_closes_objects_and_keeps_unsupported_keywords_as_notes() -> None:
    schema: dict[str, Any] = {
        "$defs": {"Tag": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^a"}}}},
        "type": "object",
        "description": "A thing",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "odd": {"type": "string", "format": "color"},
            "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}, "minItems": 3},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "either": {"oneOf": [{"type": "integer"}, {"type": "null"}], "default": None},
        },
    }
    out = output_schema(schema)
    assert out["additionalProperties"] is False
    assert out["$defs"]["Tag"]["additionalProperties"] is False
    assert out["$defs"]["Tag"]["properties"]["name"] == {"type": "string", "description": "{pattern: ^a}"}
    props = out["properties"]
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["odd"] == {"type": "string", "description": "{format: color}"}
    assert props["tags"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Tag"},
        "description": "{minItems: 3}",
    }
    assert props["kind"] == {"enum": ["a", "b"]}
    assert props["either"] == {
        "anyOf": [{"type": "integer"}, {"type": "null"}],
        "description": "{default: None}",
    }
    assert schema["properties"]["odd"] == {"type": "string", "format": "color"}  # the input is untouched


def test_prompt_cache_marks_the_ends_of_system_tools_and_conversation() -> None:
    call = ToolCall("toolu_1", "weather", "{}")
    body = params(
        messages=(Message("system", "sys"), USER, Message("assistant", None, (call,), reasoning=(THOUGHT,))),
        tools=(TOOL,),
        extra={"prompt_cache": True},
    )
    ephemeral = {"type": "ephemeral"}
    assert body["system"][-1]["cache_control"] == ephemeral
    assert body["tools"][-1]["cache_control"] == ephemeral
    assert body["messages"][-1]["content"][-1]["cache_control"] == ephemeral
    assert "cache_control" not in body["messages"][0]["content"][0]
    assert "prompt_cache" not in json.dumps(body)
    # A thinking block cannot carry one: the mark goes on the last block that can.
    paused = params(
        messages=(USER, Message("assistant", None, reasoning=(THOUGHT,))), extra={"prompt_cache": True}
    )
    assert "cache_control" not in paused["messages"][-1]["content"][0]
    assert THOUGHT.data == {"type": "thinking", "thinking": "hmm", "signature": "sig=="}  # never edited


def test_web_search_is_the_server_tool_and_file_search_is_refused() -> None:
    web = WebSearch("high", {"city": "Oslo"}, {"allowed_domains": ["x.test"], "max_uses": 2})
    assert params(web_search=web)["tools"] == [
        {
            "type": "web_search_20250305",
            "name": "web_search",
            "user_location": {"type": "approximate", "city": "Oslo"},
            "allowed_domains": ["x.test"],
            "max_uses": 2,
        }
    ]
    assert failure(file_search=FileSearch(("vs_1",))).field == "file_search"


def test_other_keywords_are_mapped_dropped_or_sent_as_body_fields() -> None:
    body = params(
        extra={
            "stop": "END",
            "user": "u-1",
            "temperature": 0.2,
            "top_p": 0.9,
            "seed": 7,
            "service_tier": "flex",
            "max_tokens": 300,
            "extra_headers": {"anthropic-beta": "x"},
            "extra_body": {"a": 1},
            "container": "c-1",
            "brand_new_option": True,
        }
    )
    assert body["stop_sequences"] == ["END"]
    assert body["metadata"] == {"user_id": "u-1"}
    assert body["max_tokens"] == 300
    assert body["extra_headers"] == {"anthropic-beta": "x"}
    assert body["container"] == "c-1"
    assert body["extra_body"] == {"a": 1, "brand_new_option": True}
    for dropped in ("temperature", "top_p", "seed", "service_tier"):
        assert dropped not in body
    assert params(extra={"metadata": {"user_id": "u"}, "service_tier": "auto"})["service_tier"] == "auto"
    assert "metadata" not in params(extra={"metadata": {"team": "a"}})
    assert params(extra={"output_config": {"effort": "low"}})["output_config"] == {"effort": "low"}
    assert failure(extra={"messages": []}).field == "messages"
