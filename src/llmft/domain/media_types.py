"""What a file is: its media type from its first bytes, or from its name's extension."""

from __future__ import annotations

from collections.abc import Mapping

from llmft.domain.content_parts import AUDIO_FORMATS, FILE_TYPES

# Extensions beyond FILE_TYPES' own (whose extensions map back to their media types).
EXTENSIONS: Mapping[str, str] = {
    **{extension: media_type for media_type, extension in FILE_TYPES.items()},
    "jpeg": "image/jpeg", "htm": "text/html", "markdown": "text/markdown", "text": "text/plain",
    "log": "text/plain", "py": "text/x-python", "yaml": "text/yaml", "yml": "text/yaml",
    "opus": "audio/opus", "m4a": "audio/mp4", "aif": "audio/aiff", "aiff": "audio/aiff",
}  # fmt: skip
AUDIO_FORMAT_OF: Mapping[str, str] = {
    **{media_type: audio_format for audio_format, media_type in AUDIO_FORMATS.items()},
    "audio/x-wav": "wav", "audio/wave": "wav", "audio/mp3": "mp3", "audio/x-flac": "flac",
    "audio/x-aiff": "aiff", "audio/x-m4a": "m4a",
}  # fmt: skip


def sniff(head: bytes) -> str | None:
    """The media type the first bytes of a file show (PDF, PNG, JPEG, GIF, WebP, WAV, MP3, FLAC, OGG)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio layer III frame sync
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    return None


def by_extension(name: str) -> str | None:
    """The media type a file name's extension says, from llmft's own table (None when not in it)."""
    stem, dot, extension = name.rpartition(".")
    return EXTENSIONS.get(extension.lower()) if dot and stem else None
