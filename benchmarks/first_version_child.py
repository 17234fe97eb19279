"""The first version (llm-factory-toolkit 2.1.0) under the benchmark, in its own venv and process.

Run by first_version.py with the side venv's python: `first_version_child.py BASE_URL KEY`. It reads one
JSON request a line on stdin (`{"row": "call openai", "n": 30}`), runs that many calls and answers one
JSON line on stdout: its own CPU seconds for them (`time.process_time`), each call's latency and return.
It imports nothing from llmft (not installed there) and the first version by name (not in llmft's venv).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any

from idle import settle

USER = [{"role": "user", "content": "ping"}]


async def ping(n: int) -> str:
    """Answer the number sent."""
    return str(n)


def sdk_rows(base: str, key: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The SDK versions 2.1.0 runs on, called directly: "<call|stream> <openai|anthropic>-sdk"."""
    openai_sdk = importlib.import_module("openai").AsyncOpenAI(
        api_key=key, base_url=f"{base}/v1", max_retries=0
    )
    anthropic_sdk = importlib.import_module("anthropic").AsyncAnthropic(
        api_key=key, base_url=base, max_retries=0
    )

    async def openai_stream() -> float:
        started, first = time.perf_counter(), 0.0
        async for event in await openai_sdk.responses.create(model="gpt-4o-mini", input=USER, stream=True):
            if not first and event.type == "response.output_text.delta":
                first = time.perf_counter() - started
        return first

    async def anthropic_stream() -> float:
        started, first = time.perf_counter(), 0.0
        stream = await anthropic_sdk.messages.create(
            model="claude-bench", max_tokens=64, messages=USER, stream=True
        )
        async for event in stream:
            if not first and event.type == "content_block_delta" and event.delta.type == "text_delta":
                first = time.perf_counter() - started
        return first

    return {
        "call openai-sdk": lambda: openai_sdk.responses.create(model="gpt-4o-mini", input=USER),
        "stream openai-sdk": openai_stream,
        "call anthropic-sdk": lambda: anthropic_sdk.messages.create(
            model="claude-bench", max_tokens=64, messages=USER
        ),
        "stream anthropic-sdk": anthropic_stream,
    }


def make_rows(base: str, key: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Every row's one call, by "<call|tool loop|stream> <openai|anthropic>"; a stream's returns its time
    to first chunk. The SDKs it runs on, called directly, are rows too."""
    toolkit: Any = importlib.import_module("llm_factory_toolkit")
    # The OpenAI adapter takes base_url; the Anthropic adapter takes none, so its SDK reads the variable.
    os.environ["ANTHROPIC_BASE_URL"] = base
    models = {
        "openai": ("openai/gpt-4o-mini", {"base_url": f"{base}/v1"}),
        "anthropic": ("anthropic/claude-bench", {}),
    }
    rows = sdk_rows(base, key)
    for provider, (model, extra) in models.items():
        plain = toolkit.LLMClient(model=model, api_key=key, max_retries=0, **extra)
        looped = toolkit.LLMClient(model=model, api_key=key, max_retries=0, **extra)
        looped.register_tool(
            ping,
            name="ping",
            description="Answer the number sent.",
            parameters={"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
        )

        async def stream(client: Any = plain) -> float:
            # 2.1.0's generate(stream=True) hands `usage_metadata` on to the SDK, which refuses it
            # (TypeError); its router's generate_stream is the path generate takes below that.
            started, first = time.perf_counter(), 0.0
            async for chunk in client.provider.generate_stream(input=USER):
                if not first and chunk.content:
                    first = time.perf_counter() - started
            return first

        async def call(client: Any = plain) -> None:
            await client.generate(USER)

        async def loop(client: Any = looped) -> None:
            result = await client.generate(USER)
            if len(result.tool_messages or ()) != 2:  # 3 model calls: two tool rounds, then the answer
                raise RuntimeError(f"tool loop ran {len(result.tool_messages or ())} tool calls, not 2")

        rows[f"call {provider}"] = call
        rows[f"tool loop {provider}"] = loop
        rows[f"stream {provider}"] = stream
    return rows


async def run_slice(call: Callable[[], Awaitable[Any]], n: int) -> dict[str, Any]:
    latencies, returns = [], []
    started_cpu = time.process_time()
    for _ in range(n):
        started = time.perf_counter()
        value = await call()
        returns.append(value if isinstance(value, float) else None)  # a stream's time to first chunk
        latencies.append(time.perf_counter() - started)
    await settle()
    return {"cpu_s": time.process_time() - started_cpu, "latencies": latencies, "returns": returns}


async def main(base: str, key: str) -> None:
    rows = make_rows(base, key)
    for call in rows.values():  # every row works before the parent counts on it
        await call()
    gc.collect()
    gc.freeze()  # as the parent does with its start-up heap
    packages = ("llm_factory_toolkit", "openai", "anthropic")
    print(json.dumps({"ready": {name: version(name) for name in packages}}), flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        ask = json.loads(line)
        print(json.dumps(await run_slice(rows[ask["row"]], ask["n"])), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
