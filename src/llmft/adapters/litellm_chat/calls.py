"""The call to litellm: cancelled safely, and its stream tapped for what litellm drops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Protocol, runtime_checkable

import litellm


async def acompletion(params: dict[str, Any]) -> Any:
    """`litellm.acompletion`, cancelled only once litellm has left its worker thread.

    litellm runs its synchronous set-up in the loop's default executor and then awaits the coroutine
    that set-up returns: a cancellation landing in between drops that coroutine unawaited (a
    "coroutine ... was never awaited" RuntimeWarning). So the call runs as a task, and a cancellation
    lets the set-up return before it cancels the task, which then unwinds and closes its request.
    """
    task = asyncio.ensure_future(litellm.acompletion(**params))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        for _ in range(1000):  # the set-up takes milliseconds once litellm is warm; 5 s at most
            if task.done() or not _in_worker_thread(task):
                break
            await asyncio.sleep(0.005)
        task.cancel()
        await asyncio.wait({task})
        if not task.cancelled() and task.exception() is None:
            await close_stream(task.result())
        raise


def _in_worker_thread(task: asyncio.Future[Any]) -> bool:
    """True while the task's innermost coroutine is litellm's `acompletion` awaiting its worker thread."""
    awaited: Any = task.get_coro() if isinstance(task, asyncio.Task) else None
    innermost: Any = None
    while awaited is not None and hasattr(awaited, "cr_await"):
        innermost, awaited = awaited, awaited.cr_await
    frame = getattr(innermost, "cr_frame", None)
    return frame is not None and (frame.f_code.co_name, frame.f_globals.get("__name__")) == (
        "acompletion",
        "litellm.main",
    )


class _RefusalTap:
    """The provider's raw stream as litellm reads it, noting `delta.refusal` pieces on the way.

    litellm's stream wrapper drops a Chat Completions chunk that carries only a refusal; this sits
    under it (as its `completion_stream`) so the refusal text is not lost.
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._items: AsyncIterator[Any] = raw.__aiter__()
        self.pieces: list[str] = []

    def __aiter__(self) -> _RefusalTap:
        return self

    async def __anext__(self) -> Any:
        chunk = await self._items.__anext__()
        for choice in getattr(chunk, "choices", None) or ():
            piece = getattr(getattr(choice, "delta", None), "refusal", None)
            if isinstance(piece, str) and piece:
                self.pieces.append(piece)
        return chunk

    def take(self) -> str:
        """The refusal text noted since the last call."""
        text, self.pieces = "".join(self.pieces), []
        return text

    async def aclose(self) -> None:
        await close_stream(self.raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@runtime_checkable
class _AsyncClosable(Protocol):
    def aclose(self) -> Any: ...


@runtime_checkable
class _Closable(Protocol):
    def close(self) -> Any: ...


async def close_stream(stream: object) -> None:
    """Close what litellm streamed from (its wrapper, or the raw SDK stream under it), so the HTTP
    response goes back to the pool even when the consumer stopped early."""
    if isinstance(stream, _AsyncClosable):
        result = stream.aclose()
    elif isinstance(stream, _Closable):
        result = stream.close()
    else:
        return
    if asyncio.iscoroutine(result):
        await result


def tap_refusals(chunks: Any) -> _RefusalTap | None:
    raw = getattr(chunks, "completion_stream", None)
    if raw is None or not hasattr(raw, "__aiter__"):
        return None
    tap = _RefusalTap(raw)
    chunks.completion_stream = tap
    return tap
