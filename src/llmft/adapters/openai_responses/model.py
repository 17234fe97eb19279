"""The OpenAI route's ChatModel: one call, polled when it runs in the background, or a stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx2
import openai
from attrs import evolve
from openai.types.responses import Response, ResponseStreamEvent
from returns.result import Failure, Result, Success

from llmft.adapters.openai_responses.reply import (
    KEPT_ITEMS,
    PROVIDER,
    finish_reason_of,
    kept_item,
    only_refusal,
    parse_response,
    usage_of,
)
from llmft.adapters.openai_responses.request import build_params
from llmft.domain.connections import Connection
from llmft.domain.conversion import responses_items
from llmft.domain.errors import ProviderFailure, ReplyTooLarge, too_large
from llmft.domain.message_memo import MessageMemo
from llmft.domain.messages import Message, ModelReply, ModelRequest
from llmft.domain.ports import ChatModel, DeltaStream
from llmft.domain.redaction import redact
from llmft.domain.reply_status import ErrorReport, read_error_report, reported_failure
from llmft.domain.retry import status_failure, transport_failure
from llmft.domain.secret import reveal
from llmft.domain.streaming import (
    ItemDelta,
    ReasoningDelta,
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)

# What reading a reply can raise: the SDK's errors, unreadable bodies (bad JSON, bad UTF-8, JSON nested
# past the recursion limit) and the transport's size cap.
_READ_ERRORS = (openai.OpenAIError, ValueError, UnicodeDecodeError, RecursionError, ReplyTooLarge)
UNFINISHED = ("queued", "in_progress")  # a background reply still running: poll it
DRAIN_SECONDS = 0.1  # the longest a stream's end is awaited after its last event
DRAIN_EVENTS = 16  # events read past the last one at most (a well-formed stream has none)
CANCEL_TIMEOUT = 5.0  # the longest a background reply's cancel request may take


def background_poll_delay(polls_done: int) -> float:
    """Seconds before the next poll of a background reply: 0.5 s, backing off to 2 s."""
    return min(0.5 * 1.5**polls_done, 2.0)


class OpenAIResponsesModel:
    """The OpenAI route: one `AsyncOpenAI` client per model and connection, reused across calls.

    A background reply (`background=True` as a provider parameter) is polled until it is final,
    each poll bounded by the request's timeout and paced by `poll_delay` (seconds before poll n);
    a wait cut short (a deadline) cancels it on the provider before the cancellation goes on.
    """

    def __init__(
        self,
        model: str,
        connection: Connection,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        client: openai.AsyncOpenAI | None = None,
        poll_delay: Callable[[int], float] = background_poll_delay,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.model = model
        self._key = connection.api_key
        self._poll_delay = poll_delay
        self._sleep = sleep
        self._cancels: set[asyncio.Future[None]] = set()
        # Each message's input items, converted once: a tool loop sends its whole transcript every round.
        # The items are shared between requests; nothing changes them once built (the body is sent as is).
        self._items = MessageMemo(responses_items)
        # Timeouts are per request (each request carries its own); the SDK's retries are off. The
        # transport (from the composition root) caps reply sizes while they arrive.
        http = openai.DefaultAsyncHttpxClient(transport=transport) if transport is not None else None
        self._client = client or openai.AsyncOpenAI(
            api_key=reveal(connection.api_key), base_url=connection.base_url, max_retries=0, http_client=http
        )

    def __repr__(self) -> str:
        return f"OpenAIResponsesModel(model={self.model!r})"

    async def aclose(self) -> None:
        """Close the SDK client and its connections (after any background cancel still under way)."""
        await asyncio.gather(*self._cancels, return_exceptions=True)
        await self._client.close()

    def _failure(self, error: BaseException) -> ProviderFailure:
        oversized = too_large(error)
        if oversized is not None:
            return ProviderFailure(PROVIDER, self.model, str(oversized), kind="malformed")
        message = redact(f"{type(error).__name__}: {error}", [reveal(self._key)])
        if isinstance(error, openai.APIStatusError):
            return status_failure(
                PROVIDER,
                self.model,
                message,
                status=error.status_code,
                headers=dict(error.response.headers) if error.response is not None else {},
                url=str(error.request.url),
                now=time.time(),
            )
        if isinstance(error, openai.APIConnectionError):  # APITimeoutError is one too
            cause = error.__cause__
            return transport_failure(
                PROVIDER,
                self.model,
                message,
                timed_out=isinstance(error, openai.APITimeoutError),
                url=str(error.request.url),
                cause=type(cause).__name__ if cause is not None else None,
            )
        # The SDK raises a bare APIError for an `error` event whose error is nested (as served).
        report = (
            read_error_report(getattr(error, "body", None)) if isinstance(error, openai.APIError) else None
        )
        if report is not None:
            return reported_failure(PROVIDER, self.model, report, secrets=[reveal(self._key)])
        return ProviderFailure(PROVIDER, self.model, f"unreadable response: {message}", kind="malformed")

    def _error_body(self, error: Any) -> ProviderFailure:
        """An error the provider reported in a 200 body or a stream event (an SDK object or a dict)."""
        fields = error if isinstance(error, dict) else getattr(error, "__dict__", None)
        report = read_error_report(fields)
        if report is None:
            report = ErrorReport(str(error) if fields is None else json.dumps(fields, default=str))
        return reported_failure(PROVIDER, self.model, report, secrets=[reveal(self._key)])

    def _input(self, messages: Sequence[Message]) -> list[dict[str, Any]]:
        """The transcript as input items, each message's converted once."""
        return [item for items in self._items.values(messages) for item in items]

    async def _create(self, request: ModelRequest, *, stream: bool) -> Any:
        """`responses.create` for a request, its body sent as built.

        `responses.create` would walk the whole body against the SDK's parameter types first (its
        request transform): an identity for the plain JSON built here, but one that costs about a
        millisecond per transcript item, on every round of a tool loop. The reply is read as the
        SDK reads it.
        """
        body = build_params(request, self._input)
        options: openai.RequestOptions = {"security": {"bearer_auth": True}}  # as `responses.create`
        if "extra_headers" in body:
            options["headers"] = body.pop("extra_headers")
        if "extra_query" in body:
            options["params"] = body.pop("extra_query")
        if "extra_body" in body:
            options["extra_json"] = body.pop("extra_body")
        if "timeout" in body:
            options["timeout"] = body.pop("timeout")
        if stream:
            body["stream"] = True
        return await self._client.post(
            "/responses",
            body=body,
            options=options,
            cast_to=Response,
            stream=stream,
            stream_cls=openai.AsyncStream[ResponseStreamEvent],
        )

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One Responses API call (polled until final when it runs in the background)."""
        try:
            response = await self._create(request, stream=False)
            if getattr(response, "status", None) in UNFINISHED and getattr(response, "id", None):
                response = await self._poll(response.id, request.timeout)
        except _READ_ERRORS as error:
            return Failure(self._failure(error))
        except TimeoutError:
            return Failure(
                ProviderFailure(
                    PROVIDER,
                    self.model,
                    f"a poll of the background reply took over the {request.timeout or 0:g} s timeout",
                    retryable=True,
                    kind="timeout",
                )
            )
        if getattr(response, "status", None) == "failed" and getattr(response, "error", None) is not None:
            # A failed (background) reply is run again only after a server-side failure.
            failure = self._error_body(response.error)
            return Failure(evolve(failure, retryable=(failure.status_code or 0) >= 500))
        if getattr(response, "error", None) or not hasattr(response, "output") or response.output is None:
            return Failure(self._error_body(getattr(response, "error", None) or "response without output"))
        if response.status == "cancelled":
            return Failure(
                ProviderFailure(PROVIDER, self.model, "the background reply was cancelled", kind="error_body")
            )
        try:
            return Success(parse_response(response))
        except (AttributeError, TypeError) as error:
            return Failure(self._failure(ValueError(f"unexpected response shape: {error}")))

    async def _poll(self, response_id: str, timeout: float | None) -> Any:
        """The background reply once final; cancelled on the provider if the wait ends any other way."""
        polls = 0
        try:
            while True:
                await self._sleep(self._poll_delay(polls))
                polls += 1
                async with asyncio.timeout(timeout):
                    response = await self._client.responses.retrieve(response_id, timeout=timeout)
                if response.status not in UNFINISHED:
                    return response
        except BaseException:
            await self._cancel(response_id)
            raise

    async def _cancel(self, response_id: str) -> None:
        """Cancel a background reply, shielded from the cancellation that ended the wait for it."""

        async def cancel() -> None:
            try:
                async with asyncio.timeout(CANCEL_TIMEOUT):
                    await self._client.responses.cancel(response_id, timeout=CANCEL_TIMEOUT)
            except (*_READ_ERRORS, TimeoutError):
                pass  # finished meanwhile, or unreachable: the reply was ours to give up either way

        task = asyncio.ensure_future(cancel())
        self._cancels.add(task)  # held until done: cancelled again, the request still runs (bounded)
        task.add_done_callback(self._cancels.discard)
        await asyncio.shield(task)

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """One Responses API call as deltas; ends with StreamEnd only on `response.completed`.

        A streamed refusal arrives as text (`response.refusal.delta`); an error the provider reports
        in the stream (`error`, `response.failed`) ends it as a failure with the provider's status.
        With `background=True` the events stream the same way.
        """
        try:
            events = await self._create(request, stream=True)
        except _READ_ERRORS as error:
            yield StreamFailed(self._failure(error))
            return
        with_args: set[int] = set()
        try:
            async for event in events:
                kind = event.type
                if kind in ("response.output_text.delta", "response.refusal.delta"):
                    yield TextDelta(event.delta)
                elif kind == "response.reasoning_summary_text.delta":
                    yield ReasoningDelta(event.delta)
                elif kind == "response.function_call_arguments.delta":
                    with_args.add(event.output_index)
                    yield ToolCallDelta(event.output_index, arguments=event.delta)
                elif kind == "response.output_item.added" and event.item.type == "function_call":
                    yield ToolCallDelta(
                        event.output_index, event.item.call_id, event.item.name, event.item.arguments or ""
                    )
                    if event.item.arguments:
                        with_args.add(event.output_index)
                elif kind == "response.output_item.done" and event.item.type in KEPT_ITEMS:
                    yield ItemDelta(kept_item(event.item))
                elif kind == "response.output_item.done" and event.item.type == "function_call":
                    if event.output_index not in with_args:
                        yield ToolCallDelta(
                            event.output_index, event.item.call_id, arguments=event.item.arguments or ""
                        )
                elif kind in ("response.completed", "response.incomplete"):
                    response = event.response
                    usage = usage_of(response.usage)
                    calls = any(item.type == "function_call" for item in response.output or ())
                    reason = finish_reason_of(response, calls, only_refusal(response))
                    await _drain(events)
                    if usage is not None:
                        yield UsageDelta(usage)
                    yield StreamEnd(reason, response.model or request.model)
                    return
                elif kind == "response.failed":
                    failed = getattr(event.response, "error", None)
                    await _drain(events)
                    yield StreamFailed(self._error_body(failed or "the response failed"))
                    return
                elif kind == "error":
                    await _drain(events)
                    yield StreamFailed(self._error_body(event))
                    return
        except _READ_ERRORS as error:
            yield StreamFailed(self._failure(error))
            return
        finally:
            await events.close()
        yield StreamFailed(
            ProviderFailure(
                PROVIDER,
                self.model,
                "the stream ended before response.completed; the reply is incomplete",
                retryable=True,
                kind="incomplete_stream",
            )
        )


async def _drain(events: openai.AsyncStream[ResponseStreamEvent]) -> None:
    """Read what follows a stream's last event (normally only the end of its body) before the caller
    sees the end, so the connection goes back to the pool; an unread body would close it. Given up
    after `DRAIN_EVENTS` events or `DRAIN_SECONDS` (as the SDK does after `[DONE]`)."""
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            for _ in range(DRAIN_EVENTS):
                await anext(events)
    except (StopAsyncIteration, TimeoutError, *_READ_ERRORS):
        pass  # the end (or a broken one): what was read is complete either way


_: type[ChatModel] = OpenAIResponsesModel
