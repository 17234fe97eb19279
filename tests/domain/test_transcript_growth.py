"""A tool loop's transcript grows at its end every round: what is worked out per message (the wire form,
the size estimate) is worked out once, and old messages are not converted again. Counted with counting
fakes, never timed."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from llmft.domain.anthropic_wire import anthropic_turn, to_anthropic_params
from llmft.domain.context_window import TranscriptSizes, estimate_tokens, fit, message_tokens
from llmft.domain.conversion import responses_items, to_responses_input
from llmft.domain.message_memo import MessageMemo
from llmft.domain.messages import Message, ModelRequest, ToolCall

from .test_conversion import transcripts


def tool_round(i: int) -> tuple[Message, Message]:
    call = ToolCall(f"call_{i}", "ping", f'{{"n": {i}}}')
    return Message("assistant", None, (call,)), Message("tool", str(i), tool_call_id=call.id, name="ping")


def grown(rounds: int) -> list[tuple[Message, ...]]:
    """The transcript of each round of a loop: the last one, with one more round."""
    transcript: tuple[Message, ...] = (Message("system", "be brief"), Message("user", "ping until told"))
    out = [transcript]
    for i in range(rounds):
        transcript = (*transcript, *tool_round(i))
        out.append(transcript)
    return out


class Counting:
    """A per-message function that counts the messages it was given."""

    def __init__(self, work: Callable[[Message], Any]) -> None:
        self.work = work
        self.seen: Counter[int] = Counter()

    def __call__(self, message: Message) -> Any:
        self.seen[id(message)] += 1
        return self.work(message)


def test_a_memo_converts_each_message_of_a_growing_transcript_once() -> None:
    rounds = grown(50)
    count = Counting(responses_items)
    memo = MessageMemo(count)
    for transcript in rounds:
        assert to_responses_input(transcript, memo) == to_responses_input(transcript)
    assert len(count.seen) == len(rounds[-1])
    assert set(count.seen.values()) == {1}  # old messages were never converted again


def test_anthropic_turns_of_a_growing_transcript_are_converted_once() -> None:
    count = Counting(anthropic_turn)
    memo = MessageMemo(count)
    for transcript in grown(30):
        # Tool results join user turns and the last block is marked for caching: built on copies, so
        # what the memo keeps is never changed.
        request = ModelRequest("anthropic/claude-sonnet-4-5", transcript, extra={"prompt_cache": True})
        assert to_anthropic_params(request, memo).unwrap() == to_anthropic_params(request).unwrap()
    assert set(count.seen.values()) == {1}


def test_a_memo_keeps_no_message_alive() -> None:
    memo = MessageMemo(message_tokens)
    transcript = grown(10)[-1]
    assert memo.values(transcript) == [message_tokens(m) for m in transcript]
    assert memo.entries == len(transcript)
    del transcript
    gc.collect()
    assert memo.entries == 0


def test_a_memo_tells_equal_messages_apart_by_identity() -> None:
    count = Counting(message_tokens)
    memo = MessageMemo(count)
    first, second = Message("user", "same"), Message("user", "same")
    assert memo(first) == memo(second) == memo(first)
    assert sorted(count.seen.values()) == [1, 1]


def test_sizes_of_a_growing_transcript_estimate_each_message_once() -> None:
    count = Counting(message_tokens)
    sizes = TranscriptSizes(count)
    for transcript in grown(50):
        fitted = sizes.fitted(transcript, 10**6).unwrap()
        assert fitted.messages is transcript
        assert fitted.tokens == estimate_tokens(transcript)
    assert set(count.seen.values()) == {1}


def test_sizes_start_afresh_for_a_transcript_that_does_not_extend_the_last() -> None:
    rounds = grown(6)
    count = Counting(message_tokens)
    sizes = TranscriptSizes(count)
    sizes.fitted(rounds[6], 10**6)
    other = (Message("user", "another conversation"), *rounds[3][2:])
    assert sizes.fitted(other, 10**6).unwrap().tokens == estimate_tokens(other)
    assert sizes.fitted(rounds[2], 10**6).unwrap().tokens == estimate_tokens(rounds[2])  # a shorter one


def fit_by_turns(messages: tuple[Message, ...], max_tokens: int, scale: float) -> tuple[Message, ...] | None:
    """The rule spelled out turn by turn (as `fit` was first written): drop whole oldest turns until the
    rest fits; None when the newest turn alone does not."""
    head_end = 0
    while head_end < len(messages) and messages[head_end].role in ("system", "developer"):
        head_end += 1
    head, rest = messages[:head_end], messages[head_end:]
    starts = [i for i, m in enumerate(rest) if m.role == "user"] or [0]
    starts[0] = 0
    turns = [rest[a:b] for a, b in zip(starts, [*starts[1:], len(rest)], strict=True) if a < b]
    sizes = [estimate_tokens(t) for t in turns]
    kept = 0
    while (estimate_tokens(head) + sum(sizes[kept:])) * scale > max_tokens and kept < len(turns) - 1:
        kept += 1
    if round((estimate_tokens(head) + sum(sizes[kept:])) * scale) > max_tokens:
        return None
    return (*head, *(m for t in turns[kept:] for m in t))


@given(st.lists(transcripts(), min_size=1, max_size=4), st.integers(1, 400), st.floats(0.25, 4.0))
def test_fitting_as_a_transcript_grows_follows_the_turn_rule(
    parts: list[tuple[Message, ...]], budget: int, scale: float
) -> None:
    # Each step extends the last (a conversation going on; a system message may come mid-way).
    sizes = TranscriptSizes()
    transcript: tuple[Message, ...] = ()
    for more in parts:
        transcript = (*transcript, *more)
        expected = fit_by_turns(transcript, budget, scale)
        got = sizes.fitted(transcript, budget, scale)
        assert got.map(lambda f: f.messages).value_or(None) == expected
        assert fit(transcript, budget, scale).value_or(None) == expected
        if expected is not None:
            assert got.unwrap().tokens == estimate_tokens(expected)
