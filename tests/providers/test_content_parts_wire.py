"""Images, files and audio on each route, as the provider receives them; what a route cannot take is an
UnsupportedFeatureError naming the part and the model, with nothing sent."""

from __future__ import annotations

import base64
from typing import Any

import pytest

import llmft
from llmft import ModelSpec, UnsupportedFeatureError
from llmft.adapters.anthropic_messages import AnthropicMessagesModel
from llmft.app.errors import to_exception
from llmft.domain.connections import Connection
from llmft.domain.messages import AudioPart, Message, ModelRequest
from llmft.testing import ProviderEmulator, emu_text

from .conftest import KEY, ROUTES, RouteCase

PDF_BYTES = b"%PDF-1.7\n%%EOF\n"
PDF = base64.b64encode(PDF_BYTES).decode()
WAV = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00").decode()
PNG = "iVBORw0KGgo="
RESPONSES, CHAT, LITELLM_ANTHROPIC, NATIVE = ROUTES


def asking(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "text", "text": "What is in these?"}, *parts]}]


def pdf(filename: str | None = "report.pdf") -> dict[str, Any]:
    return llmft.file_part(PDF_BYTES, filename=filename)


def image() -> dict[str, Any]:
    return llmft.image_part(base64.b64decode(PNG))


def audio() -> dict[str, Any]:
    return {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}}


def user_content(emu: ProviderEmulator, index: int = 0) -> list[dict[str, Any]]:
    request = emu.requests[index]
    messages = request.body["input"] if request.protocol == "responses" else request.body["messages"]
    content: list[dict[str, Any]] = messages[-1]["content"]
    return content


async def test_responses_takes_images_and_files_by_data_url_and_id(emu: ProviderEmulator) -> None:
    emu.script(emu_text("seen"))
    parts = (
        image(),
        pdf(),
        pdf(None),
        llmft.file_part("https://x.test/a.pdf"),
        llmft.file_part(file_id="file-1"),
    )
    await RESPONSES.client(emu).generate(asking(*parts))
    assert user_content(emu)[1:] == [
        {"type": "input_image", "image_url": f"data:image/png;base64,{PNG}"},
        {"type": "input_file", "file_data": f"data:application/pdf;base64,{PDF}", "filename": "report.pdf"},
        {"type": "input_file", "file_data": f"data:application/pdf;base64,{PDF}", "filename": "file.pdf"},
        {"type": "input_file", "file_url": "https://x.test/a.pdf"},
        {"type": "input_file", "file_id": "file-1"},
    ]


async def test_litellm_chat_takes_files_and_audio(emu: ProviderEmulator) -> None:
    emu.script(emu_text("heard"))
    await CHAT.client(emu).generate(asking(image(), pdf(None), llmft.file_part(file_id="file-1"), audio()))
    assert user_content(emu)[1:] == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "file.pdf"}},
        {"type": "file", "file": {"file_id": "file-1"}},
        {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
    ]


async def test_litellm_turns_files_into_anthropic_documents(emu: ProviderEmulator) -> None:
    emu.script(emu_text("read"))
    await LITELLM_ANTHROPIC.client(emu).generate(asking(pdf(), llmft.file_part("https://x.test/a.pdf")))
    documents = [block for block in user_content(emu) if block["type"] == "document"]
    assert [d["source"] for d in documents] == [
        {"type": "base64", "media_type": "application/pdf", "data": PDF},
        {"type": "url", "url": "https://x.test/a.pdf"},
    ]


async def test_the_native_anthropic_route_sends_document_blocks(emu: ProviderEmulator) -> None:
    emu.script(emu_text("read"))
    text = llmft.file_part("héllo".encode(), media_type="text/plain", filename="note.txt")
    upload = llmft.file_part(file_id="file_011", media_type="application/pdf")
    await NATIVE.client(emu).generate(asking(pdf(), text, upload, image()))
    content = user_content(emu)
    assert content[1:4] == [
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
            "title": "report.pdf",
        },
        {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": "héllo"},
            "title": "note.txt",
        },
        {"type": "document", "source": {"type": "file", "file_id": "file_011"}},
    ]
    assert content[4]["source"] == {"type": "base64", "media_type": "image/png", "data": PNG}
    assert (
        emu.requests[0].headers["anthropic-beta"] == "files-api-2025-04-14"
    )  # a file id needs the Files API


@pytest.mark.parametrize(
    ("route", "part", "words"),
    [
        (RESPONSES, audio(), "an audio part (wav) cannot be sent to 'gpt-4o-mini'"),
        (NATIVE, audio(), "an audio part (wav) cannot be sent to 'anthropic/claude-sonnet-4-5'"),
        (LITELLM_ANTHROPIC, audio(), "'anthropic' provider takes no audio input"),
        (NATIVE, llmft.file_part(b"a,b\n", media_type="text/csv"), "a file part (text/csv, by data)"),
        (CHAT, llmft.file_part("https://x.test/a.pdf"), "takes files only as inline data, a file id"),
    ],
    ids=lambda value: value.name if isinstance(value, RouteCase) else None,
)
async def test_a_part_a_route_cannot_take_is_refused_before_any_request(
    emu: ProviderEmulator, route: RouteCase, part: dict[str, Any], words: str
) -> None:
    with pytest.raises(UnsupportedFeatureError, match="cannot be sent to") as caught:
        await route.client(emu).generate(asking(part))
    assert words in str(caught.value)
    assert emu.requests == []


async def test_a_fallback_model_that_cannot_take_a_part_is_named_before_any_request(
    emu: ProviderEmulator,
) -> None:
    backup = ModelSpec("gpt-4o-mini", api_key=KEY, base_url=emu.openai_base_url)
    client = CHAT.client(emu, fallback_models=[backup])
    with pytest.raises(UnsupportedFeatureError, match="cannot be sent to 'gpt-4o-mini'"):
        await client.generate(asking(audio()))
    assert emu.requests == []


async def test_result_messages_carry_the_parts_into_the_next_call(emu: ProviderEmulator) -> None:
    emu.script(emu_text("a report"), emu_text("about sales"))
    client = RESPONSES.client(emu)
    first = await client.generate(
        asking(pdf(), llmft.file_part(file_id="file-1", media_type="application/pdf"))
    )
    assert first.messages is not None
    assert first.messages[0]["content"][1:] == [
        {
            "type": "file",
            "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "report.pdf"},
        },
        {"type": "file", "file": {"file_id": "file-1", "format": "application/pdf"}},
    ]
    await client.generate([*first.messages, {"role": "user", "content": "And the total?"}])
    assert [p["type"] for p in emu.requests[1].body["input"][0]["content"]] == [
        "input_text",
        "input_file",
        "input_file",
    ]


async def test_the_native_adapter_refuses_audio_itself_when_handed_it_directly() -> None:
    model = AnthropicMessagesModel("claude-sonnet-4-5", Connection(base_url="http://127.0.0.1:9"))
    request = ModelRequest("anthropic/claude-sonnet-4-5", (Message("user", (AudioPart(WAV, "wav"),)),))
    try:
        reply = await model.complete(request)
        failure = reply.failure()
        assert failure.kind == "unsupported"
        assert isinstance(to_exception(failure), UnsupportedFeatureError)
        failed = [delta async for delta in model.stream(request)]
        assert [type(d).__name__ for d in failed] == ["StreamFailed"]
    finally:
        await model.aclose()
