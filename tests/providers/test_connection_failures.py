"""Refused connections, wrong URLs, timeouts and provider usage on every route, through the real SDKs."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import warnings

import pytest

from llmft import ConfigurationError, LLMClient, ProviderError
from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_text

from .conftest import KEY, RouteCase

USER = [{"role": "user", "content": "hi"}]
CHAT = RouteCase("litellm-chat", "openai/llama-3", "chat")
PATHS = {"responses": "/v1/responses", "chat": "/v1/chat/completions", "anthropic": "/v1/messages"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_a_refused_connection_names_the_endpoint_and_has_no_status(
    route: RouteCase, stream: bool
) -> None:
    port = closed_port()
    base = f"http://127.0.0.1:{port}" + ("" if route.protocol == "anthropic" else "/v1")
    client = LLMClient(model=route.model, api_key=KEY, base_url=base, max_retries=0)

    async def call() -> None:
        if stream:
            async for _ in client.generate_stream(USER):
                pass
        else:
            await client.generate(USER)

    with pytest.raises(ProviderError) as info:
        await call()
    await client.aclose()
    error = info.value
    assert (error.kind, error.status_code, error.retryable) == ("connection", None, True)
    assert f"127.0.0.1:{port}{PATHS[route.protocol]}" in str(error)
    assert "HTTP 500" not in str(error)
    assert KEY not in str(error)


async def test_a_404_from_a_custom_base_url_says_which_url_was_called(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    emu.script(emu_text("unused"))
    client = LLMClient(model=route.model, api_key=KEY, base_url=f"{emu.base_url}/proxy", max_retries=0)
    emu.on_close(client.aclose)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER)
    assert info.value.status_code == 404
    suffix = (
        PATHS[route.protocol].removeprefix("/v1") if route.protocol != "anthropic" else PATHS["anthropic"]
    )
    assert f"the URL called was 127.0.0.1:{emu.base_url.rsplit(':', 1)[1]}/proxy{suffix}" in str(info.value)


async def test_a_litellm_timeout_leaves_no_coroutine_unawaited(emu: ProviderEmulator) -> None:
    # A timeout shorter than litellm's synchronous set-up (run in a worker thread) used to cancel
    # the call between the set-up and the coroutine it returns, which was then never awaited.
    emu.script(lambda request: EmuReply(text="slow", fault=Fault(drip=0.5)))
    client = CHAT.client(emu, timeout=0.001)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(8):
            with pytest.raises(ProviderError) as info:
                await client.generate(USER)
            assert info.value.kind == "timeout"
        await asyncio.sleep(0.1)  # any set-up still running in its thread returns
        gc.collect()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []


def chat_body(**extra: object) -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    reply = {"id": "c1", "object": "chat.completion", "created": 1, "model": "llama", "choices": [choice]}
    return json.dumps({**reply, **extra}).encode()


def chat_stream(**extra: object) -> bytes:
    def chunk(delta: dict[str, object], finish: str | None = None, **more: object) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        body = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "llama",
            "choices": [choice],
        }
        return f"data: {json.dumps({**body, **more})}\n\n"

    events = [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "hi"}),
        chunk({}, "stop", **extra),
    ]
    return ("".join(events) + "data: [DONE]\n\n").encode()


GROQ_USAGE = {"prompt_tokens": 120, "completion_tokens": 45, "total_tokens": 165}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_groq_usage_in_x_groq_wins_over_litellms_estimate(emu: ProviderEmulator, stream: bool) -> None:
    raw = chat_stream if stream else chat_body
    headers = {"Content-Type": "text/event-stream" if stream else "application/json"}
    emu.script(EmuReply(fault=Fault(status=200, raw_body=raw(x_groq={"id": "req_1", "usage": GROQ_USAGE}),
                                    headers=headers)))  # fmt: skip
    client = CHAT.client(emu)
    if stream:
        chunks = [c async for c in client.generate_stream(USER)]
        result = chunks[-1].result
        assert result is not None
    else:
        result = await client.generate(USER)
    assert result.content == "hi"
    assert result.usage is not None
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.total_tokens) == (
        120,
        45,
        165,
    )


async def test_a_misspelt_provider_prefix_gets_suggestions() -> None:
    client = LLMClient(model="mistrall/mistral-large-latest", api_key=KEY)
    with pytest.raises(ConfigurationError, match="'mistral/'"):
        await client.generate(USER)


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        ("gpt4", "'gpt-4o'"),
        ("gpt4", "'openai/gpt-4'"),
        ("lama-3.3-70b-versatile", "'groq/llama-3.3-70b-versatile'"),
    ],
)
def test_an_unknown_bare_name_suggests_close_model_strings(model: str, hint: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        LLMClient(model=model, api_key=KEY)
    assert hint in str(info.value)
    assert f"anthropic/{model}" not in str(info.value)


@pytest.mark.parametrize("model", ["openai:gpt-4o-mini", "OpenAI/gpt-4o-mini", "OPENAI:GPT-4o-mini"])
async def test_colon_and_capitalised_prefixes_reach_the_same_route(emu: ProviderEmulator, model: str) -> None:
    emu.script(emu_text("ok"))
    client = LLMClient(model=model, api_key=KEY, base_url=emu.openai_base_url, max_retries=0)
    emu.on_close(client.aclose)
    assert (await client.generate(USER)).content == "ok"
    assert (emu.requests[0].path, emu.requests[0].body["model"]) == ("/v1/responses", "gpt-4o-mini")
