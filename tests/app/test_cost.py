"""Cost: every reply priced as the model that served it, summed over the loop and split by model;
unknown prices stay unknown."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from llmft import LLMClient, Price, Usage
from llmft.domain.connections import Connection
from llmft.domain.routing import Route
from llmft.testing import (
    ProviderEmulator,
    ScriptedModel,
    emu_text,
    emu_tool_calls,
    provider_error,
    reply,
)

USER = [{"role": "user", "content": "hi"}]


class Table:
    def __init__(self, prices: dict[str, Price]) -> None:
        self.prices = prices
        self.asked: list[str] = []

    def price(self, model: str) -> Price | None:
        self.asked.append(model)
        return self.prices.get(model)


def add(a: int) -> int:
    """Add one."""
    return a + 1


async def test_cost_is_summed_over_the_loop_and_fallbacks_and_split_by_model() -> None:
    def factory(route: Route, connection: Connection) -> ScriptedModel:
        if route.name == "groq/fast":
            return ScriptedModel(
                [reply("hmm", usage=Usage(100, 10, 110)), provider_error(status_code=503, retryable=True)]
            )
        return ScriptedModel([reply("2", usage=Usage(1000, 500, 1500))], name="groq/slow")

    table = Table({"groq/fast": Price(input=1.0, output=2.0), "groq/slow": Price(input=3.0, output=4.0)})
    client = LLMClient(
        "groq/fast",
        api_key="gsk-123456789",
        max_retries=0,
        fallback_models=["groq/slow"],
        model_factory=factory,
        prices=table,
    )
    first = await client.generate(USER)  # groq/fast answers, as "scripted-model" (a name with no price) ...
    assert first.usage is not None
    assert first.usage.cost_usd == pytest.approx(100 * 1e-6 + 10 * 2e-6)  # ... so priced as the one asked for
    second = await client.generate(USER)  # groq/fast fails with 503; groq/slow answers
    assert second.usage is not None
    assert second.usage.cost_usd == pytest.approx(1000 * 3e-6 + 500 * 4e-6)
    assert list(second.usage.by_model) == ["groq/slow"]
    assert "groq/slow" in table.asked


async def test_an_unknown_price_is_none_never_zero() -> None:
    client = LLMClient(model=ScriptedModel([reply("x", usage=Usage(10, 5, 15))]), prices=Table({}))
    result = await client.generate(USER)
    assert result.usage is not None
    assert result.usage.cost_usd is None


async def test_the_bundled_table_prices_a_real_route(emu: ProviderEmulator) -> None:
    emu.script(
        emu_tool_calls(("add", {"a": 1})), emu_text("2", input_tokens=1_000_000, output_tokens=1_000_000)
    )
    async with LLMClient(
        model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-test-123456"
    ) as client:
        client.register_tool(add)
        result = await client.generate(USER)
    assert result.usage is not None
    # gpt-4o-mini: 0.15 $ per million input tokens, 0.60 per million output (the emulator's first turn
    # reports 11 in / 7 out).
    expected = (1_000_000 + 11) * 0.15e-6 + (1_000_000 + 7) * 0.60e-6
    assert result.usage.cost_usd == pytest.approx(expected)
    assert list(result.usage.by_model) == ["gpt-4o-mini"]


class SlowToLoad(Table):
    """A table whose first answer takes 0.3 s (the built-in one parses a few MB of JSON then)."""

    def __init__(self, prices: dict[str, Price]) -> None:
        super().__init__(prices)
        self.threads: list[int] = []

    def price(self, model: str) -> Price | None:
        if not self.threads:
            time.sleep(0.3)
        self.threads.append(threading.get_ident())
        return super().price(model)


async def test_loading_the_price_table_never_stalls_the_event_loop() -> None:
    table = SlowToLoad({"scripted-model": Price(1.0, 2.0)})
    script = [reply("one", usage=Usage(10, 5, 15)), reply("two", usage=Usage(10, 5, 15))]
    client = LLMClient(model=ScriptedModel(script), prices=table)
    longest, last, beating = 0.0, time.perf_counter(), True

    async def beat() -> None:
        nonlocal longest, last
        while beating:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now

    ticker = asyncio.create_task(beat())
    first = await client.generate(USER)
    second = await client.generate(USER)
    beating = False
    await ticker
    assert longest < 0.1  # the 0.3 s load ran off the loop
    assert first.usage is not None
    assert second.usage is not None
    assert first.usage.cost_usd == second.usage.cost_usd == pytest.approx(20e-6)
    loop_thread = threading.get_ident()
    assert table.threads[0] != loop_thread  # the first look-up, in a worker thread
    assert set(table.threads[1:]) == {loop_thread}  # the rest where they are asked
