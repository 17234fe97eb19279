"""The litellm route's ChatModel: requests out, replies and deltas back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import litellm
from returns.result import Failure, Result, Success

from llmft.adapters.litellm_chat.calls import acompletion, close_stream, tap_refusals
from llmft.adapters.litellm_chat.failures import failure_of
from llmft.domain.connections import Connection
from llmft.domain.conversion import to_chat_messages
from llmft.domain.errors import ConfigurationFailure, ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest, ReasoningPart, ToolCall, Usage
from llmft.domain.ports import ChatModel, DeltaStream
from llmft.domain.reply_status import normalize_finish_reason
from llmft.domain.routing import Route, openai_style_options, suggest_providers
from llmft.domain.schema import copy_json
from llmft.domain.secret import reveal
from llmft.domain.streaming import (
    ReasoningDelta,
    StreamEnd,
    StreamFailed,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)

KNOWN_PROVIDERS = frozenset(str(getattr(p, "value", p)) for p in litellm.provider_list)


def build_params(request: ModelRequest) -> dict[str, Any]:
    """The keyword arguments of `litellm.acompletion` for a request (key and endpoint excluded)."""
    params: dict[str, Any] = {
        "model": request.model,
        # Anthropic's thinking blocks go back to Anthropic (it refuses a tool turn without them).
        "messages": to_chat_messages(
            request.messages, thinking=request.model.startswith("anthropic/"), wire=True
        ),
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
    params.update(openai_style_options(request, with_tools=bool(request.tools)))
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


def _usage(raw: Any, provider_usage: Any = None) -> Usage | None:
    """Usage as the provider reported it: Groq's `x_groq.usage` over litellm's (possibly estimated) one."""
    if isinstance(provider_usage, Mapping) and isinstance(provider_usage.get("prompt_tokens"), int):
        inp, out = provider_usage.get("prompt_tokens") or 0, provider_usage.get("completion_tokens") or 0
        return Usage(inp, out, provider_usage.get("total_tokens") or inp + out)
    if raw is None:
        return None
    details = getattr(raw, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or getattr(raw, "cache_read_input_tokens", None) or 0
    written = getattr(raw, "cache_creation_input_tokens", None) or 0
    reasoning = getattr(getattr(raw, "completion_tokens_details", None), "reasoning_tokens", None) or 0
    inp, out = raw.prompt_tokens or 0, raw.completion_tokens or 0
    return Usage(inp, out, raw.total_tokens or inp + out, cached, written, reasoning)


def _block(raw: Any) -> dict[str, Any]:
    data = raw if isinstance(raw, Mapping) else getattr(raw, "__dict__", {})
    return {k: v for k, v in data.items() if k != "index" and v is not None}


def reasoning_of(message: Any, provider: str) -> tuple[ReasoningPart, ...]:
    """A reply's reasoning: Anthropic's thinking blocks kept whole (with their signatures, they go back
    on the next turn), else the readable reasoning some providers send (shown, never sent back)."""
    blocks = getattr(message, "thinking_blocks", None) or ()
    kept = []
    for raw in blocks:
        block = _block(raw)
        if block.get("type") in ("thinking", "redacted_thinking"):
            kept.append(ReasoningPart("anthropic", str(block["type"]), block, str(block.get("thinking", ""))))
    if kept:
        return tuple(kept)
    text = getattr(message, "reasoning_content", None)
    if isinstance(text, str) and text:
        return (ReasoningPart(provider, "reasoning_content", {"reasoning_content": text}, text),)
    return ()


class ThinkingFold:
    """Anthropic thinking blocks as litellm streams them: fragments by block index, joined."""

    __slots__ = ("blocks",)

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}

    def add(self, fragments: Any) -> None:
        """Fold one delta's thinking fragments in."""
        for raw in fragments or ():
            data = raw if isinstance(raw, Mapping) else getattr(raw, "__dict__", {})
            index = int(data.get("index") or 0)
            block = self.blocks.setdefault(index, {"type": data.get("type", "thinking")})
            if data.get("type") == "redacted_thinking":
                block.update(type="redacted_thinking", data=data.get("data"))
                continue
            block["thinking"] = block.get("thinking", "") + (data.get("thinking") or "")
            if data.get("signature"):
                block["signature"] = data["signature"]

    def parts(self) -> list[ReasoningPart]:
        """The blocks, in order, to keep."""
        return [
            ReasoningPart("anthropic", str(b["type"]), b, str(b.get("thinking", "")))
            for _, b in sorted(self.blocks.items())
        ]


