"""What a user writes with the raw SDKs, as benchmark rows: a stream read to its end, a tool loop by hand.

Each returns what the llmft row it is compared with returns: a stream its time to first text delta,
a tool loop its final reply after the model's tool calls are run and answered (3 model calls here).
"""

from __future__ import annotations

import json
import time
from typing import Any

USER = [{"role": "user", "content": "ping"}]
MAX_TOKENS = 64  # the bare-litellm anthropic row's limit; the SDK needs one
TOOL_ROUNDS = 2  # the emulator's tool calls before it answers


async def ping(n: int) -> int:
    """The benchmark's tool: answers the number sent."""
    return n


PING_SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
OPENAI_TOOLS = [{"type": "function", "name": "ping", "description": "Answer n.", "parameters": PING_SCHEMA}]
ANTHROPIC_TOOLS = [{"name": "ping", "description": "Answer n.", "input_schema": PING_SCHEMA}]


async def anthropic_stream(sdk: Any) -> float:
    """One streamed `messages.create`, read to its end; its time to first text delta."""
    started, first = time.perf_counter(), 0.0
    stream = await sdk.messages.create(
        model="claude-bench", max_tokens=MAX_TOKENS, messages=USER, stream=True
    )
    async for event in stream:
        if not first and event.type == "content_block_delta" and event.delta.type == "text_delta":
            first = time.perf_counter() - started
    return first


async def openai_tool_loop(sdk: Any) -> Any:
    """`responses.create` until the model stops calling tools, each call run and its output sent back."""
    items: list[Any] = list(USER)
    for _ in range(TOOL_ROUNDS + 2):  # one more than needed: a loop that never ends is an error below
        reply = await sdk.responses.create(model="gpt-4o-mini", input=items, tools=OPENAI_TOOLS)
        calls = [item for item in reply.output if item.type == "function_call"]
        if not calls:
            return reply
        for call in calls:
            output = await ping(**json.loads(call.arguments))
            items.append(
                {
                    "type": "function_call",
                    "call_id": call.call_id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )
            items.append(
                {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(output)}
            )
    raise RuntimeError("the tool loop did not end")


async def anthropic_tool_loop(sdk: Any) -> Any:
    """`messages.create` until the model stops using tools, each tool_use run and its result sent back."""
    messages: list[Any] = list(USER)
    for _ in range(TOOL_ROUNDS + 2):
        reply = await sdk.messages.create(
            model="claude-bench", max_tokens=MAX_TOKENS, messages=messages, tools=ANTHROPIC_TOOLS
        )
        uses = [block for block in reply.content if block.type == "tool_use"]
        if not uses:
            return reply
        messages.append({"role": "assistant", "content": reply.content})
        results = [
            {"type": "tool_result", "tool_use_id": use.id, "content": json.dumps(await ping(**use.input))}
            for use in uses
        ]
        messages.append({"role": "user", "content": results})
    raise RuntimeError("the tool loop did not end")
