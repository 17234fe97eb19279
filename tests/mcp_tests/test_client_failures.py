"""Servers that fail: each a clear error naming the server, within a bounded time, and no process left
behind. The servers here are the standard-library one (they start in milliseconds)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from llmft import ConfigurationError, MCPServerError, MCPServerHTTP, MCPServerStdio, ToolFactory
from tests.mcp_tests.conftest import live_children, raw_server

pytestmark = pytest.mark.usefixtures("no_leaked_process")


async def refused(server: MCPServerStdio, **options: float) -> tuple[MCPServerError, float]:
    tools = ToolFactory()
    started = time.monotonic()
    with pytest.raises(MCPServerError) as caught:
        await tools.add_mcp_server(server, **options)  # type: ignore[arg-type]
    assert tools.available_tool_names == []
    return caught.value, time.monotonic() - started


async def test_a_command_that_does_not_exist() -> None:
    error, _ = await refused(MCPServerStdio("llmft-no-such-command", ["--flag"]))
    assert str(error) == (
        "MCP server 'llmft-no-such-command --flag' could not be started: "
        "FileNotFoundError: [Errno 2] No such file or directory: 'llmft-no-such-command'"
    )
    assert error.server == "MCP server 'llmft-no-such-command --flag'"


async def test_a_server_that_exits_at_start() -> None:
    error, elapsed = await refused(raw_server("exit"))
    assert "raw_server.py exit' could not be started: " in str(error)
    assert "Connection closed" in str(error)
    assert elapsed < 10


async def test_a_server_that_writes_garbage_on_stdout() -> None:
    error, elapsed = await refused(raw_server("garbage"), init_timeout=20)
    assert "raw_server.py garbage' could not be started: it wrote something that is not JSON-RPC: " in str(
        error
    )
    assert "'Hello! I am not an MCP server.'" in str(error)
    assert elapsed < 10  # found at once, not at the start-up time limit


async def test_a_server_that_never_answers_the_handshake() -> None:
    error, elapsed = await refused(raw_server("silent"), init_timeout=0.5)
    assert str(error).endswith("raw_server.py silent' could not be started: no answer within 0.5 s")
    assert elapsed < 5


async def test_a_tool_schema_that_is_not_json_schema() -> None:
    error, _ = await refused(raw_server("bad-schema"))
    assert (
        "raw_server.py bad-schema': the input schema of its tool 'broken' is not valid JSON Schema: "
        in str(error)
    )
    assert "'integr' is not valid" in str(error)
    assert "(at properties/n/type)" in str(error)


async def test_two_tools_that_would_get_the_same_name() -> None:
    error, _ = await refused(raw_server("clash"))
    assert str(error).endswith("raw_server.py clash': its tools 'a.b' and 'a/b' would both be named 'a_b'")


async def test_an_http_server_that_is_not_there() -> None:
    tools = ToolFactory()
    with pytest.raises(MCPServerError) as caught:
        await tools.add_mcp_server(MCPServerHTTP("http://user:pw@127.0.0.1:9/mcp?token=t"), init_timeout=5)
    message = str(caught.value)
    assert message.startswith("MCP server 'http://127.0.0.1:9/mcp' could not be started: ")
    assert "pw" not in message
    assert "token" not in message


async def test_a_call_that_never_answers_is_an_error_output_and_the_server_is_restarted() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"), tool_timeout=0.3)
    first = (await tools.dispatch_tool("pid", "{}")).content
    started = time.monotonic()
    result = await tools.dispatch_tool("hang", "{}")
    assert time.monotonic() - started < 2
    assert result.error is not None
    assert result.error.endswith(
        "raw_server.py ok' failed to run 'hang': no answer within 0.3 s (it is restarted on the next call)"
    )
    second = (await tools.dispatch_tool("pid", "{}")).content
    assert second.isdigit()
    assert second != first
    await tools.aclose()
    assert not {int(first), int(second)} & live_children()


async def test_a_server_that_crashes_during_a_call_is_restarted_on_the_next() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"), prefix="raw")
    first = (await tools.dispatch_tool("raw_pid", "{}")).content
    result = await tools.dispatch_tool("raw_crash", "{}")
    assert result.error is not None
    assert "failed to run 'crash': Connection closed" in result.error
    second = (await tools.dispatch_tool("raw_pid", "{}")).content
    assert second.isdigit()
    assert second != first
    await tools.aclose()


async def test_a_server_that_died_while_idle_is_restarted_before_the_next_call() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"))
    first = int((await tools.dispatch_tool("pid", "{}")).content)
    os.kill(first, signal.SIGKILL)
    await asyncio.sleep(0.5)  # the end of its stdout reaches the connection, which lets it go
    result = await tools.dispatch_tool("pid", "{}")
    assert result.error is None
    assert int(result.content) != first
    await tools.aclose()


async def test_a_server_that_cannot_be_restarted_is_the_calls_error(tmp_path: Path) -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(
        MCPServerStdio(sys.executable, [raw_server("ok").args[0], "once", str(tmp_path / "started")])
    )
    await tools.dispatch_tool("crash", "{}")
    result = await tools.dispatch_tool("ping", "{}")
    assert result.error is not None
    assert "failed to run 'ping': it could not be restarted: MCPError: Connection closed" in result.error
    await tools.aclose()


async def test_a_cancelled_call_leaves_the_connection_usable() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"))
    first = (await tools.dispatch_tool("pid", "{}")).content
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(tools.dispatch_tool("hang", "{}"), 0.2)
    assert (await tools.dispatch_tool("pid", "{}")).content == first
    assert (await tools.dispatch_tool("cancelled", "{}")).content == "1"  # the server was told
    await tools.aclose()


async def test_aclose_stops_every_server_process() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"), prefix="a")
    await tools.add_mcp_server(raw_server("ok"), prefix="b")
    pids = {int((await tools.dispatch_tool(f"{p}_pid", "{}")).content) for p in "ab"}
    assert pids <= live_children()
    await tools.aclose()
    assert not pids & live_children()
    # The tools stay registered: called again, a server starts again, and the next aclose stops it.
    again = int((await tools.dispatch_tool("a_pid", "{}")).content)
    assert again in live_children()
    await tools.aclose()
    assert again not in live_children()


async def test_a_name_taken_by_another_tool_is_refused_and_nothing_is_registered() -> None:
    tools = ToolFactory()
    tools.register_tool(lambda: "local", name="raw_ping")
    with pytest.raises(ConfigurationError) as caught:
        await tools.add_mcp_server(raw_server("ok"), prefix="raw")
    assert "raw_server.py ok': tool name(s) ['raw_ping'] are already registered; pass another prefix=" in str(
        caught.value
    )
    assert caught.value.field == "prefix"
    assert tools.available_tool_names == ["raw_ping"]
    await tools.add_mcp_server(raw_server("ok"), prefix="raw2")
    with pytest.raises(ConfigurationError):
        await tools.add_mcp_server(raw_server("ok"), prefix="raw2")  # the same server twice
    assert (await tools.dispatch_tool("raw2_ping", "{}")).content == "pong"
    await tools.aclose()


async def test_mock_functions_run_in_mock_mode_only() -> None:
    tools = ToolFactory()
    await tools.add_mcp_server(raw_server("ok"), mock_functions={"ping": lambda: "mocked pong"})
    assert (await tools.dispatch_tool("ping", "{}", use_mock=True)).content == "mocked pong"
    assert (await tools.dispatch_tool("ping", "{}")).content == "pong"
    assert (
        await tools.dispatch_tool("pid", "{}", use_mock=True)
    ).content == "Mocked execution for tool 'pid'."
    with pytest.raises(ConfigurationError, match=r"mock_functions names \['pong'\]"):
        await tools.add_mcp_server(raw_server("ok"), prefix="x", mock_functions={"pong": lambda: ""})
    await tools.aclose()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"prefix": "has space"}, None),
        ({"prefix": ""}, None),
        ({"tool_timeout": 0}, "tool_timeout"),
        ({"init_timeout": -1}, "init_timeout"),
        ({"max_result_chars": 1.5}, "max_result_chars"),
        ({"max_result_chars": True}, "max_result_chars"),
        ({"timeout": 3}, "timeout"),
    ],
)
async def test_bad_options_are_refused_before_anything_starts(
    options: dict[str, object], field: str | None
) -> None:
    tools = ToolFactory()
    with pytest.raises(ConfigurationError) as caught:
        await tools.add_mcp_server(raw_server("ok"), **options)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_a_server_must_be_one_of_the_two_kinds() -> None:
    with pytest.raises(
        ConfigurationError, match="server must be an MCPServerStdio or MCPServerHTTP, got str"
    ):
        await ToolFactory().add_mcp_server("python server.py")  # type: ignore[arg-type]


def test_the_server_values_check_their_fields_and_hide_secrets() -> None:
    stdio = MCPServerStdio("npx", ["-y", "server"], {"API_TOKEN": "s3cret"}, cwd=Path("/tmp"))
    assert repr(stdio) == "MCPServerStdio('npx', args=['-y', 'server'], env=<API_TOKEN>)"
    assert (stdio.args, stdio.cwd, dict(stdio.env or {})) == (
        ("-y", "server"),
        "/tmp",
        {"API_TOKEN": "s3cret"},
    )
    http = MCPServerHTTP("https://user:pw@mcp.example:8443/mcp?key=k", headers={"Authorization": "Bearer t"})
    assert repr(http) == "MCPServerHTTP('https://mcp.example:8443/mcp', headers=<Authorization>)"
    bad_values: list[Callable[[], object]] = [
        lambda: MCPServerStdio(""),
        lambda: MCPServerStdio("python", "server.py"),  # a string is not a list of arguments
        lambda: MCPServerStdio("python", env={"A": 1}),  # type: ignore[dict-item]
        lambda: MCPServerStdio("python", cwd=3),  # type: ignore[arg-type]
        lambda: MCPServerHTTP("ftp://host/mcp"),
        lambda: MCPServerHTTP("http://host:port/mcp"),
        lambda: MCPServerHTTP(None),  # type: ignore[arg-type]
    ]
    for bad in bad_values:
        with pytest.raises(ConfigurationError):
            bad()
