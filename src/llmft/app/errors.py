"""The public exceptions, and the one function that turns failure values into them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from llmft.domain.errors import (
    ConfigurationFailure,
    Failure,
    LoopFailure,
    ProviderFailure,
    UnsupportedFeature,
)

if TYPE_CHECKING:
    from llmft.app.batch_handle import BatchHandle
    from llmft.app.results import GenerationResult


class LLMToolkitError(Exception):
    """Base of every error llmft raises.

    `partial` is set on every error raised after at least one tool ran: the payloads, tool messages and
    usage gathered so far, so a side effect's record is never lost.
    """

    partial: GenerationResult | None = None


class ConfigurationError(LLMToolkitError):
    """The caller's input or set-up is wrong (raised before anything is sent): `message` says what,
    `field` names what to fix, when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ProviderError(LLMToolkitError):
    """A provider call failed after llmft's retries (and fallbacks); `message` names the model and
    status, and never holds a key.

    Attributes:
        provider: The provider ("openai", "anthropic", a litellm prefix, ...).
        model: The model string that failed.
        status_code: The HTTP status (None when there was none: a timeout, a refused connection).
        retryable: Whether the failure was of a kind worth retrying (llmft already did).
        retry_after: Seconds the server asked to wait, when it said.
        kind: How it failed: "status" (an HTTP error status), "timeout", "connection", "malformed" (an
            unreadable or oversized reply), "error_body" (an error inside a 200 body or a stream) or
            "incomplete_stream" (a stream cut before its end).
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        model: str = "",
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        kind: str = "status",
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.model = model
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after
        self.kind = kind


class DeadlineExceededError(ProviderError):
    """The call's `deadline` passed; `partial` holds what was gathered (payloads, messages, usage).

    A `ProviderError` with `kind="timeout"`, `provider` and `model` those of the call's first model.
    Waiting for a provider batch, `handle` is the batch's (`collect_batch(error.handle)` gathers what
    it answered).
    """

    handle: BatchHandle | None = None

    def __init__(
        self, message: str, *, provider: str = "", model: str = "", partial: GenerationResult | None = None
    ) -> None:
        super().__init__(message, provider=provider, model=model, retryable=False, kind="timeout")
        self.partial = partial


class ToolError(LLMToolkitError):
    """A tool could not be run (for instance past the nesting depth limit)."""


class UnsupportedFeatureError(LLMToolkitError):
    """The chosen model or route does not offer a requested feature."""


class MCPServerError(LLMToolkitError):
    """An MCP server could not be used (not started, no answer, a listing llmft cannot take): `message`
    says why, `server` names it (its command or URL, never a credential)."""

    def __init__(self, message: str, server: str) -> None:
        super().__init__(message)
        self.server = server


class StructuredOutputError(LLMToolkitError):
    """The model's output did not parse or validate as the requested structure, after every re-ask.

    `message` says how; `raw_text` is the last output; `errors` holds each attempt's validation errors
    (one list per attempt, pydantic's error dicts), the last attempt's last.
    """

    def __init__(self, message: str, raw_text: str, errors: list[list[dict[str, Any]]] | None = None) -> None:
        super().__init__(message)
        self.raw_text = raw_text
        self.errors = errors if errors is not None else []


class UsageLimitExceeded(LLMToolkitError):
    """A `UsageLimits` limit was reached; `limit` names it, `partial` holds what was gathered (its
    `finish_reason` is "usage_limit")."""

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


def to_provider_error(failure: ProviderFailure) -> ProviderError:
    """The public exception for a failed provider call."""
    prefixed = failure.model.startswith(f"{failure.provider}/")
    where = failure.model if prefixed else f"{failure.provider}/{failure.model}".rstrip("/")
    status = f" (HTTP {failure.status_code})" if failure.status_code is not None else ""
    return ProviderError(
        f"{where}{status}: {failure.message}",
        provider=failure.provider,
        model=failure.model,
        status_code=failure.status_code,
        retryable=failure.retryable,
        retry_after=failure.retry_after,
        kind=failure.kind,
    )


def to_exception(failure: Failure) -> LLMToolkitError:
    """The public exception for a failure value."""
    match failure:
        case ConfigurationFailure(message, field):
            return ConfigurationError(message, field)
        case UnsupportedFeature(message):
            return UnsupportedFeatureError(message)
        case ProviderFailure(kind="configuration"):  # found by an adapter before anything was sent
            return ConfigurationError(failure.message)
        case ProviderFailure(kind="unsupported"):  # the same, for something the route cannot send
            return UnsupportedFeatureError(failure.message)
        case ProviderFailure():
            return to_provider_error(failure)
        case LoopFailure(message):
            return LLMToolkitError(f"internal tool-loop error: {message}")


def raise_failure(failure: Failure) -> NoReturn:
    """Raise the public exception for a failure value."""
    raise to_exception(failure)
