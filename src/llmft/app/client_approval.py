"""LLMClient's methods for human approval: resuming a paused run, and intent planning."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from typing import Any, Literal, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from llmft.app import intents
from llmft.app.calls import Setup
from llmft.app.driver import run_events
from llmft.app.events import Finished, RunEvent, TextDelta
from llmft.app.hooks import Hooks
from llmft.app.option_values import InputItems
from llmft.app.options import ClientDefaults, GenerateKwargs, parse_options
from llmft.app.results import GenerationResult, StreamChunk, ToolIntentOutput
from llmft.app.resume import prepare_resume
from llmft.app.run_state import RunState
from llmft.app.tools import ToolFactory


async def chunks_of(events: AsyncGenerator[RunEvent, None]) -> AsyncIterator[StreamChunk]:
    """A run's events as `StreamChunk`s: its text, then the last chunk with the whole result."""
    try:
        async for event in events:
            if isinstance(event, TextDelta):
                yield StreamChunk(content=event.text)
            elif isinstance(event, Finished):
                yield StreamChunk(done=True, usage=event.result.usage, result=event.result)
    finally:
        await events.aclose()


class ApprovalMethods:
    """Pause, approve, go on: `resume` a run stopped for approval; plan and execute tool intents."""

    _setup: Setup
    _defaults: ClientDefaults
    _resumed: set[str]
    tool_factory: ToolFactory

    @overload
    async def resume(
        self,
        state: RunState | str,
        *,
        approve: Sequence[str] = ...,
        deny: Mapping[str, str] | None = ...,
        tool_execution_context: Mapping[str, Any] | None = ...,
        stream: Literal[True],
        signing_key: str | bytes | None = ...,
        hooks: Sequence[Hooks] | None = ...,
        response_format: dict[str, Any] | type[BaseModel] | None = ...,
    ) -> AsyncIterator[StreamChunk]: ...

    @overload
    async def resume(
        self,
        state: RunState | str,
        *,
        approve: Sequence[str] = ...,
        deny: Mapping[str, str] | None = ...,
        tool_execution_context: Mapping[str, Any] | None = ...,
        stream: Literal[False] = ...,
        signing_key: str | bytes | None = ...,
        hooks: Sequence[Hooks] | None = ...,
        response_format: dict[str, Any] | type[BaseModel] | None = ...,
    ) -> GenerationResult: ...

    async def resume(
        self,
        state: RunState | str,
        *,
        approve: Sequence[str] = (),
        deny: Mapping[str, str] | None = None,
        tool_execution_context: Mapping[str, Any] | None = None,
        stream: bool = False,
        signing_key: str | bytes | None = None,
        hooks: Sequence[Hooks] | None = None,
        response_format: dict[str, Any] | type[BaseModel] | None = None,
    ) -> GenerationResult | AsyncIterator[StreamChunk]:
        """Go on with a run that paused for approval (`result.state`, or its JSON).

        Args:
            state: The paused run (`result.state`), or `state.to_json()` from any process.
            approve: Ids of the pending calls to run (they are not asked about again by hooks).
            deny: Pending call id -> reason, given to the model as the call's error output.
            tool_execution_context: The context values (a state never stores them).
            stream: Stream the rest, as `generate(stream=True)` does.
            signing_key: The key the state's JSON was signed with (`to_json(signing_key=...)`).
            hooks: This call's hooks, after the client's.
            response_format: The pydantic class again, to get an instance back (the state keeps only its
                JSON schema).
        """
        if isinstance(state, str | bytes):
            state = RunState.from_json(state, signing_key=signing_key)
        overrides: dict[str, Any] = {"tool_execution_context": tool_execution_context}
        if hooks is not None:
            overrides["hooks"] = hooks
        if response_format is not None:
            overrides["response_format"] = response_format
        run, start = prepare_resume(
            self._setup,
            self._defaults,
            self._resumed,
            state,
            approve=approve,
            deny=deny or {},
            overrides=overrides,
        )
        events = run_events(run, stream=stream, resume=start)
        if stream:
            return chunks_of(events)
        async for event in events:
            if isinstance(event, Finished):
                await events.aclose()
                return event.result
        raise AssertionError("the driver always ends with Finished")  # pragma: no cover

    # -- intent planning ---------------------------------------------------------------------

    async def generate_tool_intent(
        self, input: InputItems, **options: Unpack[GenerateKwargs]
    ) -> ToolIntentOutput:
        """Ask the model what it would do with `input` (one model turn, `generate`'s keywords); nothing
        is executed. The planned calls come back parsed, for a person or a policy to approve."""
        return await intents.plan(self._setup, input, parse_options(self._defaults, (), options))

    async def execute_tool_intents(
        self,
        intent: ToolIntentOutput,
        *,
        tool_execution_context: dict[str, Any] | None = None,
        mock_tools: bool = False,
    ) -> list[dict[str, Any]]:
        """Run the (approved) planned calls of `intent`; returns tool messages to append after
        `intent.raw_assistant_message`.

        Args:
            intent: What `generate_tool_intent` returned (its `tool_calls` narrowed to the approved ones).
            tool_execution_context: Values injected into the tools, as in `generate`.
            mock_tools: Run mocks instead of the tools.
        """
        options = parse_options(self._defaults, (), {"tool_execution_context": tool_execution_context})
        return await intents.execute(
            self.tool_factory, intent, options.context, bool(mock_tools), self._setup.telemetry
        )
