"""The first version's rows: llm-factory-toolkit 2.1.0 driven in its own venv, slice by slice.

2.1.0 pins an older openai than llmft, so it cannot share llmft's venv: `make bench` makes `.venv-v1`
once, and first_version_child.py runs there, measuring its own CPU per call. Without that venv (no
network when it was to be made) or when the child cannot start, the rows are "not measured", with why.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv-v1" / "bin" / "python"
VENV_READY = ROOT / ".venv-v1" / ".installed"
CHILD = Path(__file__).resolve().with_name("first_version_child.py")
VERSION = "2.1.0"
START_TIMEOUT = 120.0  # seconds: start-up, the SDK imports and one call of each row


@dataclass
class Slice:
    """One slice of one row: the CPU seconds it took, and each call's latency and return value."""

    cpu_s: float
    latencies: list[float]
    returns: list[Any]


class RemoteRow:
    """A row measured in another process: `run(n)` makes n calls there and reports that process's CPU."""

    def __init__(self, child: FirstVersion, row: str) -> None:
        self._child = child
        self._row = row

    async def run(self, n: int) -> Slice:
        """n calls, timed by the child."""
        return await self._child.ask(self._row, n)


class FirstVersion:
    """The child process running the first version; one per benchmark run."""

    def __init__(self, proc: asyncio.subprocess.Process, log: IO[bytes], versions: dict[str, str]) -> None:
        self._proc = proc
        self._log = log
        self.versions = versions

    @classmethod
    async def start(cls, base: str, key: str) -> FirstVersion | str:
        """The running child, or why the first version is not measured."""
        if not VENV_READY.exists():
            return (
                f"no .venv-v1: `make bench` could not install llm-factory-toolkit=={VERSION} "
                "(it needs the package index)"
            )
        # The child's stderr, read only to say why it failed; closed with the child.
        log = tempfile.TemporaryFile()  # noqa: SIM115
        proc = await asyncio.create_subprocess_exec(
            str(VENV_PYTHON),
            str(CHILD),
            base,
            key,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
        )
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT)
            versions = json.loads(line)["ready"] if line else None
        except (TimeoutError, ValueError, KeyError):
            versions = None
        if versions is None:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
            log.seek(0)
            last = log.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            log.close()
            return f"the first version's child process did not start: {last[0][:200]}"
        return cls(proc, log, versions)

    def row(self, row: str) -> RemoteRow:
        """One of the child's rows: "<call|tool loop|stream> <openai|anthropic>"."""
        return RemoteRow(self, row)

    async def ask(self, row: str, n: int) -> Slice:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.write((json.dumps({"row": row, "n": n}) + "\n").encode())
        await self._proc.stdin.drain()
        line = await self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the first version's child process stopped during {row!r}")
        answer = json.loads(line)
        return Slice(answer["cpu_s"], answer["latencies"], answer["returns"])

    async def close(self) -> None:
        """End the child (closing its stdin ends its loop)."""
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 10)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
        self._log.close()
