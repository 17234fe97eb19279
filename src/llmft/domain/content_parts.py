"""Content parts (text, images, files, audio): each wire shape read into the canonical part, and written.

Read: Chat Completions `text` / `image_url` / `file` / `input_audio` parts, Responses `input_text` /
`input_image` / `input_file` parts and Anthropic `document` blocks. Checked here, before any request:
a data URL must say `;base64,` and its data must decode, a file's media type must be one providers
take (`known_file_type`), an audio format one of AUDIO_FORMATS, and inline data at most
MAX_INLINE_BYTES once decoded.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import AudioPart, ContentPart, FilePart, ImagePart, Role, TextPart

TEXT_PART_TYPES = frozenset({"text", "input_text", "output_text"})
# No provider takes more inline data in one part (OpenAI caps a request's files at 50 MB, Anthropic a
# request at 32 MB, Gemini inline data at 20 MB); past it the part is refused before it is decoded.
MAX_INLINE_BYTES = 50 * 2**20
# Media types of the files providers read, with the extension a nameless file is sent under. Any
# other `text/…` type is taken too (as text).
FILE_TYPES: Mapping[str, str] = {
    "application/pdf": "pdf", "text/plain": "txt", "text/markdown": "md", "text/csv": "csv",
    "text/tab-separated-values": "tsv", "text/html": "html", "text/xml": "xml", "application/xml": "xml",
    "application/json": "json", "application/rtf": "rtf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt", "image/png": "png", "image/jpeg": "jpg",
    "image/gif": "gif", "image/webp": "webp", "audio/wav": "wav", "audio/mpeg": "mp3",
    "audio/flac": "flac", "audio/ogg": "ogg", "audio/aac": "aac", "video/mp4": "mp4",
    "video/mpeg": "mpeg", "video/webm": "webm", "video/quicktime": "mov",
}  # fmt: skip
# Audio formats an `input_audio` part may name, with their media types.
AUDIO_FORMATS: Mapping[str, str] = {
    "wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg", "opus": "audio/opus",
    "aac": "audio/aac", "m4a": "audio/mp4", "webm": "audio/webm", "aiff": "audio/aiff", "pcm16": "audio/pcm",
}  # fmt: skip
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_DATA_URL = re.compile(r"data:([\w.+-]+/[\w.+-]+)((?:;[^;,]*)*?)(;base64)?,(.*)", re.DOTALL)
_MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")
_DOCUMENT_KEYS = frozenset({"type", "source", "title"})


class InvalidInput(Exception):
    """Internal: carries a validation failure out of nested readers (caught by `normalize_input`)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.failure = ConfigurationFailure(message, field)


def known_file_type(media_type: str) -> bool:
    """True for the media types a file part may have (FILE_TYPES, and any `text/…`)."""
    if media_type in FILE_TYPES:
        return True
    return media_type.startswith("text/") and _MEDIA_TYPE.fullmatch(media_type) is not None


def data_url(media_type: str, data: str) -> str:
    """`data:<media type>;base64,<data>`."""
    return f"data:{media_type};base64,{data}"


def checked_base64(data: str, field: str) -> str:
    """`data` when it is non-empty, standard base64 (padded, no line breaks) and not too large."""
    if not data:
        raise InvalidInput(f"{field} is empty", field)
    if len(data) // 4 * 3 > MAX_INLINE_BYTES:
        raise InvalidInput(
            f"{field} holds more than {MAX_INLINE_BYTES // 2**20} MB; upload the file and pass its file id "
            "or URL instead",
            field,
        )
    try:
        binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError):
        message = f"{field} is not valid base64 (standard alphabet, padded, no line breaks)"
        raise InvalidInput(message, field) from None
    return data


def split_data_url(url: str, field: str) -> tuple[str, str]:
    """(media type, base64 data) of a base64 data URL, checked; its parameters (`;charset=…`) dropped."""
    found = _DATA_URL.fullmatch(url)
    if found is None or found[3] is None:
        raise InvalidInput(f"{field} must be a base64 data URL ('data:<media type>;base64,<data>')", field)
    return found[1].lower(), checked_base64(found[4], field)


def _text(value: object, field: str) -> str:
    if isinstance(value, str):
        return value
    raise InvalidInput(f"{field} must be a string, got {type(value).__name__}", field)


