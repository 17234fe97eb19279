"""A 1 000-item local batch over the wire, under faults: order kept, retries, item errors, a bounded pool."""

from __future__ import annotations

import asyncio
import time
from collections import deque

from llmft import GenerationResult, LLMClient, ProviderError
from llmft.testing import EmuReply, Fault, ProviderEmulator, RecordedRequest, emu_fault

from .conftest import KEY

COUNT = 1000
CONCURRENCY = 8
HOLD = 0.004  # each answer is held this long, so the requests in flight can be counted


class QuickClock:
    """Real time, but retry backoff does not wait (the faults here would otherwise cost seconds)."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


async def test_a_thousand_items_under_faults_come_back_in_order(emu: ProviderEmulator) -> None:
    attempts: dict[int, int] = {}
    arrivals: deque[float] = deque()
    most = 0

    def answer(request: RecordedRequest) -> EmuReply:
        nonlocal most
        now = time.monotonic()
        arrivals.append(now)
        while arrivals[0] < now - HOLD:  # those that came within HOLD are all still held
            arrivals.popleft()
        most = max(most, len(arrivals))
        n = int(request.body["messages"][0]["content"][0]["text"].removeprefix("q"))
        attempts[n] = attempts.get(n, 0) + 1
        if n % 10 == 3 and attempts[n] == 1:
            return emu_fault(status=503)  # retried, then answered
        if n % 50 == 7:
            return emu_fault(status=400)  # the item's error
        return EmuReply(text=f"a{n}", fault=Fault(drip=HOLD))

    emu.script(answer)
    client = LLMClient(
        "anthropic/claude-sonnet-4-5", api_key=KEY, base_url=emu.base_url, max_retries=2, clock=QuickClock()
    )
    emu.on_close(client.aclose)
    inputs = [[{"role": "user", "content": f"q{n}"}] for n in range(COUNT)]
    results = await client.generate_batch(inputs, concurrency=CONCURRENCY)
    assert len(results) == COUNT
    for n, result in enumerate(results):
        if n % 50 == 7:
            assert isinstance(result, ProviderError)
            assert result.status_code == 400
        else:
            assert isinstance(result, GenerationResult), (n, result)
            assert result.content == f"a{n}"
    assert attempts[3] == 2  # a 503 was retried
    assert sum(attempts.values()) == COUNT + COUNT // 10
    assert 2 <= most <= CONCURRENCY
    summary = results.summary
    assert (summary.done, summary.failed) == (COUNT - COUNT // 50, COUNT // 50)
    assert summary.input_tokens == 11 * summary.done
    assert summary.cost_usd is not None
