"""Which route takes which content part, and the Anthropic block of each part it takes.

A part a route cannot send is refused before any request (`refused_part`), never dropped. Images go
everywhere, as before. Files: the OpenAI Responses API takes them by data, URL or file id; Anthropic
takes PDFs and plain text as `document` blocks (images as `image` blocks) by data, URL or file id;
through litellm, the providers in LITELLM_FILES (how each takes a file is in its entry). Audio: only
through litellm, to the providers in LITELLM_AUDIO (the Responses API and Anthropic take none).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from llmft.domain.content_parts import IMAGE_TYPES, describe, split_data_url
from llmft.domain.errors import UnsupportedFeature
from llmft.domain.messages import AudioPart, ContentPart, FilePart, ImagePart, Message
from llmft.domain.routing import Route

ANY_SOURCE = frozenset({"data", "url", "file_id"})
# litellm providers that take file parts, by how the file may be given (litellm's PDF guide, and what
# its converters read: Anthropic and Gemini convert each form; Mistral takes only uploaded file ids;
# OpenAI's Chat Completions take data and ids but no URL).
LITELLM_FILES: Mapping[str, frozenset[str]] = {
    "anthropic": ANY_SOURCE, "gemini": ANY_SOURCE, "vertex_ai": ANY_SOURCE, "litellm_proxy": ANY_SOURCE,
    "bedrock": frozenset({"data", "url"}), "openrouter": frozenset({"data", "url"}),
    "openai": frozenset({"data", "file_id"}), "azure": frozenset({"data", "file_id"}),
    "mistral": frozenset({"file_id"}),
}  # fmt: skip
# The media types of inline files where the provider takes fewer than FILE_TYPES (only PDFs, as a
# `document`, in Anthropic's base64 form and OpenAI's Chat Completions).
LITELLM_INLINE_TYPES: Mapping[str, frozenset[str]] = {
    provider: frozenset({"application/pdf"}) for provider in ("anthropic", "openai", "azure")
}
# litellm providers that take `input_audio` parts (OpenAI's and Azure's audio models, Gemini, Mistral's
# Voxtral, OpenRouter's audio models; a litellm proxy passes them on).
LITELLM_AUDIO = frozenset(
    {"openai", "azure", "gemini", "vertex_ai", "mistral", "openrouter", "litellm_proxy"}
)
SOURCE_NAMES = {"data": "inline data", "url": "a URL", "file_id": "a file id"}
ANTHROPIC_DOCUMENTS = frozenset({"application/pdf", "text/plain"})
RESPONSES_NO_AUDIO = (
    "the OpenAI Responses API takes no audio input (OpenAI's audio models, such as 'gpt-audio', are "
    "served by Chat Completions, where llmft sends them)"
)


def _source(part: FilePart) -> str:
    return "data" if part.data is not None else "url" if part.url is not None else "file_id"


def _plain_text(data: str) -> str | None:
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def anthropic_refusal(part: ContentPart) -> str | None:
    """Why Anthropic's Messages API cannot take `part`, or None when it can."""
    if isinstance(part, AudioPart):
        return "Anthropic takes no audio input"
    if not isinstance(part, FilePart) or part.data is None:
        return None
    if part.media_type not in ANTHROPIC_DOCUMENTS | IMAGE_TYPES:
        return "Anthropic takes inline files only as PDF, plain text or an image"
    if part.media_type == "text/plain" and _plain_text(part.data) is None:
        return "a text/plain file must be UTF-8 text"
    return None


def _litellm_refusal(provider: str, part: ContentPart) -> str | None:
    if isinstance(part, AudioPart):
        return None if provider in LITELLM_AUDIO else f"litellm's {provider!r} provider takes no audio input"
    if not isinstance(part, FilePart):
        return None
    sources = LITELLM_FILES.get(provider)
    if sources is None:
        return f"litellm's {provider!r} provider takes no file input"
    source = _source(part)
    if source not in sources:
        named = ", ".join(SOURCE_NAMES[s] for s in sorted(sources))
        return f"litellm's {provider!r} provider takes files only as {named}"
    inline = LITELLM_INLINE_TYPES.get(provider)
    if source == "data" and inline is not None and part.media_type not in inline:
        return f"litellm's {provider!r} provider takes inline files only as {', '.join(sorted(inline))}"
    return None


def _refusal(route: Route, part: ContentPart) -> str | None:
    if route.kind == "anthropic_messages":
        return anthropic_refusal(part)
    if route.kind == "openai_responses":
        if isinstance(part, AudioPart):
            return RESPONSES_NO_AUDIO
        return None
    return _litellm_refusal(route.provider, part)


def refused_part(route: Route, messages: Sequence[Message]) -> UnsupportedFeature | None:
    """The first content part of the transcript `route` cannot send, as a failure naming it and the model."""
    for message in messages:
        if not isinstance(message.content, tuple):
            continue
        for part in message.content:
            reason = _refusal(route, part)
            if reason is not None:
                feature = "audio input" if isinstance(part, AudioPart) else "file input"
                return UnsupportedFeature(
                    f"{describe(part)} cannot be sent to {route.model_string!r}: {reason}", feature
                )
    return None


def anthropic_block(part: ImagePart | FilePart) -> dict[str, Any]:
    """An image or file as Anthropic's `image` or `document` block (a file Anthropic takes: see
    `anthropic_refusal`); a file's name is the document's title."""
    if isinstance(part, ImagePart):
        if not part.url.startswith("data:"):
            return {"type": "image", "source": {"type": "url", "url": part.url}}
        media_type, data = split_data_url(part.url, "input")
        return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}
    image = part.media_type in IMAGE_TYPES
    source: dict[str, Any]
    if part.data is not None:
        text = _plain_text(part.data) if part.media_type == "text/plain" else None
        if text is not None:
            source = {"type": "text", "media_type": "text/plain", "data": text}
        else:
            source = {"type": "base64", "media_type": part.media_type, "data": part.data}
    elif part.url is not None:
        source = {"type": "url", "url": part.url}
    else:
        source = {"type": "file", "file_id": part.file_id}
    if image:
        return {"type": "image", "source": source}
    block: dict[str, Any] = {"type": "document", "source": source}
    if part.filename is not None:
        block["title"] = part.filename
    return block