def _optional(value: object, field: str) -> str | None:
    return None if value is None else _text(value, field)


def _file_type(value: object, field: str) -> str | None:
    if value is None:
        return None
    media_type = _text(value, field).lower()
    if not known_file_type(media_type):
        raise InvalidInput(
            f"{field}: unknown media type {media_type!r} for a file (PDF, text, office documents, images, "
            "audio or video)",
            field,
        )
    return media_type


def _image(url: object, detail: object, field: str) -> ImagePart:
    text = _text(url, field)
    if text.startswith("data:") and not split_data_url(text, field)[0].startswith("image/"):
        raise InvalidInput(f"{field} must be an image data URL ('data:image/<type>;base64,<data>')", field)
    return ImagePart(text, _optional(detail, f"{field}.detail"))


def _file(fields: Mapping[str, Any], field: str, media_type: str | None = None) -> FilePart:
    """A file from one of `file_data` (a base64 data URL), `file_url` and `file_id` (litellm's
    convention: an id that is a URL, such as `https://…` or `gs://…`, is a URL)."""
    data, url, file_id = fields.get("file_data"), fields.get("file_url"), fields.get("file_id")
    filename = _optional(fields.get("filename"), f"{field}.filename")
    if isinstance(file_id, str) and "://" in file_id and url is None:
        url, file_id = file_id, None
    given = [name for name, value in (("file_data", data), ("file_url", url), ("file_id", file_id)) if value]
    if len(given) != 1:
        raise InvalidInput(f"{field} must give exactly one of file_data, file_url or file_id", field)
    if data:
        where = f"{field}.file_data"
        media_type, payload = split_data_url(_text(data, where), where)
        return FilePart(_file_type(media_type, where), payload, filename=filename)
    if url:
        return FilePart(media_type, url=_text(url, f"{field}.file_url"), filename=filename)
    return FilePart(media_type, file_id=_text(file_id, f"{field}.file_id"), filename=filename)


def _audio(raw: object, field: str) -> AudioPart:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{field} must be an object with 'data' and 'format'", field)
    audio_format = _text(raw.get("format"), f"{field}.format")
    if audio_format not in AUDIO_FORMATS:
        raise InvalidInput(
            f"{field}.format {audio_format!r} is not an audio format (one of {sorted(AUDIO_FORMATS)})",
            f"{field}.format",
        )
    data = _text(raw.get("data"), f"{field}.data")
    if data.startswith("data:"):
        raise InvalidInput(f"{field}.data must be bare base64, not a data URL", f"{field}.data")
    return AudioPart(checked_base64(data, f"{field}.data"), audio_format)


def _document(raw: Mapping[str, Any], field: str) -> FilePart:
    """An Anthropic `document` block (base64, url, file or plain-text source); its title is the name."""
    extra = sorted(set(raw) - _DOCUMENT_KEYS)
    if extra:
        raise InvalidInput(f"{field}: document fields {extra} are not taken (only source and title)", field)
    title = _optional(raw.get("title"), f"{field}.title")
    source = raw.get("source")
    where = f"{field}.source"
    if not isinstance(source, Mapping):
        raise InvalidInput(f"{where} must be an object with a 'type'", where)
    kind = source.get("type")
    if kind == "base64":
        data = checked_base64(_text(source.get("data"), f"{where}.data"), f"{where}.data")
        media_type = _text(source.get("media_type"), f"{where}.media_type")
        return FilePart(_file_type(media_type, f"{where}.media_type"), data, filename=title)
    if kind == "text":
        text = _text(source.get("data"), f"{where}.data")
        return FilePart("text/plain", base64.b64encode(text.encode()).decode(), filename=title)
    if kind == "url":
        return FilePart(url=_text(source.get("url"), f"{where}.url"), filename=title)
    if kind == "file":
        return FilePart(file_id=_text(source.get("file_id"), f"{where}.file_id"), filename=title)
    raise InvalidInput(f"{where}.type {kind!r} is not one of base64, text, url, file", f"{where}.type")


