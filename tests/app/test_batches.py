"""Local batches: order, errors as values, a bounded pool, up-front checks, progress and summary."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from returns.result import Result, Success

import llmft
from llmft import (
    BatchPending,
    BatchResults,
    BatchSummary,
    ConfigurationError,
    GenerationResult,
    LLMClient,
    LLMToolkitError,
    ProviderError,
    Usage,
)
from llmft.app import bootstrap
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import DeltaStream
from llmft.testing import ScriptedModel, provider_error, reply


def inputs(count: int) -> list[list[dict[str, Any]]]:
    return [[{"role": "user", "content": f"q{n}"}] for n in range(count)]


def last_text(request: ModelRequest) -> str:
    return request.messages[-1].text


class CountingModel:
    """A ChatModel that counts the calls in flight; "fail" in a prompt fails, "bug" raises TypeError."""

    def __init__(self, pause: float = 0.001) -> None:
        self.pause = pause
        self.in_flight = 0
        self.most = 0
        self.calls = 0
        self.cancelled = 0

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        self.calls += 1
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(self.pause)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        text = last_text(request)
        if "bug" in text:
            raise TypeError("a bug, not a provider failure")
        usage = Usage(3, 2, 5)
        return Success(ModelReply(text=f"re: {text}", usage=usage, model="counting"))

    def stream(self, request: ModelRequest) -> DeltaStream:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


async def test_results_keep_input_order_and_failures_are_values() -> None:
    def answer(request: ModelRequest) -> Any:
        text = last_text(request)
        return provider_error("refused", status_code=400) if text.endswith("3") else reply(f"re: {text}")

    client = LLMClient(ScriptedModel(answer), max_retries=0)
    given: list[Any] = [*inputs(5), {"role": "user", "content": "not a list"}, "text", *inputs(2)]
    results = await client.generate_batch(given, concurrency=3)
    assert isinstance(results, BatchResults)
    assert isinstance(results, list)
    assert len(results) == 9
    assert [r.content for r in results[:3] if isinstance(r, GenerationResult)] == [
        "re: q0",
        "re: q1",
        "re: q2",
    ]
    assert isinstance(results[3], ProviderError)
    assert results[3].status_code == 400
    assert isinstance(results[4], GenerationResult)
    for wrong, kind in ((results[5], "dict"), (results[6], "str")):
        assert isinstance(wrong, ConfigurationError)
        assert f"list of messages, got {kind}" in str(wrong)
    assert [r.content for r in results[7:] if isinstance(r, GenerationResult)] == ["re: q0", "re: q1"]
    summary = results.summary
    assert (summary.total, summary.done, summary.failed, summary.pending) == (9, 6, 3, 0)


async def test_an_empty_batch_is_an_empty_list() -> None:
    client = LLMClient(ScriptedModel([]))
    results = await client.generate_batch([])
    assert results == []
    assert results.summary == BatchSummary(0, 0, 0)
    assert await client.generate_batch(iter(())) == []


async def test_the_pool_is_bounded_and_a_generator_of_inputs_is_read() -> None:
    class Prices:
        def price(self, model: str) -> llmft.Price:
            return llmft.Price(50_000, 50_000)  # USD per million tokens: 5 tokens cost 0.25

    model = CountingModel()
    client = LLMClient(model, prices=Prices())
    results = await client.generate_batch((m for m in inputs(200)), concurrency=5)
    assert model.most == 5
    assert model.calls == 200
    assert all(isinstance(r, GenerationResult) for r in results)
    summary = results.summary
    assert (summary.input_tokens, summary.output_tokens) == (600, 400)
    assert summary.cost_usd == pytest.approx(50.0)
    assert str(summary).startswith(
        "batch: 200 items, 200 done, 0 failed; 600 input + 400 output tokens, $50.0000"
    )


async def test_an_unexpected_exception_stops_the_batch_and_propagates() -> None:
    model = CountingModel(pause=0.01)
    client = LLMClient(model)
    given = inputs(30)
    given[4] = [{"role": "user", "content": "bug"}]
    with pytest.raises(TypeError, match="a bug"):
        await client.generate_batch(given, concurrency=4)
    assert model.calls < 30  # the rest never started
    assert model.in_flight == 0  # and those under way were cancelled
    assert model.cancelled >= 1


@pytest.mark.parametrize(
    ("keywords", "field"),
    [
        ({"temperature": "hot"}, "temperature"),
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": True}, "concurrency"),
        ({"mode": "remote"}, "mode"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"progress": "yes"}, "progress"),
        ({"use_tools": ["missing"]}, None),
        ({"stream": True}, "stream"),
        ({"tool_session": llmft.ToolSession()}, "tool_session"),
    ],
)
async def test_bad_keywords_raise_before_any_item_runs(keywords: dict[str, Any], field: str | None) -> None:
    model = CountingModel()
    client = LLMClient(model)
    with pytest.raises(ConfigurationError) as raised:
        await client.generate_batch(inputs(3), **keywords)
    assert model.calls == 0
    if field is not None:
        assert raised.value.field == field


@pytest.mark.parametrize("given", ["just text", {"role": "user"}, 42])
async def test_inputs_that_are_not_a_list_of_inputs_are_refused(given: Any) -> None:
    client = LLMClient(ScriptedModel([]))
    with pytest.raises(ConfigurationError, match="list of inputs") as raised:
        await client.generate_batch(given)
    assert raised.value.field == "inputs"


async def test_the_deadline_applies_to_each_item() -> None:
    model = CountingModel(pause=0.2)
    client = LLMClient(model)
    given = inputs(4)
    results = await client.generate_batch(given, concurrency=4, deadline=0.05)
    assert all(isinstance(r, llmft.DeadlineExceededError) for r in results)
    assert results.summary.failed == 4


async def test_progress_draws_a_bar_and_the_summary_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    client = LLMClient(ScriptedModel(lambda request: reply("ok")))
    results = await client.generate_batch(inputs(20), progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "llmft batch" in captured.err
    assert "20/20" in captured.err
    assert str(results.summary) in captured.err
    assert "20 done, 0 failed" in captured.err


async def test_progress_without_tqdm_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "llmft.adapters.tqdm_progress", raising=False)
    model = CountingModel()
    client = LLMClient(model)
    with pytest.raises(ConfigurationError, match=r"llmft\[progress\]") as raised:
        await client.generate_batch(inputs(2), progress=True)
    assert raised.value.field == "progress"
    assert model.calls == 0
    assert await client.generate_batch(inputs(2)) != []  # without a bar it runs


async def test_a_failing_batch_closes_its_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    client = LLMClient(CountingModel(pause=0.01))
    given = inputs(6)
    given[2] = [{"role": "user", "content": "bug"}]
    with pytest.raises(TypeError):
        await client.generate_batch(given, concurrency=1, progress=True)
    assert capsys.readouterr().err.rstrip().endswith("batch stopped: TypeError")
    assert bootstrap.client_parts().progress is bootstrap.progress_bar


def test_summaries_count_pending_items_and_partial_usage() -> None:
    failed = ProviderError("boom")
    failed.partial = GenerationResult(content=None, usage=Usage(5, 0, 5, cost_usd=None))
    done = GenerationResult(content="x", usage=Usage(1, 1, 2, cost_usd=0.5))
    results = BatchResults([done, failed, BatchPending("later")])
    summary = results.summary
    assert (summary.done, summary.failed, summary.pending) == (1, 1, 1)
    assert summary.input_tokens == 6
    assert summary.cost_usd is None  # one price unknown: the sum is unknown, never a guess
    assert "1 pending" in str(summary)
    assert "cost unknown" in str(summary)
    assert isinstance(BatchPending("x"), LLMToolkitError)
    assert BatchResults().summary.cost_usd is None


async def test_a_missing_key_raises_before_anything_is_sent() -> None:
    class NoSecrets:
        def api_key(self, provider: str) -> None:
            return None

    client = LLMClient("gpt-4o-mini", secrets=NoSecrets())
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        await client.generate_batch(inputs(3))
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        await client.submit_batch(inputs(3))
