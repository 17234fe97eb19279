"""Provider batches over the wire: OpenAI's Batch API and Anthropic's Message Batches, each through its
SDK against the emulator, for every way a batch can end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from attrs import frozen
from pydantic import BaseModel

from llmft import (
    BatchHandle,
    BatchPending,
    ConfigurationError,
    DeadlineExceededError,
    GenerationResult,
    LLMClient,
    ProviderError,
    UnsupportedFeatureError,
    Usage,
)
from llmft.app import bootstrap
from llmft.domain.pricing import cost_of
from llmft.testing import (
    BatchPlan,
    EmuReply,
    Fault,
    ProviderEmulator,
    ScriptedModel,
    emu_fault,
    emu_text,
    emu_tool_calls,
)

from .conftest import KEY

FAST = 0.005  # seconds between polls


@frozen
class BatchRoute:
    name: str
    model: str
    price_as: str

    def client(self, emu: ProviderEmulator, **kwargs: Any) -> LLMClient:
        base_url = emu.openai_base_url if self.name == "openai" else emu.base_url
        client = LLMClient(self.model, api_key=KEY, base_url=base_url, max_retries=0, **kwargs)
        emu.on_close(client.aclose)
        return client


ROUTES = [
    BatchRoute("openai", "gpt-4o-mini", "gpt-4o-mini"),
    BatchRoute("anthropic", "anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-5"),
]


@pytest.fixture(params=ROUTES, ids=lambda r: r.name)
def batch_route(request: pytest.FixtureRequest) -> BatchRoute:
    route: BatchRoute = request.param
    return route


def inputs(count: int) -> list[Any]:
    return [[{"role": "user", "content": f"q{n}"}] for n in range(count)]


def batched(emu: ProviderEmulator) -> list[Any]:
    return [r for r in emu.requests if r.batch_id is not None]


class City(BaseModel):
    name: str


async def test_a_completed_batch_keeps_order_item_errors_and_half_the_price(
    emu: ProviderEmulator, batch_route: BatchRoute, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.script(emu_text("a0"), emu_fault(status=400), EmuReply(fault=Fault(malformed=True)), emu_text("a3"))
    emu.script_batch(BatchPlan(polls=2))
    client = batch_route.client(emu)
    given = [*inputs(4), "not a message list"]
    results = await client.generate_batch(given, mode="provider", poll_interval=FAST, progress=True)
    assert [type(r).__name__ for r in results] == [
        "GenerationResult",
        "ProviderError",
        "ProviderError",
        "GenerationResult",
        "ConfigurationError",
    ]
    first, refused, broken, last, wrong = results
    assert isinstance(first, GenerationResult)
    assert isinstance(last, GenerationResult)
    assert (first.content, last.content, first.finish_reason) == ("a0", "a3", "stop")
    assert first.messages == [{"role": "user", "content": "q0"}, {"role": "assistant", "content": "a0"}]
    assert isinstance(refused, ProviderError)
    assert refused.status_code == 400
    assert "malformed" in str(broken)
    assert "list of messages" in str(wrong)
    price = bootstrap.price_table().price(batch_route.price_as)
    full = cost_of(Usage(11, 7, 18), price)
    assert full is not None
    assert first.usage is not None
    assert first.usage.cost_usd == pytest.approx(full / 2)
    summary = results.summary
    assert (summary.done, summary.failed, summary.input_tokens) == (2, 3, 22)
    assert summary.cost_usd == pytest.approx(full)
    assert len(batched(emu)) == 4
    assert str(summary) in capsys.readouterr().err


async def test_an_expired_batch_keeps_what_finished(emu: ProviderEmulator, batch_route: BatchRoute) -> None:
    emu.script(emu_text("done in time"))
    emu.script_batch(BatchPlan(polls=0, outcome="expired", finished=1))
    results = await batch_route.client(emu).generate_batch(inputs(3), mode="provider", poll_interval=FAST)
    assert isinstance(results[0], GenerationResult)
    assert results[0].content == "done in time"
    for late in results[1:]:
        assert isinstance(late, ProviderError)
        assert "expired" in str(late)


async def test_a_cancelled_batch_keeps_what_finished(emu: ProviderEmulator, batch_route: BatchRoute) -> None:
    emu.script(emu_text("done in time"))
    emu.script_batch(BatchPlan(polls=0, outcome="cancelled", finished=1))
    results = await batch_route.client(emu).generate_batch(inputs(3), mode="provider", poll_interval=FAST)
    assert isinstance(results[0], GenerationResult)
    for late in results[1:]:
        assert isinstance(late, ProviderError)
        assert "cancel" in str(late)


async def test_a_failed_batch_is_an_error_for_every_item(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    emu.script(emu_text("x"), emu_text("y"))
    emu.script_batch(BatchPlan(polls=0, outcome="failed"))
    results = await batch_route.client(emu).generate_batch(inputs(2), mode="provider", poll_interval=FAST)
    assert all(isinstance(r, ProviderError) for r in results)
    assert results.summary.failed == 2
    if batch_route.name == "openai":
        assert "'failed'" in str(results[0])
        assert "emulated validation failure" in str(results[0])


async def test_a_handle_goes_through_json_to_another_client(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    emu.script(emu_text('{"name": "Oslo"}'), emu_text('{"name": "Lima"}'))
    emu.script_batch(BatchPlan(polls=2))
    given: list[Any] = [*inputs(2), 7]
    handle = await batch_route.client(emu).submit_batch(given, response_format=City)
    text = handle.to_json()
    assert KEY not in text
    assert str(emu.base_url) not in text
    assert BatchHandle.from_json(text) == handle
    assert handle.count == 3
    assert handle.custom_ids == ("item-0", "item-1", "item-2")
    assert handle.response_format is not None
    assert handle.response_format["name"] == "City"
    later = batch_route.client(emu)  # another process would make its own
    pending = await later.collect_batch(text)
    assert [type(r) for r in pending[:2]] == [BatchPending, BatchPending]
    assert isinstance(pending[2], ConfigurationError)
    assert pending.summary.pending == 2
    raw = await later.collect_batch(text, wait=True, poll_interval=FAST)
    assert [r.content for r in raw[:2] if isinstance(r, GenerationResult)] == [
        '{"name": "Oslo"}',
        '{"name": "Lima"}',
    ]
    typed = await later.collect_batch(handle, response_format=City)
    assert [r.content for r in typed[:2] if isinstance(r, GenerationResult)] == [
        City(name="Oslo"),
        City(name="Lima"),
    ]
    assert isinstance(typed[0], GenerationResult)
    assert typed[0].messages == [{"role": "assistant", "content": '{"name": "Oslo"}'}]  # inputs unknown here


async def test_tools_are_not_run_and_the_reply_asking_for_them_comes_back(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    ran: list[int] = []

    def add(a: int, b: int) -> int:
        """Add two numbers."""
        ran.append(a + b)
        return a + b

    emu.script(emu_tool_calls(("add", {"a": 1, "b": 2})))
    client = batch_route.client(emu)
    client.register_tool(add)
    results = await client.generate_batch(inputs(1), mode="provider", poll_interval=FAST)
    result = results[0]
    assert isinstance(result, GenerationResult)
    assert result.finish_reason == "tool_calls"
    assert result.payloads == []
    assert ran == []
    assert result.messages is not None
    assert result.messages[-1]["tool_calls"][0]["function"]["name"] == "add"
    tools = batched(emu)[0].body.get("tools")
    assert tools  # offered, as generate offers them
    assert "add" in str(tools)


async def test_a_deadline_cancels_a_batch_nobody_can_collect(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    emu.script(emu_text("a"), emu_text("b"))
    emu.script_batch(BatchPlan(polls=1000))
    client = batch_route.client(emu)
    with pytest.raises(DeadlineExceededError, match="deadline passed") as raised:
        await client.generate_batch(inputs(2), mode="provider", poll_interval=FAST, deadline=0.05)
    assert raised.value.handle is not None
    assert [r.path for r in emu.requests if r.path.endswith("/cancel")]
    results = await client.collect_batch(raised.value.handle, wait=True, poll_interval=FAST)
    assert all(isinstance(r, ProviderError) and "cancel" in str(r) for r in results)


async def test_collect_with_a_deadline_leaves_the_batch_running_and_cancel_stops_it(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    emu.script(emu_text("first"), emu_text("second"))
    emu.script_batch(BatchPlan(polls=1000, finished=1))
    client = batch_route.client(emu)
    handle = await client.submit_batch(inputs(2))
    with pytest.raises(DeadlineExceededError) as raised:
        await client.collect_batch(handle, wait=True, poll_interval=FAST, deadline=0.03)
    assert raised.value.handle == handle
    assert not [r for r in emu.requests if r.path.endswith("/cancel")]
    await client.cancel_batch(handle.to_json())
    results = await client.collect_batch(handle, wait=True, poll_interval=FAST)
    assert isinstance(results[0], GenerationResult)
    assert results[0].content == "first"
    assert isinstance(results[1], ProviderError)
    assert "cancel" in str(results[1])


async def test_empty_and_all_invalid_batches_send_nothing(
    emu: ProviderEmulator, batch_route: BatchRoute
) -> None:
    client = batch_route.client(emu)
    assert await client.generate_batch([], mode="provider") == []
    wrong: list[Any] = ["bad", 3]
    handle = await client.submit_batch(wrong)
    assert handle.batch_id is None
    results = await client.collect_batch(handle)
    assert all(isinstance(r, ConfigurationError) for r in results)
    await client.cancel_batch(handle)
    assert emu.requests == []


async def test_models_without_a_batch_api_and_options_a_batch_cannot_send(emu: ProviderEmulator) -> None:
    chat = LLMClient("openai/llama-3", api_key=KEY, base_url=emu.openai_base_url)
    emu.on_close(chat.aclose)
    with pytest.raises(UnsupportedFeatureError, match="'openai/llama-3'"):
        await chat.generate_batch(inputs(1), mode="provider")
    scripted = LLMClient(ScriptedModel([]))
    with pytest.raises(UnsupportedFeatureError, match="model string"):
        await scripted.submit_batch(inputs(1))
    client = ROUTES[0].client(emu)
    with pytest.raises(UnsupportedFeatureError, match="extra_headers"):
        await client.submit_batch(inputs(1), extra_headers={"x": "1"})
    with pytest.raises(ConfigurationError, match="at most 50000"):
        await client.submit_batch([[{"role": "user", "content": "q"}]] * 50_001)
    assert emu.requests == []


async def test_a_handle_that_does_not_fit_is_refused(emu: ProviderEmulator) -> None:
    client = ROUTES[0].client(emu)
    for bad in ("{", "[]", '{"version": 2}', '{"version": 1, "provider": "openai"}'):
        with pytest.raises(ConfigurationError) as raised:
            await client.collect_batch(bad)
        assert raised.value.field == "handle"
    good = BatchHandle("openai", "batch_1", "gpt-4o-mini", 1).to_json()
    for field, value in (("count", -1), ("rejected", [[0]]), ("response_format", "x"), ("batch_id", "")):
        broken = json.dumps({**json.loads(good), field: value})
        with pytest.raises(ConfigurationError, match=field):
            await client.collect_batch(broken)
    with pytest.raises(ConfigurationError, match="BatchHandle"):
        await client.collect_batch(42)  # type: ignore[arg-type]
    mismatch = BatchHandle("anthropic", "batch_1", "gpt-4o-mini", 1)
    with pytest.raises(ConfigurationError, match="anthropic batch"):
        await client.collect_batch(mismatch)
    with pytest.raises(ConfigurationError, match="wait"):
        await client.collect_batch(good, wait="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="deadline"):
        await client.collect_batch(good, deadline=-1)
    assert emu.requests == []


async def test_polls_ride_out_a_few_failures_then_give_up() -> None:
    async with ProviderEmulator() as emu:
        client = LLMClient("gpt-4o-mini", api_key=KEY, base_url=emu.openai_base_url, max_retries=0)
        handle = await client.submit_batch(inputs(1))
    # The emulator is gone: every poll fails to connect.
    with pytest.raises(ProviderError) as once:
        await client.collect_batch(handle)
    assert once.value.kind == "connection"
    with pytest.raises(ProviderError) as waited:
        await client.collect_batch(handle, wait=True, poll_interval=0.001)
    assert waited.value.kind == "connection"
    with pytest.raises(ProviderError):
        await client.cancel_batch(handle)
    await client.aclose()
