"""`llmft.image_part` / `file_part` / `audio_part`: real files read (only the path given, capped), media
types from the first bytes or the name, and every bad input a ConfigurationError naming what to fix."""

from __future__ import annotations

import base64
import os
import struct
import time
from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful

import llmft
from llmft import ConfigurationError
from llmft.domain.conversion import normalize_input

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CSV = b"a,b\n1,2\n"


def wav(samples: int = 8) -> bytes:
    data = b"\x00\x00" * samples
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + len(fmt) + 8 + len(data))
        + b"WAVE"
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def accepted(part: dict[str, Any]) -> None:
    """The part goes into a message as it is: llmft reads it without complaint."""
    result = normalize_input([{"role": "user", "content": [{"type": "text", "text": "see"}, part]}])
    assert is_successful(result), result


def test_a_pdf_by_its_magic_bytes_named_after_its_file(tmp_path: Path) -> None:
    path = tmp_path / "report.bin"
    path.write_bytes(PDF)
    part = llmft.file_part(path)
    assert part == {
        "type": "file",
        "file": {"file_data": f"data:application/pdf;base64,{b64(PDF)}", "filename": "report.bin"},
    }
    accepted(part)


def test_a_text_file_by_its_extension_and_bytes_with_a_media_type(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n")
    assert llmft.file_part(str(path))["file"]["file_data"].startswith("data:text/markdown;base64,")
    part = llmft.file_part(CSV, media_type="text/csv", filename="t.csv")
    assert part == {
        "type": "file",
        "file": {"file_data": f"data:text/csv;base64,{b64(CSV)}", "filename": "t.csv"},
    }
    assert llmft.file_part(PDF) == {
        "type": "file",
        "file": {"file_data": f"data:application/pdf;base64,{b64(PDF)}"},
    }


def test_files_by_url_and_by_id() -> None:
    assert llmft.file_part("https://x.test/a.pdf") == {
        "type": "file",
        "file": {"file_url": "https://x.test/a.pdf"},
    }
    assert llmft.file_part(file_id="file-abc", media_type="application/pdf", filename="a.pdf") == {
        "type": "file",
        "file": {"file_id": "file-abc", "format": "application/pdf", "filename": "a.pdf"},
    }
    accepted(llmft.file_part(file_id="file-abc"))


def test_images_and_audio_from_files(tmp_path: Path) -> None:
    image = tmp_path / "pixel.png"
    image.write_bytes(PNG)
    assert llmft.image_part(image, detail="low") == {
        "type": "image_url",
        "image_url": {"url": f"data:image/png;base64,{b64(PNG)}", "detail": "low"},
    }
    assert llmft.image_part("https://x.test/a.png") == {
        "type": "image_url",
        "image_url": {"url": "https://x.test/a.png"},
    }
    sound = tmp_path / "hello.dat"
    sound.write_bytes(wav())
    part = llmft.audio_part(sound)
    assert part == {"type": "input_audio", "input_audio": {"data": b64(wav()), "format": "wav"}}
    accepted(part)
    named = tmp_path / "voice.mp3"
    named.write_bytes(b"\x00" * 32)  # no frame sync at the start: the name says mp3
    assert llmft.audio_part(named)["input_audio"]["format"] == "mp3"
    assert llmft.audio_part(b"ID3\x04" + b"\x00" * 12)["input_audio"]["format"] == "mp3"
    assert llmft.audio_part(b"\x00\x01", format="flac")["input_audio"]["format"] == "flac"


def test_a_100_mb_file_is_refused_by_the_cap_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: no 100 MB written, none read
    started = time.monotonic()
    with pytest.raises(
        ConfigurationError, match=r"104857600 bytes, over the cap of 33554432 bytes"
    ) as caught:
        llmft.file_part(path)
    assert time.monotonic() - started < 1.0  # a safety bound: the size was checked, not the bytes
    assert caught.value.field == "path"
    assert "huge.pdf" in str(caught.value)
    with pytest.raises(ConfigurationError, match="over the cap of 10 bytes"):
        llmft.file_part(PDF, max_bytes=10)
    with pytest.raises(ConfigurationError, match="over the cap of 10 bytes"):
        llmft.image_part(path, max_bytes=10)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_that_reports_no_size_is_still_capped_while_read() -> None:
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ConfigurationError, match="over the cap of 16 bytes"):
        llmft.file_part("/proc/self/status", media_type="text/plain", max_bytes=16)


def test_missing_paths_directories_and_fifos_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist") as caught:
        llmft.file_part(tmp_path / "nope.pdf")
    assert caught.value.field == "path"
    with pytest.raises(ConfigurationError, match="is a directory"):
        llmft.audio_part(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ConfigurationError, match="not a regular file"):
        llmft.file_part(fifo)  # opened without blocking, refused by fstat
    with pytest.raises(ConfigurationError, match="not a valid path"):
        llmft.file_part("a\0b.pdf")
    with pytest.raises(ConfigurationError, match="cannot be opened"):
        llmft.file_part("x" * 300)  # a name too long for the file system


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(PDF)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything
        pytest.skip("running as root")
    with pytest.raises(ConfigurationError, match="permission denied"):
        llmft.file_part(locked)


def test_a_path_is_taken_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a1.pdf").write_bytes(PDF)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match="does not exist"):
        llmft.file_part("a?.pdf")  # no globbing
    with pytest.raises(ConfigurationError, match="does not exist"):
        llmft.file_part("~/a1.pdf")  # no home expansion
    assert llmft.file_part("a1.pdf")["file"]["filename"] == "a1.pdf"


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda: llmft.file_part(b"\x00\x01\x02"), "media_type", "pass media_type="),
        (
            lambda: llmft.file_part(b"abc", media_type="application/x-unknown"),
            "media_type",
            "application/x-unknown",
        ),
        (
            lambda: llmft.file_part("https://x.test/a", media_type="application/x-unknown"),
            "media_type",
            "unknown",
        ),
        (lambda: llmft.file_part(b"", media_type="text/plain"), "path_or_bytes", "empty"),
        (lambda: llmft.file_part(), "path", "needs a path"),
        (lambda: llmft.file_part(b"x", file_id="f"), "file_id", "not both"),
        (lambda: llmft.file_part(file_id=""), "file_id", "non-empty"),
        (lambda: llmft.file_part(PDF, filename=3), "filename", "string"),  # type: ignore[arg-type]
        (lambda: llmft.file_part(PDF, media_type=3), "media_type", "string"),  # type: ignore[arg-type]
        (lambda: llmft.file_part(3), "path_or_bytes", "path or bytes"),  # type: ignore[arg-type]
        (lambda: llmft.file_part(PDF, max_bytes=0), "max_bytes", "positive int"),
        (lambda: llmft.image_part(PDF), "media_type", "not an image"),
        (lambda: llmft.image_part(PNG, detail=2), "detail", "string"),  # type: ignore[arg-type]
        (lambda: llmft.audio_part(b"\x00\x01"), "format", "pass format="),
        (lambda: llmft.audio_part(b"\x00\x01", format="midi"), "format", "'midi'"),
        (lambda: llmft.audio_part("https://x.test/a.wav"), "path", "no audio URLs"),
    ],
)
def test_bad_input_is_a_configuration_error_naming_what_to_fix(call: Any, field: str, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        call()
    assert caught.value.field == field
    assert words in str(caught.value)
