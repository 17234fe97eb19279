"""Multi-turn conversations: `result.messages` is the whole conversation as plain JSON, ready to be
stored and to be the next call's input, with each provider's reasoning state kept.

Offline by default: the real anthropic SDK against llmft's emulator, with extended thinking on and
the emulator refusing (as Anthropic does) a tool turn sent back without its signed thinking block.
Live: LLMFT_MODEL=anthropic/claude-sonnet-4-5 with ANTHROPIC_API_KEY set (or any provider/model with
its key; `thinking` is sent to Anthropic models only).
"""

import asyncio
import json
import os
from typing import Any

from llmft import LLMClient
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

FORECASTS = {"Oslo": "4 °C, rain", "Lisbon": "19 °C, sun"}


def forecast(city: str) -> str:
    """Tomorrow's weather in a city.

    Args:
        city: The city's name, e.g. "Oslo".
    """
    return FORECASTS.get(city, "no forecast")


async def main() -> None:
    async with ProviderEmulator(require_thinking_roundtrip=True) as emu:
        emu.script(
            emu_tool_calls(("forecast", {"city": "Oslo"}), reasoning="The user wants Oslo's weather."),
            emu_text("Tomorrow in Oslo: 4 °C and rain.", reasoning="The tool answered."),
            emu_tool_calls(("forecast", {"city": "Lisbon"}), reasoning="Now Lisbon."),
            emu_text("Lisbon is warmer: 19 °C and sun.", reasoning="Compare them."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model)
            if model
            else LLMClient("anthropic/claude-sonnet-4-5", base_url=emu.base_url, api_key="offline")
        )
        options: dict[str, Any] = {}
        if client.model.startswith("anthropic/"):
            options = {"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_output_tokens": 4096}
        async with client:
            client.register_tool(forecast)
            first = await client.generate(
                [{"role": "user", "content": "What's the weather in Oslo tomorrow?"}], **options
            )
            print("turn 1:", first.content)

            stored = json.dumps(first.messages)  # plain JSON: a database row, a file, another process
            conversation = json.loads(stored)
            print("stored roles:", [m.get("role", m.get("type")) for m in conversation])
            print("thinking blocks kept:", sum(len(m.get("thinking_blocks", [])) for m in conversation))

            conversation.append({"role": "user", "content": "And in Lisbon?"})
            second = await client.generate(conversation, **options)
            print("turn 2:", second.content)
            print("messages now:", len(second.messages or []))


if __name__ == "__main__":
    asyncio.run(main())
