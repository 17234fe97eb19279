"""MCP fixtures: where the test servers are, and a check that no test leaves a server process behind."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmft import MCPServerStdio

SERVERS = Path(__file__).parent / "servers"
ROOT = Path(__file__).parents[2]


def echo_server() -> MCPServerStdio:
    """The mcp-package server with echo, add, picture, refuse, big, slow, count and pid."""
    return MCPServerStdio(sys.executable, [str(SERVERS / "echo_server.py")])


def raw_server(mode: str) -> MCPServerStdio:
    """The standard-library server (starts in milliseconds) in one of its modes."""
    return MCPServerStdio(sys.executable, [str(SERVERS / "raw_server.py"), mode])


def live_children() -> set[int]:
    """This process's children that have not exited (zombies are dead: they hold no resources)."""
    mine = str(os.getpid())
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if ppid == mine and state != "Z":
            found.add(int(entry))
    return found


@pytest.fixture
def no_leaked_process() -> Iterator[None]:
    """Fails the test if it leaves a child process running (a moment is allowed for reaping)."""
    before = live_children()
    yield
    deadline = time.monotonic() + 1.0
    while (left := live_children() - before) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not left, f"the test left child processes running: {sorted(left)}"
