"""FileReader confined to a root directory: text files only, size-capped, no hidden files by default.

Containment is checked on real paths (symlinks resolved) with `os.path.commonpath`, not `startswith`
(a sibling `root_evil/` passes that). The file is opened with O_NONBLOCK | O_NOFOLLOW (a FIFO would
otherwise block forever, a swapped-in symlink is refused), must be a regular file by `fstat`, and is
read with a byte cap while reading (`/proc` files report size 0 but are not empty).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from returns.result import Failure, Result, Success

from llmft.domain.ports import FileReader

SYSTEM_TREES = ("/proc", "/sys", "/dev", "/run")
MAX_PATH_LENGTH = 4096


class LocalFiles:
    """Reads UTF-8 text files under `root`."""

    def __init__(self, root: str | Path, *, allow_hidden: bool = False, max_bytes: int = 1_048_576) -> None:
        real = os.path.realpath(root)
        if not os.path.isdir(real):
            raise ValueError(f"file_root {str(root)!r} is not a directory")
        if max_bytes < 1:
            raise ValueError("max_file_bytes must be at least 1")
        self.root = real
        self.allow_hidden = allow_hidden
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"LocalFiles(root={self.root!r}, allow_hidden={self.allow_hidden}, max_bytes={self.max_bytes})"

    def _resolve(self, path: str) -> str:
        if not isinstance(path, str) or not path.strip():
            raise _Refused("the path must be a non-empty string")
        if "\x00" in path or len(path) > MAX_PATH_LENGTH:
            raise _Refused("the path holds a NUL byte or is too long")
        candidate = os.path.join(self.root, path)  # an absolute `path` replaces the root here
        real = os.path.realpath(candidate)
        if os.path.commonpath([self.root, real]) != self.root:
            raise _Refused("the path is outside the readable directory")
        relative = os.path.relpath(real, self.root)
        if relative == ".":
            raise _Refused("the path is a directory, not a file")
        if not self.allow_hidden:
            named = [p for p in Path(path).parts if p not in ("/", "..", ".")]
            if any(part.startswith(".") for part in [*Path(relative).parts, *named]):
                raise _Refused("hidden files and directories (names starting with '.') are not readable")
        if any(real == tree or real.startswith(tree + os.sep) for tree in SYSTEM_TREES):
            raise _Refused("system files are not readable")
        return real

    def read_text(self, path: str) -> Result[str, str]:
        """The file's text, or a short reason it was refused (never the file's content)."""
        try:
            real = self._resolve(path)
        except _Refused as refused:
            return Failure(str(refused))
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return Failure("no such file")
        except OSError as error:
            return Failure(f"the file cannot be opened ({error.strerror or type(error).__name__})")
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Failure("not a regular file")
            if info.st_size > self.max_bytes:
                return Failure(f"the file is larger than {self.max_bytes} bytes")
            chunks: list[bytes] = []
            remaining = self.max_bytes + 1
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 65536))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
        except OSError as error:
            return Failure(f"the file cannot be read ({error.strerror or type(error).__name__})")
        finally:
            os.close(fd)
        data = b"".join(chunks)
        if len(data) > self.max_bytes:
            return Failure(f"the file is larger than {self.max_bytes} bytes")
        if b"\x00" in data:
            return Failure("the file is binary, not text")
        try:
            return Success(data.decode("utf-8"))
        except UnicodeDecodeError:
            return Failure("the file is not UTF-8 text")


class _Refused(Exception):
    pass


_: type[FileReader] = LocalFiles
