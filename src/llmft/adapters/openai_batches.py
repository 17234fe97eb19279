"""BatchProvider over the openai SDK's Files and Batch APIs, for Responses API requests.

Each request is one line of a JSONL file (`files.create(purpose="batch")`), built by the live route's
own request builder and parsed by its own reply parser (both handed in by the composition root, as
adapters do not import each other), so a batched request is exactly the request `generate` sends.
The SDK's own retries cover the few calls made here (upload, create, polls, downloads).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import openai
from returns.result import Failure, Result, Success

from llmft.domain.batches import (
    BatchOutput,
    BatchRequest,
    BatchStatus,
    ItemFailed,
    ItemOutcome,
    ItemReply,
    broken_line,
    jsonl_entries,
    openai_line,
)
from llmft.domain.connections import Connection
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import BatchProvider
from llmft.domain.redaction import redact
from llmft.domain.retry import status_failure, transport_failure
from llmft.domain.secret import reveal

PROVIDER = "openai"
ENDPOINT: Final = "/v1/responses"
COMPLETION_WINDOW: Final = "24h"
ENDED = frozenset({"completed", "expired", "cancelled", "failed"})
# SDK keywords that are not body fields; a batch line has only a body, so they cannot be sent.
NOT_IN_BODY = frozenset({"timeout", "extra_headers", "extra_query"})
_READ_ERRORS = (openai.OpenAIError, ValueError, UnicodeDecodeError, RecursionError)


def line_body(params: Mapping[str, Any]) -> dict[str, Any]:
    """`responses.create` keywords as the JSON body of a batch line (`extra_body` merged in)."""
    body = {k: v for k, v in params.items() if k not in NOT_IN_BODY and k != "extra_body"}
    extra = params.get("extra_body")
    if isinstance(extra, Mapping):
        body.update(extra)
    return body


class OpenAIBatches:
    """Batches of Responses API requests for one model and connection."""

    def __init__(
        self,
        model: str,
        connection: Connection,
        *,
        build_params: Callable[[ModelRequest], dict[str, Any]],
        parse_response: Callable[[Any], ModelReply],
        max_retries: int = 2,
        client: openai.AsyncOpenAI | None = None,
    ) -> None:
        self.model = model
        self._key = connection.api_key
        self._build = build_params
        self._parse = parse_response
        self._client = client or openai.AsyncOpenAI(
            api_key=reveal(connection.api_key), base_url=connection.base_url, max_retries=max_retries
        )

    def __repr__(self) -> str:
        return f"OpenAIBatches(model={self.model!r})"

    async def aclose(self) -> None:
        """Close the SDK client."""
        await self._client.close()

    def _failure(self, error: BaseException) -> ProviderFailure:
        message = redact(f"{type(error).__name__}: {error}", [reveal(self._key)])
        if isinstance(error, openai.APIStatusError):
            return status_failure(
                PROVIDER,
                self.model,
                message,
                status=error.status_code,
                headers=dict(error.response.headers),
                url=str(error.request.url),
                now=time.time(),
            )
        if isinstance(error, openai.APIConnectionError):  # APITimeoutError is one too
            timed_out = isinstance(error, openai.APITimeoutError)
            return transport_failure(
                PROVIDER, self.model, message, timed_out=timed_out, url=str(error.request.url)
            )
        return ProviderFailure(PROVIDER, self.model, f"unreadable response: {message}", kind="malformed")

    def _status(self, batch: Any) -> BatchStatus:
        counts = batch.request_counts
        errors = batch.errors.data if batch.errors is not None and batch.errors.data else []
        reason = "; ".join(f"line {e.line}: {e.code}: {e.message}" for e in errors[:5]) or None
        return BatchStatus(
            batch_id=batch.id,
            status=batch.status,
            ended=batch.status in ENDED,
            total=counts.total if counts is not None else 0,
            finished=(counts.completed + counts.failed) if counts is not None else 0,
            reason=reason,
            output_file=batch.output_file_id,
            error_file=batch.error_file_id,
        )

    async def submit(self, requests: Sequence[BatchRequest]) -> Result[BatchStatus, ProviderFailure]:
        """Upload the requests as a JSONL file and create the batch."""
        lines = [
            json.dumps(
                {
                    "custom_id": item.custom_id,
                    "method": "POST",
                    "url": ENDPOINT,
                    "body": line_body(self._build(item.request)),
                },
                ensure_ascii=False,
            )
            for item in requests
        ]
        content = ("\n".join(lines) + "\n").encode()
        try:
            upload = await self._client.files.create(
                file=("llmft-batch.jsonl", content, "application/jsonl"), purpose="batch"
            )
            batch = await self._client.batches.create(
                input_file_id=upload.id, endpoint=ENDPOINT, completion_window=COMPLETION_WINDOW
            )
        except _READ_ERRORS as error:
            return Failure(self._failure(error))
        return Success(self._status(batch))

    async def status(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """The batch as it is now."""
        try:
            return Success(self._status(await self._client.batches.retrieve(batch_id)))
        except _READ_ERRORS as error:
            return Failure(self._failure(error))

    async def cancel(self, batch_id: str) -> Result[BatchStatus, ProviderFailure]:
        """Ask OpenAI to cancel the batch (it goes through `cancelling` to `cancelled`)."""
        try:
            return Success(self._status(await self._client.batches.cancel(batch_id)))
        except _READ_ERRORS as error:
            return Failure(self._failure(error))

    async def results(self, status: BatchStatus) -> Result[BatchOutput, ProviderFailure]:
        """Every line of the output and error files, as outcomes."""
        outcomes: list[ItemOutcome] = []
        unreadable = 0
        for file_id in (status.output_file, status.error_file):
            if not file_id:
                continue
            try:
                content = (await self._client.files.content(file_id)).content
            except _READ_ERRORS as error:
                return Failure(self._failure(error))
            for entry in jsonl_entries(content):
                outcome = self._outcome(entry)
                if outcome is None:
                    unreadable += 1
                else:
                    outcomes.append(outcome)
        return Success(BatchOutput(tuple(outcomes), unreadable))

    def _outcome(self, entry: Mapping[str, Any] | bytes) -> ItemOutcome | None:
        if isinstance(entry, bytes):
            return broken_line(entry, PROVIDER, self.model)
        read = openai_line(entry, self.model)
        if not isinstance(read, tuple):
            return read
        name, body = read
        try:
            # As a live reply is read: its JSON as it arrived (a field the SDK does not know is kept).
            return ItemReply(name, self._parse(body))
        except (AttributeError, TypeError, ValueError, KeyError) as error:
            why = f"unreadable response: {type(error).__name__}: {str(error)[:300]}"
            return ItemFailed(name, ProviderFailure(PROVIDER, self.model, why, kind="malformed"))


_: type[BatchProvider] = OpenAIBatches
