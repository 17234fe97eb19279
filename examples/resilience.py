"""Timeouts, deadlines, retries and fallbacks, and what each one raises.

- `timeout`: the longest any one wait may last (the reply to start, the next stream chunk).
- `deadline`: the whole call (tool loop, retries, tools); past it DeadlineExceededError with `.partial`.
- `max_retries`: retries of a failure worth retrying (429, 5xx, timeouts, connection errors), per model.
- `fallback_models`: the next models when one keeps failing; each with its own key (`ModelSpec`).

Offline by default: the real openai and anthropic SDKs against llmft's emulator, which fails on
purpose. Live: LLMFT_MODEL=gpt-4o-mini with its key runs the events part against that model.
"""

import asyncio
import os

from llmft import (
    DeadlineExceededError,
    FallingBack,
    Finished,
    LLMClient,
    ModelSpec,
    ProviderError,
    Retrying,
    TextDelta,
)
from llmft.testing import ProviderEmulator, emu_fault, emu_text, emu_tool_calls

ASK = [{"role": "user", "content": "Say hello."}]


async def quick_lookup(topic: str) -> str:
    """Look a topic up in the fast index."""
    return f"{topic}: found in the fast index"


async def slow_lookup(topic: str) -> str:
    """Look a topic up in the slow archive."""
    await asyncio.sleep(30)
    return f"{topic}: found in the archive"


async def retries_and_fallbacks(emu: ProviderEmulator) -> None:
    busy = emu_fault(status=503, headers={"retry-after": "0"})  # the server asks for no wait
    emu.script(busy, busy, busy, emu_text("Hello from the fallback."))  # 1 try + 2 retries, then Claude
    client = LLMClient(
        "gpt-4o-mini",
        base_url=emu.openai_base_url,
        api_key="sk-openai-offline",  # the primary's provider only: never sent to Anthropic
        max_retries=2,
        fallback_models=[
            ModelSpec("anthropic/claude-sonnet-4-5", api_key="sk-ant-offline", base_url=emu.base_url)
        ],
    )
    async with client:
        async for event in client.stream_events(ASK):
            match event:
                case Retrying(model=model, attempt=attempt, delay=delay, error=error):
                    print(f"retry {attempt} of {model} in {delay:g} s after HTTP {error.status_code}")
                case FallingBack(from_model=old, to_model=new):
                    print(f"falling back from {old} to {new}")
                case TextDelta(text=text):
                    print(text, end="")
                case Finished(result=result):
                    print(f"\nanswered by {result.model}")
    print("requests:", [r.path for r in emu.requests])
    print("OpenAI key sent to Anthropic:", "sk-openai-offline" in str(emu.requests[-1].headers))


async def timeouts_and_deadlines(emu: ProviderEmulator) -> None:
    emu.script(emu_fault(drip=1.0))  # the reply takes 1 s to start
    async with LLMClient(
        "gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-offline", max_retries=0, timeout=0.3
    ) as client:
        try:
            await client.generate(ASK)
        except ProviderError as error:
            print(f"timeout: kind={error.kind!r} retryable={error.retryable}")

        emu.script(
            emu_tool_calls(("quick_lookup", {"topic": "llmft"})),
            emu_tool_calls(("slow_lookup", {"topic": "llmft"})),
            emu_text("never reached"),
        )
        client.register_tool(quick_lookup)
        client.register_tool(slow_lookup)
        try:
            await client.generate(ASK, deadline=1.0)
        except DeadlineExceededError as error:
            partial = error.partial
            assert partial is not None
            print("deadline:", error)
            print("  what was gathered:", [p["payload"] for p in partial.payloads])


async def main() -> None:
    model = os.environ.get("LLMFT_MODEL")
    if model:
        async with LLMClient(model, max_retries=2, timeout=60) as client:
            async for event in client.stream_events(ASK, deadline=120):
                if isinstance(event, TextDelta):
                    print(event.text, end="")
                elif isinstance(event, Retrying | FallingBack):
                    print(f"\n{event}")
            print()
        return
    async with ProviderEmulator() as emu:
        await retries_and_fallbacks(emu)
        await timeouts_and_deadlines(emu)


if __name__ == "__main__":
    asyncio.run(main())
