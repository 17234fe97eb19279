"""Finish reasons in one vocabulary; providers' error reports read into status and message."""

from __future__ import annotations

import pytest

from llmft.domain.reply_status import (
    FINISH_REASONS,
    ErrorReport,
    normalize_finish_reason,
    read_error_report,
    reported_failure,
)


@pytest.mark.parametrize(
    ("raw", "calls", "expected"),
    [
        ("end_turn", False, "stop"),
        ("stop_sequence", False, "stop"),
        ("eos", False, "stop"),
        ("STOP", False, "stop"),
        ("max_tokens", False, "length"),
        ("MAX_TOKENS", False, "length"),
        ("tool_use", True, "tool_calls"),
        ("function_call", False, "tool_calls"),
        ("stop", True, "tool_calls"),
        ("SAFETY", False, "content_filter"),
        ("refusal", False, "refusal"),
        ("pause_turn", False, "pause_turn"),
        ("something_new", False, "stop"),
        (None, False, "stop"),
        (None, True, "tool_calls"),
    ],
)
def test_finish_reasons_map_into_the_vocabulary(raw: str | None, calls: bool, expected: str) -> None:
    assert normalize_finish_reason(raw, tool_calls=calls) == expected
    assert expected in FINISH_REASONS


@pytest.mark.parametrize(
    ("report", "status", "message"),
    [
        (
            {"error": {"message": "Failed", "type": "invalid_request_error", "code": "tool_use_failed",
                       "status_code": 400}},
            400,
            "Failed",
        ),
        ({"error": {"code": 400, "message": "context exceeded"}}, 400, "context exceeded"),
        ({"error": {"code": "502", "message": "bad gateway"}}, 502, "bad gateway"),
        ({"type": "error", "code": "server_error", "message": "boom", "param": None}, 500, "boom"),
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Busy"}}, 529, "Busy"),
        ({"type": "rate_limit_error", "code": "x", "message": "slow"}, 429, "slow"),
        ({"code": "rate_limit_exceeded", "message": "later"}, 429, "later"),
        ({"error": {"type": "api_error"}}, 500, "api_error"),
        ({"message": "who knows"}, None, "who knows"),
    ],
)  # fmt: skip
def test_error_reports_give_the_providers_status(
    report: dict[str, object], status: int | None, message: str
) -> None:
    read = read_error_report(report)
    assert read is not None
    assert (read.status, read.message) == (status, message)


@pytest.mark.parametrize("report", [None, "text", {}, {"id": "x"}, {"error": None}])
def test_what_is_not_an_error_report(report: object) -> None:
    assert read_error_report(report) is None


def test_a_reported_failure_is_an_error_body_retried_by_its_status() -> None:
    report = ErrorReport("Overloaded sk-secret-key-123456", 529, "overloaded_error")
    failure = reported_failure("anthropic", "claude", report, secrets=["sk-secret-key-123456"])
    assert (failure.kind, failure.status_code, failure.retryable) == ("error_body", 529, True)
    assert "sk-secret" not in failure.message
    assert "overloaded_error" in failure.message
    assert reported_failure("a", "m", ErrorReport("bad", 400)).retryable is False
    assert reported_failure("a", "m", ErrorReport("unknown")).retryable is True
    assert reported_failure("a", "m", ErrorReport("x", 500), retryable=False).retryable is False
