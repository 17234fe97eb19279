"""Package-level promises: a light import, typed marker, the demo, the command line."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import llmft
from llmft.__main__ import demo, main
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls


def test_import_loads_no_sdk_and_no_adapter() -> None:
    code = (
        "import llmft, sys; "
        "print('litellm' in sys.modules, 'openai' in sys.modules, 'sympy' in sys.modules, "
        "'mcp' in sys.modules, any(m.startswith('llmft.adapters') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False False False"


def test_mcp_names_and_the_client_load_no_mcp_package() -> None:
    code = (
        "import sys, llmft; from llmft import MCPServerStdio, MCPServerHTTP, MCPServerError, LLMClient; "
        "import llmft.app.mcp_tools, llmft.app.mcp_serve; "
        "print('mcp' in sys.modules, 'jsonschema' in sys.modules, 'uvicorn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False False"


def test_py_typed_and_public_names() -> None:
    assert (Path(llmft.__file__).parent / "py.typed").exists()
    assert sorted(llmft.__all__) == sorted(llmft._HOME)
    for name in llmft.__all__:
        assert hasattr(llmft, name), name
        assert name in dir(llmft)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        llmft.Nope  # noqa: B018


def test_public_names_load_on_first_use() -> None:
    code = (
        "import sys, llmft; before = 'llmft.app.client' in sys.modules; "
        "from llmft import LLMClient; from llmft import *; "
        "print(before, 'llmft.app.client' in sys.modules, LLMClient is llmft.app.client.LLMClient, "
        "'openai' in sys.modules, 'litellm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True True False False"


def test_demo_prints_the_whole_conversation_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    code = "from llmft.__main__ import main; main(['demo'])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "the real openai SDK (Responses API) talks HTTP" in out
    assert "3 requests to POST /v1/responses; the user id u-42 appeared in 0 of them" in out
    assert "track_shipment(order_id: string)" in out
    assert "user_id" in out
    assert "discarded" in out
    assert '"tool_name": "find_latest_order"' in out
    assert "arrive on Thursday" in out
    assert '"total_tokens"' in out
    assert '"track_shipment": 1' in out


async def test_demo_live_path(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    async with ProviderEmulator() as emu:
        emu.script(emu_tool_calls(("find_latest_order", {})), emu_text("It ships Thursday."))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-live-demo-123")
        monkeypatch.setenv("OPENAI_BASE_URL", emu.openai_base_url)  # the SDK's own variable
        await demo("gpt-4o-mini")
    out = capsys.readouterr().out
    assert "Running live against gpt-4o-mini" in out
    assert "It ships Thursday." in out


def test_the_version_has_one_source_and_the_command_line_prints_it() -> None:
    assert importlib.metadata.version("llmft") == llmft.__version__  # hatch reads it from __init__.py
    out = subprocess.run(
        [sys.executable, "-m", "llmft", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"llmft {llmft.__version__}"
    script = Path(sys.executable).with_name("llmft")  # the console script pip installed
    if script.exists():
        installed = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
        assert installed.stdout == out.stdout
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject  # written nowhere else


def test_command_line_requires_a_command() -> None:
    with pytest.raises(SystemExit):
        main([])


def test_loading_the_litellm_route_makes_no_network_lookup() -> None:
    code = """
import socket, sys, os
os.environ.pop("LITELLM_LOCAL_MODEL_COST_MAP", None)
os.environ.pop("LITELLM_OFFLINE_MODE", None)
lookups = []
real = socket.getaddrinfo
def record(host, *args, **kwargs):
    lookups.append(host)
    raise OSError("no network in this test")
socket.getaddrinfo = record
import llmft.adapters.litellm_chat as adapter
print(len(adapter.KNOWN_PROVIDERS) > 50, lookups)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "True []"
    assert out.stderr == ""


def test_the_emulator_command_serves_until_stopped() -> None:
    import httpx

    command = [sys.executable, "-m", "llmft", "emulator", "--chunks", "3"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            base = proc.stdout.readline().strip()
            assert base.startswith("http://127.0.0.1:")
            with httpx.Client(base_url=base) as http:
                user = [{"role": "user", "content": "x"}]
                plain = http.post("/v1/chat/completions", json={"model": "m", "messages": user})
                tools = http.post(
                    "/v1/chat/completions",
                    json={"model": "m", "messages": user, "tools": [{"type": "function"}]},
                )
                streamed = http.post("/v1/responses", json={"model": "m", "input": "x", "stream": True})
                answered_claude = http.post(  # an Anthropic tool round ends with text, not another call
                    "/v1/messages",
                    json={
                        "model": "m",
                        "max_tokens": 8,
                        "tools": [{"name": "ping", "input_schema": {"type": "object"}}],
                        "messages": [
                            *user,
                            {
                                "role": "assistant",
                                "content": [{"type": "tool_use", "id": "t1", "name": "ping", "input": {}}],
                            },
                            {
                                "role": "user",
                                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "1"}],
                            },
                        ],
                    },
                )
        finally:
            proc.terminate()
    assert plain.json()["choices"][0]["message"]["content"] == "pong"
    assert tools.json()["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "ping"
    assert '"delta": "0002"' in streamed.text
    assert answered_claude.json()["content"] == [{"type": "text", "text": "pong"}]
