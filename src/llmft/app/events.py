"""Typed events of a run, as `client.stream_events` yields them; frozen values to `match` on.

async for event in client.stream_events(messages):
    match event:
        case llmft.TextDelta(text=text): ...
        case llmft.Finished(result=result): ...   # always last
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

if TYPE_CHECKING:  # the public models load on first use; these names are for annotations only
    from llmft.app.errors import ProviderError
    from llmft.app.results import GenerationResult, ToolExecutionResult


@frozen
class TextDelta:
    """A piece of the answer's text, as the model streams it."""

    text: str


@frozen
class ReasoningDelta:
    """A piece of the model's reasoning summary or thinking text (never part of `content`)."""

    text: str


@frozen
class ToolCallStarted:
    """A tool call is about to run; `arguments` are the parsed arguments the tool will get."""

    call_id: str
    name: str
    arguments: Mapping[str, Any]


@frozen
class ToolCallFinished:
    """A tool call finished (or was refused); `result.error` says when it failed."""

    call_id: str
    name: str
    result: ToolExecutionResult


@frozen
class Retrying:
    """A model request failed and is tried again after `delay` seconds."""

    model: str
    attempt: int
    delay: float
    error: ProviderError


@frozen
class FallingBack:
    """A model failed past its retries; the next fallback model takes over."""

    from_model: str
    to_model: str
    error: ProviderError


@frozen
class Finished:
    """The run is over; `result` is what `generate` returns. Always the last event."""

    result: GenerationResult


RunEvent = TextDelta | ReasoningDelta | ToolCallStarted | ToolCallFinished | Retrying | FallingBack | Finished
Notice = Retrying | FallingBack
