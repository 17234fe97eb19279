"""Canonical request → the Anthropic Messages API's parameters (`messages.create` keywords), pure.

System and developer messages become `system`; tool outputs become `tool_result` blocks in the user
turn after the `tool_use` turn; consecutive turns of one role are merged; an assistant turn sends its
Anthropic blocks (thinking, redacted thinking, server tool blocks) first, in their order, unchanged.
Reasoning of other providers is left out. Images and files become `image` and `document` blocks
(`part_routes`); a part Anthropic cannot take is an UnsupportedFeature failure. Sampling parameters
are never sent: the API version the SDK speaks (2026-10-21) refuses `temperature`, `top_p` and `top_k`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import evolve
from returns.result import Failure, Result, Success

from llmft.domain.anthropic_schema import output_schema
from llmft.domain.content_parts import InvalidInput, describe
from llmft.domain.errors import ConfigurationFailure, UnsupportedFeature
from llmft.domain.messages import AudioPart, ContentPart, Message, ModelRequest, TextPart, ToolSpec, WebSearch
from llmft.domain.part_routes import anthropic_block, anthropic_refusal

PROVIDER = "anthropic"
JSON_TOOL = "json_response"  # the forced tool that carries a `json_object` answer (never a user tool)
DEFAULT_MAX_TOKENS = 8192
LEGACY_MAX_TOKENS = 4096  # the Claude 3 models (not 3.5 / 3.7) write at most 4096 tokens
MIN_THINKING_BUDGET = 1024
THINKING_BUDGETS = {"low": 1024, "medium": 4096, "high": 16384}
EPHEMERAL = {"type": "ephemeral"}
OPEN_OBJECT: Mapping[str, Any] = {"type": "object", "properties": {}, "additionalProperties": True}
SDK_PARAMS = frozenset({"stop_sequences", "metadata", "service_tier", "container", "inference_geo", "speed",
                        "cache_control", "diagnostics", "user_profile_id", "workspace_id", "extra_headers",
                        "extra_query", "extra_body"})  # fmt: skip
# OpenAI-only parameters and the sampling parameters the API version refuses: left out, as litellm's
# `drop_params` does on the other route.
DROPPED = frozenset({"temperature", "top_p", "top_k", "seed", "store", "include", "presence_penalty",
                     "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "n"})  # fmt: skip
RESERVED = frozenset({"model", "messages", "system", "tools", "stream"})
SERVICE_TIERS = frozenset({"auto", "standard_only"})
NOT_CACHEABLE = frozenset({"thinking", "redacted_thinking"})
NO_OUTPUT = "(no output)"
TurnOf = Callable[[Message], tuple[str, list[dict[str, Any]]]]  # a message's role on the wire and blocks
FILES_BETA = "files-api-2025-04-14"  # a document or image naming an uploaded file needs the Files API
_VERSION = re.compile(r"claude-(?:[a-z]+-)?(\d+)(?:-(\d)(?!\d))?")


class _Invalid(Exception):
    """Internal: carries a failure out of nested helpers; never leaves this module."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.failure = ConfigurationFailure(message, field)


class _Unsendable(Exception):
    """Internal: a content part Anthropic cannot take (the app refuses it before this, for its models)."""

    def __init__(self, failure: UnsupportedFeature) -> None:
        super().__init__(failure.message)
        self.failure = failure


def api_model(name: str) -> str:
    """The model id Anthropic knows (`anthropic/claude-sonnet-4-5` → `claude-sonnet-4-5`)."""
    return name.removeprefix("anthropic/")


def model_version(name: str) -> tuple[int, int] | None:
    """(major, minor) of a Claude model name (`claude-sonnet-4-5` → (4, 5), `claude-3-haiku` → (3, 0))."""
    found = _VERSION.search(name)
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2) or 0)


def adaptive_thinking(name: str) -> bool:
    """True for the models that think adaptively (Claude 4.6 on; budgets are refused from 4.7)."""
    version = model_version(name)
    return ("mythos" in name or "fable" in name) or (version is not None and version >= (4, 6))


