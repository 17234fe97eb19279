"""`Secret`: an API key held so that no repr, str, traceback local, log record or pickle shows it.

Keys are wrapped at the public edge (the client's constructor does it before anything else) and
revealed only where an SDK is handed one, inline, so no frame keeps the plain text in a local.
"""

from __future__ import annotations

import hmac
from typing import Any, NoReturn, final

MASKED = "Secret('***')"


@final
class Secret:
    """A key; `reveal()` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The plain key: pass it straight to the SDK that needs it, never keep it in a variable."""
        return self._value

    def __repr__(self) -> str:
        return MASKED

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return MASKED

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, len(self._value)))

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled: the key would be written out in clear")


def wrap_secret(value: str | Secret | None) -> Secret | None:
    """`value` as a Secret when it is a string, else unchanged: the first thing done with a key, before
    anything that could raise (and so show the plain text in a traceback's locals). Anything that is
    not a string is left for validation to refuse."""
    return Secret(value) if isinstance(value, str) else value


def reveal(secret: Secret | None) -> str | None:
    """The plain key, or None."""
    return secret.reveal() if secret is not None else None
