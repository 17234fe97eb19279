"""A ToolFactory llmft serves over MCP in the tests (`python -m llmft mcp-serve
tests.mcp_tests.servers.llmft_tools:factory --context tests.mcp_tests.servers.llmft_tools:user_from_env`),
or in-process over HTTP with `user_from_token`.

The user id is injected server-side: each tool records the user id it saw and the arguments it got, and
each context records the raw `tools/call` parameters the client sent, in `SEEN` and (when the environment
names one) in the file `LLMFT_MCP_RECORD`, one JSON line each.
"""

from __future__ import annotations

import json
import os
from typing import Any

from llmft import Injected, ToolExecutionResult, ToolFactory

ORDERS = {"u-42": {"order_id": "A-1001", "item": "espresso machine", "status": "shipped"}}
TOKENS = {"tok-abc": "u-42"}
SEEN: list[dict[str, Any]] = []


def _record(entry: dict[str, Any]) -> None:
    SEEN.append(entry)
    path = os.environ.get("LLMFT_MCP_RECORD")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")


def find_latest_order(user_id: Injected[str]) -> ToolExecutionResult:
    """Find the signed-in user's most recent order."""
    _record({"tool": "find_latest_order", "user_id": user_id})
    order = ORDERS[user_id]
    return ToolExecutionResult(content=json.dumps(order), payload={"order": order})


def track_shipment(order_id: str, user_id: Injected[str]) -> str:
    """Track the shipment of one of the user's orders.

    Args:
        order_id: The order to track.
    """
    _record({"tool": "track_shipment", "user_id": user_id, "order_id": order_id})
    if ORDERS[user_id]["order_id"] != order_id:
        raise PermissionError("that order is not this user's")
    return "arriving Thursday"


def make_factory() -> ToolFactory:
    """The tools, registered on a new factory."""
    tools = ToolFactory()
    tools.register_tool(find_latest_order)
    tools.register_tool(track_shipment)
    return tools


factory = make_factory()


def user_from_env(request: Any) -> dict[str, Any]:
    """stdio: the server process runs for one user, named in its environment by whoever deployed it."""
    _record({"params": dict(request.params or {})})
    return {"user_id": os.environ["LLMFT_MCP_USER"]}


async def user_from_token(request: Any) -> dict[str, Any]:
    """HTTP: the user behind the bearer token of the request."""
    _record({"params": dict(request.params or {})})
    token = request.request.headers.get("authorization", "").removeprefix("Bearer ")
    return {"user_id": TOKENS[token]}
