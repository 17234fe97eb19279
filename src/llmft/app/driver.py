"""Runs the tool-loop reducer: performs each command through the ports and feeds back the event."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

from returns.result import Failure, Success

from llmft.app.errors import raise_failure
from llmft.domain.messages import ModelRequest, PlannedCall, ToolOutcome
from llmft.domain.ports import ChatModel
from llmft.domain.streaming import ReplyAccumulator, TextDelta
from llmft.domain.tool_loop import (
    CallModel,
    Command,
    Event,
    Finish,
    LoopConfig,
    LoopOutcome,
    LoopState,
    ModelReplied,
    RunTools,
    ToolsCompleted,
    start,
    step,
)

ToolRunner = Callable[[tuple[PlannedCall, ...]], Awaitable[tuple[ToolOutcome, ...]]]


class Progress:
    """The loop's latest state, kept so a caller that stops the loop can report what was gathered."""

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state: LoopState | None = None


def _advance(state: LoopState, event: Event) -> tuple[LoopState, Command]:
    result = step(state, event)
    if isinstance(result, Failure):
        raise_failure(result.failure())
    return result.unwrap()


async def run_loop(
    model: ChatModel,
    request: ModelRequest,
    config: LoopConfig,
    run_tools: ToolRunner,
    progress: Progress | None = None,
) -> LoopOutcome:
    """The whole tool loop without streaming."""
    progress = progress or Progress()
    state, first = start(request, config)
    command: Command = first
    while True:
        progress.state = state
        match command:
            case CallModel(call):
                reply = await model.complete(call)
                if not isinstance(reply, Success):
                    raise_failure(reply.failure())
                event: Event = ModelReplied(reply.unwrap())
            case RunTools(calls):
                event = ToolsCompleted(await run_tools(calls))
            case Finish(outcome):
                return outcome
        state, command = _advance(state, event)


async def _close(stream: AsyncIterator[Any]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()


async def stream_loop(
    model: ChatModel,
    request: ModelRequest,
    config: LoopConfig,
    run_tools: ToolRunner,
    provider: str,
    progress: Progress | None = None,
) -> AsyncGenerator[str | LoopOutcome, None]:
    """The tool loop streaming: yields text as it arrives, then the outcome."""
    progress = progress or Progress()
    state, first = start(request, config)
    command: Command = first
    while True:
        progress.state = state
        match command:
            case CallModel(call):
                acc = ReplyAccumulator()
                deltas = model.stream(call)
                try:
                    async for delta in deltas:
                        acc.add(delta)
                        if isinstance(delta, TextDelta) and delta.text:
                            yield delta.text
                        if acc.finished:
                            break
                finally:
                    await _close(deltas)
                reply = acc.build(provider, call.model)
                if not isinstance(reply, Success):
                    raise_failure(reply.failure())
                event: Event = ModelReplied(reply.unwrap())
            case RunTools(calls):
                event = ToolsCompleted(await run_tools(calls))
            case Finish(outcome):
                yield outcome
                return
        state, command = _advance(state, event)