def default_max_tokens(name: str) -> int:
    """`max_tokens` when the caller gives none (Anthropic requires one)."""
    legacy = model_version(name) == (3, 0) and "claude-3-5" not in name and "claude-3-7" not in name
    return LEGACY_MAX_TOKENS if legacy else DEFAULT_MAX_TOKENS


# -- the transcript ------------------------------------------------------------------------------


def _block(part: ContentPart) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    refusal = anthropic_refusal(part)
    if refusal is not None or isinstance(part, AudioPart):
        reason = f"{describe(part)} cannot be sent to Anthropic: {refusal}"
        raise _Unsendable(
            UnsupportedFeature(reason, "audio input" if isinstance(part, AudioPart) else "file input")
        )
    return anthropic_block(part)


def _content_blocks(content: str | tuple[ContentPart, ...] | None) -> list[dict[str, Any]]:
    if content is None:
        return []
    # Anthropic refuses text blocks without any non-whitespace text.
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content.strip() else []
    return [_block(part) for part in content if not isinstance(part, TextPart) or part.text.strip()]


def _tool_input(arguments: str) -> dict[str, Any]:
    """A call's arguments as the object Anthropic wants back (`{}` for arguments that never parsed)."""
    try:
        value = json.loads(arguments) if arguments.strip() else {}
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _assistant_blocks(message: Message) -> list[dict[str, Any]]:
    blocks = [dict(p.data) for p in message.reasoning if p.provider == PROVIDER]
    blocks += _content_blocks(message.content)
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": _tool_input(c.arguments)}
        for c in message.tool_calls
    ]
    return blocks


def to_anthropic_messages(
    messages: Sequence[Message],
) -> Result[tuple[list[dict[str, Any]], list[dict[str, Any]]], ConfigurationFailure | UnsupportedFeature]:
    """The transcript as (`system` text blocks, `messages`), in the form the Messages API requires."""
    try:
        return Success(_transcript(messages, anthropic_turn))
    except (_Invalid, InvalidInput, _Unsendable) as invalid:
        return Failure(invalid.failure)


def anthropic_turn(message: Message) -> tuple[str, list[dict[str, Any]]]:
    """One message as its role on the wire and its blocks ("system": text for the `system` field)."""
    if message.role in ("system", "developer"):
        return "system", [{"type": "text", "text": message.text}] if message.text else []
    if message.role == "tool":
        output = message.text if message.text.strip() else NO_OUTPUT  # empty results are refused
        return "user", [{"type": "tool_result", "tool_use_id": message.tool_call_id, "content": output}]
    if message.role == "assistant":
        return "assistant", _assistant_blocks(message)
    return "user", _content_blocks(message.content)


