"""Model prices and the cost of a usage: pure arithmetic over a price handed in.

Token counts follow llmft's `Usage` convention: `input_tokens` includes `cached_tokens` (read from the
prompt cache) and `cache_write_tokens` (written to it); `output_tokens` includes `reasoning_tokens`.
"""

from __future__ import annotations

import math
from typing import Any

from attrs import Attribute, field, frozen

from llmft.domain.messages import Usage

TOKENS_PER_MILLION = 1_000_000


def _check_rate(_instance: object, attribute: Attribute[Any], value: object) -> None:
    if value is None and attribute.name not in ("input", "output"):
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"Price.{attribute.name} must be a finite number >= 0 (USD per million tokens), got {value!r}"
        )


def _check_threshold(_instance: object, _attribute: Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"LongContextPrice.above_input_tokens must be an int >= 0, got {value!r}")


@frozen
class Price:
    """A model's price in USD per million tokens.

    `cached_input` and `cache_write` default to the input rate and `reasoning` to the output rate (a
    provider without a separate rate charges the ordinary one). `long_context` holds the prices that
    replace these for a request whose input is above a threshold (as Gemini 2.5 Pro's above 200k).
    """

    input: float = field(validator=_check_rate)
    output: float = field(validator=_check_rate)
    cached_input: float | None = field(default=None, validator=_check_rate)
    cache_write: float | None = field(default=None, validator=_check_rate)
    reasoning: float | None = field(default=None, validator=_check_rate)
    long_context: tuple[LongContextPrice, ...] = ()

    @classmethod
    def per_token(
        cls,
        input: float,
        output: float,
        *,
        cached_input: float | None = None,
        cache_write: float | None = None,
        reasoning: float | None = None,
    ) -> Price:
        """A price from USD-per-token rates (as price maps list them); stored per million tokens."""
        return cls(
            _per_million(input),
            _per_million(output),
            _per_million(cached_input),
            _per_million(cache_write),
            _per_million(reasoning),
        )

    def for_input(self, input_tokens: int) -> Price:
        """The price that applies to one request of `input_tokens`: the highest tier it is above."""
        chosen = self
        threshold = -1
        for tier in self.long_context:
            if threshold < tier.above_input_tokens < input_tokens:
                chosen, threshold = tier.price, tier.above_input_tokens
        return chosen


@frozen
class LongContextPrice:
    """The price of every token of a request whose input is above `above_input_tokens`."""

    above_input_tokens: int = field(validator=_check_threshold)
    price: Price


def _per_million(rate: Any) -> Any:
    if isinstance(rate, int | float) and not isinstance(rate, bool):
        # Maps list rates like 1.5e-07; rounding drops the float noise (0.15000000000000002).
        return round(rate * TOKENS_PER_MILLION, 9)
    return rate  # None, or something Price's validator rejects with a clear message


def cost_of(usage: Usage, price: Price | None) -> float | None:
    """The USD cost of one request's usage at `price`; None when the price is unknown (never 0).

    Cached tokens are charged at the cached rate, cache writes at the write rate, the rest of the
    input at the input rate; output (reasoning included) at the output rate unless reasoning has its own.
    """
    if price is None:
        return None
    rates = price.for_input(usage.input_tokens)
    input_tokens = max(usage.input_tokens, 0)
    # A provider's counts are trusted only as far as they add up: the cache parts never exceed the input.
    cached = min(max(usage.cached_tokens, 0), input_tokens)
    written = min(max(usage.cache_write_tokens, 0), input_tokens - cached)
    uncached = input_tokens - cached - written
    output_tokens = max(usage.output_tokens, 0)
    reasoning = min(max(usage.reasoning_tokens, 0), output_tokens) if rates.reasoning is not None else 0
    total = (
        uncached * rates.input
        + cached * _or(rates.cached_input, rates.input)
        + written * _or(rates.cache_write, rates.input)
        + (output_tokens - reasoning) * rates.output
        + reasoning * _or(rates.reasoning, rates.output)
    )
    return total / TOKENS_PER_MILLION


def _or(rate: float | None, default: float) -> float:
    return default if rate is None else rate
