"""FileReader confined to a root directory: text files only, size-capped, no hidden files by default.

Checking a path and then opening it is a race: whoever can write inside the root can swap a directory
for a symlink between the check and the open (`O_NOFOLLOW` guards only the last component). So no
check looks at the caller's path on disk. The root is resolved with `realpath` once, at construction;
each read opens it with `O_DIRECTORY | O_NOFOLLOW` and walks the path one component at a time with
`openat` (`dir_fd`), each directory opened with `O_NOFOLLOW | O_DIRECTORY`, the file with
`O_NOFOLLOW | O_NONBLOCK` (a FIFO never blocks). Symlinks are therefore never followed, anywhere in
the path, and the kernel decides what each component is at the moment it is opened.

Refused before touching the disk: `..` (a model never needs it), names starting with `.` unless
`allow_hidden`, NUL bytes, overlong paths, and absolute paths that do not start with the root (an
absolute path inside it is read relative to it). After opening: anything not a regular file by
`fstat`, a file with more than one hard link unless `allow_hard_links` (a hard link can bring a file
from outside the root inside it), more than `max_bytes` (counted while reading: `/proc`-like files
report size 0), NUL bytes (binary) and non-UTF-8 text. Refusal reasons name no absolute path.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from returns.result import Failure, Result, Success

from llmft.domain.ports import FileReader

SYSTEM_TREES = ("/proc", "/sys", "/dev", "/run")
MAX_PATH_LENGTH = 4096
_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NOCTTY: opening a terminal device inside the root must not make it our controlling terminal.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 65536


class LocalFiles:
    """Reads UTF-8 text files under `root`; symlinks are never followed."""

    def __init__(
        self,
        root: str | Path,
        *,
        allow_hidden: bool = False,
        max_bytes: int = 1_048_576,
        allow_hard_links: bool = False,
    ) -> None:
        if os.open not in os.supports_dir_fd:
            raise ValueError("read_local_file needs a system where os.open supports dir_fd (POSIX)")
        real = os.path.realpath(root)
        if not os.path.isdir(real):
            raise ValueError(f"file_root {str(root)!r} is not a directory")
        if real == os.sep or any(real == tree or real.startswith(tree + os.sep) for tree in SYSTEM_TREES):
            raise ValueError(
                f"file_root {str(root)!r} is the file system root or a system tree; pass a document folder"
            )
        if max_bytes < 1:
            raise ValueError("max_file_bytes must be at least 1")
        self.root = real
        self.allow_hidden = allow_hidden
        self.max_bytes = max_bytes
        self.allow_hard_links = allow_hard_links
        # Absolute paths may name the root as resolved or as given (when both are the same directory).
        given = os.path.abspath(root)
        prefixes = {real} | ({given} if os.path.realpath(given) == real else set())
        self._root_prefixes = tuple(_components(prefix) for prefix in prefixes)

    def __repr__(self) -> str:
        return (
            f"LocalFiles(root={self.root!r}, allow_hidden={self.allow_hidden}, max_bytes={self.max_bytes},"
            f" allow_hard_links={self.allow_hard_links})"
        )

    def read_text(self, path: str) -> Result[str, str]:
        """The file's text, or a short reason it was refused (never the file's content)."""
        try:
            data = self._read_bytes(self._components_under_root(path))
        except _Refused as refused:
            return Failure(str(refused))
        if b"\x00" in data:
            return Failure("the file is binary, not text")
        try:
            return Success(data.decode("utf-8"))
        except UnicodeDecodeError:
            return Failure("the file is not UTF-8 text")

    def _components_under_root(self, path: str) -> list[str]:
        """The path's names relative to the root, checked lexically; nothing on disk is looked at."""
        if not isinstance(path, str) or not path.strip():
            raise _Refused("the path must be a non-empty string")
        if "\x00" in path or len(path) > MAX_PATH_LENGTH:
            raise _Refused("the path holds a NUL byte or is too long")
        parts = _components(path)
        if ".." in parts:
            raise _Refused("'..' is not allowed in the path")
        if path.startswith("/"):
            prefix = next((p for p in self._root_prefixes if parts[: len(p)] == p), None)
            if prefix is None:
                raise _Refused("an absolute path must lie inside the readable directory")
            parts = parts[len(prefix) :]
        if not parts:
            raise _Refused("the path is a directory, not a file")
        if not self.allow_hidden and any(part.startswith(".") for part in parts):
            raise _Refused("hidden files and directories (names starting with '.') are not readable")
        return parts

    def _read_bytes(self, parts: list[str]) -> bytes:
        """Opens the root, walks `parts` without following symlinks and reads at most max_bytes + 1."""
        try:
            directory = os.open(self.root, _DIRECTORY_FLAGS)
        except OSError as error:
            raise _Refused(f"the readable directory cannot be opened ({_reason(error)})") from None
        try:
            for part in parts[:-1]:
                try:
                    inner = os.open(part, _DIRECTORY_FLAGS, dir_fd=directory)
                except OSError as error:
                    raise _Refused(_open_refusal(error, directory_expected=True)) from None
                outer, directory = directory, inner
                os.close(outer)
            try:
                fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=directory)
            except OSError as error:
                raise _Refused(_open_refusal(error, directory_expected=False)) from None
        finally:
            os.close(directory)
        try:
            return self._read_open_file(fd)
        finally:
            os.close(fd)

    def _read_open_file(self, fd: int) -> bytes:
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise _Refused("the path is a directory, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise _Refused("not a regular file")
            if info.st_nlink > 1 and not self.allow_hard_links:
                raise _Refused("the file has more than one hard link; such files are not readable")
            chunks: list[bytes] = []
            remaining = self.max_bytes + 1  # counted while reading: st_size can be 0 or change
            while remaining > 0:
                chunk = os.read(fd, min(remaining, _CHUNK))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
        except OSError as error:
            raise _Refused(f"the file cannot be read ({_reason(error)})") from None
        if remaining <= 0:
            raise _Refused(f"the file is larger than {self.max_bytes} bytes")
        return b"".join(chunks)


def _components(path: str) -> list[str]:
    """Names in `path`, with empty and `.` names dropped (lexical only)."""
    return [part for part in path.split("/") if part not in ("", ".")]


def _open_refusal(error: OSError, *, directory_expected: bool) -> str:
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno == errno.ENOTDIR and directory_expected:
        # O_DIRECTORY | O_NOFOLLOW on a symlink also fails with ENOTDIR.
        return "a directory in the path is not a directory (symlinks are never followed)"
    if error.errno in (errno.ELOOP, errno.EMLINK):
        return "the path is a symlink (symlinks are never followed)"
    return f"the file cannot be opened ({_reason(error)})"


def _reason(error: OSError) -> str:
    # strerror only: the exception's str() and filename would carry the absolute root.
    return error.strerror or type(error).__name__


class _Refused(Exception):
    pass


_: type[FileReader] = LocalFiles
