"""Input normalisation to the canonical transcript, and canonical → each wire shape.

Accepted input: Chat Completions messages and Responses items, mixed in one list. Responses
`function_call` items join the assistant message right before them, so a turn that the Responses
API spells as several items is one canonical message, as Chat Completions spells it. Content parts
(text, images, files, audio) are read and written by `content_parts`; parts other than text go in user
messages only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast, get_args

from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.domain.content_parts import InvalidInput, chat_part, describe, read_part, responses_part
from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import (
    Content,
    Message,
    ReasoningPart,
    Role,
    TextPart,
    ToolCall,
)

ROLES: frozenset[str] = frozenset(get_args(Role))
THINKING_KINDS = frozenset({"thinking", "redacted_thinking"})
# Not kept blocks: what a `thinking_blocks` entry can never be (the rest of a turn has fields of its own).
TURN_BLOCK_KINDS = frozenset({"text", "tool_use", "tool_result", "image", "document"})


_Invalid = InvalidInput  # raised by the readers here and in content_parts alike


def _text_of(value: object, field: str) -> str:
    if isinstance(value, str):
        return value
    raise _Invalid(f"{field} must be a string, got {type(value).__name__}", field)


def _content(raw: object, field: str) -> Content:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, Sequence):
        return tuple(read_part(p, f"{field}[{i}]") for i, p in enumerate(raw))
    raise _Invalid(f"{field} must be a string, a list of parts or null", field)


def _only_text(content: Content, field: str, holder: str) -> None:
    """Images, files and audio go in user messages only (elsewhere some route would drop them)."""
    for i, part in enumerate(content if isinstance(content, tuple) else ()):
        if not isinstance(part, TextPart):
            where = f"{field}[{i}]"
            raise _Invalid(f"{where}: {describe(part)} can only be in a user message, not {holder}", where)


def _arguments(raw: object, field: str) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Mapping):
        return json.dumps(raw, ensure_ascii=False)
    raise _Invalid(f"{field} must be a JSON string or an object", field)


def _chat_tool_calls(raw: object, field: str) -> tuple[ToolCall, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise _Invalid(f"{field} must be a list", field)
    calls = []
    for i, call in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(call, Mapping) or not isinstance(call.get("function"), Mapping):
            raise _Invalid(f"{where} must be an object with a 'function'", where)
        function = call["function"]
        calls.append(
            ToolCall(
                _text_of(call.get("id"), f"{where}.id"),
                _text_of(function.get("name"), f"{where}.function.name"),
                _arguments(function.get("arguments", "{}"), f"{where}.function.arguments"),
            )
        )
    return tuple(calls)


def _message(item: Mapping[str, Any], field: str, names: Mapping[str, str]) -> Message:
    role = item.get("role")
    if role not in ROLES:
        raise _Invalid(f"{field}.role must be one of {sorted(ROLES)}, got {role!r}", f"{field}.role")
    role = cast(Role, role)
    content = _content(item.get("content"), f"{field}.content")
    if role != "user":
        _only_text(content, f"{field}.content", f"a {role} message")
    if role == "tool":
        call_id = _text_of(item.get("tool_call_id"), f"{field}.tool_call_id")
        text = Message("tool", content).text
        name = item.get("name")
        return Message(
            "tool", text, tool_call_id=call_id, name=name if isinstance(name, str) else names.get(call_id)
        )
    if role == "assistant":
        calls = _chat_tool_calls(item.get("tool_calls"), f"{field}.tool_calls")
        return Message("assistant", content, calls, reasoning=_thinking(item.get("thinking_blocks"), field))
    if content is None:
        raise _Invalid(f"{field}.content is required for a {role} message", f"{field}.content")
    return Message(role, content)


def _kept_kind(kind: object) -> bool:
    return isinstance(kind, str) and kind not in TURN_BLOCK_KINDS


def _thinking(raw: object, field: str) -> tuple[ReasoningPart, ...]:
    """Anthropic blocks kept on an assistant message (litellm's `thinking_blocks`: thinking and redacted
    thinking; llmft's own also server tool blocks such as `server_tool_use`), kept whole."""
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise _Invalid(f"{field}.thinking_blocks must be a list of blocks", f"{field}.thinking_blocks")
    parts = []
    for i, block in enumerate(raw):
        if not isinstance(block, Mapping) or not _kept_kind(block.get("type")):
            where = f"{field}.thinking_blocks[{i}]"
            raise _Invalid(
                f"{where} must be a block kept from an Anthropic reply ('thinking', 'redacted_thinking', "
                "a server tool block)",
                where,
            )
        text = block.get("thinking")
        parts.append(
            ReasoningPart("anthropic", str(block["type"]), dict(block), text if isinstance(text, str) else "")
        )
    return tuple(parts)


# Responses items kept whole with the assistant turn they came in, like reasoning (a provider tool
# search's call and output), so `result.messages` given back as input goes back to the provider.
OPAQUE_ITEMS = frozenset({"tool_search_call", "tool_search_output"})


def _reasoning_item(item: Mapping[str, Any]) -> ReasoningPart:
    """An OpenAI Responses reasoning item, kept whole; its readable summary as text."""
    summary = item.get("summary")
    texts = (
        [s.get("text", "") for s in summary if isinstance(s, Mapping)] if isinstance(summary, list) else []
    )
    return ReasoningPart("openai", "reasoning", dict(item), "\n".join(t for t in texts if isinstance(t, str)))


def _only_reasoning(message: Message | None) -> bool:
    return (
        message is not None
        and message.role == "assistant"
        and message.content is None
        and not message.tool_calls
        and bool(message.reasoning)
    )


def _output_text(raw: object, field: str) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Sequence):
        content = _content(raw, field)
        _only_text(content, field, "a tool output")
        return Message("tool", content).text
    return json.dumps(raw, ensure_ascii=False, default=str)


