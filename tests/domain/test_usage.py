"""Usage: sums by model, cost that stays unknown, and the dict look-ups of earlier versions."""

from __future__ import annotations

from llmft.domain.messages import Usage


def test_usage_sums_by_model_and_cost_stays_unknown_when_any_price_is() -> None:
    a = Usage(10, 2, 12, cost_usd=0.5).of_model("m1")
    b = Usage(5, 1, 6, reasoning_tokens=1, cost_usd=0.25).of_model("m2")
    total = a + b + Usage(1, 1, 2, cost_usd=0.25).of_model("m1")
    assert (total.input_tokens, total.output_tokens, total.reasoning_tokens) == (16, 4, 1)
    assert total.cost_usd == 1.0
    assert total.by_model["m1"].input_tokens == 11
    assert total.by_model["m2"].cost_usd == 0.25
    assert (total + Usage(1, 0, 1)).cost_usd is None  # unknown is never 0
    assert total["prompt_tokens"] == total["input_tokens"] == 16
    assert total.get("completion_tokens") == 4
    assert total.get("nope", -1) == -1
    assert dict(total)["total_tokens"] == 20
    assert total.as_dict()["by_model"]["m1"]["input_tokens"] == 11


def test_of_model_and_with_cost_keep_every_count() -> None:
    usage = Usage(1, 2, 3, cached_tokens=4, cache_write_tokens=5, reasoning_tokens=6, cost_usd=0.5)
    recorded = usage.of_model("m")
    assert recorded == usage  # `by_model` is not compared
    assert recorded.by_model == {"m": usage}
    assert recorded.by_model["m"].by_model == {}
    priced = recorded.with_cost(0.25)
    assert (priced.cost_usd, priced.by_model, priced.reasoning_tokens) == (0.25, recorded.by_model, 6)
