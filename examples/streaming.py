"""Streaming: `generate_stream` yields the answer's text as it arrives; `stream_events` yields the
whole run as typed events (text, reasoning, tool calls, retries, fallbacks), ending with `Finished`.

Offline by default (the real openai SDK streaming SSE from llmft's emulator).
Live: LLMFT_MODEL=gpt-4o-mini with OPENAI_API_KEY set (or any provider/model with its key).
"""

import asyncio
import os

from llmft import (
    FallingBack,
    Finished,
    LLMClient,
    ReasoningDelta,
    Retrying,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls


def stock_level(sku: str) -> int:
    """How many items of a product are in stock.

    Args:
        sku: The product's stock-keeping unit, e.g. "MUG-01".
    """
    return {"MUG-01": 12}.get(sku, 0)


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(
            emu_text("Streaming sends the answer piece by piece, as the model writes it."),
            emu_tool_calls(("stock_level", {"sku": "MUG-01"})),
            emu_text("There are 12 mugs in stock."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            async for chunk in client.generate_stream([{"role": "user", "content": "What is streaming?"}]):
                print(chunk.content, end="", flush=True)
                if chunk.done and chunk.result is not None:
                    print(f"\n(done: {chunk.result.finish_reason}, {chunk.usage})")

            client.register_tool(stock_level)
            ask = [{"role": "user", "content": "How many MUG-01 are in stock?"}]
            async for event in client.stream_events(ask):
                match event:
                    case TextDelta(text=text):
                        print(text, end="", flush=True)
                    case ReasoningDelta(text=text):
                        print(f"[thinking] {text}")
                    case ToolCallStarted(name=name, arguments=arguments):
                        print(f"-> {name}({arguments})")
                    case ToolCallFinished(name=name, result=result):
                        print(f"<- {name}: {result.content}")
                    case Retrying() | FallingBack():
                        print(f"[{event}]")
                    case Finished(result=result):
                        print(f"\n(payloads: {result.payloads})")


if __name__ == "__main__":
    asyncio.run(main())
