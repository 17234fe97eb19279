"""The README's quick start and the examples run as written; every example honours LLMFT_MODEL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_readme_quick_start_runs_as_written() -> None:
    text = (ROOT / "README.md").read_text()
    quick_start, *others = re.findall(r"```python\n(.*?)```", text, re.S)
    out = subprocess.run(
        [sys.executable, "-c", quick_start], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.splitlines()[0] == "You have 120 EUR."
    assert "'user': 'u-42'" in out.stdout
    assert "'metadata': {}" in out.stdout
    for code in others:  # the other samples run too (offline: making a client sends nothing)
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_examples_run(script: Path) -> None:
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs_live_with_llmft_model(script: Path) -> None:
    # The README says so: each example reads LLMFT_MODEL, gives it to its client, and says how.
    text = script.read_text()
    assert 'os.environ.get("LLMFT_MODEL")' in text
    assert "LLMFT_MODEL" in text.split('"""')[1]  # in the module's docstring


def test_the_readme_lists_every_example() -> None:
    readme = (ROOT / "README.md").read_text()
    for script in EXAMPLES:
        assert f"(examples/{script.name})" in readme, script.name
