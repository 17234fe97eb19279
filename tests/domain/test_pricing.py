"""Cost arithmetic: cached and cache-write rates, reasoning, long-context tiers, unknown stays None."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmft.domain.messages import Usage
from llmft.domain.pricing import LongContextPrice, Price, cost_of

SONNET = Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)


def test_input_and_output_are_charged_per_million_tokens() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000, total_tokens=2_000_000)
    assert cost_of(usage, Price(0.15, 0.60)) == pytest.approx(0.75)
    assert cost_of(Usage(input_tokens=1000, output_tokens=500), Price(2.5, 10.0)) == pytest.approx(0.0075)


def test_cached_and_cache_write_tokens_are_parts_of_the_input_charged_at_their_rates() -> None:
    usage = Usage(input_tokens=1000, output_tokens=100, cached_tokens=400, cache_write_tokens=100)
    # 500 uncached at 3, 400 read at 0.3, 100 written at 3.75, 100 out at 15 (USD per million)
    assert cost_of(usage, SONNET) == pytest.approx((500 * 3 + 400 * 0.3 + 100 * 3.75 + 100 * 15) / 1e6)


def test_without_a_cache_rate_cached_and_written_tokens_cost_the_input_rate() -> None:
    usage = Usage(input_tokens=1000, output_tokens=0, cached_tokens=600, cache_write_tokens=400)
    assert cost_of(usage, Price(1.0, 2.0)) == pytest.approx(1000 / 1e6)


def test_reasoning_is_output_unless_it_has_its_own_rate() -> None:
    usage = Usage(input_tokens=0, output_tokens=100, reasoning_tokens=40)
    assert cost_of(usage, Price(1.0, 10.0)) == pytest.approx(100 * 10 / 1e6)
    assert cost_of(usage, Price(1.0, 10.0, reasoning=20.0)) == pytest.approx((60 * 10 + 40 * 20) / 1e6)


def test_a_long_context_tier_prices_every_token_of_a_request_above_its_threshold() -> None:
    tier = Price(2.5, 15.0, cached_input=0.25)
    price = Price(1.25, 10.0, cached_input=0.125, long_context=(LongContextPrice(200_000, tier),))
    at_threshold = Usage(input_tokens=200_000, output_tokens=1000, cached_tokens=100_000)
    above = Usage(input_tokens=200_001, output_tokens=1000, cached_tokens=100_000)
    assert cost_of(at_threshold, price) == pytest.approx((100_000 * 1.25 + 100_000 * 0.125 + 1000 * 10) / 1e6)
    assert cost_of(above, price) == pytest.approx((100_001 * 2.5 + 100_000 * 0.25 + 1000 * 15) / 1e6)


def test_the_highest_tier_below_the_input_applies_whatever_their_order() -> None:
    tiers = (LongContextPrice(500, Price(3.0, 3.0)), LongContextPrice(100, Price(2.0, 2.0)))
    price = Price(1.0, 1.0, long_context=tiers)
    assert price.for_input(100) is price
    assert price.for_input(101).input == 2.0
    assert price.for_input(501).input == 3.0


def test_an_unknown_price_is_none_never_zero_and_a_free_model_costs_zero() -> None:
    usage = Usage(input_tokens=10, output_tokens=5)
    assert cost_of(usage, None) is None
    assert cost_of(usage, Price(0.0, 0.0)) == 0.0


def test_cache_counts_that_do_not_add_up_never_exceed_the_input() -> None:
    usage = Usage(100, 10, 110, cached_tokens=80, cache_write_tokens=50, reasoning_tokens=99)
    # 80 read, the 20 left written, nothing uncached; reasoning capped at the output
    expected = (80 * 0.3 + 20 * 3.75 + 10 * 20.0) / 1e6
    assert cost_of(usage, Price(3.0, 15.0, 0.3, 3.75, reasoning=20.0)) == pytest.approx(expected)


@given(
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.floats(0, 100, allow_nan=False),
)
def test_with_one_rate_for_everything_the_split_does_not_change_the_cost(
    inp: int, out: int, cached: int, written: int, reasoning: int, rate: float
) -> None:
    usage = Usage(inp, out, inp + out, cached, written, reasoning)
    price = Price(rate, rate, rate, rate, rate)
    cost = cost_of(usage, price)
    assert cost is not None
    assert math.isclose(cost, (inp + out) * rate / 1e6, rel_tol=1e-9, abs_tol=1e-12)


def test_per_token_rates_are_stored_per_million_without_float_noise() -> None:
    price = Price.per_token(1.5e-07, 6e-07, cached_input=7.5e-08, cache_write=None, reasoning=None)
    assert price == Price(0.15, 0.6, cached_input=0.075)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, True, "0.15", None])
def test_a_rate_that_is_not_a_finite_non_negative_number_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"Price\.input must be a finite number >= 0"):
        Price(bad, 1.0)  # type: ignore[arg-type]
    if bad is not None:
        with pytest.raises(ValueError, match=r"Price\.cached_input"):
            Price(1.0, 1.0, cached_input=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_long_context_threshold_must_be_a_non_negative_int(bad: object) -> None:
    with pytest.raises(ValueError, match="above_input_tokens"):
        LongContextPrice(bad, Price(1.0, 1.0))  # type: ignore[arg-type]
