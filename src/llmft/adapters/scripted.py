"""`ScriptedModel`: a ChatModel driven by a script, for offline tests, examples and the demo.

Each step is one model turn: `reply("text")`, `tool_call("name", {...})`, a list of tool calls
(several calls in one turn), or `provider_error(...)`. A script may also be a function of the request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import Message, ModelReply, ModelRequest, ToolCall, Usage
from llmft.domain.ports import ChatModel, DeltaStream
from llmft.domain.streaming import (
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)

_WORDS = re.compile(r"\S+\s*|\s+")


@frozen
class ScriptStep:
    """One scripted model turn."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None
    failure: ProviderFailure | None = None


Step = ScriptStep | Sequence[ScriptStep]
Script = Sequence[Step] | Callable[[ModelRequest], Step]


def reply(text: str, *, usage: Usage | None = None) -> ScriptStep:
    """A turn in which the model answers with `text`."""
    return ScriptStep(text=text, usage=usage)


def tool_call(
    name: str, arguments: Mapping[str, Any] | str | None = None, *, id: str | None = None
) -> ScriptStep:
    """A turn in which the model calls `name`; `arguments` may be raw text, to script bad JSON."""
    raw = arguments if isinstance(arguments, str) else json.dumps(dict(arguments or {}))
    return ScriptStep(tool_calls=(ToolCall(id or "", name, raw),))


def provider_error(
    message: str = "scripted failure",
    *,
    status_code: int | None = 500,
    retryable: bool = False,
    retry_after: float | None = None,
) -> ScriptStep:
    """A turn in which the provider fails."""
    failure = ProviderFailure(
        "scripted", "", message, status_code=status_code, retryable=retryable, retry_after=retry_after
    )
    return ScriptStep(failure=failure)


def _merge(step: Step) -> ScriptStep:
    if isinstance(step, ScriptStep):
        return step
    texts = [s.text for s in step if s.text]
    calls = tuple(c for s in step for c in s.tool_calls)
    return ScriptStep(text="".join(texts) or None, tool_calls=calls)


def _words(text: str) -> int:
    return len(text.split())


def _message_words(m: Message) -> int:
    return _words(m.text) + sum(_words(c.arguments) for c in m.tool_calls)


class ScriptedModel:
    """An in-process ChatModel that plays a script; `requests` records every request it received."""

    def __init__(self, steps: Script, *, name: str = "scripted-model") -> None:
        self._script = steps
        self._position = 0
        self._calls = 0
        self.name = name
        self.requests: list[ModelRequest] = []
        self._seen: tuple[Message, ...] = ()  # the last transcript counted, and its words
        self._seen_words = 0

    def __repr__(self) -> str:
        return f"ScriptedModel(name={self.name!r}, played={self._position})"

    @property
    def remaining(self) -> int | None:
        """Steps not yet played (None for a function script)."""
        if callable(self._script):
            return None
        return len(self._script) - self._position

    def _next(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        self.requests.append(request)
        if callable(self._script):
            step = _merge(self._script(request))
        else:
            if self._position >= len(self._script):
                return Failure(
                    ProviderFailure(
                        "scripted",
                        self.name,
                        f"the script is exhausted: all {len(self._script)} steps were played",
                        kind="script_exhausted",
                    )
                )
            step = _merge(self._script[self._position])
            self._position += 1
        if step.failure is not None:
            return Failure(step.failure)
        calls = []
        for call in step.tool_calls:
            self._calls += 1
            calls.append(ToolCall(call.id or f"call_{self._calls}", call.name, call.arguments))
        usage = step.usage or self._usage(request.messages, step)
        finish = "tool_calls" if calls else "stop"
        return Success(ModelReply(step.text, tuple(calls), usage, finish, self.name))

    def _usage(self, messages: tuple[Message, ...], step: ScriptStep) -> Usage:
        """Words in and out; a transcript that extends the last one (a tool loop's next round) has
        only its new messages counted."""
        counted = len(self._seen)
        if messages[:counted] != self._seen:
            counted, self._seen_words = 0, 0
        self._seen_words += sum(_message_words(m) for m in messages[counted:])
        self._seen = messages
        said = _words(step.text or "") + sum(_words(c.arguments) + 1 for c in step.tool_calls)
        return Usage(self._seen_words, said, self._seen_words + said)

    async def aclose(self) -> None:
        """Nothing to close."""

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """Play the next step."""
        return self._next(request)

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """Play the next step as deltas: a word at a time, tool arguments in two fragments."""
        result = self._next(request)
        if not isinstance(result, Success):
            yield StreamFailed(result.failure())
            return
        reply_ = result.unwrap()
        for piece in _WORDS.findall(reply_.text or ""):
            yield TextDelta(piece)
        for index, call in enumerate(reply_.tool_calls):
            half = len(call.arguments) // 2
            yield ToolCallDelta(index, call.id, call.name, call.arguments[:half])
            yield ToolCallDelta(index, arguments=call.arguments[half:])
        if reply_.usage is not None:
            yield UsageDelta(reply_.usage)
        yield StreamEnd(reply_.finish_reason, reply_.model)


_: type[ChatModel] = ScriptedModel
