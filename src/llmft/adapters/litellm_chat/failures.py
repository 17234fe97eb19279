"""What went wrong on the litellm route, read through litellm's wrappers.

litellm re-raises the SDK's and the transport's errors as its own (a refused connection as a 500, an
error event inside a stream as a `MidStreamFallbackError`); the facts are in what it wraps.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping

import httpx
import litellm
import openai

from llmft.domain.errors import ProviderFailure
from llmft.domain.redaction import endpoint_of, redact
from llmft.domain.reply_status import ErrorReport, read_error_report, reported_failure
from llmft.domain.retry import status_failure

# litellm reports an unreadable body as a 500 or a connection error; these markers name it for what it
# is, so it is final on this route as it is on the openai route (a retry would read the same bytes).
_UNREADABLE = ("Expecting value", "JSONDecodeError", "codec can't decode", "Unable to get json response",
               "Unterminated string", "Invalid control character", "maximum recursion depth")  # fmt: skip


def _chain(error: BaseException) -> list[BaseException]:
    """`error` and what it wraps (litellm's `original_exception`, causes, contexts), outermost first."""
    seen: list[BaseException] = []
    todo = [error]
    while todo and len(seen) < 30:
        current = todo.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        for inner in (getattr(current, "original_exception", None), current.__cause__, current.__context__):
            if isinstance(inner, BaseException):
                todo.append(inner)
    return seen


def _reported_error(chain: list[BaseException]) -> ErrorReport | None:
    """The provider's own error report behind an in-stream failure, however litellm wrapped it.

    The openai SDK keeps it as the error's `body` (Groq's `event: error`, OpenRouter's error chunk);
    litellm's Anthropic stream parser raises a bare 500 with the message only, so the event itself is
    read from the parser's frame (its `{"type": "error", "error": {...}}` chunk).
    """
    for error in chain:
        report = read_error_report(getattr(error, "body", None))
        if report is not None:
            return report
    for error in chain:
        for event in _frame_values(error):
            if isinstance(event, Mapping) and event.get("type") == "error":
                report = read_error_report(event)
                if report is not None:
                    return report
    return None


def _frame_values(error: BaseException) -> Iterator[object]:
    """The local values of litellm's own frames the error passed through."""
    tb = error.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith("litellm."):
            yield from tb.tb_frame.f_locals.values()
        tb = tb.tb_next


def _called_url(chain: list[BaseException]) -> str | None:
    """The URL the request went to (the innermost HTTP error's; litellm's wrappers carry placeholders)."""
    for error in reversed(chain):
        if isinstance(error, httpx.HTTPError | openai.APIError):
            try:
                return endpoint_of(str(error.request.url))
            except (RuntimeError, AttributeError):
                continue
    return None


def _http_status(chain: list[BaseException]) -> int | None:
    """The status of the HTTP response behind a failure, when there was one (a 529 litellm calls 500)."""
    for error in reversed(chain):
        if isinstance(error, httpx.HTTPStatusError):
            return error.response.status_code
    return None


def _could_not_connect(chain: list[BaseException]) -> bool:
    return any(isinstance(error, httpx.ConnectError | ConnectionRefusedError) for error in chain)


def failure_of(
    error: BaseException, provider: str, model: str, secret: str | None, *, in_stream: bool = False
) -> ProviderFailure:
    """What went wrong, as the provider or the transport said it (litellm's wrappers unwrapped).

    `in_stream`: raised while reading a stream that had started (a 200 reply), where an error the
    provider reports is an `error_body` failure with the provider's status and message.
    """
    message = redact(f"{type(error).__name__}: {error}", [secret])
    chain = _chain(error)
    if isinstance(error, litellm.exceptions.Timeout):
        return ProviderFailure(provider, model, message, retryable=True, kind="timeout")
    sent_status = _http_status(chain)
    report = _reported_error(chain) if in_stream and sent_status is None else None
    if report is not None:  # an error event or chunk inside the stream's 200 reply
        return reported_failure(provider, model, report, secrets=[secret])
    if any(marker in message for marker in _UNREADABLE) or any(isinstance(e, RecursionError) for e in chain):
        return ProviderFailure(provider, model, f"unreadable response: {message}", kind="malformed")
    if isinstance(error, litellm.exceptions.MidStreamFallbackError) or "Stream ended before" in message:
        return ProviderFailure(
            provider, model, f"the stream was cut: {message}", retryable=True, kind="incomplete_stream"
        )
    url = _called_url(chain)
    if _could_not_connect(chain) or isinstance(error, litellm.exceptions.APIConnectionError):
        where = f"could not connect to {url}" if url else "the connection failed"
        return ProviderFailure(
            provider,
            model,
            f"{where} ({type(chain[-1]).__name__}): {message}",
            retryable=True,
            kind="connection",
        )
    status = sent_status or getattr(error, "status_code", None)
    if isinstance(status, int):
        response = getattr(error, "response", None)
        headers = dict(getattr(response, "headers", None) or {})
        headers.update(getattr(error, "litellm_response_headers", None) or {})
        return status_failure(
            provider, model, message, status=status, headers=headers, url=url, now=time.time()
        )
    return ProviderFailure(provider, model, f"unreadable response: {message}", kind="malformed")
