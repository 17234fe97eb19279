"""Mock mode: the whole tool loop runs, but no tool with side effects does (mock_execute,
mock_function, or an automatic stub) — for dry runs, demos and tests.

Offline by default (the real openai SDK against llmft's emulator). Live: set LLMFT_MODEL and its key.
"""

import asyncio
import os

from llmft import LLMClient
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

OUTBOX: list[str] = []


def send_sms(to: str, text: str) -> str:
    """Send a text message."""
    OUTBOX.append(to)
    return f"sent to {to}"


def charge_card(amount_eur: float) -> str:
    """Charge the customer's card."""
    raise RuntimeError("this would have charged a real card")


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(
            emu_tool_calls(
                ("send_sms", {"to": "+4712345678", "text": "Your order shipped"}),
                ("charge_card", {"amount_eur": 49.0}),
            ),
            emu_text("Texted the customer and charged 49 EUR (dry run)."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model=model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            client.register_tool(
                send_sms, mock_function=lambda to, text: f"[dry run] would text {to}: {text!r}"
            )
            client.register_tool(charge_card)  # no mock given: an automatic stub answers
            result = await client.generate(
                [{"role": "user", "content": "Ship order 7 and bill it"}], mock_tools=True
            )
        for message in result.tool_messages:
            print(f"{message['name']}: {message['content']}")
        print("answer:", result.content)
        print("real messages sent:", OUTBOX)


if __name__ == "__main__":
    asyncio.run(main())
