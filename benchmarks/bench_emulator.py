"""The provider emulator the benchmarks talk to, in its own process: `python bench_emulator.py CHUNKS`.

Prints its base URL, then answers every request on every protocol (Responses, Chat Completions,
Anthropic Messages): a request offering tools gets a `ping` call until it carries TOOL_ROUNDS tool
results, so a tool loop takes TOOL_ROUNDS + 1 model calls; a stream gets CHUNKS text deltas; the rest "pong".
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any

from llmft.testing import EmuReply, ProviderEmulator, RecordedRequest, emu_text, emu_tool_calls

TOOL_ROUNDS = 2  # tool calls before the final answer: a tool loop is 3 model calls


def tool_results(body: dict[str, Any]) -> int:
    """Tool results a request carries, in any protocol's shape."""
    items = body.get("input") or body.get("messages") or []
    count = 0
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call_output" or item.get("role") == "tool":  # Responses, Chat
            count += 1
        content = item.get("content")
        if isinstance(content, list):  # Anthropic: tool_result blocks in a user turn
            count += sum(isinstance(block, dict) and block.get("type") == "tool_result" for block in content)
    return count


async def serve(chunks: int) -> None:
    """Serve until interrupted."""
    long_text = "".join(f"{i:04d}" for i in range(chunks))  # 4-char deltas, all different

    def answer(request: RecordedRequest) -> EmuReply:
        body = request.body
        done = tool_results(body)
        if body.get("tools") and done < TOOL_ROUNDS:
            return emu_tool_calls(("ping", {"n": done + 1}))  # new arguments each round: no repetition guard
        return emu_text(long_text if body.get("stream") else "pong")

    async with ProviderEmulator(answer, record=False) as emu:
        print(emu.base_url, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(int(sys.argv[1])))
