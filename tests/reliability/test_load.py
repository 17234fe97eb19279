"""1 000 concurrent generate calls on one client, 10 % injected retryable faults, a tool round each."""

from __future__ import annotations

import asyncio
import json
import time

from llmft import Injected, LLMClient
from llmft.testing import EmuReply, ProviderEmulator, RecordedRequest, emu_fault, emu_text, emu_tool_calls

from .conftest import FakeClock

CALLS = 1000


def lookup(n: int, user_id: Injected[str]) -> str:
    """Look a number up for the user."""
    return f"{user_id}:{n * 2}"


async def test_load_with_faults(clock: FakeClock) -> None:
    failed: set[tuple[int, bool]] = set()

    def answer(request: RecordedRequest) -> EmuReply:
        n = int(request.body["input"][0]["content"])
        outputs = [i for i in request.body["input"] if i.get("type") == "function_call_output"]
        turn = (n, bool(outputs))
        if n % 10 == (3 if outputs else 7) and turn not in failed:
            failed.add(turn)  # 10 % of the turns fail once with a retryable 503
            return emu_fault(status=503)
        if outputs:
            return emu_text(f"answer {outputs[0]['output']}")
        return emu_tool_calls(("lookup", {"n": n}))

    async with ProviderEmulator(answer) as emu:
        client = LLMClient(
            model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-load-123456", clock=clock
        )
        client.register_tool(lookup)
        before = asyncio.all_tasks()

        async def one(i: int) -> str:
            result = await client.generate(
                [{"role": "user", "content": str(i)}], tool_execution_context={"user_id": f"u{i}"}
            )
            assert isinstance(result.content, str)
            return result.content

        started = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(CALLS)), return_exceptions=True)
        elapsed = time.perf_counter() - started
        await client.aclose()
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        assert results == [f"answer u{i}:{i * 2}" for i in range(CALLS)]
        assert client.tool_factory.get_tool_usage_counts() == {"lookup": CALLS}
        faults = len(failed)
        assert faults == 2 * CALLS // 10
        assert len(emu.requests) == 2 * CALLS + faults
        assert len(clock.sleeps) == faults
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()  # nothing of llmft (or the server) left running
    figures = {"calls": CALLS, "requests": 2 * CALLS + faults, "faults": faults, "seconds": round(elapsed, 2)}
    print(json.dumps(figures))
