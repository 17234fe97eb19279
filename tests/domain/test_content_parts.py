"""Files and audio in messages: every accepted wire shape read, written back losslessly, bad input named."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from llmft.domain.content_parts import MAX_INLINE_BYTES, chat_part, describe, known_file_type
from llmft.domain.conversion import normalize_input, to_chat_messages, to_public_messages, to_responses_input
from llmft.domain.media_types import by_extension, sniff
from llmft.domain.messages import AudioPart, ContentPart, FilePart, ImagePart, Message, TextPart

PDF = base64.b64encode(b"%PDF-1.7 a small document").decode()
WAV = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt ").decode()
PNG = "iVBORw0KGgo="

b64 = st.binary(min_size=1, max_size=24).map(lambda b: base64.b64encode(b).decode())
names = st.one_of(st.none(), st.text(min_size=1, max_size=12))
file_types = st.sampled_from(["application/pdf", "text/plain", "text/csv", "image/png", "audio/wav"])
refs = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True)
urls = refs.map(lambda path: f"https://files.test/{path}")


def file_parts(*, typed_refs: bool = True, named_data: bool = False) -> st.SearchStrategy[FilePart]:
    """Files by data, URL or id; `typed_refs`: URLs and ids with a media type too (the Responses API
    has no field for it); `named_data`: inline files always named (OpenAI wants a name with data)."""
    ref_types = st.one_of(st.none(), file_types) if typed_refs else st.none()
    data_names = st.text(min_size=1, max_size=12) if named_data else names
    return st.one_of(
        st.builds(lambda t, d, n: FilePart(t, d, filename=n), file_types, b64, data_names),
        st.builds(lambda t, u, n: FilePart(t, url=u, filename=n), ref_types, urls, names),
        st.builds(lambda t, i, n: FilePart(t, file_id=i, filename=n), ref_types, refs, names),
    )


def contents(files: st.SearchStrategy[FilePart]) -> st.SearchStrategy[tuple[ContentPart, ...]]:
    audio = st.builds(AudioPart, b64, st.sampled_from(["wav", "mp3", "flac"]))
    image = st.builds(
        ImagePart, b64.map(lambda d: f"data:image/png;base64,{d}"), st.sampled_from([None, "low"])
    )
    parts = st.one_of(st.text(max_size=10).map(TextPart), image, files, audio)
    return st.lists(parts, min_size=1, max_size=4).map(tuple)


def conversations(files: st.SearchStrategy[FilePart]) -> st.SearchStrategy[tuple[Message, ...]]:
    turn = st.tuples(contents(files), st.text(max_size=10))
    return st.lists(turn, min_size=1, max_size=3).map(
        lambda turns: tuple(
            m for parts, answer in turns for m in (Message("user", parts), Message("assistant", answer))
        )
    )


def normalized(items: Any) -> tuple[Message, ...]:
    result = normalize_input(items)
    assert is_successful(result), result
    return result.unwrap()


def failure_of(items: Any) -> tuple[str, str | None]:
    result = normalize_input(items)
    assert not is_successful(result)
    return result.failure().message, result.failure().field


def user(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "text", "text": "look"}, *parts]}]


@given(conversations(file_parts()))
def test_result_messages_keep_every_part_as_it_was(messages: tuple[Message, ...]) -> None:
    public = to_public_messages(messages)
    assert json.loads(json.dumps(public)) == public
    assert normalized(public) == messages
    assert normalized(to_chat_messages(messages)) == messages


@given(conversations(file_parts(typed_refs=False, named_data=True)))
def test_the_responses_shape_reads_back_as_the_same_parts(messages: tuple[Message, ...]) -> None:
    assert normalized(json.loads(json.dumps(to_responses_input(messages)))) == messages


def test_chat_file_parts_in_each_form() -> None:
    parts = normalized(
        user(
            {
                "type": "file",
                "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "a.pdf"},
            },
            {"type": "file", "file": {"file_id": "file-abc", "format": "application/pdf"}},
            {"type": "file", "file": {"file_url": "https://x.test/b.pdf"}},
            {"type": "file", "file": {"file_id": "gs://bucket/c.pdf"}},  # litellm's convention: a URL as id
            {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
        )
    )[0].content
    assert parts == (
        TextPart("look"),
        FilePart("application/pdf", PDF, filename="a.pdf"),
        FilePart("application/pdf", file_id="file-abc"),
        FilePart(url="https://x.test/b.pdf"),
        FilePart(url="gs://bucket/c.pdf"),
        AudioPart(WAV, "wav"),
    )


def test_responses_input_file_parts_in_each_form() -> None:
    items = [
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_file",
                    "file_data": f"data:application/pdf;base64,{PDF}",
                    "filename": "a.pdf",
                },
                {"type": "input_file", "file_id": "file-abc"},
                {"type": "input_file", "file_url": "https://x.test/b.pdf", "filename": "b.pdf"},
            ],
        }
    ]
    assert normalized(items)[0].content == (
        FilePart("application/pdf", PDF, filename="a.pdf"),
        FilePart(file_id="file-abc"),
        FilePart(url="https://x.test/b.pdf", filename="b.pdf"),
    )


def test_anthropic_document_blocks_are_read_as_files() -> None:
    parts = normalized(
        user(
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
            {"type": "document", "source": {"type": "url", "url": "https://x.test/a.pdf"}, "title": "A"},
            {"type": "document", "source": {"type": "file", "file_id": "file_011"}},
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "héllo"}},
        )
    )[0].content
    assert isinstance(parts, tuple)
    assert parts[1:] == (
        FilePart("application/pdf", PDF),
        FilePart(url="https://x.test/a.pdf", filename="A"),
        FilePart(file_id="file_011"),
        FilePart("text/plain", base64.b64encode("héllo".encode()).decode()),
    )


def test_the_wire_form_names_inline_files_and_gives_urls_as_litellm_reads_them() -> None:
    assert chat_part(FilePart("application/pdf", PDF), wire=True) == {
        "type": "file",
        "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "file.pdf"},
    }
    # A URL goes as litellm's `file_id`, without a `format` (with one, Anthropic would get it as an id).
    assert chat_part(FilePart("application/pdf", url="https://x.test/a.pdf"), wire=True) == {
        "type": "file",
        "file": {"file_id": "https://x.test/a.pdf"},
    }
    assert chat_part(FilePart("application/pdf", url="https://x.test/a.pdf")) == {
        "type": "file",
        "file": {"file_url": "https://x.test/a.pdf", "format": "application/pdf"},
    }
    assert chat_part(FilePart("image/png", file_id="file-1", filename="p.png"), wire=True) == {
        "type": "file",
        "file": {"file_id": "file-1", "format": "image/png", "filename": "p.png"},
    }


def test_the_responses_form_of_each_file() -> None:
    messages = (
        Message(
            "user",
            (
                FilePart("text/csv", "YSxi"),
                FilePart("application/pdf", url="https://x.test/a.pdf"),
                FilePart(file_id="file-1", filename="f.pdf"),
                FilePart(None, "AAAA"),
            ),
        ),
    )
    assert to_responses_input(messages)[0]["content"] == [
        {"type": "input_file", "file_data": "data:text/csv;base64,YSxi", "filename": "file.csv"},
        {"type": "input_file", "file_url": "https://x.test/a.pdf"},
        {"type": "input_file", "file_id": "file-1", "filename": "f.pdf"},
        {
            "type": "input_file",
            "file_data": "data:application/octet-stream;base64,AAAA",
            "filename": "file.bin",
        },
    ]


@pytest.mark.parametrize(
    ("part", "field", "words"),
    [
        (
            {"type": "file", "file": {"file_data": "data:application/pdf;base64,%%%"}},
            "file.file_data",
            "base64",
        ),
        (
            {"type": "file", "file": {"file_data": "data:application/pdf;base64,QUJ"}},
            "file.file_data",
            "base64",
        ),
        (
            {"type": "file", "file": {"file_data": "data:application/pdf,plain"}},
            "file.file_data",
            "base64 data URL",
        ),
        ({"type": "file", "file": {"file_data": "JVBERi0="}}, "file.file_data", "data URL"),
        ({"type": "file", "file": {"file_data": "data:application/pdf;base64,"}}, "file.file_data", "empty"),
        (
            {"type": "file", "file": {"file_data": "data:application/x-unknown;base64,QUJD"}},
            "file.file_data",
            "unknown media type 'application/x-unknown'",
        ),
        (
            {"type": "file", "file": {"file_id": "f", "format": "application/x-unknown"}},
            "file.format",
            "unknown",
        ),
        ({"type": "file", "file": {"file_id": "f", "file_url": "https://x.test/a"}}, "file", "exactly one"),
        ({"type": "file", "file": {"filename": "a.pdf"}}, "file", "exactly one"),
        ({"type": "file", "file": "file-1"}, "file", "an object"),
        ({"type": "file", "file": {"file_id": "f", "filename": 3}}, "file.filename", "string"),
        ({"type": "input_file", "file_data": "data:application/pdf;base64,@@@="}, "file_data", "base64"),
        (
            {"type": "input_audio", "input_audio": {"data": WAV, "format": "midi"}},
            "input_audio.format",
            "midi",
        ),
        (
            {"type": "input_audio", "input_audio": {"data": "not base64!", "format": "wav"}},
            "input_audio.data",
            "",
        ),
        (
            {"type": "input_audio", "input_audio": {"data": f"data:audio/wav;base64,{WAV}", "format": "wav"}},
            "input_audio.data",
            "bare base64",
        ),
        ({"type": "input_audio", "input_audio": "x"}, "input_audio", "'data' and 'format'"),
        (
            {"type": "image_url", "image_url": {"url": "data:text/plain;base64,QUJD"}},
            "image_url.url",
            "image",
        ),
        ({"type": "image_url", "image_url": {"url": "data:image/png;base64,!!"}}, "image_url.url", "base64"),
        (
            {"type": "image_url", "image_url": {"url": "https://x.test/a.png", "detail": 1}},
            "detail",
            "string",
        ),
        ({"type": "document", "source": {"type": "base64", "data": PDF}}, "source.media_type", "string"),
        ({"type": "document", "source": {"type": "content", "content": []}}, "source.type", "'content'"),
        ({"type": "document", "source": "x"}, "source", "an object"),
        ({"type": "document", "source": {"type": "file", "file_id": "f"}, "citations": {}}, "", "citations"),
    ],
)
def test_bad_parts_are_refused_before_any_request(part: dict[str, Any], field: str, words: str) -> None:
    message, where = failure_of(user(part))
    assert where is not None
    assert where.startswith("input[0].content[1]")
    assert where.endswith(field)
    assert words in message


def test_inline_data_past_the_cap_is_refused_before_it_is_decoded() -> None:
    huge = "A" * ((MAX_INLINE_BYTES // 3 + 1) * 4)
    message, _ = failure_of(
        user({"type": "file", "file": {"file_data": f"data:application/pdf;base64,{huge}"}})
    )
    assert "more than 50 MB" in message


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"role": "system", "content": [{"type": "input_file", "file_id": "f"}]}], "input[0].content[0]"),
        (
            [
                {
                    "role": "assistant",
                    "content": [{"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}}],
                }
            ],
            "input[0].content[0]",
        ),
        (
            [
                {
                    "role": "tool",
                    "tool_call_id": "c",
                    "content": [{"type": "image_url", "image_url": "https://x.test/i"}],
                }
            ],
            "input[0].content[0]",
        ),
        (
            [
                {
                    "type": "function_call_output",
                    "call_id": "c",
                    "output": [{"type": "input_file", "file_id": "f"}],
                }
            ],
            "input[0].output[0]",
        ),
    ],
)
def test_images_files_and_audio_go_in_user_messages_only(items: Any, field: str) -> None:
    message, where = failure_of(items)
    assert where == field
    assert "only be in a user message" in message


def test_a_refusal_part_reads_as_its_text() -> None:
    items = [{"role": "assistant", "content": [{"type": "refusal", "refusal": "I cannot."}]}]
    assert normalized(items)[0].content == (TextPart("I cannot."),)


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"%PDF-1.4", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"ID3\x04", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"fLaC", "audio/flac"),
        (b"OggS", "audio/ogg"),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_media_types_from_the_first_bytes(head: bytes, media_type: str | None) -> None:
    assert sniff(head) == media_type


def test_media_types_from_names() -> None:
    assert by_extension("Report.PDF") == "application/pdf"
    assert by_extension("notes.markdown") == "text/markdown"
    assert by_extension(".pdf") is None
    assert by_extension("README") is None


def test_media_types_and_descriptions() -> None:
    assert known_file_type("application/pdf")
    assert known_file_type("text/x-rust")
    assert not known_file_type("application/x-unknown")
    assert not known_file_type("text/")
    assert (
        describe(FilePart("application/pdf", PDF, filename="r.pdf"))
        == "a file part (application/pdf, by data, 'r.pdf')"
    )
    assert describe(FilePart(url="https://x.test/a")) == "a file part (unknown media type, by URL)"
    assert describe(FilePart(file_id="f")) == "a file part (unknown media type, by file id)"
    assert describe(AudioPart(WAV, "wav")) == "an audio part (wav)"
    assert describe(ImagePart(f"data:image/png;base64,{PNG}")) == "an image part"
    assert describe(TextPart("x")) == "a text part"
    assert Message("user", (TextPart("a"), FilePart(file_id="f"), TextPart("b"))).text == "ab"
