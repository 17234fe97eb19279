"""A client's price table: a reply priced as the model that served it, and asked off the event loop
until the table has answered once.

A price table may load its data on first use (the built-in one reads litellm's 3.4 MB price map; a
table of your own may ask a database), which on the event loop's thread would stall every other task
of the process for that long. The first reply of each client is priced in a worker thread instead;
later ones where they are asked.
"""

from __future__ import annotations

import asyncio

from llmft.domain.messages import ModelReply
from llmft.domain.ports import PriceTable
from llmft.domain.pricing import Price, cost_of
from llmft.domain.values import replace


class PriceLookup:
    """`table`, whose first answer is awaited from a worker thread (see the module docs)."""

    __slots__ = ("_warm", "table")

    def __init__(self, table: PriceTable) -> None:
        self.table = table
        self._warm = False

    def price(self, model: str) -> Price | None:
        """The table's answer, here and now (for a caller that is not on the event loop's hot path)."""
        return self.table.price(model)

    def price_for(self, served: str, asked: str) -> Price | None:
        """The price of the model that served a reply (as the reply names it), else of the one asked for."""
        return (self.table.price(served) if served else None) or self.table.price(asked)

    async def priced(self, reply: ModelReply, asked: str) -> ModelReply:
        """`reply` with its cost; the first of this client's priced in a worker thread."""
        if reply.usage is None:
            return reply
        if self._warm:
            price = self.price_for(reply.model, asked)
        else:
            price = await asyncio.to_thread(self.price_for, reply.model, asked)
            self._warm = True
        return replace(reply, usage=reply.usage.with_cost(cost_of(reply.usage, price)))


_: type[PriceTable] = PriceLookup
