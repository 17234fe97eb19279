"""A canonical request as the keywords of `responses.create`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from llmft.adapters.openai_responses.strict import strict_form, to_strict_schema
from llmft.domain.conversion import to_responses_input
from llmft.domain.messages import Message, ModelRequest
from llmft.domain.routing import accepts_temperature, openai_style_options

SDK_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body"})


def build_params(
    request: ModelRequest,
    input_of: Callable[[Sequence[Message]], list[dict[str, Any]]] = to_responses_input,
) -> dict[str, Any]:
    """The keyword arguments of `responses.create` for a request (`input_of`: the transcript as input
    items; one that keeps each message's items converts a tool loop's old messages once)."""
    params: dict[str, Any] = {"model": request.model, "input": input_of(request.messages)}
    tools: list[dict[str, Any]] = []
    for spec in request.tools:
        strict = strict_form(spec.parameters)
        tool: dict[str, Any] = {
            "type": "function",
            "name": spec.name,
            "description": spec.description,
            "parameters": dict(strict if strict is not None else spec.parameters),
            "strict": strict is not None,
        }
        if spec.deferred:
            tool["defer_loading"] = True
        tools.append(tool)
    if request.tool_search:
        tools.append({"type": "tool_search"})
    if request.web_search is not None:
        web: dict[str, Any] = {"type": "web_search"}
        if request.web_search.search_context_size is not None:
            web["search_context_size"] = request.web_search.search_context_size
        if request.web_search.user_location is not None:
            web["user_location"] = {"type": "approximate", **request.web_search.user_location}
        if request.web_search.filters is not None:
            web["filters"] = dict(request.web_search.filters)
        tools.append(web)
    if request.file_search is not None:
        files: dict[str, Any] = {
            "type": "file_search",
            "vector_store_ids": list(request.file_search.vector_store_ids),
        }
        if request.file_search.max_num_results is not None:
            files["max_num_results"] = request.file_search.max_num_results
        tools.append(files)
    if tools:
        params["tools"] = tools
    params.update(openai_style_options(request, with_tools=bool(tools)))
    if request.max_output_tokens is not None:
        params["max_output_tokens"] = request.max_output_tokens
    if request.reasoning_effort is not None:
        params["reasoning"] = {"effort": request.reasoning_effort}
    include = list(request.extra.get("include") or ())
    # Not stored by OpenAI, a reasoning model's chain goes back encrypted (or it is lost).
    reasoning = request.reasoning_effort or not accepts_temperature(request.model)
    if request.extra.get("store") is False and reasoning and "reasoning.encrypted_content" not in include:
        include.append("reasoning.encrypted_content")
    if include:
        params["include"] = include
    fmt = request.response_format
    if fmt is not None:
        if fmt.kind == "json_object":
            params["text"] = {"format": {"type": "json_object"}}
        else:
            strict = to_strict_schema(fmt.schema) if fmt.strict else None
            params["text"] = {
                "format": {
                    "type": "json_schema",
                    "name": fmt.name,
                    "schema": dict(strict if strict is not None else fmt.schema),
                    "strict": strict is not None,
                }
            }
    extra_body: dict[str, Any] = {}
    for key, value in request.extra.items():
        if key in ("prompt_cache", "include"):
            continue  # prompt_cache: the native Anthropic route's (OpenAI caches on its own); include: above
        if key in SDK_OPTIONS:
            params[key] = value
        else:
            extra_body[key] = value
    if extra_body:
        params["extra_body"] = {**params.get("extra_body", {}), **extra_body}
    if request.timeout is not None:
        params["timeout"] = request.timeout
    return params
