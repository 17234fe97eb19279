"""Public result types: what `generate`, streaming, tools and intent planning hand back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmft.app.errors import StructuredOutputError
from llmft.domain.conversion import to_chat_messages, to_public_messages
from llmft.domain.messages import Usage
from llmft.domain.output import extract_json_text
from llmft.domain.tool_loop import MAX_ITERATIONS_REASON, LoopOutcome

if TYPE_CHECKING:
    from llmft.app.run_state import RunState

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
    tool_errors: list[ToolExecutionResult] = field(default_factory=list)
    reasoning: str | None = None
    pending: list[ParsedToolCall] | None = None
    state: RunState | None = None

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
    usage: Usage | None = None  # answers usage["input_tokens"] too, like the dict of earlier versions
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


def result_of(outcome: LoopOutcome, output_type: type[BaseModel] | None) -> GenerationResult:
    """The public result of a finished (or interrupted) loop; validates structured output."""
    content: str | BaseModel | None = outcome.content
    if output_type is not None and outcome.content is not None:
        raw = outcome.content
        try:
            content = output_type.model_validate_json(extract_json_text(raw))
        except ValidationError as error:
            if outcome.finish_reason == MAX_ITERATIONS_REASON:
                content = None  # the loop was cut short; its text stays in `messages`
            else:
                found = [dict(e) for e in error.errors(include_url=False)]
                raise StructuredOutputError(
                    f"the model's output is not a valid {output_type.__name__}: "
                    f"{error.error_count()} error(s), first: {found[0]['msg']}",
                    raw,
                    [found],
                ) from None
    tool_messages = [m for m in outcome.new_messages if m.role == "tool"]
    thought = [p.text for m in outcome.new_messages for p in m.reasoning if p.text]
    return GenerationResult(
        content=content,
        payloads=outcome.payloads,
        tool_messages=to_chat_messages(tool_messages, tool_names=True),
        messages=to_public_messages(outcome.transcript),
        usage=outcome.usage,
        finish_reason=outcome.finish_reason,
        model=outcome.model,
        tool_errors=[
            ToolExecutionResult(
                content=o.content,
                payload=o.payload,
                metadata=dict(o.metadata) if o.metadata is not None else None,
                error=o.error,
            )
            for o in outcome.outcomes
            if o.error is not None
        ],
        reasoning="\n\n".join(thought) if thought else None,
    )


def reask_feedback(error: StructuredOutputError, output_type: type[BaseModel]) -> str:
    """What the model reads when its structured answer did not validate: each problem, and the ask."""
    problems = []
    for item in error.errors[-1] if error.errors else []:
        where = ".".join(str(p) for p in item.get("loc", ())) or "(the answer)"
        problems.append(f"- {where}: {item.get('msg', 'invalid')}")
    listed = "\n".join(problems[:20]) or "- it is not valid JSON"
    return (
        f"Your answer is not a valid {output_type.__name__}:\n{listed}\n"
        "Reply again with only the corrected JSON object."
    )