def _normalize(items: Sequence[object]) -> tuple[Message, ...]:
    out: list[Message] = []
    names: dict[str, str] = {}
    for i, item in enumerate(items):
        field = f"input[{i}]"
        if not isinstance(item, Mapping):
            raise _Invalid(f"{field} must be an object (a message or a Responses item)", field)
        kind = item.get("type")
        if kind == "function_call":
            call = ToolCall(
                _text_of(item.get("call_id", item.get("id")), f"{field}.call_id"),
                _text_of(item.get("name"), f"{field}.name"),
                _arguments(item.get("arguments", "{}"), f"{field}.arguments"),
            )
            names[call.id] = call.name
            last = out[-1] if out else None
            if last is not None and last.role == "assistant":
                out[-1] = evolve(last, tool_calls=(*last.tool_calls, call))
            else:
                out.append(Message("assistant", None, (call,)))
        elif kind == "function_call_output":
            call_id = _text_of(item.get("call_id"), f"{field}.call_id")
            text = _output_text(item.get("output"), f"{field}.output")
            out.append(Message("tool", text, tool_call_id=call_id, name=names.get(call_id)))
        elif kind == "reasoning" or kind in OPAQUE_ITEMS:
            part = _reasoning_item(item) if kind == "reasoning" else ReasoningPart("openai", kind, dict(item))
            last = out[-1] if out else None
            if last is not None and _only_reasoning(last):
                out[-1] = evolve(last, reasoning=(*last.reasoning, part))
            else:
                out.append(Message("assistant", None, reasoning=(part,)))
        elif kind in (None, "message"):
            message = _message(item, field, names)
            names.update((c.id, c.name) for c in message.tool_calls)
            last = out[-1] if out else None
            if message.role == "assistant" and last is not None and _only_reasoning(last):
                message = evolve(message, reasoning=(*last.reasoning, *message.reasoning))
                out[-1] = message
            else:
                out.append(message)
        else:
            raise _Invalid(f"{field}.type {kind!r} is not a supported input item", f"{field}.type")
    return tuple(out)


def normalize_input(items: object) -> Result[tuple[Message, ...], ConfigurationFailure]:
    """Normalise Chat Completions messages and Responses items, mixed, into the canonical transcript."""
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        return Failure(ConfigurationFailure("input must be a list of messages", "input"))
    try:
        return Success(_normalize(items))
    except _Invalid as invalid:
        return Failure(invalid.failure)


def _chat_content(content: Content, wire: bool) -> str | list[dict[str, Any]] | None:
    if content is None or isinstance(content, str):
        return content
    return [chat_part(p, wire=wire) for p in content]


def _anthropic_blocks(message: Message, every: bool) -> list[dict[str, Any]]:
    """The Anthropic blocks a message keeps: all of them, or only the thinking ones (what litellm takes)."""
    return [
        dict(p.data)
        for p in message.reasoning
        if p.provider == "anthropic" and (every or p.kind in THINKING_KINDS)
    ]


