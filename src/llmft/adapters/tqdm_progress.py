"""ProgressDisplay over tqdm: a progress bar on stderr, and the batch's summary line when it ends."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from llmft.domain.ports import ProgressDisplay


class TqdmProgress:
    """A tqdm bar of `total` items (None: unknown), drawn on `file` (stderr when not given)."""

    def __init__(self, total: int | None, description: str, file: TextIO | None = None) -> None:
        self._file = file if file is not None else sys.stderr  # looked up now, so a redirected stderr counts
        self._done = 0
        self._bar = tqdm(total=total, desc=description, unit="item", file=self._file, dynamic_ncols=True)

    def update(self, done: int, failed: int) -> None:
        """Move the bar to `done` items, showing how many failed."""
        if done > self._done:
            self._bar.update(done - self._done)
            self._done = done
        if failed:
            self._bar.set_postfix(failed=failed, refresh=False)

    def close(self, summary: str) -> None:
        """Stop the bar and print the summary under it."""
        self._bar.close()
        self._file.write(f"{summary}\n")
        self._file.flush()


_: type[ProgressDisplay] = TqdmProgress
