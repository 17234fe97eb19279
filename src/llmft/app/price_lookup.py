"""A client's price table, asked off the event loop until it has answered once.

A price table loads its data on first use: the built-in one parses litellm's price map (a few MB of
JSON, 45-90 ms), which on the event loop's thread would stall every other task of the process for
that long. The first look-up of each client runs in a worker thread instead; later ones, answered
from memory, run where they are asked.
"""

from __future__ import annotations

import asyncio

from llmft.domain.ports import PriceTable
from llmft.domain.pricing import Price


class PriceLookup:
    """`table`, whose first answer is awaited from a worker thread (see the module docs)."""

    __slots__ = ("_warm", "table")

    def __init__(self, table: PriceTable) -> None:
        self.table = table
        self._warm = False

    def price(self, model: str) -> Price | None:
        """The table's answer, here and now (for a caller that is not on the event loop's hot path)."""
        return self.table.price(model)

    async def price_of(self, model: str) -> Price | None:
        """The table's answer; the first one from a worker thread, so its loading never stalls the loop."""
        if self._warm:
            return self.table.price(model)
        found = await asyncio.to_thread(self.table.price, model)
        self._warm = True
        return found


_: type[PriceTable] = PriceLookup
