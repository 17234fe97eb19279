"""How a provider says a reply ended: finish reasons in one vocabulary, and its error reports as failures.

Every route reports `finish_reason` as one of `stop`, `length`, `tool_calls`, `content_filter`,
`refusal` (plus `pause_turn`, which the tool loop continues and never reports). An error the
provider sends inside a 200 reply (an SSE `error` event, an error chunk, a failed response) is a
failure with the provider's own message, and the status the report gives or its type implies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from llmft.domain.errors import ProviderFailure
from llmft.domain.redaction import redact
from llmft.domain.retry import is_retryable_status

FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter", "refusal", "pause_turn")

# Each provider's own stop reasons (as sent, or as litellm passes them on) in the common vocabulary.
_FINISH_ALIASES = {
    "stop": "stop", "end_turn": "stop", "stop_sequence": "stop", "eos": "stop", "eos_token": "stop",
    "complete": "stop", "finish_reason_unspecified": "stop", "completed": "stop",
    "length": "length", "max_tokens": "length", "max_output_tokens": "length",
    "model_context_window_exceeded": "length", "max_completion_tokens": "length",
    "tool_calls": "tool_calls", "tool_use": "tool_calls", "function_call": "tool_calls",
    "tool_call": "tool_calls",
    "content_filter": "content_filter", "safety": "content_filter", "recitation": "content_filter",
    "blocklist": "content_filter", "prohibited_content": "content_filter", "spii": "content_filter",
    "error_toxic": "content_filter", "guardrail_intervened": "content_filter",
    "refusal": "refusal",
    "pause_turn": "pause_turn",
}  # fmt: skip


def normalize_finish_reason(raw: object, *, tool_calls: bool = False) -> str:
    """`raw` (any provider's stop reason, or None) in the common vocabulary.

    A reply with tool calls that says it simply stopped reads `tool_calls`; an unknown reason reads
    `stop` (or `tool_calls`), never a provider-specific word.
    """
    reason = _FINISH_ALIASES.get(str(raw).strip().lower(), "stop") if raw is not None else "stop"
    if reason == "stop" and tool_calls:
        return "tool_calls"
    return reason


# The status each error type (Anthropic's `type`, OpenAI's `type` or `code`) stands for.
ERROR_TYPE_STATUS = {
    "invalid_request_error": 400, "invalid_request": 400, "bad_request": 400,
    "authentication_error": 401, "invalid_api_key": 401,
    "permission_error": 403, "permission_denied": 403,
    "not_found_error": 404, "not_found": 404,
    "request_too_large": 413,
    "rate_limit_error": 429, "rate_limit_exceeded": 429, "too_many_requests": 429,
    "insufficient_quota": 429,
    "api_error": 500, "server_error": 500, "internal_error": 500, "internal_server_error": 500,
    "service_unavailable": 503, "timeout_error": 504,
    "overloaded_error": 529, "overloaded": 529,
}  # fmt: skip


def _status_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 100 <= value <= 599 else None
    if isinstance(value, str) and value.strip().isdigit():
        return _status_number(int(value.strip()))
    return None


def _name(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@frozen
class ErrorReport:
    """What a provider's error report says: its message, and the status it gives or implies."""

    message: str
    status: int | None = None
    type: str | None = None
    code: str | None = None

    @property
    def label(self) -> str:
        """The report's type and code for a message: `invalid_request_error, tool_use_failed`."""
        return ", ".join(name for name in (self.type, self.code) if name and name != str(self.status))


def read_error_report(report: object) -> ErrorReport | None:
    """An error report (`{"error": {...}}` or the error object itself), or None when `report` is not one.

    The status is the report's own (`status_code`, `status`, a numeric `code`), else the one its
    `type` or `code` names (`invalid_request_error` 400, `rate_limit_error` 429,
    `overloaded_error` 529, `api_error`/`server_error` 500).
    """
    if not isinstance(report, Mapping):
        return None
    inner = report.get("error")
    body: Mapping[str, Any] = inner if isinstance(inner, Mapping) else report
    message = body.get("message")
    kind, code = _name(body.get("type")), body.get("code")
    if kind == "error" and body is report:  # a flat `{"type": "error", "code", "message"}` event
        kind = None
    if not isinstance(message, str) and kind is None and code is None:
        return None
    status = (
        _status_number(body.get("status_code"))
        or _status_number(body.get("status"))
        or _status_number(code)
        or ERROR_TYPE_STATUS.get((kind or "").lower())
        or ERROR_TYPE_STATUS.get(str(code).lower())
    )
    code_name = None if code is None else str(code)
    text = message if isinstance(message, str) and message else (kind or code_name or "unknown error")
    return ErrorReport(text, status, kind, code_name)


def reported_failure(
    provider: str,
    model: str,
    report: ErrorReport,
    *,
    secrets: Iterable[str | None] = (),
    retryable: bool | None = None,
) -> ProviderFailure:
    """The failure for an error the provider reported inside a reply (kind `error_body`).

    It is retryable when its status is (or, without a status, as a server-side failure of unknown
    kind); `retryable` overrides that.
    """
    label = f" ({report.label})" if report.label else ""
    if retryable is None:
        retryable = report.status is None or is_retryable_status(report.status)
    return ProviderFailure(
        provider,
        model,
        redact(f"the provider reported an error{label}: {report.message}", secrets),
        status_code=report.status,
        retryable=retryable,
        kind="error_body",
    )