def to_chat_message(
    message: Message,
    *,
    tool_names: bool = False,
    thinking: bool = False,
    every_block: bool = False,
    wire: bool = False,
) -> dict[str, Any]:
    """One canonical message in Chat Completions form; `thinking` adds Anthropic thinking blocks as
    `thinking_blocks` (litellm's field), for a conversation that goes to Anthropic; `every_block` adds
    the server tool blocks kept with them too (the public form); `wire`: file parts as litellm takes them."""
    if message.role == "tool":
        out: dict[str, Any] = {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": message.text,
        }
        if tool_names and message.name is not None:
            out["name"] = message.name
        return out
    out = {"role": message.role, "content": _chat_content(message.content, wire)}
    if message.tool_calls:
        out["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    if thinking:
        blocks = _anthropic_blocks(message, every_block)
        if blocks:
            out["thinking_blocks"] = blocks
    return out


def to_chat_messages(
    messages: Sequence[Message], *, tool_names: bool = False, thinking: bool = False, wire: bool = False
) -> list[dict[str, Any]]:
    """The transcript as Chat Completions messages (`tool_names` adds `name` to tool messages;
    `thinking` keeps Anthropic thinking blocks, for a conversation going to Anthropic; `wire` writes
    file parts as litellm takes them, see `content_parts.chat_part`)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "assistant" and m.content is None and not m.tool_calls and m.reasoning:
            if thinking and _anthropic_blocks(m, False):
                out.append(to_chat_message(m, tool_names=tool_names, thinking=True, wire=wire))
            continue  # reasoning alone is no message for another provider
        out.append(to_chat_message(m, tool_names=tool_names, thinking=thinking, wire=wire))
    return out


def to_public_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The transcript as `result.messages`: Chat Completions messages, with each provider's reasoning
    kept (OpenAI reasoning items as Responses items before their turn, Anthropic thinking blocks as
    `thinking_blocks`), so the list can be the next call's input and loses nothing. Plain JSON."""
    out: list[dict[str, Any]] = []
    for m in messages:
        out.extend(dict(p.data) for p in m.reasoning if p.provider == "openai")
        if m.role == "assistant" and m.content is None and not m.tool_calls:
            if any(p.provider == "anthropic" for p in m.reasoning):
                out.append(to_chat_message(m, tool_names=True, thinking=True, every_block=True))
            elif not m.reasoning:
                out.append(to_chat_message(m, tool_names=True))
            continue
        out.append(to_chat_message(m, tool_names=True, thinking=True, every_block=True))
    return out


def responses_items(m: Message) -> list[dict[str, Any]]:
    """One canonical message as Responses API input items: its OpenAI reasoning items first, then the
    message (unless it is reasoning alone), then its function calls."""
    if m.role == "tool":
        return [{"type": "function_call_output", "call_id": m.tool_call_id, "output": m.text}]
    items = [dict(p.data) for p in m.reasoning if p.provider == "openai"]
    if m.role == "assistant" and m.content is None and not m.tool_calls and m.reasoning:
        return items
    if m.content is not None or not m.tool_calls:
        content: str | list[dict[str, Any]]
        if isinstance(m.content, tuple):
            content = [responses_part(p, m.role) for p in m.content]
        else:
            content = m.content or ""
        items.append({"role": m.role, "content": content})
    items.extend(
        {"type": "function_call", "call_id": c.id, "name": c.name, "arguments": c.arguments}
        for c in m.tool_calls
    )
    return items


def to_responses_input(
    messages: Sequence[Message], items_of: Callable[[Message], list[dict[str, Any]]] = responses_items
) -> list[dict[str, Any]]:
    """The transcript as Responses API input items (`items_of`: `responses_items`, or a memo of it)."""
    return [item for m in messages for item in items_of(m)]


def _joined(left: Content, right: Content) -> Content:
    if left is None:
        return right
    if right is None:
        return left
    if isinstance(left, str) and isinstance(right, str):
        return f"{left}\n\n{right}"
    as_parts = [(TextPart(c),) if isinstance(c, str) else c for c in (left, right)]
    return (*as_parts[0], TextPart("\n\n"), *as_parts[1])


def merge_history(messages: Sequence[Message]) -> tuple[Message, ...]:
    """Merge consecutive messages of the same role (tool outputs stay one per call)."""
    out: list[Message] = []
    for m in messages:
        last = out[-1] if out else None
        if last is not None and last.role == m.role and m.role != "tool":
            out[-1] = Message(
                m.role,
                _joined(last.content, m.content),
                (*last.tool_calls, *m.tool_calls),
                reasoning=(*last.reasoning, *m.reasoning),
            )
        else:
            out.append(m)
    return tuple(out)
