"""The public API, end to end on ScriptedModel: text, tools, streaming, payloads, unpacking, errors."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from pydantic import BaseModel

from llmft import (
    ConfigurationError,
    GenerationResult,
    Injected,
    LLMClient,
    ParsedToolCall,
    ProviderError,
    StreamChunk,
    StructuredOutputError,
    ToolExecutionResult,
    ToolFactory,
    ToolIntentOutput,
    UnsupportedFeatureError,
    Usage,
)
from llmft.testing import ScriptedModel, provider_error, reply, tool_call

USER = [{"role": "user", "content": "hi"}]


def get_balance(account: str, user_id: Injected[str]) -> ToolExecutionResult:
    """Read an account balance.

    Args:
        account: Which account.
    """
    return ToolExecutionResult(content=f"{account}: 10 EUR", payload={"user": user_id, "account": account})


def client_for(*steps: Any, tools: bool = True) -> tuple[LLMClient, ScriptedModel]:
    model = ScriptedModel(list(steps))
    client = LLMClient(model=model)
    if tools:
        client.register_tool(get_balance)
    return client, model


async def test_plain_text_and_tuple_unpacking() -> None:
    client, _ = client_for(reply("hello there"), tools=False)
    result = await client.generate(USER)
    assert isinstance(result, GenerationResult)
    content, payloads = result
    assert content == "hello there"
    assert payloads == []
    assert result[0] == "hello there"
    assert len(result) == 2
    assert result.finish_reason == "stop"
    assert result.model == "scripted-model"
    assert result.usage is not None
    assert result.usage.total_tokens > 0
    assert result.messages == [*USER, {"role": "assistant", "content": "hello there"}]
    assert result.tool_messages == []


async def test_tool_loop_with_context_injection_and_payload_separation() -> None:
    client, model = client_for(
        tool_call("get_balance", {"account": "main", "user_id": "attacker"}), reply("You have 10 EUR.")
    )
    result = await client.generate(USER, tool_execution_context={"user_id": "u-1"})
    assert result.content == "You have 10 EUR."
    assert result.payloads == [
        {"tool_name": "get_balance", "payload": {"user": "u-1", "account": "main"}, "metadata": {}}
    ]
    assert result.tool_messages == [
        {"role": "tool", "tool_call_id": "call_1", "content": "main: 10 EUR", "name": "get_balance"}
    ]
    # The model never saw user_id in the schema, and the payload never reached the model.
    schema = model.requests[0].tools[0].parameters
    assert list(schema["properties"]) == ["account"]
    assert "u-1" not in repr(model.requests[1].messages)
    assert client.tool_factory.get_tool_usage_counts() == {"get_balance": 1}


async def test_several_tool_calls_in_one_turn_run_in_order() -> None:
    order: list[str] = []

    def note(tag: str) -> str:
        order.append(tag)
        return tag

    client, model = client_for(
        [tool_call("note", {"tag": "a"}), tool_call("note", {"tag": "b"})], reply("ok"), tools=False
    )
    client.register_tool(note)
    result = await client.generate(USER)
    assert order == ["a", "b"]
    assert [m["content"] for m in result.tool_messages] == ["a", "b"]
    assert len(model.requests) == 2


async def test_sync_tools_run_off_the_event_loop_thread() -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    def where() -> str:
        seen.append(threading.get_ident())
        return "x"

    client, _ = client_for(tool_call("where"), reply("ok"), tools=False)
    client.register_tool(where)
    await client.generate(USER)
    assert seen
    assert seen[0] != loop_thread


async def test_parallel_tools_overlap() -> None:
    started = 0
    both = asyncio.Event()

    async def wait_for_peer(n: int) -> str:
        nonlocal started
        started += 1
        if started == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 2)
        return str(n)

    client, _ = client_for(
        [tool_call("wait_for_peer", {"n": 1}), tool_call("wait_for_peer", {"n": 2})], reply("ok"), tools=False
    )
    client.register_tool(wait_for_peer)
    result = await client.generate(USER, parallel_tools=True)
    assert [m["content"] for m in result.tool_messages] == ["1", "2"]


async def test_tool_errors_go_back_to_the_model_and_the_loop_goes_on() -> None:
    def boom() -> str:
        raise ValueError("kaput")

    client, model = client_for(
        tool_call("boom"), tool_call("nope"), tool_call("get_balance", "{bad"), reply("sorry")
    )
    client.register_tool(boom)
    result = await client.generate(USER, tool_execution_context={"user_id": "u"})
    assert result.content == "sorry"
    contents = [m["content"] for m in result.tool_messages]
    assert contents[0] == "Error: tool 'boom' failed: ValueError: kaput"
    assert contents[1].startswith("Error: unknown tool 'nope'")
    assert "not valid JSON" in contents[2]
    assert len(model.requests) == 4


async def test_max_tool_iterations_returns_what_was_gathered() -> None:
    steps = [tool_call("get_balance", {"account": str(i)}) for i in range(10)]
    client, model = client_for(*steps)
    result = await client.generate(USER, max_tool_iterations=3, tool_execution_context={"user_id": "u"})
    assert len(model.requests) == 4
    assert result.finish_reason == "max_tool_iterations"
    assert result.content is None
    assert [p["payload"]["account"] for p in result.payloads] == ["0", "1", "2"]
    assert len(result.tool_messages) == 3


async def test_use_tools_selects_and_validates() -> None:
    client, model = client_for(reply("a"), reply("b"), reply("c"), reply("d"))
    client.register_tool(lambda: "x", name="other")
    await client.generate(USER, use_tools=None)
    await client.generate(USER, use_tools=[])  # empty means none (the first version sent all)
    await client.generate(USER, use_tools=["other"])
    await client.generate(USER, tool_execution_context={"user_id": "u"})
    assert [[t.name for t in r.tools] for r in model.requests] == [
        [],
        [],
        ["other"],
        ["get_balance", "other"],
    ]
    with pytest.raises(ConfigurationError, match="missing_tool") as info:
        await client.generate(USER, use_tools=["missing_tool"])
    assert info.value.field == "use_tools"


async def test_streaming_text_then_done_chunk_with_result() -> None:
    client, _ = client_for(reply("one two three"), tools=False)
    stream = await client.generate(USER, stream=True)
    chunks = [c async for c in stream]
    assert all(isinstance(c, StreamChunk) for c in chunks)
    assert "".join(c.content for c in chunks) == "one two three"
    assert len(chunks) == 4
    last = chunks[-1]
    assert last.done
    assert last.content == ""
    assert last.usage is not None
    assert last.result is not None
    assert last.result.content == "one two three"
    assert not any(c.done for c in chunks[:-1])


async def test_streaming_runs_tools_and_goes_on() -> None:
    client, model = client_for(
        tool_call("get_balance", {"account": "main"}), reply("Balance: 10 EUR"), tools=True
    )
    chunks = [c async for c in client.generate_stream(USER, tool_execution_context={"user_id": "u-9"})]
    assert "".join(c.content for c in chunks) == "Balance: 10 EUR"
    result = chunks[-1].result
    assert result is not None
    assert result.payloads[0]["payload"] == {"user": "u-9", "account": "main"}
    assert result.tool_messages[0]["content"] == "main: 10 EUR"
    assert chunks[-1].usage == result.usage
    assert len(model.requests) == 2


async def test_stream_failure_raises_provider_error() -> None:
    client, _ = client_for(provider_error("overloaded", status_code=529, retryable=True), tools=False)
    with pytest.raises(ProviderError) as info:
        async for _ in client.generate_stream(USER, max_retries=0):
            pass
    assert info.value.status_code == 529
    assert info.value.retryable


class CutStream(ScriptedModel):
    async def stream(self, request: Any) -> AsyncGenerator[Any, None]:
        async for delta in super().stream(request):
            if type(delta).__name__ == "StreamEnd":
                return
            yield delta


async def test_a_cut_stream_is_an_error_not_a_short_answer() -> None:
    client = LLMClient(model=CutStream([reply("partial answer")]))
    seen: list[str] = []

    async def consume() -> None:
        async for chunk in client.generate_stream(USER):
            seen.append(chunk.content)

    with pytest.raises(ProviderError, match="terminal event"):
        await consume()
    assert "".join(seen) == "partial answer"


async def test_stream_argument_errors_are_raised_before_iteration() -> None:
    client, _ = client_for(reply("x"))
    with pytest.raises(ConfigurationError):
        client.generate_stream("not a list")  # type: ignore[arg-type]


class Answer(BaseModel):
    city: str
    temperature: float


async def test_pydantic_structured_output_is_an_instance() -> None:
    client, model = client_for(reply('```json\n{"city": "Oslo", "temperature": -3.5}\n```'), tools=False)
    result = await client.generate(USER, response_format=Answer)
    assert result.content == Answer(city="Oslo", temperature=-3.5)
    fmt = model.requests[0].response_format
    assert fmt is not None
    assert fmt.kind == "json_schema"
    assert fmt.name == "Answer"


async def test_a_models_json_schema_is_generated_once_per_class() -> None:
    calls = []

    class Counted(BaseModel):
        city: str

        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            calls.append(cls)
            return super().model_json_schema(*args, **kwargs)

    client, model = client_for(reply('{"city": "A"}'), reply('{"city": "B"}'), tools=False)
    first = await client.generate(USER, response_format=Counted)
    second = await client.generate(USER, response_format=Counted)
    assert (first.content, second.content) == (Counted(city="A"), Counted(city="B"))
    assert calls == [Counted]
    assert model.requests[0].response_format is model.requests[1].response_format
    fmt = model.requests[0].response_format
    assert fmt is not None
    assert fmt.schema["required"] == ["city"]


async def test_structured_output_that_does_not_validate_raises_with_raw_text() -> None:
    client, _ = client_for(reply('{"city": "Oslo"}'), reply('{"city": "Oslo"}'), tools=False)
    with pytest.raises(StructuredOutputError) as info:
        await client.generate(USER, response_format=Answer)  # one re-ask by default, then the error
    assert info.value.raw_text == '{"city": "Oslo"}'
    assert "Answer" in str(info.value)


async def test_streamed_structured_output_is_parsed_on_the_last_chunk() -> None:
    client, _ = client_for(reply('{"city": "Rome", "temperature": 20}'), tools=False)
    chunks = [c async for c in client.generate_stream(USER, response_format=Answer)]
    assert chunks[-1].result is not None
    assert chunks[-1].result.content == Answer(city="Rome", temperature=20)


async def test_json_mode_returns_text() -> None:
    client, model = client_for(reply('{"a": 1}'), reply("{}"), tools=False)
    result = await client.generate(USER, response_format={"type": "json_object"})
    assert result.content == '{"a": 1}'
    schema_format = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    await client.generate(USER, response_format=schema_format)
    kinds = [r.response_format.kind if r.response_format else None for r in model.requests]
    assert kinds == ["json_object", "json_schema"]


async def test_request_options_reach_the_model() -> None:
    client, model = client_for(reply("x"), tools=False)
    await client.generate(
        USER,
        temperature=0.2,
        max_output_tokens=50,
        reasoning_effort="low",
        web_search={"search_context_size": "high"},
        file_search=["vs_1"],
        timeout=5,
        seed=7,
    )
    r = model.requests[0]
    assert (r.temperature, r.max_output_tokens, r.reasoning_effort, r.timeout) == (0.2, 50, "low", 5.0)
    assert r.web_search is not None
    assert r.web_search.search_context_size == "high"
    assert r.file_search is not None
    assert r.file_search.vector_store_ids == ("vs_1",)
    assert r.extra == {"seed": 7}


async def test_merge_history() -> None:
    client, model = client_for(reply("x"), tools=False)
    await client.generate(
        [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], merge_history=True
    )
    assert len(model.requests[0].messages) == 1


async def test_provider_failure_becomes_provider_error() -> None:
    client, _ = client_for(provider_error("bad request", status_code=400), tools=False)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER)
    assert info.value.status_code == 400
    assert not info.value.retryable
    assert "bad request" in str(info.value)


async def test_an_exhausted_script_is_a_clear_error() -> None:
    client, _ = client_for(tools=False)
    with pytest.raises(ProviderError, match="script is exhausted"):
        await client.generate(USER)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"input": "hi"}, "input"),
        ({"input": [{"role": "user"}]}, "input[0].content"),
        ({"input": USER, "max_tool_iterations": -1}, "max_tool_iterations"),
        ({"input": USER, "reasoning_effort": "extreme"}, "reasoning_effort"),
        ({"input": USER, "response_format": {"type": "xml"}}, "response_format"),
        ({"input": USER, "response_format": dict}, "response_format"),
        ({"input": USER, "temperature": "hot"}, "temperature"),
        ({"input": USER, "max_output_tokens": 0}, "max_output_tokens"),
        ({"input": USER, "timeout": 0}, "timeout"),
        ({"input": USER, "tool_execution_context": [1]}, "tool_execution_context"),
        ({"input": USER, "web_search": {"bogus": 1}}, "web_search"),
        ({"input": USER, "web_search": "yes"}, "web_search"),
        ({"input": USER, "file_search": True}, "file_search"),
        ({"input": USER, "file_search": {"vector_store_ids": []}}, "file_search"),
        ({"input": USER, "file_search": {"other": 1}}, "file_search"),
        ({"input": USER, "use_tools": "get_balance"}, "use_tools"),
    ],
)
async def test_bad_arguments_are_configuration_errors_before_any_request(
    kwargs: dict[str, Any], field: str
) -> None:
    client, model = client_for(reply("x"))
    with pytest.raises(ConfigurationError) as info:
        await client.generate(**kwargs)
    assert info.value.field == field
    assert model.requests == []


def test_constructor_validation_and_secrets_stay_out_of_repr() -> None:
    with pytest.raises(ConfigurationError, match="llama-3"):
        LLMClient(model="llama-3")  # a bare name of no known family
    with pytest.raises(ConfigurationError):
        LLMClient(model=42)  # type: ignore[arg-type]
    for bad in ["", "   ", "sk-abc\n", "sk-\x00x"]:
        with pytest.raises(ConfigurationError) as info:
            LLMClient(model="gpt-4o", api_key=bad)
        assert bad.strip() == "" or bad.strip() not in str(info.value)
    with pytest.raises(ConfigurationError):
        LLMClient(timeout=0)
    with pytest.raises(ConfigurationError):
        LLMClient(max_retries=-1)
    with pytest.raises(ConfigurationError):
        LLMClient(fallback_models="gpt-4o")
    client = LLMClient(model="gpt-4o", api_key="sk-secret-123")
    assert "sk-secret-123" not in repr(client)
    assert "sk-secret-123" not in str(vars(client))
    assert client.model == "gpt-4o"


def test_construction_is_offline_and_lazy() -> None:
    made: list[str] = []

    def model_factory(route: Any, connection: Any) -> Any:
        made.append(route.model_string)
        raise AssertionError("no adapter is made before the first call")

    class NoKeys:
        def api_key(self, provider: str) -> None:
            raise AssertionError("no key is looked up before the first call")

    for model in ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini", "not-a-provider/some-model"]:
        client = LLMClient(model=model, model_factory=model_factory, secrets=NoKeys())
        assert client.model == model
    assert made == []  # and the loopback-only fixture would have refused any connection
    code = (
        "import sys; from llmft import LLMClient; "
        "[LLMClient(model=m) for m in ('anthropic/claude-sonnet-4-5', 'gpt-4o-mini', 'ollama/llama3')]; "
        "print([m for m in ('litellm', 'openai', 'anthropic', 'httpx2') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # no SDK imported until a call needs it


async def test_file_search_on_a_litellm_route_is_unsupported() -> None:
    client = LLMClient(model="anthropic/claude-sonnet-4-5")
    with pytest.raises(UnsupportedFeatureError, match="file_search"):
        await client.generate(USER, file_search=["vs_1"])


async def test_shared_tool_factory_and_registration_proxies() -> None:
    factory = ToolFactory()
    client = LLMClient(model=ScriptedModel([reply("x")]), tool_factory=factory)
    client.register_tool(get_balance)
    assert factory.available_tool_names == ["get_balance"]
    assert "get_balance" in repr(client)


async def test_intent_planning_and_approved_execution() -> None:
    client, model = client_for(
        [tool_call("get_balance", {"account": "main", "user_id": "x"}), tool_call("get_balance", "{oops")],
        reply("Main has 10 EUR."),
    )
    intent = await client.generate_tool_intent(USER, tool_execution_context={"user_id": "u-1"})
    assert client.tool_factory.get_tool_usage_counts() == {"get_balance": 0}
    assert intent.tool_calls is not None
    first, second = intent.tool_calls
    assert first.arguments == {"account": "main"}
    assert first.arguments_parsing_error is None
    assert second.arguments == "{oops"
    assert second.arguments_parsing_error is not None
    items = await client.execute_tool_intents(intent, tool_execution_context={"user_id": "u-1"})
    assert next(i["content"] for i in items) == "main: 10 EUR"
    assert items[1]["content"].startswith("Error:")
    assert client.tool_factory.get_tool_usage_counts() == {"get_balance": 1}
    result = await client.generate(
        [*USER, *intent.raw_assistant_message, *items], tool_execution_context={"user_id": "u-1"}
    )
    assert result.content == "Main has 10 EUR."
    sent = model.requests[-1].messages
    assert [m.role for m in sent] == ["user", "assistant", "tool", "tool"]


async def test_intents_skip_calls_whose_arguments_did_not_parse_or_are_not_json() -> None:
    client, _ = client_for(reply("unused"))
    intent = ToolIntentOutput(
        tool_calls=[
            ParsedToolCall(id="c1", name="get_balance", arguments={}, arguments_parsing_error="bad json"),
            ParsedToolCall(id="c2", name="get_balance", arguments={"account": object()}),
            ParsedToolCall(id="c3", name="get_balance", arguments={"account": "main"}),
        ]
    )
    items = await client.execute_tool_intents(intent, tool_execution_context={"user_id": "u-1"})
    assert [i["tool_call_id"] for i in items] == ["c1", "c2", "c3"]
    assert "skipped due to argument parsing error: bad json" in items[0]["content"]
    assert "Failed to serialise arguments" in items[1]["content"]
    assert items[2]["content"] == "main: 10 EUR"
    assert client.tool_factory.get_tool_usage_counts() == {"get_balance": 1}  # only the one that ran


async def test_intents_without_a_tool_factory_are_a_configuration_error() -> None:
    client, _ = client_for(reply("unused"))
    client.tool_factory = None  # type: ignore[assignment]  # as a first-version user might
    with pytest.raises(ConfigurationError, match="cannot execute tool intents"):
        await client.execute_tool_intents(ToolIntentOutput(tool_calls=[]))


async def test_intent_without_tool_calls() -> None:
    client, _ = client_for(reply("no tools needed"))
    intent = await client.generate_tool_intent(USER)
    assert intent.content == "no tools needed"
    assert intent.tool_calls is None
    assert await client.execute_tool_intents(intent) == []


async def test_intent_provider_failure() -> None:
    client, _ = client_for(provider_error())
    with pytest.raises(ProviderError):
        await client.generate_tool_intent(USER)


async def test_usage_sums_over_the_loop() -> None:
    u = Usage(5, 1, 6, 2)
    model = ScriptedModel([[tool_call("get_balance", {"account": "a"})], reply("x", usage=u)])
    model2 = ScriptedModel(lambda request: reply("y", usage=u))
    client = LLMClient(model=model)
    client.register_tool(get_balance)
    result = await client.generate(USER, tool_execution_context={"user_id": "u"})
    assert result.usage is not None
    assert result.usage.cached_tokens == 2
    assert result.usage.input_tokens > 5
    again = await LLMClient(model=model2).generate(USER)
    assert again.usage == u


async def test_an_empty_final_reply_is_no_content_but_never_a_valid_structure() -> None:
    client, _ = client_for(reply(""), tools=False)
    result = await client.generate(USER)
    assert (result.content, result.finish_reason) == (None, "stop")

    class Answer(BaseModel):
        value: int

    client, model = client_for(reply(""), reply(""), tools=False)
    with pytest.raises(StructuredOutputError) as info:
        await client.generate(USER, response_format=Answer)  # re-asked once, then refused
    assert info.value.raw_text == ""
    assert len(model.requests) == 2
