"""Secrets: provider keys from the environment, then from a `.env` file that is read, never loaded.

`.env` is found from the working directory and read with `dotenv_values`; nothing is copied into
`os.environ` (a stray `.env` could otherwise set `OPENAI_BASE_URL` and redirect every key).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values, find_dotenv

from llmft.domain.ports import Secrets
from llmft.domain.routing import key_variable
from llmft.domain.secret import Secret


class DotenvSecrets:
    """Environment variable first, then the `.env` file (read lazily, once)."""

    def __init__(
        self, *, environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = None
    ) -> None:
        self._environ = environ if environ is not None else os.environ
        self._path = dotenv_path
        self._file: dict[str, str | None] | None = None

    def __repr__(self) -> str:
        return "DotenvSecrets()"

    def _dotenv(self) -> Mapping[str, str | None]:
        if self._file is None:
            path = str(self._path) if self._path is not None else find_dotenv(usecwd=True)
            self._file = dict(dotenv_values(path)) if path and Path(path).is_file() else {}
        return self._file

    def api_key(self, provider: str) -> Secret | None:
        """The key for `provider`, or None when neither source has it."""
        variable = key_variable(provider)
        if variable is None:
            return None
        for source in (self._environ, self._dotenv()):
            if source.get(variable):  # no local holds the plain key
                return Secret(str(source[variable]))
        return None


_: type[Secrets] = DotenvSecrets
