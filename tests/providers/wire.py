"""Reading recorded requests in each protocol's own shape (independent of llmft's conversion)."""

from __future__ import annotations

from typing import Any

from llmft.testing import RecordedRequest


def tool_schemas(request: RecordedRequest) -> dict[str, dict[str, Any]]:
    """Function tools by name → parameters schema, as the provider received them."""
    out: dict[str, dict[str, Any]] = {}
    for tool in request.body.get("tools", []):
        if request.protocol == "responses" and tool.get("type") == "function":
            out[tool["name"]] = tool["parameters"]
        elif request.protocol == "chat" and tool.get("type") == "function":
            out[tool["function"]["name"]] = tool["function"]["parameters"]
        elif request.protocol == "anthropic" and "input_schema" in tool:
            out[tool["name"]] = tool["input_schema"]
    return out


def tool_outputs(request: RecordedRequest) -> list[tuple[str, str]]:
    """(call id, output text) for every tool result in the request, in order."""
    out: list[tuple[str, str]] = []
    if request.protocol == "responses":
        for item in request.body["input"]:
            if item.get("type") == "function_call_output":
                out.append((item["call_id"], item["output"]))
    elif request.protocol == "chat":
        for message in request.body["messages"]:
            if message["role"] == "tool":
                out.append((message["tool_call_id"], message["content"]))
    else:
        for message in request.body["messages"]:
            for block in message["content"] if isinstance(message["content"], list) else []:
                if block.get("type") == "tool_result":
                    content = block["content"]
                    text = (
                        content if isinstance(content, str) else "".join(c.get("text", "") for c in content)
                    )
                    out.append((block["tool_use_id"], text))
    return out


def tool_calls(request: RecordedRequest) -> list[tuple[str, str]]:
    """(call id, tool name) for every earlier tool call replayed in the request, in order."""
    out: list[tuple[str, str]] = []
    if request.protocol == "responses":
        out = [(i["call_id"], i["name"]) for i in request.body["input"] if i.get("type") == "function_call"]
    elif request.protocol == "chat":
        for message in request.body["messages"]:
            out += [(c["id"], c["function"]["name"]) for c in message.get("tool_calls") or []]
    else:
        for message in request.body["messages"]:
            for block in message["content"] if isinstance(message["content"], list) else []:
                if block.get("type") == "tool_use":
                    out.append((block["id"], block["name"]))
    return out


def texts(request: RecordedRequest) -> list[str]:
    """Every plain text the request carries (system prompt included), in order."""
    out: list[str] = []
    if request.protocol == "anthropic":
        system = request.body.get("system")
        if isinstance(system, str):
            out.append(system)
        elif isinstance(system, list):
            out += [b["text"] for b in system if b.get("type") == "text"]
    items = request.body.get("input") or request.body.get("messages") or []
    for item in items:
        if item.get("role") == "tool":
            continue
        content = item.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out += [
                p["text"]
                for p in content
                if isinstance(p, dict) and "text" in p and p.get("type") != "tool_result"
            ]
    return [t for t in out if t]
