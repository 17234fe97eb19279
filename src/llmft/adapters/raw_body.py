"""Reading an SDK's HTTP response here rather than through the SDK's models: the header that makes the
openai and anthropic SDKs hand a streamed response back unread, and the end of a stream read so its
connection goes back to the pool.

Shared by the two native adapters (the one exception to "adapters do not import each other", written
in .importlinter): both SDKs are built on the same client code, and both read server-sent events here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx2

from llmft.domain.errors import ReplyTooLarge

# With this header a request's response comes back unread (as the SDKs' `with_streaming_response`).
STREAMED = {"X-Stainless-Raw-Response": "stream"}
DRAIN_SECONDS = 0.1  # the longest a stream's end is awaited after its last event
DRAIN_LINES = 64  # lines read past the last event at most (a well-formed stream has none)


async def drain(lines: AsyncIterator[str]) -> None:
    """Read what follows a stream's last event (normally only the end of its body) before the caller
    sees the end, so the connection goes back to the pool; an unread body would close it. Given up
    after `DRAIN_LINES` lines or `DRAIN_SECONDS` (as the SDKs do after `[DONE]`)."""
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            for _ in range(DRAIN_LINES):
                await anext(lines)
    except (StopAsyncIteration, TimeoutError, httpx2.HTTPError, ReplyTooLarge, ValueError):
        pass  # the end (or a broken one): what was read is complete either way
