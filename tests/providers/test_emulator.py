"""The emulator's own promises: scripts, recording, defaults and the slow drip."""

from __future__ import annotations

import time

import httpx
import pytest

from llmft.testing import EmuReply, EmuToolCall, Fault, ProviderEmulator, RecordedRequest, emu_text


async def test_function_scripts_answer_every_request_and_requests_are_recorded(emu: ProviderEmulator) -> None:
    def answer(request: RecordedRequest) -> EmuReply:
        return emu_text(f"you said {request.body['messages'][-1]['content']}")

    emu.script(answer)
    async with httpx.AsyncClient(base_url=emu.openai_base_url) as http:
        for word in ("a", "b"):
            response = await http.post(
                "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": word}]}
            )
            assert response.json()["choices"][0]["message"]["content"] == f"you said {word}"
    assert [r.body["messages"][0]["content"] for r in emu.requests] == ["a", "b"]
    assert emu.requests[0].protocol == "chat"
    assert not emu.requests[0].stream


async def test_an_empty_script_answers_500_and_queued_turns_come_first(emu: ProviderEmulator) -> None:
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        empty = await http.post("/v1/messages", json={"model": "m", "messages": []})
        assert empty.status_code == 500
        assert "no scripted reply" in empty.text
        emu.script([emu_text("one"), EmuReply(tool_calls=(EmuToolCall("f", "{}", "toolu_fixed"),))])
        assert emu.pending == 2
        first = await http.post("/v1/messages", json={"model": "m", "messages": []})
        second = await http.post("/v1/messages", json={"model": "m", "messages": []})
    assert first.json()["content"] == [{"type": "text", "text": "one"}]
    assert second.json()["content"][0]["id"] == "toolu_fixed"
    assert second.json()["stop_reason"] == "tool_use"


async def test_a_slow_drip_stream_arrives_in_order_and_takes_its_time(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="drip drip", fault=Fault(drip=0.02)))
    started = time.monotonic()
    async with (
        httpx.AsyncClient(base_url=emu.openai_base_url) as http,
        http.stream("POST", "/responses", json={"model": "m", "input": "x", "stream": True}) as response,
    ):
        events = [line async for line in response.aiter_lines() if line.startswith("event:")]
    assert time.monotonic() - started >= 0.02 * len(events)
    assert events[0] == "event: response.created"
    assert events[-1] == "event: response.completed"
    assert emu.open_streams == 0


@pytest.mark.parametrize("status", [429, 503])
async def test_status_faults_carry_their_headers(emu: ProviderEmulator, status: int) -> None:
    emu.script(EmuReply(fault=Fault(status=status, headers={"Retry-After": "3"})))
    async with httpx.AsyncClient(base_url=emu.openai_base_url) as http:
        response = await http.post("/responses", json={"model": "m", "input": "x"})
    assert response.status_code == status
    assert response.headers["retry-after"] == "3"
