"""Which failures are worth retrying and how long to wait: the retry schedule as data (no sleeping)."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from attrs import frozen

from llmft.domain.errors import ProviderFailure
from llmft.domain.redaction import endpoint_of

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
NEVER_RETRIED = frozenset({400, 401, 403, 404, 422})


def is_retryable_status(status: int) -> bool:
    """True for the statuses a retry can cure (timeouts, conflicts, rate limits, server errors)."""
    if status in NEVER_RETRIED:
        return False
    return status in RETRYABLE_STATUSES or status >= 500


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, else `retry-after` (seconds or HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(raw).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a delay


def status_failure(
    provider: str,
    model: str,
    message: str,
    *,
    status: int,
    headers: Mapping[str, str],
    url: str | None,
    now: float,
) -> ProviderFailure:
    """An HTTP error status as a failure: retryable as its status says, the server's Retry-After read
    (`now`: the wall-clock time, for an HTTP date), and a 404 naming the URL that was called (a
    `base_url` missing its `/v1`, say)."""
    if status == 404 and url:
        message = f"{message}; the URL called was {endpoint_of(url)}"
    return ProviderFailure(
        provider,
        model,
        message,
        status_code=status,
        retryable=is_retryable_status(status),
        retry_after=parse_retry_after(headers, now),
        kind="status",
    )


def transport_failure(
    provider: str,
    model: str,
    message: str,
    *,
    timed_out: bool,
    url: str | None,
    cause: str | None = None,
    kind: str = "connection",
) -> ProviderFailure:
    """A request that got no answer: it timed out, or its connection failed (`cause`: the type of the
    error underneath); the message names the endpoint, never its query string. Both are retried."""
    where = f" ({endpoint_of(url)})" if url else ""
    if timed_out:
        return ProviderFailure(provider, model, message + where, retryable=True, kind="timeout")
    detail = f": {cause}" if cause else ""
    return ProviderFailure(provider, model, f"{message}{detail}{where}", retryable=True, kind=kind)


@frozen
class RetryPolicy:
    """How hard to try: retries after the first attempt, backoff base and cap, longest Retry-After obeyed."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0


def retry_delay(
    policy: RetryPolicy, retries_done: int, failure: ProviderFailure, jitter: float, remaining: float | None
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up now.

    `jitter` is a number in [0, 1) (full jitter: the backoff is `jitter × min(cap, base × 2^n)`);
    `remaining` is what is left of the caller's deadline. A Retry-After longer than the policy's cap
    or than the remaining time is not waited for: the failure is final at once.
    """
    if not failure.retryable or retries_done >= policy.max_retries:
        return None
    if failure.retry_after is not None:
        wait = failure.retry_after
        if wait > policy.max_retry_after:
            return None
    else:
        wait = jitter * min(policy.max_delay, policy.base_delay * 2**retries_done)
    if remaining is not None and wait >= remaining:
        return None
    return wait
