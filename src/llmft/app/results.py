"""Public result types: what `generate`, streaming, tools and intent planning hand back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llmft.domain.messages import Usage

# Pydantic builds a model's validator on first use instead of at import: `import llmft` stays light.
_BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)


@dataclass(slots=True)
class GenerationResult:
    """The value of `LLMClient.generate`; unpacks as the pair `content, payloads`."""

    content: str | BaseModel | None
    payloads: list[dict[str, Any]] = field(default_factory=list)
    tool_messages: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] | None = None
    usage: Usage | None = None
    finish_reason: str = "stop"
    model: str = ""

    def __iter__(self) -> Iterator[Any]:
        yield self.content
        yield self.payloads

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> Any:
        return (self.content, self.payloads)[index]


@dataclass(slots=True)
class StreamChunk:
    """One piece of a streamed generation; the last has `done=True`, `usage` and `result`."""

    content: str = ""
    done: bool = False
    usage: dict[str, Any] | None = None
    result: GenerationResult | None = None


class ToolExecutionResult(BaseModel):
    """A tool's outcome: `content` for the model, `payload` for the application only."""

    model_config = _BUILT_ON_FIRST_USE

    content: str
    payload: Any = None
    metadata: dict[str, Any] | None = None
    error: str | None = None


class ParsedToolCall(BaseModel):
    """A planned tool call; `arguments` is the raw text when it did not parse."""

    model_config = _BUILT_ON_FIRST_USE

    id: str
    name: str
    arguments: dict[str, Any] | str
    arguments_parsing_error: str | None = None


class ToolIntentOutput(BaseModel):
    """What the model planned to do, with nothing executed."""

    model_config = _BUILT_ON_FIRST_USE

    content: str | None = None
    tool_calls: list[ParsedToolCall] | None = None
    raw_assistant_message: list[dict[str, Any]] = Field(default_factory=list)
