"""Which route takes which part (refused before any request, naming the part and the model), and the
Anthropic blocks of the parts it takes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from returns.pipeline import is_successful

from llmft.domain.anthropic_wire import FILES_BETA, to_anthropic_params
from llmft.domain.errors import UnsupportedFeature
from llmft.domain.messages import AudioPart, ContentPart, FilePart, ImagePart, Message, ModelRequest, TextPart
from llmft.domain.part_routes import anthropic_block, refused_part
from llmft.domain.routing import Route, native_anthropic, route_model

PDF = base64.b64encode(b"%PDF-1.7").decode()
AUDIO = AudioPart("UklGRg==", "wav")
INLINE_PDF = FilePart("application/pdf", PDF, filename="r.pdf")
INLINE_CSV = FilePart("text/csv", "YSxi")
BY_URL = FilePart("application/pdf", url="https://x.test/a.pdf")
BY_ID = FilePart("application/pdf", file_id="file-1")
IMAGE = ImagePart("https://x.test/a.png")


NATIVE = "anthropic/claude-sonnet-4-5"  # on Anthropic's own route here; other anthropic/… go through litellm


def chosen(model: str) -> Route:
    found = route_model(model).unwrap()
    return native_anthropic(found) if model == NATIVE else found


def refusal(model: str, part: ContentPart) -> UnsupportedFeature | None:
    messages = (
        Message("system", "s"),
        Message("user", "text only"),
        Message("user", (TextPart("see"), part)),
    )
    return refused_part(chosen(model), messages)


@pytest.mark.parametrize(
    ("model", "part"),
    [
        ("gpt-4o", IMAGE),
        ("gpt-4o", INLINE_CSV),
        ("gpt-4o", BY_URL),
        ("gpt-4o", BY_ID),
        (NATIVE, INLINE_PDF),
        (NATIVE, FilePart("text/plain", "aMOpbGxv")),
        (NATIVE, FilePart("image/png", "iVBORw0KGgo=")),
        (NATIVE, BY_URL),
        (NATIVE, BY_ID),
        ("gemini/gemini-2.5-flash", INLINE_CSV),
        ("gemini/gemini-2.5-flash", AUDIO),
        ("vertex_ai/gemini-2.5-pro", BY_URL),
        ("bedrock/anthropic.claude-3", INLINE_CSV),
        ("openai/llama-3", INLINE_PDF),
        ("openai/llama-3", AUDIO),
        ("gpt-audio", AUDIO),
        ("azure/gpt-4o", BY_ID),
        ("mistral/mistral-small-latest", BY_ID),
        ("mistral/voxtral-small-latest", AUDIO),
        ("openrouter/google/gemini-2.5-flash", BY_URL),
        ("ollama/llava", IMAGE),
    ],
)
def test_parts_a_route_takes(model: str, part: ContentPart) -> None:
    assert refusal(model, part) is None


@pytest.mark.parametrize(
    ("model", "part", "reason"),
    [
        ("gpt-4o", AUDIO, "Responses API takes no audio"),
        (NATIVE, AUDIO, "Anthropic takes no audio"),
        (NATIVE, INLINE_CSV, "only as PDF, plain text or an image"),
        (NATIVE, FilePart("text/plain", "//79"), "must be UTF-8"),
        ("ollama/llama3", INLINE_PDF, "'ollama' provider takes no file input"),
        ("groq/llama-3.3-70b-versatile", AUDIO, "'groq' provider takes no audio input"),
        ("openai/llama-3", BY_URL, "only as inline data, a file id"),
        ("mistral/mistral-small-latest", INLINE_PDF, "only as a file id"),
        ("azure/gpt-4o", INLINE_CSV, "inline files only as application/pdf"),
        ("anthropic/claude-haiku-4-5", INLINE_CSV, "inline files only as application/pdf"),  # litellm
    ],
)
def test_parts_a_route_cannot_take_are_refused_naming_the_part_and_the_model(
    model: str, part: ContentPart, reason: str
) -> None:
    failure = refusal(model, part)
    assert failure is not None
    assert reason in failure.message
    assert repr(model) in failure.message
    assert failure.message.startswith(("an audio part", "a file part"))
    assert failure.feature == ("audio input" if isinstance(part, AudioPart) else "file input")


def test_anthropic_blocks_of_each_part() -> None:
    assert anthropic_block(INLINE_PDF) == {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
        "title": "r.pdf",
    }
    assert anthropic_block(FilePart("text/plain", base64.b64encode("héllo".encode()).decode())) == {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "héllo"},
    }
    assert anthropic_block(FilePart("image/png", "iVBORw0KGgo=")) == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
    }
    assert anthropic_block(BY_URL) == {"type": "document", "source": {"type": "url", "url": BY_URL.url}}
    assert anthropic_block(FilePart("image/jpeg", file_id="file_9")) == {
        "type": "image",
        "source": {"type": "file", "file_id": "file_9"},
    }


def params(*parts: ContentPart, **extra: Any) -> dict[str, Any]:
    request = ModelRequest(NATIVE, (Message("user", parts),), extra=extra)
    built = to_anthropic_params(request)
    assert is_successful(built), built
    return built.unwrap()


def test_a_file_id_brings_the_files_api_beta_header_keeping_the_callers_betas() -> None:
    assert "extra_headers" not in params(INLINE_PDF, BY_URL)
    assert params(BY_ID)["extra_headers"] == {"anthropic-beta": FILES_BETA}
    given = params(BY_ID, extra_headers={"anthropic-beta": "context-1m-2025-08-07", "x-trace": "1"})
    assert given["extra_headers"] == {"anthropic-beta": f"context-1m-2025-08-07,{FILES_BETA}", "x-trace": "1"}
    again = params(BY_ID, extra_headers={"anthropic-beta": FILES_BETA})
    assert again["extra_headers"] == {"anthropic-beta": FILES_BETA}


def test_the_anthropic_conversion_refuses_what_it_cannot_send() -> None:
    request = ModelRequest(NATIVE, (Message("user", (TextPart("hear"), AUDIO)),))
    built = to_anthropic_params(request)
    assert not is_successful(built)
    problem = built.failure()
    assert isinstance(problem, UnsupportedFeature)
    assert (
        problem.message == "an audio part (wav) cannot be sent to Anthropic: Anthropic takes no audio input"
    )
