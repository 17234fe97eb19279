"""A Responses API `response` (or the final event of its stream) read as a `ModelReply`."""

from __future__ import annotations

from typing import Any

from llmft.domain.messages import ModelReply, ReasoningPart, ToolCall, Usage
from llmft.domain.reply_status import normalize_finish_reason

PROVIDER = "openai"
# Output items kept whole in the transcript and sent back on the next request (the provider's tool
# search: what it searched and the deferred tools it loaded).
KEPT_ITEMS = frozenset({"reasoning", "tool_search_call", "tool_search_output"})


def usage_of(raw: Any) -> Usage | None:
    """The response's usage (cached input tokens included in `input_tokens`), or None."""
    if raw is None:
        return None
    details = getattr(raw, "input_tokens_details", None)
    cached = getattr(details, "cached_tokens", 0) or 0
    reasoning = getattr(getattr(raw, "output_tokens_details", None), "reasoning_tokens", 0) or 0
    inp, out = raw.input_tokens or 0, raw.output_tokens or 0
    return Usage(inp, out, raw.total_tokens or inp + out, cached, reasoning_tokens=reasoning)


def finish_reason_of(response: Any, calls: bool, refusal_only: bool = False) -> str:
    """Why the response ended, in llmft's vocabulary (`incomplete` is `length` or `content_filter`)."""
    if response.status == "incomplete":
        details = getattr(response, "incomplete_details", None)
        reason = getattr(details, "reason", None)
        return "content_filter" if reason == "content_filter" else "length"
    if refusal_only and not calls:
        return "refusal"
    return normalize_finish_reason(None, tool_calls=calls)


def only_refusal(response: Any) -> bool:
    """True when the reply's message says nothing but a refusal."""
    kinds = {
        part.type
        for item in response.output or ()
        if item.type == "message"
        for part in item.content or ()
        if part.type != "output_text" or part.text
    }
    return kinds == {"refusal"}


def kept_item(item: Any) -> ReasoningPart:
    """An output item kept whole (as the SDK read it, without empty fields); its query as text."""
    data = item.model_dump(mode="json", exclude_none=True) if hasattr(item, "model_dump") else dict(item)
    if data.get("type") == "reasoning":  # its summary is the readable part
        summary = data.get("summary") or []
        text = "\n".join(str(s.get("text", "")) for s in summary if isinstance(s, dict))
        return ReasoningPart(PROVIDER, "reasoning", data, text)
    arguments = data.get("arguments")
    query = arguments.get("query", "") if isinstance(arguments, dict) else ""
    return ReasoningPart(PROVIDER, str(data.get("type", "")), data, str(query))


def parse_response(response: Any) -> ModelReply:
    """A Responses API `response` as a ModelReply (text parts joined, function calls in order).

    A reply that is only a refusal has the refusal as its text and `finish_reason == "refusal"`.
    """
    texts: list[str] = []
    calls: list[ToolCall] = []
    kept: list[ReasoningPart] = []
    for item in response.output or ():
        if item.type == "message":
            for part in item.content or ():
                if part.type == "output_text":
                    texts.append(part.text)
                elif part.type == "refusal":
                    texts.append(part.refusal)
        elif item.type == "function_call":
            calls.append(ToolCall(item.call_id, item.name, item.arguments or ""))
        elif item.type in KEPT_ITEMS:
            kept.append(kept_item(item))
    text = "".join(texts)
    return ModelReply(
        text=text if texts or not calls else None,
        tool_calls=tuple(calls),
        usage=usage_of(response.usage),
        finish_reason=finish_reason_of(response, bool(calls), only_refusal(response)),
        model=response.model or "",
        reasoning=tuple(kept),
    )
