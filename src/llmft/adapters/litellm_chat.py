"""ChatModel over `litellm.acompletion` (100+ providers), JSON and streaming.

litellm is imported here only, on first use of this route, and kept quiet and offline: the local
cost map (no remote fetch at start-up), offline mode (no catalog or tokenizer downloads of its own:
a missing usage made it fetch a Hugging Face tokenizer, retrying for 23 s without a network), no
debug banners, and its own retries off (llmft owns them). Both variables are only defaults.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

import litellm
from returns.result import Failure, Result, Success

from llmft.domain.connections import Connection
from llmft.domain.conversion import to_chat_messages
from llmft.domain.errors import ConfigurationFailure, ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest, ToolCall, Usage
from llmft.domain.ports import ChatModel, DeltaStream
from llmft.domain.redaction import redact
from llmft.domain.retry import is_retryable_status, parse_retry_after
from llmft.domain.routing import Route, accepts_temperature
from llmft.domain.schema import copy_json
from llmft.domain.secret import reveal
from llmft.domain.streaming import (
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)

litellm.suppress_debug_info = True
litellm.disable_hf_tokenizer_download = True
KNOWN_PROVIDERS = frozenset(str(getattr(p, "value", p)) for p in litellm.provider_list)


def build_params(request: ModelRequest) -> dict[str, Any]:
    """The keyword arguments of `litellm.acompletion` for a request (key and endpoint excluded)."""
    params: dict[str, Any] = {
        "model": request.model,
        # Anthropic's thinking blocks go back to Anthropic (it refuses a tool turn without them).
        "messages": to_chat_messages(request.messages, thinking=request.model.startswith("anthropic/")),
        "drop_params": True,
    }
    if request.tools:
        params["tools"] = [
            {
                "type": "function",
                # litellm's provider transforms may edit schemas in place: it gets its own copy.
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": copy_json(t.parameters),
                },
            }
            for t in request.tools
        ]
        if request.tool_choice is not None:
            params["tool_choice"] = request.tool_choice
        if request.parallel_tool_calls is not None:
            params["parallel_tool_calls"] = request.parallel_tool_calls
    if request.temperature is not None and accepts_temperature(request.model):
        params["temperature"] = request.temperature
    if request.max_output_tokens is not None:
        params["max_tokens"] = request.max_output_tokens
    if request.reasoning_effort is not None:
        params["reasoning_effort"] = request.reasoning_effort
    if request.web_search is not None:
        options: dict[str, Any] = {}
        if request.web_search.search_context_size is not None:
            options["search_context_size"] = request.web_search.search_context_size
        params["web_search_options"] = options
    fmt = request.response_format
    if fmt is not None:
        if fmt.kind == "json_object":
            params["response_format"] = {"type": "json_object"}
        else:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": fmt.name, "schema": copy_json(fmt.schema), "strict": fmt.strict},
            }
    if request.timeout is not None:
        params["timeout"] = request.timeout
    # `prompt_cache` asks the native Anthropic route for cache breakpoints; litellm has no such option.
    params.update((k, v) for k, v in request.extra.items() if k != "prompt_cache")
    return params


# litellm reports an unreadable body as a 500 or a connection error; these markers name it for what it
# is, so it is final on this route as it is on the openai route (a retry would read the same bytes).
_UNREADABLE = ("Expecting value", "JSONDecodeError", "codec can't decode", "Unable to get json response",
               "Unterminated string", "Invalid control character", "maximum recursion depth")  # fmt: skip


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    for _ in range(20):
        if error is None:
            return False
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def _usage(raw: Any) -> Usage | None:
    if raw is None:
        return None
    details = getattr(raw, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or getattr(raw, "cache_read_input_tokens", None) or 0
    inp, out = raw.prompt_tokens or 0, raw.completion_tokens or 0
    return Usage(inp, out, raw.total_tokens or inp + out, cached)


def _finish(reason: Any, calls: bool) -> str:
    if reason is None:
        return "tool_calls" if calls else "stop"
    return str(reason)


class LiteLLMChatModel:
    """The litellm route for one model string."""

    def __init__(self, route: Route, connection: Connection) -> None:
        self.route = route
        self._key = connection.api_key
        self._cap = connection.max_response_bytes
        # Timeouts are per request (each request carries its own); litellm's retries are off.
        self._connection: dict[str, Any] = {"num_retries": 0, "max_retries": 0}
        if connection.base_url is not None:
            self._connection["api_base"] = connection.base_url

    @classmethod
    def create(cls, route: Route, connection: Connection) -> Result[LiteLLMChatModel, ConfigurationFailure]:
        """The adapter, or a failure naming an unknown provider prefix."""
        if route.provider not in KNOWN_PROVIDERS:
            return Failure(
                ConfigurationFailure(
                    f"unknown provider {route.provider!r} in model {route.model_string!r}; "
                    "use a litellm provider prefix such as 'anthropic/', 'gemini/' or 'ollama/'",
                    "model",
                )
            )
        return Success(cls(route, connection))

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The call's keyword arguments: connection, request, and the key revealed only here."""
        if self._key is None:
            return {**self._connection, **params}
        return {**self._connection, **params, "api_key": self._key.reveal()}

    async def aclose(self) -> None:
        """Nothing to close: litellm's HTTP clients are process-wide (closed with litellm's own cleanup)."""

    def __repr__(self) -> str:
        return f"LiteLLMChatModel(model={self.route.model_string!r})"

    def _failure(self, error: BaseException) -> ProviderFailure:
        message = redact(f"{type(error).__name__}: {error}", [reveal(self._key)])
        status = getattr(error, "status_code", None)
        provider, model = self.route.provider, self.route.name
        if isinstance(error, litellm.exceptions.Timeout):
            return ProviderFailure(provider, model, message, status_code=408, retryable=True, kind="timeout")
        if any(marker in message for marker in _UNREADABLE) or _caused_by(error, RecursionError):
            return ProviderFailure(provider, model, f"unreadable response: {message}", kind="malformed")
        if isinstance(error, litellm.exceptions.MidStreamFallbackError) or "Stream ended before" in message:
            return ProviderFailure(
                provider, model, f"the stream was cut: {message}", retryable=True, kind="incomplete_stream"
            )
        if isinstance(error, litellm.exceptions.APIConnectionError):
            return ProviderFailure(provider, model, message, retryable=True, kind="connection")
        if isinstance(status, int):
            response = getattr(error, "response", None)
            headers = dict(getattr(response, "headers", None) or {})
            headers.update(getattr(error, "litellm_response_headers", None) or {})
            return ProviderFailure(
                provider,
                model,
                message,
                status_code=status,
                retryable=is_retryable_status(status),
                retry_after=parse_retry_after(headers, time.time()),
                kind="status",
            )
        return ProviderFailure(provider, model, f"unreadable response: {message}", kind="malformed")

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One `acompletion` call."""
        try:
            response = await litellm.acompletion(**self._params(build_params(request)))
        except Exception as error:  # litellm raises many types, including bare ones on bad bodies
            return Failure(self._failure(error))
        try:
            choice = response.choices[0]
            message = choice.message
            calls = tuple(
                ToolCall(c.id or "", c.function.name or "", c.function.arguments or "")
                for c in (message.tool_calls or ())
            )
            text = message.content
        except (AttributeError, IndexError, TypeError) as error:
            return Failure(self._failure(ValueError(f"unexpected response shape: {error}")))
        # litellm has read the whole body by now; at least an oversized one goes no further.
        size = len((text or "").encode("utf-8", "surrogatepass")) + sum(len(c.arguments) for c in calls)
        if size > self._cap:
            return Failure(
                ProviderFailure(
                    self.route.provider,
                    self.route.name,
                    f"the reply is larger than max_response_bytes ({self._cap} bytes)",
                    kind="malformed",
                )
            )
        return Success(
            ModelReply(
                text=text if text is not None or not calls else None,
                tool_calls=calls,
                usage=_usage(getattr(response, "usage", None)),
                finish_reason=_finish(choice.finish_reason, bool(calls)),
                model=getattr(response, "model", None) or request.model,
            )
        )

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """One streamed `acompletion`; complete only if the provider sent a finish reason."""
        params = {**build_params(request), "stream": True, "stream_options": {"include_usage": True}}
        try:
            chunks = await litellm.acompletion(**self._params(params))
        except Exception as error:
            yield StreamFailed(self._failure(error))
            return
        finish: str | None = None
        usage: Usage | None = None
        model = request.model
        try:
            async for chunk in chunks:
                usage = _usage(getattr(chunk, "usage", None)) or usage
                model = getattr(chunk, "model", None) or model
                for choice in chunk.choices or ():
                    delta = choice.delta
                    if delta is not None:
                        if delta.content:
                            yield TextDelta(delta.content)
                        for call in delta.tool_calls or ():
                            function = call.function
                            yield ToolCallDelta(
                                call.index or 0,
                                call.id,
                                getattr(function, "name", None),
                                getattr(function, "arguments", None) or "",
                            )
                    if choice.finish_reason:
                        finish = str(choice.finish_reason)
        except Exception as error:
            yield StreamFailed(self._failure(error))
            return
        finally:
            # Closes the HTTP response when the consumer stops early (a cancelled stream).
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
        if finish is None:
            return  # no finish reason: the stream was cut; the fold reports it
        if usage is not None:
            yield UsageDelta(usage)
        yield StreamEnd(finish, model)


_: type[ChatModel] = LiteLLMChatModel
