"""Responses background mode through the real openai SDK: queued, polled, finished, cancelled."""

from __future__ import annotations

import openai
import pytest
from openai.types.responses import Response

from llmft.testing import EmuReply, ProviderEmulator, StreamError, emu_text

KEY = "sk-test-0123456789abcdef"


def client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


async def poll(sdk: openai.AsyncOpenAI, response_id: str, limit: int = 10) -> list[Response]:
    seen = [await sdk.responses.retrieve(response_id)]
    while seen[-1].status in ("queued", "in_progress") and len(seen) < limit:
        seen.append(await sdk.responses.retrieve(response_id))
    return seen


async def test_a_background_turn_is_queued_then_polled_to_completion(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="done at last", polls=2, reasoning_tokens=3))
    sdk = client(emu)
    queued = await sdk.responses.create(model="o4-mini", input="slow task", background=True)
    assert (queued.status, queued.output, queued.background) == ("queued", [], True)
    seen = await poll(sdk, queued.id)
    assert [r.status for r in seen] == ["in_progress", "in_progress", "completed"]
    assert seen[-1].id == queued.id
    assert seen[-1].output_text == "done at last"
    assert seen[-1].usage is not None
    assert seen[-1].usage.output_tokens_details.reasoning_tokens == 3
    again = await sdk.responses.retrieve(queued.id)
    assert again.output[0].id == seen[-1].output[0].id  # the final response is stable
    polls = [r for r in emu.requests if r.method == "GET"]
    assert len(polls) == 4
    assert polls[0].path == f"/v1/responses/{queued.id}"


@pytest.mark.parametrize("status", ["failed", "cancelled", "incomplete"])
async def test_a_background_turn_can_end_in_any_final_status(emu: ProviderEmulator, status: str) -> None:
    emu.script(EmuReply(text="partial", status=status, polls=0))
    sdk = client(emu)
    queued = await sdk.responses.create(model="o4-mini", input="x", background=True)
    final = (await poll(sdk, queued.id))[-1]
    assert final.status == status
    if status == "failed":
        assert final.error is not None
        assert final.error.code == "server_error"


async def test_a_failed_background_turn_carries_the_scripted_error(emu: ProviderEmulator) -> None:
    error = StreamError(code="rate_limit_exceeded", message="try later")
    emu.script(EmuReply(status="failed", stream_error=error, polls=0))
    sdk = client(emu)
    queued = await sdk.responses.create(model="o4-mini", input="x", background=True)
    final = await sdk.responses.retrieve(queued.id)
    assert final.error is not None
    assert (final.error.code, final.error.message) == ("rate_limit_exceeded", "try later")


async def test_cancel_stops_a_running_background_turn_and_is_recorded(emu: ProviderEmulator) -> None:
    emu.script(emu_text("never seen"))
    sdk = client(emu)
    queued = await sdk.responses.create(model="o4-mini", input="x", background=True)
    cancelled = await sdk.responses.cancel(queued.id)
    assert (cancelled.status, cancelled.output) == ("cancelled", [])
    assert (await sdk.responses.retrieve(queued.id)).status == "cancelled"
    assert [r.path for r in emu.requests if r.path.endswith("/cancel")] == [
        f"/v1/responses/{queued.id}/cancel"
    ]


async def test_finished_and_unknown_responses_cannot_be_cancelled(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(text="quick", polls=0))
    sdk = client(emu)
    queued = await sdk.responses.create(model="o4-mini", input="x", background=True)
    with pytest.raises(openai.BadRequestError, match="completed"):
        await sdk.responses.cancel(queued.id)
    with pytest.raises(openai.NotFoundError):
        await sdk.responses.retrieve("resp_missing")
    with pytest.raises(openai.NotFoundError):
        await sdk.responses.cancel("resp_missing")