def _groq_usage(reply: Any) -> Any:
    extra = getattr(reply, "x_groq", None)
    return extra.get("usage") if isinstance(extra, Mapping) else None


def _finish(reason: Any, calls: bool, fields: Any = None) -> str:
    """The finish reason in llmft's vocabulary; Anthropic's own stop reason (which litellm reports as
    `content_filter` for a refusal and `length` for `pause_turn`) wins when litellm kept it."""
    raw = fields.get("stop_reason") if isinstance(fields, Mapping) else None
    if raw in ("refusal", "pause_turn"):
        return str(raw)
    return normalize_finish_reason(reason, tool_calls=calls)


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
            close = suggest_providers(route.provider, KNOWN_PROVIDERS)
            hint = (
                " or ".join(f"'{name}/'" for name in close)
                if close
                else "'anthropic/', 'gemini/' or 'ollama/'"
            )
            return Failure(
                ConfigurationFailure(
                    f"unknown provider {route.provider!r} in model {route.model_string!r}; "
                    f"use a litellm provider prefix such as {hint}",
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

    def _failure(self, error: BaseException, *, in_stream: bool = False) -> ProviderFailure:
        return failure_of(error, self.route.provider, self.route.name, reveal(self._key), in_stream=in_stream)

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """One `acompletion` call."""
        try:
            response = await acompletion(self._params(build_params(request)))
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
            refusal = getattr(message, "refusal", None)
            fields = getattr(message, "provider_specific_fields", None)
            reasoning = reasoning_of(message, self.route.provider)
        except (AttributeError, IndexError, TypeError) as error:
            return Failure(self._failure(ValueError(f"unexpected response shape: {error}")))
        finish = _finish(choice.finish_reason, bool(calls), fields)
        if refusal and not text and not calls:  # a Chat Completions refusal (`message.refusal`)
            text, finish = refusal, "refusal"
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
                usage=_usage(getattr(response, "usage", None), _groq_usage(response)),
                finish_reason=finish,
                model=getattr(response, "model", None) or request.model,
                reasoning=reasoning,
            )
        )

    async def stream(self, request: ModelRequest) -> DeltaStream:
        """One streamed `acompletion`; complete only if the provider sent a finish reason.

        An error the provider reports inside the stream ends it as a failure with the provider's
        status and message; a stream that stops without a finish reason is an incomplete stream.
        """
        params = {**build_params(request), "stream": True, "stream_options": {"include_usage": True}}
        try:
            chunks = await acompletion(self._params(params))
        except Exception as error:
            yield StreamFailed(self._failure(error))
            return
        tap = tap_refusals(chunks)
        thinking = ThinkingFold()
        finish: str | None = None
        fields: Any = None
        texts = refused = called = False
        usage: Usage | None = None
        reported: Usage | None = None  # Groq's own count, which litellm's later estimate never replaces
        model = request.model
        try:
            async for chunk in chunks:
                reported = _usage(None, _groq_usage(chunk)) or reported
                usage = reported or _usage(getattr(chunk, "usage", None)) or usage
                model = getattr(chunk, "model", None) or model
                refusal = tap.take() if tap is not None else ""
                if refusal:
                    refused = True
                    yield TextDelta(refusal)
                for choice in chunk.choices or ():
                    delta = choice.delta
                    if delta is not None:
                        fields = getattr(delta, "provider_specific_fields", None) or fields
                        thinking.add(getattr(delta, "thinking_blocks", None))
                        said = getattr(delta, "reasoning_content", None)
                        if isinstance(said, str) and said:
                            yield ReasoningDelta(said)
                        if delta.content:
                            texts = True
                            yield TextDelta(delta.content)
                        for call in delta.tool_calls or ():
                            called = True
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
            yield StreamFailed(self._failure(error, in_stream=True))
            return
        finally:
            # Closes the HTTP response when the consumer stops early (a cancelled stream).
            await close_stream(chunks)
        if finish is None:
            yield StreamFailed(
                ProviderFailure(
                    self.route.provider,
                    self.route.name,
                    "the stream ended before a finish reason; the reply is incomplete",
                    retryable=True,
                    kind="incomplete_stream",
                )
            )
            return
        for part in thinking.parts():
            yield ReasoningDelta(part=part)
        if usage is not None:
            yield UsageDelta(usage)
        refusal_only = refused and not texts and not called
        yield StreamEnd("refusal" if refusal_only else _finish(finish, called, fields), model)


_: type[ChatModel] = LiteLLMChatModel
