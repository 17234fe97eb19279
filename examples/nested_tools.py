"""Nested tools: a tool calls other tools through ToolRuntime (same context, one level deeper).

Offline by default (the real openai SDK against llmft's emulator). Live: set LLMFT_MODEL and its key.
"""

import asyncio
import os

from llmft import LLMClient, ToolRuntime
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls


async def fetch_price(symbol: str, tool_call_depth: int) -> str:
    """Price of one stock symbol."""
    prices = {"AAPL": 231.5, "MSFT": 415.2, "NVDA": 128.9}
    return f"{symbol}: {prices.get(symbol.upper(), 'unknown')} (fetched at depth {tool_call_depth})"


async def portfolio_report(symbols: list[str], tool_runtime: ToolRuntime) -> str:
    """Prices for a whole portfolio at once.

    Args:
        symbols: Stock symbols, e.g. ["AAPL", "MSFT"].
    """
    results = await tool_runtime.call_tools(
        [{"name": "fetch_price", "arguments": {"symbol": s}} for s in symbols]
    )
    return "\n".join(r.content for r in results)


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(
            emu_tool_calls(("portfolio_report", {"symbols": ["AAPL", "NVDA"]})),
            emu_text("AAPL 231.5, NVDA 128.9."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model=model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            client.register_tool(fetch_price)
            client.register_tool(portfolio_report)
            result = await client.generate([{"role": "user", "content": "How are AAPL and NVDA doing?"}])
            print(result.tool_messages[0]["content"])
            print("answer:", result.content)
            print("calls:", client.tool_factory.get_tool_usage_counts())


if __name__ == "__main__":
    asyncio.run(main())
