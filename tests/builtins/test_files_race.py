"""read_local_file under attack: a directory swapped for a symlink to outside while it is read."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

from returns.pipeline import is_successful

from llmft.adapters.local_files import LocalFiles

MARKER = "OUTSIDE-THE-ROOT-7f3a"
RACE_SECONDS = 3.0


def test_swapping_a_directory_for_a_symlink_never_reads_outside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    sub = root / "sub"
    sub.mkdir(parents=True)
    (sub / "secret.txt").write_text("harmless")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(MARKER)
    parked = tmp_path / "parked"
    link = tmp_path / "link"
    link.symlink_to(outside)
    stop = threading.Event()

    def swap() -> None:  # sub: real directory -> missing -> symlink to outside -> missing -> real ...
        while not stop.is_set():
            os.rename(sub, parked)
            os.rename(link, sub)
            os.rename(sub, link)
            os.rename(parked, sub)

    files = LocalFiles(root)
    outcomes: Counter[str] = Counter()
    swapper = threading.Thread(target=swap, daemon=True)
    swapper.start()
    try:
        deadline = time.monotonic() + RACE_SECONDS
        while time.monotonic() < deadline:
            try:
                result = files.read_text("sub/secret.txt")
            except OSError:  # the contract is a Result; a raise (with the absolute path in it) fails too
                outcomes["raised"] += 1
                continue
            if not is_successful(result):
                outcomes["refused"] += 1
            elif MARKER in result.unwrap():
                outcomes["escaped"] += 1
            else:
                outcomes["read"] += 1
    finally:
        stop.set()
        swapper.join()
    assert outcomes["escaped"] == 0, outcomes
    assert outcomes["raised"] == 0, outcomes
    assert outcomes["read"] > 0, outcomes  # both outcomes seen: the reads really raced the swaps
    assert outcomes["refused"] > 0, outcomes
