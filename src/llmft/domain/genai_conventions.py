"""What OpenTelemetry's GenAI semantic conventions record of llmft's values: provider names, request
models, `error.type`, and messages as the conventions' JSON (inline bytes never, their type only).

Pure: the OpenTelemetry adapter (`adapters/otel_telemetry.py`) puts these on its spans.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import AudioPart, FilePart, ImagePart, Message, ModelReply, TextPart

# llmft's provider prefixes whose `gen_ai.provider.name` the conventions spell differently.
PROVIDER_NAMES = {
    "gemini": "gcp.gemini",
    "vertex_ai": "gcp.vertex_ai",
    "bedrock": "aws.bedrock",
    "azure": "azure.ai.openai",
    "azure_ai": "azure.ai.inference",
    "mistral": "mistral_ai",
    "xai": "x_ai",
    "watsonx": "ibm.watsonx.ai",
}


def error_type_of(failure: ProviderFailure) -> str:
    """A failure's `error.type`: the HTTP status for a status error, else llmft's kind of failure."""
    if failure.kind == "status" and failure.status_code is not None:
        return str(failure.status_code)
    return failure.kind or "_OTHER"


def exception_type(kind: type[BaseException] | None) -> str:
    """The `error.type` of a span left by an exception (a cancelled task or closed stream: "cancelled")."""
    if kind is None:
        return "_OTHER"
    if kind.__name__ in ("CancelledError", "GeneratorExit"):
        return "cancelled"
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _parts(message: Message) -> list[dict[str, Any]]:
    if message.role == "tool":
        return [{"type": "tool_call_response", "id": message.tool_call_id, "response": message.text}]
    content = message.content
    parts: list[dict[str, Any]]
    if isinstance(content, str):
        parts = [{"type": "text", "content": content}] if content else []
    else:
        parts = [_media(part) for part in content or ()]
    for call in message.tool_calls:
        parts.append(
            {"type": "tool_call", "id": call.id, "name": call.name, "arguments": _json(call.arguments)}
        )
    return parts


def _media(part: TextPart | ImagePart | FilePart | AudioPart) -> dict[str, Any]:
    """A content part as the conventions' part; inline bytes are never recorded (their size only)."""
    if isinstance(part, TextPart):
        return {"type": "text", "content": part.text}
    if isinstance(part, ImagePart):
        if part.url.startswith("data:"):
            media_type = part.url[5:].partition(";")[0] or None
            return {"type": "blob", "modality": "image", "mime_type": media_type}
        return {"type": "uri", "modality": "image", "uri": part.url}
    if isinstance(part, AudioPart):
        return {"type": "blob", "modality": "audio", "mime_type": f"audio/{part.format}"}
    if part.data is not None:
        return {"type": "blob", "modality": "file", "mime_type": part.media_type}
    return {"type": "file_data", "modality": "file", "mime_type": part.media_type, "uri": part.url,
            "file_id": part.file_id}  # fmt: skip


def _json(text: str) -> Any:
    """Tool arguments as an object when they parse (the conventions want the object), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def input_messages(messages: Sequence[Message]) -> str:
    """`gen_ai.input.messages`: the messages sent, as the conventions' JSON."""
    return json.dumps([{"role": m.role, "parts": _parts(m)} for m in messages], ensure_ascii=False)


def output_messages(reply: ModelReply) -> str:
    """`gen_ai.output.messages`: the reply as one assistant message, as the conventions' JSON."""
    message = Message("assistant", reply.text, reply.tool_calls)
    body = {"role": "assistant", "parts": _parts(message), "finish_reason": reply.finish_reason}
    return json.dumps([body], ensure_ascii=False)


def provider_name(provider: str) -> str:
    """`gen_ai.provider.name` for one of llmft's provider prefixes."""
    return PROVIDER_NAMES.get(provider, provider)


def request_model(model: str, provider: str) -> str:
    """The model name the provider is asked for (a litellm route's `provider/` prefix removed)."""
    prefix = f"{provider}/"
    return model[len(prefix) :] if model.startswith(prefix) else model