def read_part(raw: object, field: str) -> ContentPart:
    """One content part in any accepted wire shape, as the canonical part (InvalidInput if wrong)."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{field} must be an object with a 'type'", field)
    kind = raw.get("type")
    if kind in TEXT_PART_TYPES:
        return TextPart(_text(raw.get("text"), f"{field}.text"))
    if kind == "refusal":
        return TextPart(_text(raw.get("refusal"), f"{field}.refusal"))
    if kind == "image_url":
        image = raw.get("image_url")
        if isinstance(image, Mapping):
            return _image(image.get("url"), image.get("detail"), f"{field}.image_url.url")
        return _image(image, raw.get("detail"), f"{field}.image_url")
    if kind == "input_image":
        return _image(raw.get("image_url"), raw.get("detail"), f"{field}.image_url")
    if kind == "file":
        inner = raw.get("file")
        if not isinstance(inner, Mapping):
            where = f"{field}.file"
            raise InvalidInput(f"{where} must be an object (file_data, file_url or file_id)", where)
        return _file(inner, f"{field}.file", _file_type(inner.get("format"), f"{field}.file.format"))
    if kind == "input_file":
        return _file(raw, field)
    if kind == "input_audio":
        return _audio(raw.get("input_audio"), f"{field}.input_audio")
    if kind == "document":
        return _document(raw, field)
    raise InvalidInput(f"{field} has unsupported content part type {kind!r}", f"{field}.type")


def default_filename(part: FilePart) -> str:
    """The name a nameless file is sent under (OpenAI wants one with inline data): `file.<ext>`."""
    media_type = part.media_type or ""
    extension = FILE_TYPES.get(media_type) or ("txt" if media_type.startswith("text/") else "bin")
    return f"file.{extension}"


def chat_part(part: ContentPart, *, wire: bool = False) -> dict[str, Any]:
    """A part in Chat Completions form. `wire`: as litellm takes it (a nameless inline file named, a URL
    in `file_id`); else the public form, which reads back as the same part."""
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    if isinstance(part, ImagePart):
        image: dict[str, Any] = {"url": part.url}
        if part.detail is not None:
            image["detail"] = part.detail
        return {"type": "image_url", "image_url": image}
    if isinstance(part, AudioPart):
        return {"type": "input_audio", "input_audio": {"data": part.data, "format": part.format}}
    file: dict[str, Any] = {}
    if part.data is not None:
        file["file_data"] = data_url(part.media_type or "application/octet-stream", part.data)
    elif part.url is not None:
        file["file_id" if wire else "file_url"] = part.url
    else:
        file["file_id"] = part.file_id
    # litellm reads a media type as `format`; with a URL it would make Anthropic take the URL as an id.
    if part.data is None and part.media_type is not None and not (wire and part.url is not None):
        file["format"] = part.media_type
    if part.filename is not None or (wire and part.data is not None):
        file["filename"] = part.filename or default_filename(part)
    return {"type": "file", "file": file}


def responses_part(part: ContentPart, role: Role) -> dict[str, Any]:
    """A part in Responses form (audio as `input_audio`, which the API refuses: llmft refuses it first)."""
    if isinstance(part, TextPart):
        return {"type": "output_text" if role == "assistant" else "input_text", "text": part.text}
    if isinstance(part, ImagePart):
        out: dict[str, Any] = {"type": "input_image", "image_url": part.url}
        if part.detail is not None:
            out["detail"] = part.detail
        return out
    if isinstance(part, AudioPart):
        return {"type": "input_audio", "input_audio": {"data": part.data, "format": part.format}}
    if part.data is not None:
        data = data_url(part.media_type or "application/octet-stream", part.data)
        return {"type": "input_file", "file_data": data, "filename": part.filename or default_filename(part)}
    out = {"type": "input_file"}
    if part.url is not None:
        out["file_url"] = part.url
    else:
        out["file_id"] = part.file_id
    if part.filename is not None:
        out["filename"] = part.filename
    return out


def describe(part: ContentPart) -> str:
    """How an error names a part: `a file part (application/pdf, 'report.pdf')`, `an audio part (wav)`."""
    if isinstance(part, AudioPart):
        return f"an audio part ({part.format})"
    if isinstance(part, ImagePart):
        return "an image part"
    if isinstance(part, TextPart):
        return "a text part"
    given = "data" if part.data is not None else "URL" if part.url is not None else "file id"
    details = [part.media_type or "unknown media type", f"by {given}"]
    if part.filename is not None:
        details.append(repr(part.filename))
    return f"a file part ({', '.join(details)})"
