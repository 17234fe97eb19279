"""Reading a local file for a content part: exactly the path given, a regular file, at most `max_bytes`.

The path is opened as given (no `~` expansion, no globbing) with `O_NONBLOCK`, so a FIFO never blocks,
and checked with `fstat` on the open file: anything but a regular file is refused, and so is a file
whose size is over the cap, before a byte is read. Reading stops one byte past the cap, so a file that
grows while it is read (or reports no size) is refused too, without being read whole.
"""

from __future__ import annotations

import mimetypes
import os
import stat

from returns.result import Failure, Result, Success

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20


def _refusal(name: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{name!r} does not exist"
    if isinstance(error, PermissionError):
        return f"{name!r} cannot be read (permission denied)"
    return f"{name!r} cannot be opened ({error.strerror or type(error).__name__})"


def read_part_file(path: str | os.PathLike[str], max_bytes: int) -> Result[tuple[bytes, str | None], str]:
    """The file's bytes and the media type its name suggests (None when unknown), or why it was refused."""
    name = os.fspath(path)
    try:
        fd = os.open(name, _FLAGS)
    except OSError as error:
        return Failure(_refusal(name, error))
    except ValueError:  # a NUL byte in the path
        return Failure(f"{name!r} is not a valid path")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return Failure(f"{name!r} is {kind}; a content part is read from a regular file")
        if info.st_size > max_bytes:
            return Failure(f"{name!r} is {info.st_size} bytes, over the cap of {max_bytes} bytes (max_bytes)")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                return Failure(f"{name!r} is over the cap of {max_bytes} bytes (max_bytes)")
    except OSError as error:
        return Failure(_refusal(name, error))
    finally:
        os.close(fd)
    return Success((b"".join(chunks), mimetypes.guess_type(name, strict=False)[0]))
