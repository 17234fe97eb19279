"""A hand-written MCP server speaking JSON-RPC lines on stdio with the standard library only (it starts
in milliseconds), for the failure cases: `python raw_server.py MODE`.

Modes: `ok` (tools `ping`, `hang`, `crash`), `bad-schema` (a tool whose input schema is not JSON Schema),
`clash` (two tools whose names clean up to the same llmft name), `silent` (reads requests, never
answers), `garbage` (writes a line that is not JSON-RPC), `exit` (exits at once with status 3),
`once PATH` (`ok` the first time, when PATH does not exist yet; exits at start after that).
Every mode but `exit` ends when its stdin closes.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

OBJECT = {"type": "object", "properties": {}}
TOOLS: dict[str, list[dict[str, Any]]] = {
    "ok": [
        {"name": "ping", "description": "Answer pong.", "inputSchema": OBJECT},
        {"name": "hang", "description": "Never answer.", "inputSchema": OBJECT},
        {"name": "crash", "description": "Exit mid-call.", "inputSchema": OBJECT},
        {"name": "pid", "description": "The process id.", "inputSchema": OBJECT},
        {"name": "cancelled", "description": "How many calls were cancelled.", "inputSchema": OBJECT},
    ],
    "bad-schema": [
        {"name": "fine", "inputSchema": OBJECT},
        {"name": "broken", "inputSchema": {"type": "object", "properties": {"n": {"type": "integr"}}}},
    ],
    "clash": [{"name": "a.b", "inputSchema": OBJECT}, {"name": "a/b", "inputSchema": OBJECT}],
}


def send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


CANCELLED: list[Any] = []


def answer(mode: str, request: dict[str, Any]) -> None:
    method, rid = request.get("method"), request.get("id")
    if rid is None:  # a notification
        if method == "notifications/cancelled":
            CANCELLED.append(request["params"].get("requestId"))
        return
    if method == "initialize":
        result: dict[str, Any] = {
            "protocolVersion": request["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": f"raw-{mode}", "version": "1"},
        }
    elif method == "tools/list":
        result = {"tools": TOOLS[mode]}
    elif method == "tools/call":
        name = request["params"]["name"]
        if name == "hang":
            return
        if name == "crash":
            os._exit(4)
        text = {"pid": str(os.getpid()), "cancelled": str(len(CANCELLED))}.get(name, "pong")
        result = {"content": [{"type": "text", "text": text}]}
    else:  # server/discover and the rest: this is a server of the handshake era
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": f"no method {method}"}})
        return
    send({"jsonrpc": "2.0", "id": rid, "result": result})


def main(mode: str, *rest: str) -> None:
    if mode == "once":
        if os.path.exists(rest[0]):
            sys.exit(5)
        open(rest[0], "w").close()
        mode = "ok"
    if mode == "exit":
        sys.exit(3)
    if mode == "garbage":
        print("Hello! I am not an MCP server.", flush=True)
    for line in sys.stdin:
        if mode not in ("silent", "garbage"):
            answer(mode, json.loads(line))


if __name__ == "__main__":
    main(*sys.argv[1:])
