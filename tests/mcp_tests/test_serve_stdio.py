"""`python -m llmft mcp-serve module:factory` over stdio, consumed by llmft's own client in a
conversation through the provider emulator; the user id is injected on the server's side."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from llmft import LLMClient, MCPServerStdio
from llmft.__main__ import main
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls
from tests.mcp_tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("no_leaked_process")
TOOLS = "tests.mcp_tests.servers.llmft_tools"


async def test_llmft_serves_its_tools_to_llmft_over_stdio(tmp_path: Path) -> None:
    record = tmp_path / "seen.jsonl"
    server = MCPServerStdio(
        sys.executable,
        ["-m", "llmft", "mcp-serve", f"{TOOLS}:make_factory", "--context", f"{TOOLS}:user_from_env"],
        env={"LLMFT_MCP_USER": "u-42", "LLMFT_MCP_RECORD": str(record)},
        cwd=ROOT,
    )
    async with ProviderEmulator() as emu:
        client = LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="sk-test-123456")
        emu.on_close(client.aclose)
        assert await client.add_mcp_server(server) == ["find_latest_order", "track_shipment"]
        assert client.tool_factory.registrations["find_latest_order"].schema["properties"] == {}
        emu.script(
            emu_tool_calls(("find_latest_order", {})),
            emu_tool_calls(("track_shipment", {"order_id": "A-1001", "user_id": "u-7"})),
            emu_text("Thursday."),
        )
        result = await client.generate([{"role": "user", "content": "Where is my order?"}])
        assert result.content == "Thursday."
        assert result.tool_messages[1]["content"] == "arriving Thursday"
        requests = [json.dumps(r.body) for r in emu.requests]
    entries = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(e["tool"], e["user_id"]) for e in entries if "tool" in e] == [
        ("find_latest_order", "u-42"),
        ("track_shipment", "u-42"),
    ]
    sent = [e["params"] for e in entries if "params" in e]
    assert [p["arguments"] for p in sent] == [{}, {"order_id": "A-1001", "user_id": "u-7"}]
    assert "u-42" not in json.dumps(sent)
    assert all("u-42" not in body for body in requests)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mcp-serve", "no_colon"], "the factory must be given as module:attribute"),
        (["mcp-serve", "llmft_no_such_module:factory"], "No module named 'llmft_no_such_module'"),
        (["mcp-serve", f"{TOOLS}:nothing"], "has no attribute 'nothing'"),
        (["mcp-serve", f"{TOOLS}:ORDERS"], "serve needs a ToolFactory, got dict"),
        (["mcp-serve", f"{TOOLS}:factory", "--context", "x"], "--context must be given as module:attribute"),
    ],
)
def test_mcp_serve_explains_a_bad_command_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err
