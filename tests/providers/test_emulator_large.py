"""Oversized replies generated while sending, and deeply nested JSON bodies."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_text

KEY = "sk-test-0123456789abcdef"


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


async def test_a_generated_text_has_exactly_the_scripted_size(emu: ProviderEmulator) -> None:
    emu.script(emu_text(size=150_000), emu_text(size=150_000), emu_text(size=70_000))
    sdk = openai_client(emu)
    response = await sdk.responses.create(model="m", input="x")
    assert len(response.output_text) == 150_000
    assert response.output_text.isascii()
    stream = await sdk.responses.create(model="m", input="x", stream=True)
    events = [event async for event in stream]
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert sum(len(d) for d in deltas) == 150_000
    assert events[-1].type == "response.completed"
    completion = await sdk.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert len(completion.choices[0].message.content or "") == 70_000


@pytest.mark.parametrize("stream", [False, True])
async def test_a_client_can_stop_reading_a_huge_reply_and_the_emulator_carries_on(
    emu: ProviderEmulator, stream: bool
) -> None:
    emu.script(EmuReply(size=200_000_000), emu_text("next"))
    cap = 1_000_000
    received = 0
    async with (
        httpx.AsyncClient(base_url=emu.openai_base_url) as http,
        http.stream("POST", "/responses", json={"model": "m", "input": "x", "stream": stream}) as response,
    ):
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > cap:
                break
    assert received > cap
    follow_up = await openai_client(emu).responses.create(model="m", input="x")
    assert follow_up.output_text == "next"


async def test_a_deep_json_fault_overflows_a_recursive_parser(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(fault=Fault(deep_json=100_000)), EmuReply(fault=Fault(deep_json=4)))
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        deep = await http.post("/v1/messages", json={"model": "m", "messages": []})
        shallow = await http.post("/v1/messages", json={"model": "m", "messages": []})
    assert deep.status_code == 200
    assert len(deep.content) > 200_000
    with pytest.raises(RecursionError):
        json.loads(deep.content)
    assert shallow.json() == [{"a": [{"a": 1}]}]
