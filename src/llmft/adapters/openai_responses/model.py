"""The OpenAI route's ChatModel: one call, polled when it runs in the background, or a stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import Any
from urllib.parse import quote

import httpx2
import openai
from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.adapters.openai_responses.reply import (
    KEPT_ITEMS,
    PROVIDER,
    finish_reason_of,
    has_calls,
    kept_item,
    only_refusal,
    parse_response,
    usage_of,
)
from llmft.adapters.openai_responses.request import build_params
from llmft.adapters.raw_body import STREAMED, drain
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
from llmft.domain.sse import EventLines
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
# While a stream is read: the transport's own errors too (the body is read here, not by the SDK), and
# an event of another shape than the protocol's.
_STREAM_ERRORS = (*_READ_ERRORS, httpx2.HTTPError, KeyError, TypeError, AttributeError)
UNFINISHED = ("queued", "in_progress")  # a background reply still running: poll it
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

    def _failure(self, error: BaseException, *, streaming: bool = False) -> ProviderFailure:
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
        if isinstance(error, openai.APIConnectionError | httpx2.TransportError):  # timeouts are too
            request, cause = getattr(error, "request", None), error.__cause__
            return transport_failure(
                PROVIDER,
                self.model,
                message,
                timed_out=isinstance(error, openai.APITimeoutError | httpx2.TimeoutException),
                url=str(request.url) if request is not None else None,
                cause=type(cause).__name__ if cause is not None else None,
                kind="incomplete_stream" if streaming else "connection",
            )
        if isinstance(error, KeyError | TypeError | AttributeError):
            message = f"unexpected event shape: {message}"
        return ProviderFailure(PROVIDER, self.model, f"unreadable response: {message}", kind="malformed")

    def _error_body(self, error: Any) -> ProviderFailure:
        """An error the provider reported in a 200 body or a stream event."""
        fields = error if isinstance(error, dict) else None
        report = read_error_report(fields)
        if report is None:
            report = ErrorReport(str(error) if fields is None else json.dumps(fields, default=str))
        return reported_failure(PROVIDER, self.model, report, secrets=[reveal(self._key)])

    def _input(self, messages: Sequence[Message]) -> list[dict[str, Any]]:
        """The transcript as input items, each message's converted once."""
        return [item for items in self._items.values(messages) for item in items]

    async def _create(self, request: ModelRequest, *, stream: bool) -> httpx2.Response:
        """POST /responses for a request, its body sent as built; the HTTP response (unread if streamed).

        `responses.create` would walk the whole body against the SDK's parameter types first (its
        request transform): an identity for the plain JSON built here, but one that costs about a
        millisecond per transcript item, on every round of a tool loop. The SDK still sends the
        request (headers, timeout, a status error read as its APIStatusError); the reply is read here.
        """
        body = build_params(request, self._input)
        options: openai.RequestOptions = {"security": {"bearer_auth": True}}  # as `responses.create`
        headers: dict[str, str] = dict(STREAMED) if stream else {}
        if "extra_headers" in body:
            headers.update(body.pop("extra_headers"))
        if headers:
            options["headers"] = headers
        if "extra_query" in body:
            options["params"] = body.pop("extra_query")
        if "extra_body" in body:
            options["extra_json"] = body.pop("extra_body")
        if "timeout" in body:
            options["timeout"] = body.pop("timeout")
        if stream:
            body["stream"] = True
        return await self._client.post("/responses", body=body, options=options, cast_to=httpx2.Response)

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One Responses API call (polled until final when it runs in the background)."""
        try:
            response = _json_object(await self._create(request, stream=False))
            response_id = response.get("id")
            if response.get("status") in UNFINISHED and isinstance(response_id, str) and response_id:
                response = await self._poll(response_id, request.timeout)
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
        if response.get("status") == "failed" and response.get("error"):
            # A failed (background) reply is run again only after a server-side failure.
            failure = self._error_body(response["error"])
            return Failure(evolve(failure, retryable=(failure.status_code or 0) >= 500))
        if response.get("error") or response.get("output") is None:
            return Failure(self._error_body(response.get("error") or "response without output"))
        if response.get("status") == "cancelled":
            return Failure(
                ProviderFailure(PROVIDER, self.model, "the background reply was cancelled", kind="error_body")
            )
        try:
            return Success(parse_response(response))
        except (AttributeError, TypeError, KeyError) as error:
            return Failure(self._failure(ValueError(f"unexpected response shape: {error}")))

    async def _poll(self, response_id: str, timeout: float | None) -> dict[str, Any]:
        """The background reply once final; cancelled on the provider if the wait ends any other way."""
        polls = 0
        path = f"/responses/{quote(response_id, safe='')}"
        options: openai.RequestOptions = {"security": {"bearer_auth": True}}
        if timeout is not None:
            options["timeout"] = timeout
        try:
            while True:
                await self._sleep(self._poll_delay(polls))
                polls += 1
                async with asyncio.timeout(timeout):
                    response = _json_object(
                        await self._client.get(path, options=options, cast_to=httpx2.Response)
                    )
                if response.get("status") not in UNFINISHED:
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
            response = await self._create(request, stream=True)
        except _READ_ERRORS as error:
            yield StreamFailed(self._failure(error))
            return
        try:
            async with aclosing(self._deltas(response.aiter_lines(), request.model)) as deltas:
                async for delta in deltas:
                    yield delta
        except _STREAM_ERRORS as error:
            yield StreamFailed(self._failure(error, streaming=True))
        finally:
            await response.aclose()

    async def _deltas(self, body: AsyncIterator[str], model: str) -> DeltaStream:
        """The deltas of a stream's events; a failure when it ends before `response.completed`."""
        lines = EventLines()
        with_args: set[int] = set()
        async for line in body:
            data = lines.feed(line)
            if data is None:
                continue
            if data.startswith("[DONE]"):  # the SDK's end marker (the Responses API ends with an event)
                break
            event = json.loads(data)
            kind = event.get("type")
            if kind == "error" or event.get("error"):
                # Documented flat (`code`, `message`) and, as served, nested under `error`; the SDK
                # reads any event carrying an `error` as one.
                await drain(body)
                yield StreamFailed(self._error_body(event.get("error") or event))
                return
            if kind in ("response.output_text.delta", "response.refusal.delta"):
                yield TextDelta(event["delta"])
            elif kind == "response.reasoning_summary_text.delta":
                yield ReasoningDelta(event["delta"])
            elif kind == "response.function_call_arguments.delta":
                with_args.add(event["output_index"])
                yield ToolCallDelta(event["output_index"], arguments=event["delta"])
            elif kind == "response.output_item.added" and event["item"]["type"] == "function_call":
                item, index = event["item"], event["output_index"]
                yield ToolCallDelta(index, item["call_id"], item["name"], item.get("arguments") or "")
                if item.get("arguments"):
                    with_args.add(index)
            elif kind == "response.output_item.done" and event["item"]["type"] in KEPT_ITEMS:
                yield ItemDelta(kept_item(event["item"]))
            elif kind == "response.output_item.done" and event["item"]["type"] == "function_call":
                item, index = event["item"], event["output_index"]
                if index not in with_args:
                    yield ToolCallDelta(index, item["call_id"], arguments=item.get("arguments") or "")
            elif kind in ("response.completed", "response.incomplete"):
                response = event["response"]
                usage = usage_of(response.get("usage"))
                reason = finish_reason_of(response, has_calls(response), only_refusal(response))
                await drain(body)
                if usage is not None:
                    yield UsageDelta(usage)
                yield StreamEnd(reason, response.get("model") or model)
                return
            elif kind == "response.failed":
                failed = (event.get("response") or {}).get("error")
                await drain(body)
                yield StreamFailed(self._error_body(failed or "the response failed"))
                return
        yield StreamFailed(
            ProviderFailure(
                PROVIDER,
                self.model,
                "the stream ended before response.completed; the reply is incomplete",
                retryable=True,
                kind="incomplete_stream",
            )
        )


def _json_object(response: httpx2.Response) -> dict[str, Any]:
    """A reply's body as the JSON object it must be (ValueError for anything else)."""
    body = json.loads(response.content)
    if not isinstance(body, dict):
        raise ValueError(f"the reply is a JSON {type(body).__name__}, not an object")
    return body


_: type[ChatModel] = OpenAIResponsesModel
