"""ChatModel over the anthropic SDK's Messages API (`client.messages.create`), JSON and streaming.

The SDK builds and sends the request (auth, headers, endpoint, status errors); the reply body and the
stream's events are read as plain JSON and translated by the domain (`anthropic_wire`,
`anthropic_reply`), which is quicker than the SDK's typed objects and keeps every block exactly as
sent. SDK retries are off (`max_retries=0`): retrying is llmft's decision, made once.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Collection, Mapping
from types import FrameType
from typing import Any, cast

import anthropic
import httpx2
from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.adapters.raw_body import STREAMED, drain
from llmft.domain.anthropic_reply import MessageStream, malformed, parse_message
from llmft.domain.anthropic_wire import (
    PROVIDER,
    anthropic_turn,
    api_model,
    to_anthropic_params,
    uses_json_tool,
)
from llmft.domain.connections import Connection
from llmft.domain.errors import ProviderFailure, ReplyTooLarge, UnsupportedFeature, too_large
from llmft.domain.message_memo import MessageMemo
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import ChatModel, DeltaStream
from llmft.domain.redaction import redact
from llmft.domain.retry import status_failure, transport_failure
from llmft.domain.secret import reveal
from llmft.domain.sse import EventLines
from llmft.domain.streaming import StreamFailed

# What reading a reply can raise: the SDK's errors, unreadable bodies (bad JSON, bad UTF-8, JSON nested
# past the recursion limit), the transport's size cap and, while a stream is read, the transport's own.
_READ_ERRORS = (anthropic.AnthropicError, ValueError, UnicodeDecodeError, RecursionError, ReplyTooLarge)
_STREAM_ERRORS = (*_READ_ERRORS, httpx2.HTTPError)
# The client's own timeout is never used (each request carries one); a plain number also keeps the SDK
# from refusing non-streamed requests with a large max_tokens.
_CLIENT_TIMEOUT = 600.0
# Parameters `messages.create` sends as headers, and the keywords that are not body fields.
_HEADER_PARAMS = {"user_profile_id": "anthropic-user-profile-id", "workspace_id": "anthropic-workspace-id"}
_NOT_BODY = frozenset({"extra_headers", "extra_query", "extra_body", "timeout", *_HEADER_PARAMS})
try:  # the SDK's own lists behind the warnings `messages.create` gives (a private module: optional)
    from anthropic._data import DEPRECATED_MODELS, MODELS_TO_WARN_WITH_THINKING_ENABLED

    _RETIRING: Mapping[str, str] = DEPRECATED_MODELS
    _ADAPTIVE_ONLY: Collection[str] = MODELS_TO_WARN_WITH_THINKING_ENABLED
except ImportError:  # pragma: no cover - an SDK without them: no warnings
    _RETIRING, _ADAPTIVE_ONLY = {}, ()


class AnthropicMessagesModel:
    """The native Anthropic route: one `AsyncAnthropic` client per model and connection, reused."""

    def __init__(
        self,
        model: str,
        connection: Connection,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        client: anthropic.AsyncAnthropic | None = None,
    ) -> None:
        self.model = api_model(model)
        self._key = connection.api_key
        # Each message's blocks, converted once: a tool loop sends its whole transcript every round.
        self._turns = MessageMemo(anthropic_turn)
        # The transport (from the composition root) caps reply sizes while they arrive. Without a key
        # (an endpoint that needs none) no Authorization header goes out, and the SDK looks for no
        # credentials of its own (environment, profiles) to send there.
        http = anthropic.DefaultAsyncHttpxClient(transport=transport) if transport is not None else None
        keyless = (
            cast(dict[str, str], {"Authorization": anthropic.omit}) if connection.api_key is None else None
        )
        self._client = client or anthropic.AsyncAnthropic(
            api_key=reveal(connection.api_key) or "",
            base_url=connection.base_url,
            max_retries=0,
            timeout=_CLIENT_TIMEOUT,
            http_client=http,
            default_headers=keyless,
        )

    def __repr__(self) -> str:
        return f"AnthropicMessagesModel(model={self.model!r})"

    async def aclose(self) -> None:
        """Close the SDK client and its connections."""
        await self._client.close()

    def _failure(self, error: BaseException, *, streaming: bool = False) -> ProviderFailure:
        oversized = too_large(error)
        if oversized is not None:
            return malformed(self.model, str(oversized))
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
        if isinstance(error, anthropic.APIConnectionError | httpx2.TransportError):
            request, cause = getattr(error, "request", None), error.__cause__
            return transport_failure(
                PROVIDER,
                self.model,
                message,
                timed_out=isinstance(error, anthropic.APITimeoutError | httpx2.TimeoutException),
                url=str(request.url) if request is not None else None,
                cause=type(cause).__name__ if cause is not None else None,
                kind="incomplete_stream" if streaming else "connection",
            )
        return malformed(self.model, message)

    def _redacted(self, failure: ProviderFailure) -> ProviderFailure:
        return evolve(failure, message=redact(failure.message, [reveal(self._key)]))

    def _params(self, request: ModelRequest) -> Result[dict[str, Any], ProviderFailure]:
        built = to_anthropic_params(request, self._turns)
        if isinstance(built, Failure):
            problem = built.failure()
            kind = "unsupported" if isinstance(problem, UnsupportedFeature) else "configuration"
            return Failure(ProviderFailure(PROVIDER, self.model, problem.message, kind=kind))
        params = built.unwrap()
        if request.timeout is not None:
            params["timeout"] = request.timeout
        return Success(params)

    async def _send(self, kwargs: dict[str, Any], content: bytes, *, stream: bool) -> httpx2.Response:
        """POST /v1/messages with the body as encoded here; the HTTP response (unread if streamed).

        `messages.create` would copy the whole body (its request preparation walks every block, on
        every round of a tool loop); the SDK still sends the request (auth, headers, timeout, a
        status error raised as its APIStatusError), and the reply is read here.
        """
        options: anthropic.RequestOptions = {}
        headers = dict(STREAMED) if stream else {}
        headers.update(kwargs.get("extra_headers") or {})
        for name, header in _HEADER_PARAMS.items():
            if kwargs.get(name) is not None:
                headers[header] = str(kwargs[name])
        if headers:
            options["headers"] = headers
        if "extra_query" in kwargs:
            options["params"] = kwargs["extra_query"]
        if "timeout" in kwargs:
            options["timeout"] = kwargs["timeout"]
        return await self._client.post(
            "/v1/messages", content=content, options=options, cast_to=httpx2.Response
        )

    def _encoded(self, kwargs: dict[str, Any], *, stream: bool) -> Result[bytes, ProviderFailure]:
        """The request body as JSON bytes (`extra_body` merged in); a value JSON cannot hold is refused."""
        body = {key: value for key, value in kwargs.items() if key not in _NOT_BODY}
        body.update(kwargs.get("extra_body") or {})
        _warn_as_the_sdk_does(body)
        if stream:
            body["stream"] = True
        try:
            return Success(
                json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            )
        except (TypeError, ValueError, RecursionError) as error:
            why = f"a request parameter cannot be sent as JSON: {type(error).__name__}: {error}"
            return Failure(ProviderFailure(PROVIDER, self.model, why, kind="configuration"))

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One Messages API call."""
        params = self._params(request)
        if isinstance(params, Failure):
            return params
        kwargs = params.unwrap()
        content = self._encoded(kwargs, stream=False)
        if isinstance(content, Failure):
            return content
        try:
            body = json.loads((await self._send(kwargs, content.unwrap(), stream=False)).content)
        except _READ_ERRORS as error:
            return Failure(self._failure(error))
        reply = parse_message(body, self.model, json_tool=uses_json_tool(kwargs))
        return reply.alt(self._redacted)

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """One Messages API call as deltas; ends with StreamEnd only on `message_stop`."""
        params = self._params(request)
        if isinstance(params, Failure):
            yield StreamFailed(params.failure())
            return
        kwargs = params.unwrap()
        content = self._encoded(kwargs, stream=True)
        if isinstance(content, Failure):
            yield StreamFailed(content.failure())
            return
        events = MessageStream(self.model, json_tool=uses_json_tool(kwargs))
        lines = EventLines()
        try:
            response = await self._send(kwargs, content.unwrap(), stream=True)
        except _STREAM_ERRORS as error:
            yield StreamFailed(self._failure(error))
            return
        try:
            async for line in (body := response.aiter_lines()):
                data = lines.feed(line)
                if data is None:
                    continue
                deltas = events.feed(json.loads(data))
                if events.done:
                    await drain(body)  # before the caller sees the end, so the connection is kept
                for delta in deltas:
                    yield self._redacted_delta(delta)
                if events.done:
                    return
        except _STREAM_ERRORS as error:
            yield StreamFailed(self._failure(error, streaming=True))
            return
        finally:
            await response.aclose()
        yield StreamFailed(
            ProviderFailure(
                PROVIDER,
                self.model,
                "the stream ended before message_stop; the reply is incomplete",
                retryable=True,
                kind="incomplete_stream",
            )
        )

    def _redacted_delta(self, delta: Any) -> Any:
        if isinstance(delta, StreamFailed):
            return StreamFailed(self._redacted(delta.failure))
        return delta


