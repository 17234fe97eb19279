"""Package-level promises: a light import, typed marker, the demo, the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import llmft
from llmft.__main__ import main


def test_import_loads_no_sdk_and_no_adapter() -> None:
    code = (
        "import llmft, sys; "
        "print('litellm' in sys.modules, 'openai' in sys.modules, 'sympy' in sys.modules, "
        "any(m.startswith('llmft.adapters') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False False"


def test_py_typed_and_public_names() -> None:
    assert (Path(llmft.__file__).parent / "py.typed").exists()
    for name in llmft.__all__:
        assert hasattr(llmft, name), name


def test_demo_prints_the_whole_conversation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "track_shipment(order_id: string)" in out
    assert "user_id" in out
    assert "discarded" in out
    assert '"tool_name": "find_latest_order"' in out
    assert "arrive on Thursday" in out
    assert '"total_tokens"' in out
    assert '"track_shipment": 1' in out


def test_command_line_requires_a_command() -> None:
    with pytest.raises(SystemExit):
        main([])
