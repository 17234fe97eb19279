"""Human approval: plan the tool calls first (nothing runs), ask a person, run only what they approve,
tell the model what was denied, and let it answer.

Offline by default (the real openai SDK against llmft's emulator), with a scripted approver that
approves refunds up to 100 EUR. Live: set LLMFT_MODEL and its key, and APPROVE=ask to be asked.
"""

import asyncio
import os

from llmft import LLMClient, ParsedToolCall
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls


def refund(order_id: str, amount_eur: float) -> str:
    """Refund an order."""
    return f"refunded {amount_eur} EUR on {order_id}"


def approve(call: ParsedToolCall) -> bool:
    if os.environ.get("APPROVE") == "ask":
        return input(f"Run {call.name}({call.arguments})? [y/N] ").strip().lower() == "y"
    return isinstance(call.arguments, dict) and float(call.arguments.get("amount_eur", 0)) <= 100


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(
            emu_tool_calls(
                ("refund", {"order_id": "A-1", "amount_eur": 40}),
                ("refund", {"order_id": "B-2", "amount_eur": 900}),
            ),
            emu_text("Refunded 40 EUR on A-1. The 900 EUR refund on B-2 needs a manager."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model=model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            client.register_tool(refund)
            conversation = [{"role": "user", "content": "Refund A-1 (40 EUR) and B-2 (900 EUR)."}]
            intent = await client.generate_tool_intent(conversation)
            calls = intent.tool_calls or []
            approved = [c for c in calls if approve(c)]
            denied = [c for c in calls if c not in approved]
            for c in calls:
                print(("APPROVED " if c in approved else "DENIED   ") + f"{c.name}({c.arguments})")
            ran = await client.execute_tool_intents(intent.model_copy(update={"tool_calls": approved}))
            refusals = [
                {"role": "tool", "tool_call_id": c.id, "content": "Denied by a human reviewer."}
                for c in denied
            ]
            result = await client.generate([*conversation, *intent.raw_assistant_message, *ran, *refusals])
        print("answer:", result.content)


if __name__ == "__main__":
    asyncio.run(main())
