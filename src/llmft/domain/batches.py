"""Provider batches as values: what is sent, a batch's status, each request's outcome, and reading the
providers' result lines (OpenAI's output and error files, Anthropic's results), pure.

A batch's requests are named `item-<n>` by their place in the input, so results (which come back in
any order) are put back in input order. A result line that is not JSON is the error of the request it
names when its `custom_id` can still be read; otherwise it is counted as unreadable, and a request with
no result at the end gets an error naming every reason there is (the batch's final status, unreadable
lines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen
from returns.result import Failure

from llmft.domain.anthropic_reply import error_failure, parse_message
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.retry import is_retryable_status
from llmft.domain.routing import Route

CUSTOM_ID_PREFIX = "item-"
BATCH_PRICE_FACTOR = 0.5
"""OpenAI's Batch API and Anthropic's Message Batches both bill half the standard token rates."""
MAX_REQUESTS = {"openai": 50_000, "anthropic": 100_000}
"""The most requests one batch may hold (the providers' documented limits)."""
_CUSTOM_ID = re.compile(rb'"custom_id"\s*:\s*"([A-Za-z0-9_-]{1,64})"')


def batch_provider_name(route: Route) -> str | None:
    """The provider whose batch API serves `route` ("openai", "anthropic"), or None when none does."""
    if route.kind == "openai_responses":
        return "openai"
    return "anthropic" if route.provider == "anthropic" else None


def custom_id(index: int) -> str:
    """The name of the request at `index` of the input (`item-0`, `item-1`, ...)."""
    return f"{CUSTOM_ID_PREFIX}{index}"


@frozen
class BatchRequest:
    """One request of a batch, named by `custom_id`."""

    custom_id: str
    request: ModelRequest


@frozen
class BatchStatus:
    """Where a provider batch is: `status` in the provider's own words ("in_progress", "completed",
    "expired", "cancelled", "failed", "ended", ...); `ended` once no request will be answered any more."""

    batch_id: str
    status: str
    ended: bool
    total: int = 0
    finished: int = 0  # requests answered so far (succeeded or failed)
    reason: str | None = None  # why the whole batch failed, when it did
    output_file: str | None = None  # OpenAI: the files holding the results
    error_file: str | None = None
    json_tool: bool = False  # Anthropic: `json_object` was asked through the forced JSON tool; read so


@frozen
class ItemReply:
    """A request that was answered."""

    custom_id: str
    reply: ModelReply


@frozen
class ItemFailed:
    """A request that failed (an error status, expired, cancelled, an unreadable result)."""

    custom_id: str
    failure: ProviderFailure


ItemOutcome = ItemReply | ItemFailed


@frozen
class BatchOutput:
    """The outcomes a finished batch reported, and how many result lines named no readable request."""

    outcomes: tuple[ItemOutcome, ...] = ()
    unreadable: int = 0


def jsonl_entries(content: bytes) -> Iterator[Mapping[str, Any] | bytes]:
    """Each non-blank line of a JSONL file: the object it holds, or the raw line when it is not one."""
    for raw in content.splitlines():
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            yield raw
            continue
        yield entry if isinstance(entry, dict) else raw


def broken_line(raw: bytes, provider: str, model: str) -> ItemFailed | None:
    """The failure of the request a malformed result line names, if its `custom_id` is still readable."""
    found = _CUSTOM_ID.search(raw)
    if found is None:
        return None
    return ItemFailed(found.group(1).decode(), malformed_line(provider, model))


def malformed_line(provider: str, model: str) -> ProviderFailure:
    """The failure of a request whose result line could not be read."""
    return ProviderFailure(
        provider,
        model,
        "the batch's result line for this request is malformed (not valid JSON)",
        kind="malformed",
    )


def _error_text(error: object) -> tuple[str, str | None]:
    """The message and code of an OpenAI-style error object."""
    if isinstance(error, Mapping):
        inner = error.get("error")
        if isinstance(inner, Mapping):
            error = inner
        message = str(error.get("message") or json.dumps(dict(error), default=str)[:500])
        code = error.get("code") or error.get("type")
        return message, str(code) if code else None
    return str(error)[:500], None


def openai_line(entry: Mapping[str, Any], model: str) -> tuple[str, Mapping[str, Any]] | ItemFailed | None:
    """An OpenAI output or error file line: (custom_id, the 200 body to parse), the request's failure,
    or None when the line names no request."""
    name = entry.get("custom_id")
    if not isinstance(name, str):
        return None
    response = entry.get("response")
    error = entry.get("error")
    status = response.get("status_code") if isinstance(response, Mapping) else None
    body = response.get("body") if isinstance(response, Mapping) else None
    if status == 200 and isinstance(body, Mapping) and not error:
        return name, body
    if isinstance(status, int) and not isinstance(status, bool):
        message, code = _error_text(body if body else error)
        where = f" ({code})" if code else ""
        return ItemFailed(
            name,
            ProviderFailure(
                "openai",
                model,
                f"{message}{where}",
                status_code=status,
                retryable=is_retryable_status(status),
            ),
        )
    message, code = _error_text(error or "the line has neither a response nor an error")
    prefix = f"{code}: " if code else ""
    return ItemFailed(name, ProviderFailure("openai", model, f"{prefix}{message}", kind="error_body"))


ANTHROPIC_UNANSWERED = {
    "expired": "the batch expired before this request ran",
    "canceled": "the batch was cancelled before this request ran",
}


def anthropic_line(entry: Mapping[str, Any], model: str, *, json_tool: bool) -> ItemOutcome | None:
    """An Anthropic results line as the request's outcome, or None when it names no request."""
    name = entry.get("custom_id")
    if not isinstance(name, str):
        return None
    result = entry.get("result")
    kind = result.get("type") if isinstance(result, Mapping) else None
    if kind == "succeeded" and isinstance(result, Mapping):
        parsed = parse_message(result.get("message"), model, json_tool=json_tool)
        if isinstance(parsed, Failure):
            return ItemFailed(name, parsed.failure())
        return ItemReply(name, parsed.unwrap())
    if kind == "errored" and isinstance(result, Mapping):
        error = result.get("error")
        inner = error.get("error") if isinstance(error, Mapping) else None
        return ItemFailed(name, error_failure(inner if inner is not None else error, model))
    if isinstance(kind, str) and kind in ANTHROPIC_UNANSWERED:
        reason = ANTHROPIC_UNANSWERED[kind]
        return ItemFailed(name, ProviderFailure("anthropic", model, f"{kind}: {reason}", kind="error_body"))
    return ItemFailed(name, malformed_line("anthropic", model))


def unanswered(status: BatchStatus, unreadable: int, provider: str, model: str) -> ProviderFailure:
    """The failure of a request a finished batch gave no result for, naming why."""
    reasons: list[str] = []
    if status.status not in ("completed", "ended"):
        reasons.append(f"the batch ended {status.status!r}")
    if status.reason:
        reasons.append(status.reason)
    if unreadable:
        reasons.append(f"{unreadable} result line(s) were malformed or named no request")
    why = "; ".join(reasons) or "the provider returned no result for it"
    return ProviderFailure(provider, model, f"no result for this request: {why}", kind="error_body")


def in_input_order(
    ids: Sequence[str], output: BatchOutput, status: BatchStatus, provider: str, model: str
) -> list[ModelReply | ProviderFailure]:
    """Each request's reply or failure, in the order of `ids` (a request without a result: `unanswered`)."""
    wanted = set(ids)
    found: dict[str, ModelReply | ProviderFailure] = {}
    strays = 0  # results naming no request of this batch (a broken line's id misread, say)
    for outcome in output.outcomes:
        if outcome.custom_id not in wanted:
            strays += 1
            continue
        found[outcome.custom_id] = outcome.reply if isinstance(outcome, ItemReply) else outcome.failure
    missing = unanswered(status, output.unreadable + strays, provider, model)
    return [found.get(name, missing) for name in ids]
