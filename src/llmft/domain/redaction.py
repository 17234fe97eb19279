"""Removing secrets from text before it reaches a message, a repr or a log line."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Key-shaped tokens, also when the key was never given to us (a server echoing a header back).
_KEY_SHAPES = re.compile(
    r"(?i)(?:\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{8,}|\bBearer\s+[A-Za-z0-9_\-\.=]{8,}|\bAIza[0-9A-Za-z_\-]{20,}"
    r"|\b(?:x-api-key|api[_-]?key)\b[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9_\-\.]{8,})"
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every given secret and every key-shaped token replaced by `***`."""
    for secret in secrets:
        if secret and len(secret.strip()) >= 4:
            text = text.replace(secret, MASK)
            stripped = secret.strip()
            if stripped != secret:
                text = text.replace(stripped, MASK)
    return _KEY_SHAPES.sub(MASK, text)


def api_key_problem(value: object) -> str | None:
    """Why a key cannot be used (never quoting it), or None when it can."""
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "is empty or only whitespace"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "holds a newline or another control character"
    return None


def endpoint_of(url: str) -> str:
    """A URL as host and path only: no scheme credentials, no query string (where keys can hide)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = scheme
    host_and_path = rest.split("?", 1)[0].split("#", 1)[0]
    host, slash, path = host_and_path.partition("/")
    host = host.rsplit("@", 1)[-1]
    return f"{host}{slash}{path}"
