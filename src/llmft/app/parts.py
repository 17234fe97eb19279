"""`llmft.image_part`, `llmft.file_part`, `llmft.audio_part`: content parts from a path, bytes or a URL.

Each returns a plain dict in the Chat Completions part shape, to put in a user message's `content`
list next to text parts. A path is read at once, and only that path (no `~`, no globbing; a regular
file, at most `max_bytes`, 32 MB by default). The media type comes from `media_type=` when given, else
from the file's first bytes, else from its name. Everything is checked here: a bad part is a
`ConfigurationError` before any request.
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any

from llmft.app.errors import ConfigurationError
from llmft.domain.content_parts import AUDIO_FORMATS, chat_part, data_url, known_file_type
from llmft.domain.media_types import AUDIO_FORMAT_OF, by_extension, sniff
from llmft.domain.messages import AudioPart, FilePart

DEFAULT_MAX_BYTES = 32 * 2**20
Source = str | os.PathLike[str] | bytes
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def _is_url(source: object) -> bool:
    return isinstance(source, str) and _URL.fullmatch(source) is not None


def _read(source: Source, max_bytes: object, what: str) -> tuple[bytes, str | None, str | None]:
    """(bytes, media type by name, file name) of a path or of bytes, within the cap."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ConfigurationError(f"max_bytes must be a positive int, got {max_bytes!r}", "max_bytes")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise ConfigurationError(
                f"the {what} is {len(data)} bytes, over the cap of {max_bytes} bytes (max_bytes)", "max_bytes"
            )
        return data, None, None
    if not isinstance(source, str | os.PathLike):
        raise ConfigurationError(
            f"a {what} is made from a path or bytes, got {type(source).__name__}", "path_or_bytes"
        )
    from llmft.app.bootstrap import part_file

    data, guessed = part_file(source, max_bytes)
    name = os.path.basename(os.fspath(source))
    return data, by_extension(name) or guessed, name


def _media_type(data: bytes, given: str | None, by_name: str | None) -> str | None:
    if given is not None:
        if not isinstance(given, str):
            raise ConfigurationError(f"media_type must be a string, got {type(given).__name__}", "media_type")
        return given.strip().lower()
    return sniff(data[:16]) or by_name


def _encoded(data: bytes, what: str) -> str:
    if not data:
        raise ConfigurationError(f"the {what} is empty", "path_or_bytes")
    return base64.b64encode(data).decode("ascii")


def image_part(
    path_or_bytes: Source,
    media_type: str | None = None,
    detail: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """An image part (`{"type": "image_url", ...}`) from a path, bytes, or an http(s) URL sent as is."""
    if detail is not None and not isinstance(detail, str):
        raise ConfigurationError(f"detail must be a string, got {type(detail).__name__}", "detail")
    image: dict[str, Any]
    if _is_url(path_or_bytes):
        image = {"url": path_or_bytes}
    else:
        data, by_name, _ = _read(path_or_bytes, max_bytes, "image")
        kind = _media_type(data, media_type, by_name)
        if kind is None or not kind.startswith("image/"):
            raise ConfigurationError(
                f"the image's media type is {kind or 'unknown'}, not an image/… type; pass media_type=",
                "media_type",
            )
        image = {"url": data_url(kind, _encoded(data, "image"))}
    if detail is not None:
        image["detail"] = detail
    return {"type": "image_url", "image_url": image}


def file_part(
    path_or_bytes_or_url: Source | None = None,
    media_type: str | None = None,
    filename: str | None = None,
    *,
    file_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """A file part (`{"type": "file", ...}`): a PDF or another document from a path, bytes, a URL, or
    a provider's `file_id`. A path's name is the filename unless `filename=` says otherwise."""
    if filename is not None and not isinstance(filename, str):
        raise ConfigurationError(f"filename must be a string, got {type(filename).__name__}", "filename")
    source = path_or_bytes_or_url
    kind = _media_type(b"", media_type, None)
    if kind is not None and not known_file_type(kind):
        raise ConfigurationError(f"unknown media type {kind!r} for a file", "media_type")
    if file_id is not None:
        if source is not None:
            raise ConfigurationError(
                "file_part takes a path, bytes or a URL, or file_id=; not both", "file_id"
            )
        if not isinstance(file_id, str) or not file_id:
            raise ConfigurationError("file_id must be a non-empty string", "file_id")
        return chat_part(FilePart(kind, file_id=file_id, filename=filename))
    if source is None:
        raise ConfigurationError("file_part needs a path, bytes or a URL (or file_id=)", "path")
    if isinstance(source, str) and _is_url(source):
        return chat_part(FilePart(kind, url=source, filename=filename))
    data, by_name, name = _read(source, max_bytes, "file")
    kind = _media_type(data, media_type, by_name)
    if kind is None or not known_file_type(kind):
        raise ConfigurationError(
            f"unknown media type {kind or '(none found)'} for a file; pass media_type= (PDF, text, office "
            "documents, images, audio or video)",
            "media_type",
        )
    return chat_part(FilePart(kind, _encoded(data, "file"), filename=filename or name))


def audio_part(
    path_or_bytes: Source, format: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, Any]:
    """An audio part (`{"type": "input_audio", ...}`) from a path or bytes; `format` ("wav", "mp3", …)
    from the file's first bytes or its name when not given."""
    if _is_url(path_or_bytes):
        raise ConfigurationError("audio parts take a path or bytes (providers take no audio URLs)", "path")
    data, by_name, _ = _read(path_or_bytes, max_bytes, "audio")
    chosen = format
    if chosen is None:
        kind = sniff(data[:16]) or by_name
        chosen = AUDIO_FORMAT_OF.get(kind or "")
    if not isinstance(chosen, str) or chosen not in AUDIO_FORMATS:
        found = f"{chosen!r}" if chosen is not None else "not found"
        raise ConfigurationError(
            f"the audio format is {found}; pass format= (one of {sorted(AUDIO_FORMATS)})", "format"
        )
    return chat_part(AudioPart(_encoded(data, "audio"), chosen))
