"""Failure values returned by the pure core and the ports; the app maps them to exceptions."""

from __future__ import annotations

from attrs import frozen


@frozen
class ConfigurationFailure:
    """The caller's input or set-up is wrong; `field` names what to fix when there is one."""

    message: str
    field: str | None = None


@frozen
class UnsupportedFeature:
    """The chosen route or model cannot take something the call asked for; `feature` names it."""

    message: str
    feature: str


@frozen
class ProviderFailure:
    """A provider call failed; `retryable` and `retry_after` carry the facts the retry policy needs."""

    provider: str
    model: str
    message: str
    status_code: int | None = None
    retryable: bool = False
    retry_after: float | None = None
    kind: str = "status"


@frozen
class LoopFailure:
    """The tool loop was fed an event that does not fit its state (a driver bug, not a model error)."""

    message: str


Failure = ConfigurationFailure | UnsupportedFeature | ProviderFailure | LoopFailure


class ReplyTooLarge(Exception):
    """Raised under an SDK by the transport that caps reply sizes; the adapters turn it into a failure."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the reply is larger than max_response_bytes ({limit} bytes)")
        self.limit = limit


def too_large(error: BaseException | None) -> ReplyTooLarge | None:
    """The ReplyTooLarge at the root of `error`'s cause chain, if there is one."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, ReplyTooLarge):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None
