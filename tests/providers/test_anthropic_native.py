"""The native Anthropic route over HTTP: thinking kept across turns, caching, server tools, paused
turns, refusals, in-stream errors, and the route choice (and its lazy imports)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from llmft import (
    ConfigurationError,
    DeadlineExceededError,
    LLMClient,
    ModelSpec,
    ProviderError,
    ReasoningDelta,
    TextDelta,
)
from llmft.testing import (
    EmuReply,
    EmuToolCall,
    ProviderEmulator,
    StreamError,
    emu_fault,
    emu_refusal,
    emu_stream_error,
    emu_text,
    emu_tool_calls,
    emu_web_search,
)

from ..reliability.conftest import FakeClock
from .conftest import KEY, RouteCase

NATIVE = RouteCase("anthropic-native", "anthropic/claude-sonnet-4-5", "anthropic")
USER = [{"role": "user", "content": "What is the weather in Oslo?"}]


def weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: sunny"


def client(emu: ProviderEmulator, **kwargs: Any) -> LLMClient:
    made = NATIVE.client(emu, **kwargs)
    made.register_tool(weather)
    return made


async def test_reasoning_effort_turns_thinking_on_and_the_thinking_is_kept(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(text="Sunny.", reasoning="Oslo, so look it up", signature="sig-1", reasoning_tokens=9)
    )
    result = await client(emu).generate(USER, reasoning_effort="medium")
    body = emu.requests[0].body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 4096}
    assert body["max_tokens"] == 4096 + 8192
    assert result.content == "Sunny."
    assert result.usage is not None
    assert result.usage.reasoning_tokens == 9
    assert result.messages is not None
    last = result.messages[-1]
    assert last["thinking_blocks"] == [
        {"type": "thinking", "thinking": "Oslo, so look it up", "signature": "sig-1"}
    ]
    assert json.loads(json.dumps(result.messages)) == result.messages


async def test_thinking_as_the_sdk_takes_it(emu: ProviderEmulator) -> None:
    emu.script(emu_text("ok"))
    thinking = {"type": "enabled", "budget_tokens": 2048}
    await client(emu).generate(USER, thinking=thinking, max_output_tokens=3000)
    assert (emu.requests[0].body["thinking"], emu.requests[0].body["max_tokens"]) == (thinking, 3000)
    with pytest.raises(ConfigurationError, match="budget_tokens"):
        await client(emu).generate(USER, thinking={"type": "enabled", "budget_tokens": 100})
    with pytest.raises(ConfigurationError, match="below max_output_tokens"):
        await client(emu).generate(USER, thinking=thinking, max_output_tokens=2048)
    assert len(emu.requests) == 1  # the refused calls sent nothing


async def test_an_adaptive_model_gets_adaptive_thinking_with_an_effort(emu: ProviderEmulator) -> None:
    emu.script(emu_text("ok"))
    await client(emu).generate(USER, model="anthropic/claude-opus-4-7", reasoning_effort="high")
    body = emu.requests[0].body
    assert (body["model"], body["thinking"], body["output_config"]) == (
        "claude-opus-4-7",
        {"type": "adaptive"},
        {"effort": "high"},
    )


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_signed_thinking_goes_back_before_the_tool_use_it_preceded(stream: bool) -> None:
    async with ProviderEmulator(require_thinking_roundtrip=True) as emu:
        emu.script(
            EmuReply(
                reasoning="I need the weather tool", tool_calls=(EmuToolCall("weather", '{"city": "Oslo"}'),)
            ),
            EmuReply(text="It is sunny.", reasoning="the tool said sunny"),
        )
        made = client(emu)
        events: list[Any] = []
        if stream:
            events = [e async for e in made.stream_events(USER, reasoning_effort="low")]
            result = events[-1].result
        else:
            result = await made.generate(USER, reasoning_effort="low")
    assert result.content == "It is sunny."
    second = emu.requests[1]  # the strict emulator took it: the signature matched the text it signed
    (thinking,) = second.blocks_of_type("thinking")
    assert thinking["thinking"] == "I need the weather tool"
    assert thinking["signature"].startswith("EmuSig")
    assert result.messages is not None
    assert result.messages[1]["thinking_blocks"] == [thinking]
    assistant = second.body["messages"][1]
    assert [b["type"] for b in assistant["content"]] == ["thinking", "tool_use"]
    if stream:
        thought = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
        assert thought == "I need the weather toolthe tool said sunny"
        assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "It is sunny."


async def test_redacted_thinking_goes_back_unchanged_in_the_next_call(emu: ProviderEmulator) -> None:
    emu.script(
        EmuReply(text="4", reasoning="2+2", signature="s1", redacted_thinking=("EncBlob==",)), emu_text("8")
    )
    made = client(emu)
    first = await made.generate([{"role": "user", "content": "2+2?"}], reasoning_effort="low")
    assert first.messages is not None
    await made.generate([*first.messages, {"role": "user", "content": "times 2?"}], reasoning_effort="low")
    assert emu.requests[1].blocks_of_type("redacted_thinking") == [
        {"type": "redacted_thinking", "data": "EncBlob=="}
    ]
    assert emu.requests[1].blocks_of_type("thinking") == [
        {"type": "thinking", "thinking": "2+2", "signature": "s1"}
    ]


async def test_thinking_blocks_are_left_out_for_another_provider(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="4", reasoning="2+2", signature="s1"), emu_text("8"))
    first = await client(emu).generate([{"role": "user", "content": "2+2?"}], reasoning_effort="low")
    assert first.messages is not None
    other = RouteCase("r", "gpt-4o-mini", "responses").client(emu)
    await other.generate([*first.messages, {"role": "user", "content": "times 2?"}])
    assert "s1" not in json.dumps(emu.requests[1].body)


async def test_prompt_cache_marks_the_prefix_and_usage_reports_the_cache(emu: ProviderEmulator) -> None:
    emu.script(
        emu_tool_calls(("weather", {"city": "Oslo"})),
        EmuReply(
            text="Sunny.", input_tokens=5, cached_tokens=1200, cache_creation_tokens=300, output_tokens=4
        ),
    )
    system = [{"role": "system", "content": "You are a weather bot."}]
    result = await client(emu).generate([*system, *USER], prompt_cache=True)
    body = emu.requests[1].body
    ephemeral = {"type": "ephemeral"}
    assert body["system"] == [{"type": "text", "text": "You are a weather bot.", "cache_control": ephemeral}]
    assert body["tools"][-1]["cache_control"] == ephemeral
    last = body["messages"][-1]["content"]
    assert last[-1]["type"] == "tool_result"
    assert last[-1]["cache_control"] == ephemeral
    marked = [b for m in body["messages"] for b in m["content"] if "cache_control" in b]
    assert len(marked) == 1
    assert "prompt_cache" not in body
    usage = result.usage
    assert usage is not None
    # The second reply's prompt: 5 uncached + 1200 read + 300 written; the first reply's 11 (the default).
    assert (usage.input_tokens, usage.cached_tokens, usage.cache_write_tokens) == (11 + 1505, 1200, 300)


async def test_web_search_blocks_are_kept_and_sent_back(emu: ProviderEmulator) -> None:
    search = emu_web_search("oslo weather", ("https://met.example/oslo", "Oslo forecast"))
    emu.script(EmuReply(text="Sunny, says met.", server_calls=(search,)), emu_text("You're welcome."))
    made = client(emu)
    first = await made.generate(USER, web_search=True)
    assert emu.requests[0].body["tools"][-1] == {"type": "web_search_20250305", "name": "web_search"}
    assert first.content == "Sunny, says met."
    assert first.messages is not None
    kept = first.messages[-1]["thinking_blocks"]
    assert [b["type"] for b in kept] == ["server_tool_use", "web_search_tool_result"]
    await made.generate([*first.messages, {"role": "user", "content": "thanks"}])
    assistant = emu.requests[1].body["messages"][1]["content"]
    assert [b["type"] for b in assistant] == ["server_tool_use", "web_search_tool_result", "text"]
    assert assistant[:2] == kept


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_a_paused_turn_is_sent_back_and_continued(emu: ProviderEmulator, stream: bool) -> None:
    search = emu_web_search("oslo weather", ("https://met.example/oslo", "Oslo forecast"))
    emu.script(EmuReply(server_calls=(search,), stop_reason="pause_turn"), emu_text("Sunny."))
    made = client(emu)
    if stream:
        chunks = [c async for c in made.generate_stream(USER, web_search=True)]
        result = chunks[-1].result
        assert result is not None
    else:
        result = await made.generate(USER, web_search=True)
    assert (result.content, result.finish_reason) == ("Sunny.", "stop")
    paused = emu.requests[1].body["messages"][-1]
    assert paused["role"] == "assistant"
    assert [b["type"] for b in paused["content"]] == ["server_tool_use", "web_search_tool_result"]
    assert paused["content"][0]["input"] == {"query": "oslo weather"}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_a_refusal_is_reported_as_one(emu: ProviderEmulator, stream: bool) -> None:
    emu.script(emu_refusal("I can't help with that."))
    made = client(emu)
    if stream:
        chunks = [c async for c in made.generate_stream(USER)]
        result = chunks[-1].result
        assert result is not None
    else:
        result = await made.generate(USER)
    assert (result.content, result.finish_reason) == ("I can't help with that.", "refusal")


async def test_overloaded_is_retried(emu: ProviderEmulator) -> None:
    clock = FakeClock()
    emu.script(emu_fault(status=529), emu_fault(status=529), emu_text("ok"))
    assert (await client(emu, max_retries=2, clock=clock).generate(USER)).content == "ok"
    assert len(clock.sleeps) == 2
    emu.script(emu_fault(status=529, headers={"retry-after": "3"}))
    with pytest.raises(ProviderError) as info:
        await client(emu, clock=clock).generate(USER)
    assert (info.value.status_code, info.value.retryable, info.value.retry_after) == (529, True, 3.0)


async def test_an_in_stream_overload_before_any_text_is_retried(emu: ProviderEmulator) -> None:
    clock = FakeClock()
    emu.script(
        EmuReply(text="hello world", stream_error=StreamError(after=0, type="overloaded_error")),
        emu_text("hello world"),
    )
    chunks = [c.content async for c in client(emu, max_retries=2, clock=clock).generate_stream(USER)]
    assert "".join(chunks) == "hello world"
    assert len(emu.requests) == 2
    assert len(clock.sleeps) == 1


async def test_an_in_stream_error_after_text_is_final_with_its_status(emu: ProviderEmulator) -> None:
    clock = FakeClock()
    emu.script(emu_stream_error("partial answer", after=2, message=f"overloaded, key {KEY}"))
    made = client(emu, max_retries=2, clock=clock)
    with pytest.raises(ProviderError) as info:
        _ = [c async for c in made.generate_stream(USER)]
    assert (info.value.status_code, info.value.kind) == (529, "error_body")
    assert KEY not in str(info.value)
    assert len(emu.requests) == 1
    emu.script(EmuReply(text="x", stream_error=StreamError(type="invalid_request_error", message="bad")))
    with pytest.raises(ProviderError) as info:
        _ = [c async for c in made.generate_stream(USER)]
    assert (info.value.status_code, info.value.retryable) == (400, False)
    assert len(emu.requests) == 2  # a 400 is never retried


async def test_fallback_onto_the_native_route_and_the_deadline(emu: ProviderEmulator) -> None:
    emu.script(emu_fault(status=503), emu_text("from claude"))
    spec = ModelSpec("anthropic/claude-haiku-4-5", api_key="sk-ant-own-123456", base_url=emu.base_url)
    async with LLMClient(
        "gpt-4o-mini", base_url=emu.openai_base_url, api_key=KEY, max_retries=0, fallback_models=[spec]
    ) as made:
        result = await made.generate(USER)
    assert (result.content, result.model) == ("from claude", "claude-haiku-4-5")
    assert [r.protocol for r in emu.requests] == ["responses", "anthropic"]
    assert emu.requests[1].headers["Authorization"] == "Bearer sk-ant-own-123456"
    emu.script(emu_fault(drip=0.4))
    with pytest.raises(DeadlineExceededError):
        await client(emu).generate(USER, deadline=0.1)


async def test_a_key_echoed_in_an_error_never_appears(emu: ProviderEmulator) -> None:
    echo = {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {KEY}"}}
    emu.script(emu_fault(status=401, body=echo))
    with pytest.raises(ProviderError) as info:
        await client(emu).generate(USER)
    assert info.value.status_code == 401
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value.args)


class Forecast(BaseModel):
    city: str
    celsius: float


async def test_structured_output_and_json_mode(emu: ProviderEmulator) -> None:
    json_use = EmuToolCall("json_response", '{"city": "Oslo", "celsius": -3}')
    emu.script(emu_text('{"city": "Oslo", "celsius": -3}'), EmuReply(tool_calls=(json_use,)))
    made = client(emu)
    forecast = await made.generate(USER, response_format=Forecast, use_tools=None)
    assert forecast.content == Forecast(city="Oslo", celsius=-3)
    assert emu.requests[0].body["output_config"]["format"]["schema"]["additionalProperties"] is False
    plain = await made.generate(USER, response_format={"type": "json_object"}, use_tools=None)
    assert (plain.content, plain.finish_reason) == ('{"city": "Oslo", "celsius": -3}', "stop")


async def test_an_image_data_url_goes_as_a_base64_block(emu: ProviderEmulator) -> None:
    emu.script(emu_text("a cat"))
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    await client(emu).generate([{"role": "user", "content": [{"type": "text", "text": "what?"}, image]}])
    block = emu.requests[0].body["messages"][0]["content"][1]
    assert block == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
    }


async def test_a_forced_tool_with_thinking_is_refused_before_any_request(emu: ProviderEmulator) -> None:
    with pytest.raises(ConfigurationError, match="forced"):
        await client(emu).generate(USER, reasoning_effort="high", tool_choice="required")
    with pytest.raises(ConfigurationError, match="forced"):
        _ = [
            c
            async for c in client(emu).generate_stream(USER, reasoning_effort="high", tool_choice="required")
        ]
    assert emu.requests == []


async def test_a_404_names_the_url_called(emu: ProviderEmulator) -> None:
    emu.script(emu_fault(status=404))
    with pytest.raises(ProviderError, match=r"the URL called was 127\.0\.0\.1:\d+/v1/messages") as info:
        await client(emu).generate(USER)
    assert (info.value.status_code, info.value.retryable) == (404, False)


async def test_without_a_key_no_credentials_are_sent(
    emu: ProviderEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    emu.script(emu_text("ok"))
    async with LLMClient(model="anthropic/claude-sonnet-4-5", base_url=emu.base_url) as made:
        assert (await made.generate(USER)).content == "ok"
    headers = {k.lower() for k in emu.requests[0].headers}
    assert "authorization" not in headers
    assert "x-api-key" not in headers


@pytest.mark.parametrize(("route", "native"), [("auto", True), ("litellm", False)])
async def test_the_route_choice(emu: ProviderEmulator, route: Any, native: bool) -> None:
    emu.script(emu_text("ok"))
    await NATIVE.client(emu, route=route).generate(USER)
    (request,) = emu.requests
    assert request.path == "/v1/messages"
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert ("x-stainless-lang" in headers) is native  # the anthropic SDK's own headers
    assert (headers["anthropic-version"] == "2023-06-01") is not native  # the SDK speaks a newer version


def test_a_bad_route_choice_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="route must be one of"):
        LLMClient("anthropic/claude-sonnet-4-5", api_key="x", route="native")  # type: ignore[arg-type]


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_construction_imports_neither_sdk() -> None:
    code = (
        "import sys, llmft; from llmft import LLMClient; "
        "LLMClient('anthropic/claude-sonnet-4-5', api_key='x'); "
        "print('litellm' in sys.modules, 'anthropic' in sys.modules)"
    )
    assert _run(code) == "False False"


def test_a_call_on_the_native_route_never_imports_litellm() -> None:
    code = """
