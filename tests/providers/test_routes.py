"""Every public feature through both routes, over real HTTP on loopback, with the real SDKs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from llmft import Injected, LLMClient, ToolExecutionResult
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

from .conftest import RouteCase
from .wire import texts, tool_calls, tool_outputs, tool_schemas

USER = [{"role": "user", "content": "What is my balance?"}]


def get_balance(account: str, user_id: Injected[str], currency: str = "EUR") -> ToolExecutionResult:
    """Read an account balance.

    Args:
        account: Which account.
        currency: ISO currency code.
    """
    return ToolExecutionResult(
        content=f"{account}: 10 {currency}", payload={"user": user_id, "account": account}
    )


async def test_text(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("Hello from the wire", input_tokens=30, output_tokens=5, cached_tokens=12))
    result = await route.client(emu).generate([{"role": "system", "content": "Be brief."}, *USER])
    assert result.content == "Hello from the wire"
    assert result.finish_reason == "stop"
    assert result.usage is not None
    # Input tokens include cached ones on every route (OpenAI's convention; Anthropic reports them apart).
    assert (result.usage.input_tokens, result.usage.output_tokens) == (
        42 if route.protocol == "anthropic" else 30,
        5,
    )
    assert result.usage.cached_tokens == 12
    (request,) = emu.requests
    assert request.protocol == route.protocol
    assert texts(request) == ["Be brief.", "What is my balance?"]


async def test_tool_loop_with_context_injection(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(
        emu_tool_calls(("get_balance", {"account": "main", "user_id": "attacker"})),
        emu_text("You have 10 EUR."),
    )
    client = route.client(emu)
    client.register_tool(get_balance)
    result = await client.generate(USER, tool_execution_context={"user_id": "u-42"})
    assert result.content == "You have 10 EUR."
    assert result.payloads == [
        {"tool_name": "get_balance", "payload": {"user": "u-42", "account": "main"}, "metadata": {}}
    ]
    first, second = emu.requests
    schema = tool_schemas(first)["get_balance"]
    assert "user_id" not in schema["properties"]
    assert set(schema["properties"]) == {"account", "currency"}
    assert "u-42" not in json.dumps(first.body) + json.dumps(second.body)
    ((call_id, name),) = tool_calls(second)
    assert name == "get_balance"
    assert tool_outputs(second) == [(call_id, "main: 10 EUR")]


async def test_streaming_text(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("A streamed answer in pieces", input_tokens=8, output_tokens=6))
    chunks = [c async for c in route.client(emu).generate_stream(USER)]
    assert len(chunks) > 3
    assert "".join(c.content for c in chunks) == "A streamed answer in pieces"
    assert chunks[-1].done
    usage = chunks[-1].usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens, usage.cached_tokens) == (8, 6, 14, 0)
    # Code written against the dict of earlier versions still reads it, by either name.
    assert (usage["input_tokens"], usage["prompt_tokens"], usage["completion_tokens"]) == (8, 8, 6)
    assert chunks[-1].result is not None
    assert chunks[-1].result.content == "A streamed answer in pieces"
    assert emu.requests[0].stream


async def test_streaming_with_tool_calls_runs_the_tools_and_goes_on(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    emu.script(
        emu_tool_calls(
            ("get_balance", {"account": "a"}), ("get_balance", {"account": "b", "currency": "USD"})
        ),
        emu_text("a has 10 EUR, b has 10 USD"),
    )
    client = route.client(emu)
    client.register_tool(get_balance)
    chunks = [c async for c in client.generate_stream(USER, tool_execution_context={"user_id": "u"})]
    assert "".join(c.content for c in chunks) == "a has 10 EUR, b has 10 USD"
    result = chunks[-1].result
    assert result is not None
    assert [p["payload"]["account"] for p in result.payloads] == ["a", "b"]
    assert [out for _, out in tool_outputs(emu.requests[1])] == ["a: 10 EUR", "b: 10 USD"]
    assert all(r.stream for r in emu.requests)
    assert client.tool_factory.get_tool_usage_counts() == {"get_balance": 2}


async def test_json_mode(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text('{"answer": 42}'))
    result = await route.client(emu).generate(USER, response_format={"type": "json_object"})
    assert result.content == '{"answer": 42}'
    body = emu.requests[0].body
    if route.protocol == "responses":
        assert body["text"] == {"format": {"type": "json_object"}}
    elif route.protocol == "chat":
        assert body["response_format"] == {"type": "json_object"}
    elif route.native_anthropic:  # no JSON mode on Anthropic: a forced tool whose input is the answer
        assert body["tool_choice"] == {"type": "tool", "name": "json_response"}
        assert [t["name"] for t in body["tools"]] == ["json_response"]


class Forecast(BaseModel):
    city: str
    celsius: float
    note: str | None = None


async def test_pydantic_structured_output(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text('{"city": "Oslo", "celsius": -3.5, "note": null}'))
    result = await route.client(emu).generate(USER, response_format=Forecast)
    assert result.content == Forecast(city="Oslo", celsius=-3.5)
    body = emu.requests[0].body
    if route.protocol == "responses":
        fmt = body["text"]["format"]
        assert fmt["type"] == "json_schema"
        assert fmt["name"] == "Forecast"
        assert fmt["strict"] is True
        assert fmt["schema"]["additionalProperties"] is False
        assert fmt["schema"]["required"] == ["city", "celsius", "note"]
    elif route.protocol == "chat":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["name"] == "Forecast"
    elif route.native_anthropic:  # the GA structured outputs: every object closed
        fmt = body["output_config"]["format"]
        assert fmt["type"] == "json_schema"
        assert fmt["schema"]["additionalProperties"] is False
        assert fmt["schema"]["required"] == ["city", "celsius"]
    else:  # litellm sends the older beta field
        assert body["output_format"]["type"] == "json_schema"


MIXED: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a bank assistant."},
    {"role": "user", "content": [{"type": "input_text", "text": "Balance of main?"}]},
    {"type": "function_call", "call_id": "call_a", "name": "get_balance", "arguments": '{"account": "main"}'},
    {"type": "function_call_output", "call_id": "call_a", "output": "main: 10 EUR"},
    {"role": "assistant", "content": "Main has 10 EUR."},
    {"role": "user", "content": "And savings?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_b",
                "type": "function",
                "function": {"name": "get_balance", "arguments": '{"account": "s"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_b", "content": "s: 5 EUR"},
]


async def test_mixed_chat_and_responses_input(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("Savings has 5 EUR."))
    client = route.client(emu)
    client.register_tool(get_balance)
    result = await client.generate(MIXED, tool_execution_context={"user_id": "u"})
    assert result.content == "Savings has 5 EUR."
    (request,) = emu.requests
    assert tool_calls(request) == [("call_a", "get_balance"), ("call_b", "get_balance")]
    assert tool_outputs(request) == [("call_a", "main: 10 EUR"), ("call_b", "s: 5 EUR")]
    assert texts(request) == [
        "You are a bank assistant.",
        "Balance of main?",
        "Main has 10 EUR.",
        "And savings?",
    ]
    assert result.messages is not None
    assert len(result.messages) == len(MIXED) + 1


@pytest.mark.parametrize(
    ("model", "protocol", "sent"),
    [
        ("gpt-4o-mini", "responses", True),
        ("gpt-5", "responses", False),
        ("openai/gpt-5-mini", "responses", False),
        ("o3", "responses", False),
        ("anthropic/claude-sonnet-4-5", "anthropic", False),  # native: the API version refuses it
        ("anthropic/claude-sonnet-4-5", "anthropic-litellm", True),  # litellm speaks 2023-06-01
        ("openai/llama-3", "chat", True),
    ],
)
async def test_temperature_rules(emu: ProviderEmulator, model: str, protocol: str, sent: bool) -> None:
    emu.script(emu_text("ok"))
    protocol, _, via = protocol.partition("-")
    case = RouteCase(model, model, protocol, via or "auto")
    await case.client(emu).generate(USER, temperature=0.3)
    body = emu.requests[0].body
    assert ("temperature" in body) is sent
    if sent:
        assert body["temperature"] == 0.3


async def test_reasoning_effort_and_output_limit(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("ok"))
    await route.client(emu).generate(USER, reasoning_effort="high", max_output_tokens=2048)
    body = emu.requests[0].body
    if route.protocol == "responses":
        assert body["reasoning"] == {"effort": "high"}
        assert body["max_output_tokens"] == 2048
    elif route.protocol == "anthropic":
        assert body["thinking"]["type"] == "enabled"
        assert body["max_tokens"] == 2048
    else:
        assert body["max_tokens"] == 2048


WEB = {
    "search_context_size": "high",
    "user_location": {"country": "NO", "city": "Oslo"},
    "filters": {"allowed_domains": ["example.com"]},
}


async def test_web_search_request_shapes(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("found it"))
    await route.client(emu).generate(USER, web_search=WEB)
    body = emu.requests[0].body
    if route.protocol == "responses":
        assert body["tools"] == [
            {
                "type": "web_search",
                "search_context_size": "high",
                "user_location": {"type": "approximate", "country": "NO", "city": "Oslo"},
                "filters": {"allowed_domains": ["example.com"]},
            }
        ]
    elif route.native_anthropic:
        assert body["tools"] == [
            {
                "type": "web_search_20250305",
                "name": "web_search",
                "user_location": {"type": "approximate", "country": "NO", "city": "Oslo"},
                "allowed_domains": ["example.com"],
            }
        ]
    elif route.protocol == "anthropic":
        assert [t["name"] for t in body["tools"]] == ["web_search"]
    # On the litellm route only search_context_size is passed: nothing of the location or filters.
    assert ("Oslo" in json.dumps(body)) is (route.protocol == "responses" or route.native_anthropic)


async def test_file_search_request_shape_on_openai(emu: ProviderEmulator) -> None:
    emu.script(emu_text("from the docs"), emu_text("again"))
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu)
    await client.generate(USER, file_search={"vector_store_ids": ["vs_1", "vs_2"], "max_num_results": 4})
    await client.generate(USER, file_search=["vs_3"])
    assert emu.requests[0].body["tools"] == [
        {"type": "file_search", "vector_store_ids": ["vs_1", "vs_2"], "max_num_results": 4}
    ]
    assert emu.requests[1].body["tools"] == [{"type": "file_search", "vector_store_ids": ["vs_3"]}]


async def test_tools_are_strict_on_openai_where_the_schema_allows(emu: ProviderEmulator) -> None:
    def free_form(options: dict[str, Any]) -> str:
        return "x"

    emu.script(emu_text("ok"))
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu)
    client.register_tool(get_balance)
    client.register_tool(free_form)
    await client.generate(USER, tool_execution_context={"user_id": "u"})
    tools = {t["name"]: t for t in emu.requests[0].body["tools"]}
    strict = tools["get_balance"]
    assert strict["strict"] is True
    assert strict["parameters"]["required"] == ["account", "currency"]
    assert strict["parameters"]["properties"]["currency"]["type"] == ["string", "null"]
    assert tools["free_form"]["strict"] is False


async def test_strict_null_means_the_default(emu: ProviderEmulator) -> None:
    emu.script(emu_tool_calls(("get_balance", {"account": "main", "currency": None})), emu_text("ok"))
    client = RouteCase("r", "gpt-4o-mini", "responses").client(emu)
    client.register_tool(get_balance)
    result = await client.generate(USER, tool_execution_context={"user_id": "u"})
    assert result.tool_messages[0]["content"] == "main: 10 EUR"


async def test_incomplete_reply_reports_length(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("cut by the tok", incomplete=True))
    result = await route.client(emu).generate(USER, max_output_tokens=5)
    assert result.content == "cut by the tok"
    assert result.finish_reason in ("length", "max_tokens")


async def test_the_same_client_serves_other_models_per_call(emu: ProviderEmulator) -> None:
    emu.script(emu_text("from responses"), emu_text("from chat"))
    async with LLMClient(
        model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-test-0123456789"
    ) as client:
        assert (await client.generate(USER)).content == "from responses"
        assert (await client.generate(USER, model="openai/llama-3")).content == "from chat"
    assert [r.protocol for r in emu.requests] == ["responses", "chat"]


async def test_tool_choice_is_passed_on(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_tool_calls(("get_balance", {"account": "a"})), emu_text("done"))
    client = route.client(emu)
    client.register_tool(get_balance)
    await client.generate(
        USER, tool_choice="required", parallel_tool_calls=False, tool_execution_context={"user_id": "u"}
    )
    body = emu.requests[0].body
    if route.protocol != "anthropic":  # litellm turns it into tool_choice.disable_parallel_tool_use there
        assert body["parallel_tool_calls"] is False
    if route.protocol == "anthropic":
        assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    else:
        assert body["tool_choice"] == "required"
