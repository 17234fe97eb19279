"""Keeping what is sent within `max_input_tokens`: the oldest turns go first.

A turn starts at a user message and runs to the next one, so a tool call never leaves without its
result and provider reasoning never without its turn; the system and developer messages at the start
always stay, and so does the newest turn. Sizes are estimates (a character count), calibrated by what
the provider reported for the previous request.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.messages import FilePart, ImagePart, Message, TextPart

CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4  # roles and separators
TOKENS_PER_IMAGE = 1_100  # a detailed image, roughly, on the big providers
HEAD_ROLES = ("system", "developer")


def message_tokens(m: Message) -> int:
    """A rough token count of one message (characters / 4, plus a flat cost per message and image)."""
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
    return tokens + chars // CHARS_PER_TOKEN


def estimate_tokens(messages: tuple[Message, ...] | list[Message]) -> int:
    """A rough token count of `messages` (the sum of `message_tokens`)."""
    return sum(message_tokens(m) for m in messages)


@frozen
class Fitted:
    """What to send, and its estimated size (uncalibrated)."""

    messages: tuple[Message, ...]
    tokens: int


class TranscriptSizes:
    """The estimated sizes of a transcript that grows at its end (a tool loop's): when the next
    transcript extends the last one, only its new messages are estimated, and fitting it costs the
    same whatever its length. Any other transcript is estimated afresh."""

    __slots__ = ("_head", "_seen", "_size", "_totals", "_users")

    def __init__(self, size: Callable[[Message], int] = message_tokens) -> None:
        self._size = size  # one message's estimate
        self._seen: tuple[Message, ...] = ()
        self._totals = [0]  # _totals[i]: the estimate of the first i messages
        self._users: list[int] = []  # where each user message is
        self._head = 0  # how many system and developer messages the transcript starts with

    def _update(self, messages: tuple[Message, ...]) -> None:
        seen = len(self._seen)
        # Compared by identity first, in C: a round that extends the last transcript costs no Python
        # per old message.
        if messages[:seen] != self._seen:
            self._seen, self._totals, self._users, self._head = (), [0], [], 0
            seen = 0
        totals, users = self._totals, self._users
        for i in range(seen, len(messages)):
            m = messages[i]
            totals.append(totals[-1] + self._size(m))
            if m.role == "user":
                users.append(i)
            elif m.role in HEAD_ROLES and self._head == i:
                self._head = i + 1
        self._seen = messages

    def fitted(
        self, messages: tuple[Message, ...], max_tokens: int, scale: float = 1.0
    ) -> Result[Fitted, str]:
        """`messages` without their oldest turns, as few dropped as keep the estimate (times `scale`,
        the calibration) within `max_tokens`; a failure when even the newest turn alone does not fit."""
        self._update(messages)
        totals, head, end = self._totals, self._head, len(messages)
        # A turn starts at each user message; what comes before the first one belongs to the first turn.
        starts = [head, *self._users[1:]] if head < end else []
        fixed = totals[head]
        kept_from = 0
        while (
            kept_from < len(starts) - 1
            and (fixed + totals[end] - totals[starts[kept_from]]) * scale > max_tokens
        ):
            kept_from += 1
        start = starts[kept_from] if starts else end
        tokens = fixed + totals[end] - totals[start]
        needed = round(tokens * scale)
        if needed > max_tokens:
            return Failure(
                f"the newest turn (with the system messages) is about {needed} tokens, over max_input_tokens "
                f"{max_tokens}: raise the limit or send less"
            )
        if kept_from == 0:
            return Success(Fitted(messages, tokens))
        return Success(Fitted(messages[:head] + messages[start:], tokens))


def fit(
    messages: tuple[Message, ...], max_tokens: int, scale: float = 1.0
) -> Result[tuple[Message, ...], str]:
    """`messages` without their oldest turns, as few dropped as keep the estimate (times `scale`, the
    calibration) within `max_tokens`; a failure when even the newest turn alone does not fit."""
    return TranscriptSizes().fitted(messages, max_tokens, scale).map(lambda fitted: fitted.messages)
