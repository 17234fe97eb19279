"""Reading the providers' batch result lines, and putting outcomes back in input order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft.domain.batches import (
    BatchOutput,
    BatchStatus,
    ItemFailed,
    ItemReply,
    anthropic_line,
    batch_provider_name,
    broken_line,
    custom_id,
    in_input_order,
    jsonl_entries,
    openai_line,
    unanswered,
)
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply
from llmft.domain.routing import route_model

ENDED = BatchStatus("b1", "completed", ended=True)


def test_jsonl_entries_keep_broken_lines_raw() -> None:
    content = b'{"a": 1}\n\n[1, 2]\n{"broken": \n{"b": 2}\n'
    assert list(jsonl_entries(content)) == [{"a": 1}, b"[1, 2]", b'{"broken": ', {"b": 2}]


def test_a_broken_line_fails_the_request_it_still_names() -> None:
    failed = broken_line(b'{"custom_id": "item-4", "response": {"status', "openai", "gpt")
    assert isinstance(failed, ItemFailed)
    assert (failed.custom_id, failed.failure.kind) == ("item-4", "malformed")
    assert broken_line(b'{"id": "x", "custom_id": ', "openai", "gpt") is None


@pytest.mark.parametrize(
    ("entry", "status", "text"),
    [
        ({"custom_id": "item-0",
          "response": {"status_code": 400, "body": {"error": {"message": "bad", "code": "x"}}}},
         400, "bad (x)"),
        ({"custom_id": "item-0", "response": {"status_code": 503, "body": {}}, "error": "busy"}, 503, "busy"),
        ({"custom_id": "item-0", "response": None, "error": {"code": "batch_expired", "message": "too late"}},
         None, "batch_expired: too late"),
        ({"custom_id": "item-0"}, None, "neither a response nor an error"),
    ],
)  # fmt: skip
def test_openai_lines_that_are_errors(entry: dict[str, Any], status: int | None, text: str) -> None:
    read = openai_line(entry, "gpt")
    assert isinstance(read, ItemFailed)
    assert read.failure.status_code == status
    assert text in read.failure.message
    assert read.failure.retryable == (status == 503)


def test_openai_lines_with_a_body_or_no_request() -> None:
    body: dict[str, Any] = {"output": []}
    assert openai_line({"custom_id": "item-1", "response": {"status_code": 200, "body": body}}, "gpt") == (
        "item-1",
        body,
    )
    assert openai_line({"id": "x"}, "gpt") is None
    odd = openai_line({"custom_id": "item-1", "response": "??"}, "gpt")
    assert isinstance(odd, ItemFailed)
    assert "neither a response nor an error" in odd.failure.message


def message(text: str) -> dict[str, Any]:
    return {"type": "message", "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "model": "claude", "usage": {"input_tokens": 3, "output_tokens": 2}}  # fmt: skip


def test_anthropic_lines() -> None:
    ok = anthropic_line({"custom_id": "item-0", "result": {"type": "succeeded", "message": message("hi")}},
                        "claude", json_tool=False)  # fmt: skip
    assert isinstance(ok, ItemReply)
    assert ok.reply.text == "hi"
    tool = {"type": "message", "content": [{"type": "tool_use", "id": "t", "name": "json_response",
            "input": {"a": 1}}], "stop_reason": "tool_use"}  # fmt: skip
    as_json = anthropic_line({"custom_id": "item-0", "result": {"type": "succeeded", "message": tool}},
                             "claude", json_tool=True)  # fmt: skip
    assert isinstance(as_json, ItemReply)
    assert json.loads(as_json.reply.text or "") == {"a": 1}
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    errored = anthropic_line({"custom_id": "item-1", "result": {"type": "errored", "error": error}},
                             "claude", json_tool=False)  # fmt: skip
    assert isinstance(errored, ItemFailed)
    assert errored.failure.status_code == 529
    for kind, word in (("expired", "expired"), ("canceled", "cancelled")):
        late = anthropic_line({"custom_id": "item-2", "result": {"type": kind}}, "claude", json_tool=False)
        assert isinstance(late, ItemFailed)
        assert word in late.failure.message
    unreadable = anthropic_line({"custom_id": "item-3", "result": {"type": "succeeded", "message": {}}},
                                "claude", json_tool=False)  # fmt: skip
    assert isinstance(unreadable, ItemFailed)
    odd = anthropic_line({"custom_id": "item-3", "result": {"type": "??"}}, "claude", json_tool=False)
    assert isinstance(odd, ItemFailed)
    assert anthropic_line({"result": {}}, "claude", json_tool=False) is None


def test_outcomes_go_back_in_input_order_and_missing_ones_say_why() -> None:
    ids = [custom_id(n) for n in range(4)]
    failure = ProviderFailure("openai", "gpt", "refused", status_code=400)
    output = BatchOutput(
        (
            ItemReply("item-2", ModelReply(text="two")),
            ItemFailed("item-0", failure),
            ItemFailed("stray", failure),
        ),
        unreadable=1,
    )
    cancelled = BatchStatus("b1", "cancelled", ended=True, reason="stopped by hand")
    ordered = in_input_order(ids, output, cancelled, "openai", "gpt")
    assert ordered[0] == failure
    assert isinstance(ordered[2], ModelReply)
    missing = ordered[1]
    assert isinstance(missing, ProviderFailure)
    assert ordered[3] == missing
    assert "'cancelled'" in missing.message
    assert "stopped by hand" in missing.message
    assert "2 result line(s) were malformed" in missing.message
    assert "returned no result" in unanswered(ENDED, 0, "openai", "gpt").message


def test_which_models_have_a_batch_api() -> None:
    assert batch_provider_name(route_model("gpt-4o-mini").unwrap()) == "openai"
    assert batch_provider_name(route_model("anthropic/claude-sonnet-4-5").unwrap()) == "anthropic"
    assert batch_provider_name(route_model("groq/llama-3.3-70b-versatile").unwrap()) is None
