"""Keeping what is sent within `max_input_tokens`: the oldest turns go first.

A turn starts at a user message and runs to the next one, so a tool call never leaves without its
result and provider reasoning never without its turn; the system and developer messages at the start
always stay, and so does the newest turn. Sizes are estimates (a character count), calibrated by what
the provider reported for the previous request.
"""

from __future__ import annotations

import itertools
import json

from returns.result import Failure, Result, Success

from llmft.domain.messages import FilePart, ImagePart, Message, TextPart

CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4  # roles and separators
TOKENS_PER_IMAGE = 1_100  # a detailed image, roughly, on the big providers


def estimate_tokens(messages: tuple[Message, ...] | list[Message]) -> int:
    """A rough token count of `messages` (characters / 4, plus a flat cost per message and image)."""
    total = 0
    for m in messages:
        chars = 0
        tokens = TOKENS_PER_MESSAGE
        if isinstance(m.content, str):
            chars += len(m.content)
        elif m.content is not None:
            for part in m.content:
                if isinstance(part, TextPart):
                    chars += len(part.text)
                elif isinstance(part, ImagePart):
                    tokens += TOKENS_PER_IMAGE
                elif isinstance(part, FilePart):
                    chars += len(part.data or "") * 3 // 4  # decoded size, a loose proxy
                else:
                    chars += len(getattr(part, "data", "") or "") * 3 // 4
        for call in m.tool_calls:
            chars += len(call.name) + len(call.arguments)
        for piece in m.reasoning:
            chars += len(json.dumps(dict(piece.data), default=str))
        total += tokens + chars // CHARS_PER_TOKEN
    return total


def _turns(messages: tuple[Message, ...]) -> tuple[tuple[Message, ...], list[tuple[Message, ...]]]:
    head_end = 0
    while head_end < len(messages) and messages[head_end].role in ("system", "developer"):
        head_end += 1
    head, rest = messages[:head_end], messages[head_end:]
    starts = [i for i, m in enumerate(rest) if m.role == "user"] or [0]
    if starts[0] != 0:
        starts[0] = 0  # what comes before the first user message belongs to the first turn
    bounds = [*starts, len(rest)]
    return head, [rest[a:b] for a, b in itertools.pairwise(bounds) if a < b]


def fit(
    messages: tuple[Message, ...], max_tokens: int, scale: float = 1.0
) -> Result[tuple[Message, ...], str]:
    """`messages` without their oldest turns, as few dropped as keep the estimate (times `scale`, the
    calibration) within `max_tokens`; a failure when even the newest turn alone does not fit."""
    head, turns = _turns(messages)
    sizes = [estimate_tokens(t) for t in turns]
    fixed = estimate_tokens(head)
    kept_from = 0
    while (fixed + sum(sizes[kept_from:])) * scale > max_tokens and kept_from < len(turns) - 1:
        kept_from += 1
    needed = round((fixed + sum(sizes[kept_from:])) * scale)
    if needed > max_tokens:
        return Failure(
            f"the newest turn (with the system messages) is about {needed} tokens, over max_input_tokens "
            f"{max_tokens}: raise the limit or send less"
        )
    if kept_from == 0:
        return Success(messages)
    return Success((*head, *(m for t in turns[kept_from:] for m in t)))
