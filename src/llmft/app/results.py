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
    """The value of `LLMClient.generate`; unpacks as the pair `content, payloads`.

    Attributes:
        content: The final text; an instance of the pydantic class given as `response_format`; or None
            (an empty reply, or a loop cut short by `max_tool_iterations` with no text).
        payloads: One `{"tool_name", "payload", "metadata"}` envelope per tool call that ran without
            error, in call order: data for the application, never sent to the model.
        tool_messages: The tool outputs the model read this call, as Chat Completions `tool` messages.
        messages: The whole conversation (the input, then this call's turns) as plain JSON, ready to be
            the next call's input (Anthropic thinking blocks kept, and OpenAI reasoning items given in
            the input).
        usage: Tokens (and `cost_usd` when the price is known) summed over every model request.
        finish_reason: "stop", "length", "tool_calls", "content_filter", "refusal",
            "max_tool_iterations", "approval_required" or "usage_limit".
        model: The model that gave the last reply, as the provider named it.
        tool_errors: The results of the calls that failed or were refused, with `error` set.
        reasoning: The model's readable reasoning this call (summaries, thinking text), or None.
        pending: With `finish_reason == "approval_required"`, the calls that wait for a human.
        state: With calls pending, the paused run as a `RunState` (`to_json()`), for `client.resume`.
    """

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
    """One piece of a streamed generation; the last has `done=True`, `usage` and `result`.

    Attributes:
        content: The text this piece adds ("" on the last one).
        done: True on the last piece only.
        usage: The call's usage, on the last piece.
        result: The whole `GenerationResult`, on the last piece.
    """

    content: str = ""
    done: bool = False
    usage: Usage | None = None  # answers usage["input_tokens"] too, like the dict of earlier versions
    result: GenerationResult | None = None


class ToolExecutionResult(BaseModel):
    """A tool's outcome: `content` for the model, `payload` for the application only.

    Attributes:
        content: What the model reads.
        payload: Data for the application (`result.payloads`); never sent to the model.
        metadata: Anything else to record with the payload (`{}` in the envelope when None).
        error: Why the call failed; the model then reads `content` ("Error: …").
    """

    model_config = _BUILT_ON_FIRST_USE

    content: str
    payload: Any = None
    metadata: dict[str, Any] | None = None
    error: str | None = None


class ParsedToolCall(BaseModel):
    """A planned tool call: its `id`, the tool's `name` and its `arguments` (the raw text, with
    `arguments_parsing_error` saying why, when they did not parse as a JSON object)."""

    model_config = _BUILT_ON_FIRST_USE

    id: str
    name: str
    arguments: dict[str, Any] | str
    arguments_parsing_error: str | None = None


class ToolIntentOutput(BaseModel):
    """What the model planned to do, with nothing executed: its text (`content`), the parsed
    `tool_calls`, and `raw_assistant_message` (the assistant turn to append to the conversation
    before the tool messages `execute_tool_intents` returns)."""

    model_config = _BUILT_ON_FIRST_USE

    content: str | None = None
    tool_calls: list[ParsedToolCall] | None = None
    raw_assistant_message: list[dict[str, Any]] = Field(default_factory=list)


def result_of(outcome: LoopOutcome, output_type: type[BaseModel] | None) -> GenerationResult:
    """The public result of a finished (or interrupted) loop; validates structured output."""
    # An empty final reply is no content, whichever route said it ("" or nothing at all); with a
    # pydantic output type it is still validated (and so re-asked), never a silent None.
    content: str | BaseModel | None = outcome.content or None
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
