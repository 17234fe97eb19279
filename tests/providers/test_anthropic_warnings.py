"""The native route warns as `messages.create` does (the body is sent as built, not through it)."""

from __future__ import annotations

import warnings

import pytest

from llmft import LLMClient
from llmft.testing import ProviderEmulator, emu_text

from .conftest import KEY

USER = [{"role": "user", "content": "hi"}]


def _client(emu: ProviderEmulator, model: str) -> LLMClient:
    client = LLMClient(model=model, base_url=emu.base_url, api_key=KEY)
    emu.on_close(client.aclose)
    return client


async def _call(client: LLMClient, *, stream: bool) -> None:
    if stream:
        async for _ in client.generate_stream(USER):
            pass
    else:
        await client.generate(USER)


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_a_model_scheduled_for_retirement_is_warned_of_at_the_callers_line(
    emu: ProviderEmulator, stream: bool
) -> None:
    emu.script(emu_text("ok"))
    client = _client(emu, "anthropic/claude-sonnet-4-5-20250929")
    with pytest.warns(DeprecationWarning, match="end-of-life on November 30th, 2026") as caught:
        await _call(client, stream=stream)
    retiring = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(retiring) == 1
    assert retiring[0].filename == __file__  # the caller's line, not llmft's


async def test_manual_thinking_on_an_adaptive_model_is_warned_of(emu: ProviderEmulator) -> None:
    emu.script(emu_text("ok"), emu_text("ok"))
    client = _client(emu, "anthropic/claude-opus-4-6")
    with pytest.warns(UserWarning, match="thinking.type=adaptive"):
        await client.generate(USER, thinking={"type": "enabled", "budget_tokens": 2048})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await client.generate(USER, reasoning_effort="high")  # llmft maps an effort to adaptive: no warning
    assert emu.requests[1].body["thinking"] == {"type": "adaptive"}
