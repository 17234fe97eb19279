"""BatchProvider over the anthropic SDK's Message Batches API (`client.messages.batches`).

Each request's `params` are built by the native route's own builder (`to_anthropic_params`), and each
result is read by its own reply parser (`parse_message`), from the raw JSONL so that one malformed
line costs only its own request. The SDK's own retries cover the few calls made here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

import anthropic
from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.domain.anthropic_wire import PROVIDER, api_model, to_anthropic_params, uses_json_tool
from llmft.domain.batches import (
    BatchOutput,
    BatchRequest,
    BatchStatus,
    ItemOutcome,
    anthropic_line,
    broken_line,
    jsonl_entries,
)
from llmft.domain.connections import Connection
from llmft.domain.errors import ProviderFailure
from llmft.domain.ports import BatchProvider
from llmft.domain.redaction import redact
from llmft.domain.retry import status_failure, transport_failure
from llmft.domain.secret import reveal

NOT_IN_PARAMS = frozenset({"timeout", "extra_headers", "extra_query"})
_READ_ERRORS = (anthropic.AnthropicError, ValueError, UnicodeDecodeError, RecursionError)
_CLIENT_TIMEOUT = 600.0


def batch_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """`messages.create` keywords as one batched request's `params` (`extra_body` merged in)."""
    body = {k: v for k, v in params.items() if k not in NOT_IN_PARAMS and k != "extra_body"}
    extra = params.get("extra_body")
    if isinstance(extra, Mapping):
        body.update(extra)
    return body


class AnthropicBatches:
    """Message batches for one model and connection."""

    def __init__(
        self,
        model: str,
        connection: Connection,
        *,
        max_retries: int = 2,
        client: anthropic.AsyncAnthropic | None = None,
    ) -> None:
        self.model = api_model(model)
        self._key = connection.api_key
        keyless = (
            cast(dict[str, str], {"Authorization": anthropic.omit}) if connection.api_key is None else None
        )
        self._client = client or anthropic.AsyncAnthropic(
            api_key=reveal(connection.api_key) or "",
            base_url=connection.base_url,
            max_retries=max_retries,
            timeout=_CLIENT_TIMEOUT,
            default_headers=keyless,
        )

    def __repr__(self) -> str:
        return f"AnthropicBatches(model={self.model!r})"

    async def aclose(self) -> None:
        """Close the SDK client."""
        await self._client.close()

    def _failure(self, error: BaseException) -> ProviderFailure:
        message = redact(f"{type(error).__name__}: {error}", [reveal(self._key)])
        if isinstance(error, anthropic.APIStatusError):
            return status_failure(
                PROVIDER,
                self.model,
                message,
                status=error.status_code,
                headers=dict(error.response.headers),
                url=str(error.request.url),
                now=time.time(),
            )
        if isinstance(error, anthropic.APIConnectionError):  # APITimeoutError is one too
            timed_out = isinstance(error, anthropic.APITimeoutError)
            return transport_failure(
                PROVIDER, self.model, message, timed_out=timed_out, url=str(error.request.url)
            )
        return ProviderFailure(PROVIDER, self.model, f"unreadable response: {message}", kind="malformed")

    @staticmethod
    def _status(batch: Any) -> BatchStatus:
        counts = batch.request_counts
        finished = counts.succeeded + counts.errored + counts.canceled + counts.expired
        return BatchStatus(
            batch_id=batch.id,
            status=batch.processing_status,
            ended=batch.processing_status == "ended",
            total=finished + counts.processing,
            finished=finished,
        )

    async def submit(self, requests: Sequence[BatchRequest]) -> Result[BatchStatus, ProviderFailure]:
        """Create the batch: one `{custom_id, params}` per request."""
        entries: list[dict[str, Any]] = []
        json_tool = False
        for item in requests:
            built = to_anthropic_params(item.request)
            if isinstance(built, Failure):
                problem = built.failure()
                return Failure(ProviderFailure(PROVIDER, self.model, problem.message, kind="configuration"))
            params = built.unwrap()
            json_tool = json_tool or uses_json_tool(params)
            entries.append({"custom_id": item.custom_id, "params": batch_params(params)})
        try:
            batch = await self._client.messages.batches.create(requests=cast(Any, entries))
        except _READ_ERRORS as error:
            return Failure(self._failure(error))
        return Success(evolve(self._status(batch), json_tool=json_tool))

    async def status(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """The batch as it is now."""
        try:
            return Success(self._status(await self._client.messages.batches.retrieve(batch_id)))
        except _READ_ERRORS as error:
            return Failure(self._failure(error))

    async def cancel(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """Ask Anthropic to cancel the batch (it goes through `canceling` to `ended`)."""
        try:
            return Success(self._status(await self._client.messages.batches.cancel(batch_id)))
        except _READ_ERRORS as error:
            return Failure(self._failure(error))

    async def results(self, status: BatchStatus) -> Result[BatchOutput, ProviderFailure]:
        """Every results line, read one by one (a broken line fails only its own request)."""
        try:
            decoder = await self._client.messages.batches.results(status.batch_id)
            try:
                content = await decoder.http_response.aread()
            finally:
                await decoder.close()
        except _READ_ERRORS as error:
            return Failure(self._failure(error))
        outcomes: list[ItemOutcome] = []
        unreadable = 0
        for entry in jsonl_entries(content):
            outcome = (
                broken_line(entry, PROVIDER, self.model)
                if isinstance(entry, bytes)
                else anthropic_line(entry, self.model, json_tool=status.json_tool)
            )
            if outcome is None:
                unreadable += 1
            else:
                outcomes.append(outcome)
        return Success(BatchOutput(tuple(outcomes), unreadable))


_: type[BatchProvider] = AnthropicBatches