import asyncio, sys
from llmft import LLMClient
from llmft.testing import ProviderEmulator, emu_text

async def main():
    async with ProviderEmulator() as emu:
        emu.script(emu_text("ok"), emu_text("again"))
        key, url = "sk-x-12345678", emu.base_url
        async with LLMClient("anthropic/claude-sonnet-4-5", api_key=key, base_url=url) as c:
            first = await c.generate([{"role": "user", "content": "hi"}])
            chunks = [x async for x in c.generate_stream([{"role": "user", "content": "hi"}])]
    print(first.content, chunks[-1].result.content, "litellm" in sys.modules, "anthropic" in sys.modules)

asyncio.run(main())
"""
    assert _run(code) == "ok again False True"


async def test_a_bare_claude_name_is_anthropics_with_anthropics_key(
    emu: ProviderEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env-123456")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-never-sent-here")
    emu.script(emu_text("from a bare name"))
    async with LLMClient("claude-haiku-4-5", base_url=emu.base_url) as made:  # as the first version took it
        result = await made.generate(USER)
    assert result.content == "from a bare name"
    (sent,) = emu.requests
    assert (sent.protocol, sent.body["model"]) == ("anthropic", "claude-haiku-4-5")
    headers = json.dumps(dict(sent.headers))
    assert "sk-ant-env-123456" in headers
    assert "sk-openai" not in headers