_: type[ChatModel] = AnthropicMessagesModel


def _warn_as_the_sdk_does(body: Mapping[str, Any]) -> None:
    """The warnings `messages.create` gives, with its words: a model Anthropic has scheduled for
    retirement (DeprecationWarning), and manual thinking on a model that should think adaptively
    (UserWarning). Each names the first line outside llmft, the caller's."""
    model = body.get("model")
    if not isinstance(model, str):
        return
    if model in _RETIRING:
        warnings.warn(
            f"The model '{model}' is deprecated and will reach end-of-life on {_RETIRING[model]}.\n"
            "Please migrate to a newer model. Visit "
            "https://docs.anthropic.com/en/docs/resources/model-deprecations for more information.",
            DeprecationWarning,
            stacklevel=_callers_level(),
        )
    thinking = body.get("thinking")
    if model in _ADAPTIVE_ONLY and isinstance(thinking, Mapping) and thinking.get("type") == "enabled":
        warnings.warn(
            f"Using Claude with {model} and 'thinking.type=enabled' is deprecated. Use "
            "'thinking.type=adaptive' instead which results in better model performance in our testing: "
            "https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking",
            UserWarning,
            stacklevel=_callers_level(),
        )


def _callers_level() -> int:
    """The `stacklevel` that names the first frame outside llmft, for a warning its caller raises."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("llmft."):
        frame, level = frame.f_back, level + 1
    return level