def _transcript(
    messages: Sequence[Message], turn_of: TurnOf
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    system: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for message in messages:
        role, blocks = turn_of(message)
        if role == "system":
            system.extend(blocks)
        elif not blocks:
            continue  # Anthropic refuses empty turns; the turns around it merge instead
        elif out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:  # a list of its own: the turns that follow may join it (the blocks are never changed)
            out.append({"role": role, "content": list(blocks)})
    for turn in out:  # tool results lead their user turn, as the API requires
        if turn["role"] == "user":
            turn["content"].sort(key=lambda b: b.get("type") != "tool_result")
    return system, out


# -- tools, thinking, output ---------------------------------------------------------------------


def _tool(spec: ToolSpec) -> dict[str, Any]:
    tool: dict[str, Any] = {"name": spec.name, "input_schema": dict(spec.parameters)}
    if spec.description:
        tool["description"] = spec.description
    return tool


def _web_search(options: WebSearch) -> dict[str, Any]:
    tool: dict[str, Any] = {"type": "web_search_20250305", "name": "web_search"}
    if options.user_location is not None:
        tool["user_location"] = {"type": "approximate", **options.user_location}
    for key in ("allowed_domains", "blocked_domains", "max_uses"):
        if options.filters is not None and key in options.filters:
            tool[key] = options.filters[key]
    return tool


def _tool_choice(choice: object, parallel: bool | None) -> dict[str, Any] | None:
    mapped: dict[str, Any] | None
    if choice is None:
        mapped = None
    elif choice in ("auto", "none"):
        mapped = {"type": choice}
    elif choice in ("required", "any"):
        mapped = {"type": "any"}
    elif isinstance(choice, Mapping):
        function = choice.get("function")
        name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
        if choice.get("type") in ("auto", "any", "none", "tool"):
            mapped = dict(choice)
        elif isinstance(name, str):
            mapped = {"type": "tool", "name": name}
        else:
            raise _Invalid(f"tool_choice {dict(choice)!r} names no tool", "tool_choice")
    else:
        raise _Invalid(
            f"tool_choice must be 'auto', 'none', 'required' or a dict, got {choice!r}", "tool_choice"
        )
    if parallel is False:
        mapped = {**(mapped or {"type": "auto"}), "disable_parallel_tool_use": True}
    return mapped


def _thinking(
    request: ModelRequest, model: str, given: object
) -> tuple[dict[str, Any] | None, str | None, int]:
    """(`thinking`, `output_config.effort`, `max_tokens`): the thinking asked for, checked."""
    limit = request.max_output_tokens
    room = default_max_tokens(model)
    effort = request.reasoning_effort
    if given is not None:
        if not isinstance(given, Mapping) or not isinstance(given.get("type"), str):
            raise _Invalid(
                "thinking must be {'type': 'enabled', 'budget_tokens': n} or {'type': 'adaptive'}", "thinking"
            )
        thinking = dict(given)
        if thinking["type"] == "enabled":
            budget = thinking.get("budget_tokens")
            if isinstance(budget, bool) or not isinstance(budget, int) or budget < MIN_THINKING_BUDGET:
                raise _Invalid(f"thinking.budget_tokens must be an int >= {MIN_THINKING_BUDGET}", "thinking")
            if limit is not None and budget >= limit:
                raise _Invalid(
                    f"thinking.budget_tokens ({budget}) must be below max_output_tokens ({limit})", "thinking"
                )
            return thinking, None, limit or budget + room
        if thinking["type"] == "adaptive":
            chosen = effort if effort in THINKING_BUDGETS else None
            return thinking, chosen, limit or room + THINKING_BUDGETS[chosen or "high"]
        return thinking, None, limit or room
    if effort is None or effort == "minimal":
        off = {"type": "disabled"} if effort == "minimal" and adaptive_thinking(model) else None
        return off, None, limit or room
    if adaptive_thinking(model):
        return {"type": "adaptive"}, effort, limit or room + THINKING_BUDGETS[effort]
    budget = THINKING_BUDGETS[effort]
    if limit is not None:
        if limit <= MIN_THINKING_BUDGET:
            raise _Invalid(
                f"reasoning_effort={effort!r} needs max_output_tokens above {MIN_THINKING_BUDGET} "
                "(thinking takes at least that many)",
                "max_output_tokens",
            )
        budget = max(MIN_THINKING_BUDGET, min(budget, limit // 2))
    return {"type": "enabled", "budget_tokens": budget}, None, limit or budget + room


def _extra(params: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """The call's other keywords: Anthropic's own as SDK keywords, OpenAI names mapped or left out, and
    anything else as a body field."""
    body: dict[str, Any] = {}
    for key, value in extra.items():
        if key in RESERVED:
            raise _Invalid(f"{key!r} is set by llmft and cannot be passed as a keyword", key)
        if key in DROPPED or value is None:
            continue
        if key == "stop":
            params["stop_sequences"] = [value] if isinstance(value, str) else list(value)
        elif key == "user":
            params["metadata"] = {"user_id": value}
        elif key == "metadata":
            if isinstance(value, Mapping) and "user_id" in value:
                params["metadata"] = {"user_id": value["user_id"]}
        elif key == "service_tier":
            if value in SERVICE_TIERS:
                params[key] = value
        elif key == "output_config" and isinstance(value, Mapping):
            params[key] = {**params.get(key, {}), **value}
        elif key == "extra_body" and isinstance(value, Mapping):
            body.update(value)
        elif key in SDK_PARAMS:
            params[key] = value
        else:
            body[key] = value
    if body:
        params["extra_body"] = body


def _mark_cached(params: dict[str, Any]) -> None:
    """`cache_control` on the last system block, the last tool and the last cacheable message block:
    the prompt prefix up to each is cached (three of the four breakpoints Anthropic allows)."""
    for key in ("system", "tools"):
        if params.get(key):
            params[key][-1] = {**params[key][-1], "cache_control": EPHEMERAL}
    messages = params["messages"]
    if messages:
        blocks = messages[-1]["content"]
        for index in range(len(blocks) - 1, -1, -1):
            if blocks[index].get("type") not in NOT_CACHEABLE:
                blocks[index] = {**blocks[index], "cache_control": EPHEMERAL}
                break


def _uses_files(messages: list[dict[str, Any]]) -> bool:
    """True when a block names an uploaded file (`source.type == "file"`), which needs the Files API."""
    return any(
        isinstance(block.get("source"), Mapping) and block["source"].get("type") == "file"
        for turn in messages
        for block in turn["content"]
    )


def _add_beta(params: dict[str, Any], beta: str) -> None:
    """Add a beta to the `anthropic-beta` header (the caller's own betas kept)."""
    headers = dict(params.get("extra_headers") or {})
    given = str(headers.get("anthropic-beta") or "")
    if beta not in given.split(","):
        headers["anthropic-beta"] = f"{given},{beta}" if given else beta
    params["extra_headers"] = headers


def to_anthropic_params(
    request: ModelRequest, turn_of: TurnOf = anthropic_turn
) -> Result[dict[str, Any], ConfigurationFailure | UnsupportedFeature]:
    """The keywords of `messages.create` for a request (no key, no endpoint, no timeout); `turn_of`:
    `anthropic_turn`, or a memo of it that converts a tool loop's old messages once."""
    try:
        return Success(_params(request, turn_of))
    except (_Invalid, InvalidInput, _Unsendable) as invalid:
        return Failure(invalid.failure)


def _params(request: ModelRequest, turn_of: TurnOf) -> dict[str, Any]:
    if request.file_search is not None:
        raise _Invalid("file_search is only available on OpenAI models", "file_search")
    model = api_model(request.model)
    extra = dict(request.extra)
    cached = bool(extra.pop("prompt_cache", False))
    given_limit = extra.pop("max_tokens", None)
    if request.max_output_tokens is None and isinstance(given_limit, int) and given_limit > 0:
        request = evolve(request, max_output_tokens=given_limit)
    thinking, effort, max_tokens = _thinking(request, model, extra.pop("thinking", None))
    system, messages = _transcript(request.messages, turn_of)
    params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": messages}
    if system:
        params["system"] = system
    tools = [_tool(spec) for spec in request.tools]
    if request.web_search is not None:
        tools.append(_web_search(request.web_search))
    choice = _tool_choice(request.tool_choice, request.parallel_tool_calls) if tools else None
    thinks = thinking is not None and thinking.get("type") != "disabled"
    if thinks and choice is not None and choice.get("type") in ("any", "tool"):
        raise _Invalid("Anthropic does not let a thinking model be forced to use a tool", "tool_choice")
    output: dict[str, Any] = {}
    fmt = request.response_format
    if fmt is not None and fmt.kind == "json_schema":
        output["format"] = {"type": "json_schema", "schema": output_schema(fmt.schema)}
    elif fmt is not None and not tools and not thinks:
        # No JSON mode exists: a forced tool whose input is the answer, read back as text.
        tools = [
            {
                "name": JSON_TOOL,
                "description": "Answer with a JSON object.",
                "input_schema": dict(OPEN_OBJECT),
            }
        ]
        choice = {"type": "tool", "name": JSON_TOOL}
    if tools:
        params["tools"] = tools
    if choice is not None:
        params["tool_choice"] = choice
    if thinking is not None:
        params["thinking"] = thinking
    if effort is not None:
        output["effort"] = effort
    if output:
        params["output_config"] = output
    _extra(params, extra)
    if _uses_files(messages):
        _add_beta(params, FILES_BETA)
    if cached:
        _mark_cached(params)
    return params


def uses_json_tool(params: Mapping[str, Any]) -> bool:
    """True when `params` carry a `json_object` request as the forced JSON tool."""
    choice = params.get("tool_choice")
    return isinstance(choice, Mapping) and choice.get("name") == JSON_TOOL and choice.get("type") == "tool"
