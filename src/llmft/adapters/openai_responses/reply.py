"""A Responses API `response` (or the final event of its stream) read as a `ModelReply`.

Replies are read as the JSON they arrive in (plain dicts), not as the SDK's models: building those
for every reply and every stream event was the largest part of the route's own cost, and a field an
SDK version does not know is kept all the same.
"""

from __future__ import annotations

from typing import Any

from llmft.domain.messages import ModelReply, ReasoningPart, ToolCall, Usage
from llmft.domain.reply_status import normalize_finish_reason

PROVIDER = "openai"
# Output items kept whole in the transcript and sent back on the next request (the provider's tool
# search: what it searched and the deferred tools it loaded).
KEPT_ITEMS = frozenset({"reasoning", "tool_search_call", "tool_search_output"})


def without_none(value: Any) -> Any:
    """`value` with every null field left out, at any depth (what the SDK's `exclude_none` dump gives):
    an item is sent back as the provider sent it, without the nulls that a later request may refuse."""
    if isinstance(value, dict):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_none(item) for item in value]
    return value


def _object(value: Any) -> dict[str, Any]:
    """A JSON object field, or an empty one when it is absent or null."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _items(value: Any) -> list[Any]:
    """A JSON array field, or an empty one when it is absent or null."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a JSON array, got {type(value).__name__}")
    return value


def usage_of(raw: Any) -> Usage | None:
    """The response's usage (cached input tokens included in `input_tokens`), or None."""
    if raw is None:
        return None
    raw = _object(raw)
    cached = _object(raw.get("input_tokens_details")).get("cached_tokens") or 0
    reasoning = _object(raw.get("output_tokens_details")).get("reasoning_tokens") or 0
    inp, out = raw.get("input_tokens") or 0, raw.get("output_tokens") or 0
    return Usage(inp, out, raw.get("total_tokens") or inp + out, cached, reasoning_tokens=reasoning)


def finish_reason_of(response: dict[str, Any], calls: bool, refusal_only: bool = False) -> str:
    """Why the response ended, in llmft's vocabulary (`incomplete` is `length` or `content_filter`)."""
    if response.get("status") == "incomplete":
        reason = _object(response.get("incomplete_details")).get("reason")
        return "content_filter" if reason == "content_filter" else "length"
    if refusal_only and not calls:
        return "refusal"
    return normalize_finish_reason(None, tool_calls=calls)


def only_refusal(response: dict[str, Any]) -> bool:
    """True when the reply's message says nothing but a refusal."""
    kinds = {
        part.get("type")
        for item in _items(response.get("output"))
        if _object(item).get("type") == "message"
        for part in _items(item.get("content"))
        if _object(part).get("type") != "output_text" or part.get("text")
    }
    return kinds == {"refusal"}


def has_calls(response: dict[str, Any]) -> bool:
    """True when the reply asks for a function call."""
    return any(_object(item).get("type") == "function_call" for item in _items(response.get("output")))


def kept_item(item: dict[str, Any]) -> ReasoningPart:
    """An output item kept whole (as it arrived, without null fields); its query as text."""
    data = without_none(_object(item))
    if data.get("type") == "reasoning":  # its summary is the readable part
        summary = data.get("summary") or []
        text = "\n".join(str(s.get("text", "")) for s in summary if isinstance(s, dict))
        return ReasoningPart(PROVIDER, "reasoning", data, text)
    arguments = data.get("arguments")
    query = arguments.get("query", "") if isinstance(arguments, dict) else ""
    return ReasoningPart(PROVIDER, str(data.get("type", "")), data, str(query))


def parse_response(response: dict[str, Any]) -> ModelReply:
    """A Responses API `response` (its JSON) as a ModelReply (text parts joined, function calls in order).

    A reply that is only a refusal has the refusal as its text and `finish_reason == "refusal"`.
    Raises TypeError or KeyError for a reply of another shape.
    """
    texts: list[str] = []
    calls: list[ToolCall] = []
    kept: list[ReasoningPart] = []
    for item in _items(_object(response).get("output")):
        kind = _object(item).get("type")
        if kind == "message":
            for part in _items(item.get("content")):
                part_kind = _object(part).get("type")
                if part_kind == "output_text":
                    texts.append(_text(part["text"]))
                elif part_kind == "refusal":
                    texts.append(_text(part["refusal"]))
        elif kind == "function_call":
            calls.append(
                ToolCall(_text(item["call_id"]), _text(item["name"]), _text(item.get("arguments") or ""))
            )
        elif kind in KEPT_ITEMS:
            kept.append(kept_item(item))
    text = "".join(texts)
    return ModelReply(
        text=text if texts or not calls else None,
        tool_calls=tuple(calls),
        usage=usage_of(response.get("usage")),
        finish_reason=finish_reason_of(response, bool(calls), only_refusal(response)),
        model=response.get("model") or "",
        reasoning=tuple(kept),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value
