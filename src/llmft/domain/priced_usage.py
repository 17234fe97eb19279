"""A reply's usage with its cost: the one step between a PriceTable and `Usage.cost_usd`."""

from __future__ import annotations

from attrs import evolve

from llmft.domain.messages import Usage
from llmft.domain.ports import PriceTable
from llmft.domain.pricing import cost_of


def priced(usage: Usage, model: str, table: PriceTable) -> Usage:
    """One request's `usage` with `cost_usd` set from `table` (None when `model`'s price is unknown),
    recorded under `model` in `by_model`."""
    return evolve(usage, cost_usd=cost_of(usage, table.price(model))).of_model(model)
