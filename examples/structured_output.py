"""Structured output: `response_format=` a pydantic class makes `result.content` an instance of it,
validated; a reply that does not fit is a StructuredOutputError holding the raw text.

Offline by default (the real openai SDK against llmft's emulator, which plays the model).
Live: LLMFT_MODEL=gpt-4o-mini with OPENAI_API_KEY set (or any provider/model with its key).
"""

import asyncio
import json
import os

from pydantic import BaseModel, Field

from llmft import LLMClient, StructuredOutputError
from llmft.testing import ProviderEmulator, emu_text


class LineItem(BaseModel):
    description: str
    amount_eur: float = Field(ge=0)


class Invoice(BaseModel):
    number: str
    customer: str
    items: list[LineItem]


TEXT = "Invoice INV-7 for Acme: 2 h consulting at 120 EUR, travel 35.50 EUR."
ASK = [{"role": "user", "content": f"Extract the invoice: {TEXT}"}]


async def main() -> None:
    async with ProviderEmulator() as emu:
        invoice = {
            "number": "INV-7",
            "customer": "Acme",
            "items": [
                {"description": "consulting, 2 h", "amount_eur": 240},
                {"description": "travel", "amount_eur": 35.5},
            ],
        }
        emu.script(
            emu_text(json.dumps(invoice)),
            emu_text('{"number": "INV-7", "customer": "Acme", "items": "none"}'),  # does not fit
            emu_text('{"number": "INV-7", "items": []}'),  # re-asked with the errors: still wrong
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            result = await client.generate(ASK, response_format=Invoice)
            assert isinstance(result.content, Invoice)
            print(result.content.number, result.content.customer)
            print("total:", sum(item.amount_eur for item in result.content.items), "EUR")
            if not model:
                sent = emu.requests[0].body["text"]["format"]
                print("sent as:", sent["type"], sent["name"], "strict:", sent["strict"])
                try:
                    await client.generate(ASK, response_format=Invoice)
                except StructuredOutputError as error:  # after one re-ask (max_output_retries=1)
                    print("refused:", error)
                    print("raw text kept:", error.raw_text[:40], "...")


if __name__ == "__main__":
    asyncio.run(main())
