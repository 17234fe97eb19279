"""Intent planning: ask the model what it would do (nothing runs), then run the approved calls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from returns.result import Failure, Success

from llmft.app.calls import Setup, prepare
from llmft.app.driver import PreparedRun
from llmft.app.errors import ConfigurationError, to_exception
from llmft.app.options import GenerateOptions
from llmft.app.results import ParsedToolCall, ToolIntentOutput
from llmft.app.tools import ToolFactory
from llmft.domain.conversion import to_chat_messages
from llmft.domain.messages import Message, PlannedCall
from llmft.domain.ports import Telemetry
from llmft.domain.tool_calls import parse_arguments, plan_call, unique_call_ids
from llmft.domain.tool_loop import offered_tools


async def plan(setup: Setup, input: object, options: GenerateOptions) -> ToolIntentOutput:
    """One model turn; its tool calls come back parsed, none of them run."""
    run: PreparedRun = prepare(setup, input, options, planning=True)
    replied = await run.model.complete(run.request)
    if isinstance(replied, Failure):
        raise to_exception(replied.failure())
    reply = replied.unwrap()
    calls = unique_call_ids(reply.tool_calls)
    parsed: list[ParsedToolCall] = []
    for c in calls:
        planned = plan_call(c, offered_tools(run.request))
        if isinstance(planned, PlannedCall):
            arguments = setup.tools.model_arguments(c.name, planned.arguments, options.context)
            parsed.append(ParsedToolCall(id=c.id, name=c.name, arguments=arguments))
        else:
            parsed.append(
                ParsedToolCall(
                    id=c.id, name=c.name, arguments=c.arguments, arguments_parsing_error=planned.error
                )
            )
    assistant = Message("assistant", reply.text or None, calls)
    return ToolIntentOutput(
        content=reply.text, tool_calls=parsed or None, raw_assistant_message=to_chat_messages([assistant])
    )


async def execute(
    factory: ToolFactory,
    intent: ToolIntentOutput,
    context: Mapping[str, Any],
    mock: bool,
    telemetry: Telemetry | None = None,
) -> list[dict[str, Any]]:
    """Run the (approved) planned calls; tool messages to append after the assistant turn. Each run
    is a span of `telemetry`, as in the loop.

    A call whose arguments did not parse is skipped with an error message, as is one whose arguments
    are not JSON values (a tool takes what a model could have sent).
    """
    if not isinstance(factory, ToolFactory):
        raise ConfigurationError("this client has no tool_factory: it cannot execute tool intents")
    out: list[Message] = []
    for c in intent.tool_calls or []:
        arguments = c.arguments
        if c.arguments_parsing_error is not None:
            problem = c.arguments_parsing_error
            said = f"Error: tool {c.name!r} skipped due to argument parsing error: {problem}"
            out.append(Message("tool", said, tool_call_id=c.id, name=c.name))
            continue
        if arguments is not None and not isinstance(arguments, str):
            try:
                json.dumps(arguments, allow_nan=False)
            except (TypeError, ValueError) as error:
                said = f"Error: tool {c.name!r}: Failed to serialise arguments: {error}"
                out.append(Message("tool", said, tool_call_id=c.id, name=c.name))
                continue
        if isinstance(arguments, str):
            parsed = parse_arguments(arguments)
            if not isinstance(parsed, Success):
                out.append(
                    Message(
                        "tool", f"Error: tool {c.name!r}: {parsed.failure()}", tool_call_id=c.id, name=c.name
                    )
                )
                continue
            arguments = parsed.unwrap()
        result = await factory.run_call(
            c.name, arguments, context=context, mock=mock, depth=0, call_id=c.id, telemetry=telemetry
        )
        out.append(Message("tool", result.content, tool_call_id=c.id, name=c.name))
    return to_chat_messages(out, tool_names=True)
