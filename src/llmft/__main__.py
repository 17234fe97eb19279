"""`python -m llmft demo [--model M]`: a walk through a tool-using conversation (offline by default)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from llmft import Injected, LLMClient, ToolExecutionResult
from llmft.testing import EmuReply, ProviderEmulator, RecordedRequest, emu_text, emu_tool_calls

ORDERS = {
    "u-42": {"order_id": "A-1001", "item": "espresso machine", "status": "shipped", "carrier": "DHL"},
}
SHIPMENTS = {"A-1001": {"eta": "Thursday", "location": "Leipzig hub"}}


def find_latest_order(user_id: Injected[str]) -> ToolExecutionResult:
    """Find the signed-in user's most recent order."""
    order = ORDERS[user_id]
    return ToolExecutionResult(
        content=json.dumps({"order_id": order["order_id"], "item": order["item"], "status": order["status"]}),
        payload={"order": order},
    )


async def track_shipment(order_id: str, user_id: Injected[str]) -> ToolExecutionResult:
    """Track the shipment of one of the user's orders.

    Args:
        order_id: The order to track, as returned by find_latest_order.
    """
    if ORDERS[user_id]["order_id"] != order_id:
        return ToolExecutionResult(content="That order does not belong to this user.", error="forbidden")
    shipment = SHIPMENTS[order_id]
    return ToolExecutionResult(content=json.dumps(shipment), payload={"shipment": shipment})


def _show(title: str, body: Any = None) -> None:
    print(f"\n== {title}")
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
        print("   " + text.replace("\n", "\n   "))


async def _converse(client: LLMClient) -> None:
    client.register_tool(find_latest_order)
    client.register_tool(track_shipment)
    question = [{"role": "user", "content": "Where is my latest order?"}]
    context = {"user_id": "u-42"}

    _show("The user asks", question[0]["content"])
    signatures = []
    for definition in client.tool_factory.get_tool_definitions(context=context):
        function = definition["function"]
        params = ", ".join(
            f"{k}: {v.get('type', 'any')}" for k, v in function["parameters"]["properties"].items()
        )
        signatures.append(f"{function['name']}({params}) - {function['description']}")
    _show(
        "The tools as the model sees them (user_id is injected server-side, so it is hidden)",
        "\n".join(signatures),
    )
    _show("The application's context for this call (never sent to the model)", context)
    result = await client.generate(question, tool_execution_context=context)
    for message in result.messages or []:
        if message["role"] == "assistant" and message.get("tool_calls"):
            for call in message["tool_calls"]:
                arguments = call["function"]["arguments"]
                note = ""
                if "user_id" in json.loads(arguments or "{}"):
                    note = "\n(the model tried to set user_id: discarded, the injected u-42 was used)"
                _show(f"The model calls {call['function']['name']}", arguments + note)
        elif message["role"] == "tool":
            _show(f"{message['name']} answers the model", message["content"])
    _show("Payloads kept for the application (never sent to the model)", result.payloads)
    _show(f"Final answer (from {result.model})", str(result.content))
    _show("Usage", result.usage.as_dict() if result.usage else None)
    _show("Tool usage counters", client.tool_factory.get_tool_usage_counts())


async def demo(model: str | None = None) -> None:
    """The demo conversation: live with `model`, else over HTTP against the local emulator."""
    if model is not None:
        print(f"Running live against {model} (your key, your tokens).")
        async with LLMClient(model=model) as client:
            await _converse(client)
        print()
        return
    async with ProviderEmulator() as emu:
        emu.script(
            emu_tool_calls(("find_latest_order", {})),
            # The model tries to look at someone else's order; the injected user_id wins.
            emu_tool_calls(("track_shipment", {"order_id": "A-1001", "user_id": "u-7"})),
            emu_text(
                "Your espresso machine (order A-1001) has shipped with DHL and should arrive on Thursday."
            ),
        )
        print(
            f"Offline: the real openai SDK (Responses API) talks HTTP to llmft's emulator at {emu.base_url}."
        )
        async with LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="demo-key") as client:
            await _converse(client)
        sent = [json.dumps(r.body) for r in emu.requests]
        leaked = sum("u-42" in body for body in sent)
        _show(
            "On the wire",
            f"{len(sent)} requests to POST /v1/responses; the user id u-42 appeared in {leaked} of them.",
        )
    print()


async def serve_emulator(port: int, chunks: int) -> None:
    """Run the provider emulator until interrupted: every request gets a reply (streams: `chunks` pieces)."""
    long_text = "".join(f"{i:04d}" for i in range(chunks))  # 4-char pieces, all different

    def answer(request: RecordedRequest) -> EmuReply:
        body = request.body
        inputs = body.get("input") or body.get("messages") or []
        answered = any(
            isinstance(i, dict) and (i.get("type") == "function_call_output" or i.get("role") == "tool")
            for i in inputs
        )
        if body.get("tools") and not answered:
            return emu_tool_calls(("ping", {"n": 1}))
        return emu_text(long_text if body.get("stream") else "pong")

    async with ProviderEmulator(answer, port=port, record=False) as emu:
        print(emu.base_url, flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m llmft", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo_parser = sub.add_parser("demo", help="a tool-using conversation, offline over HTTP by default")
    demo_parser.add_argument("--model", help="run live against this model (needs its API key)")
    emulator_parser = sub.add_parser(
        "emulator", help="serve the provider emulator (for benchmarks and manual tests)"
    )
    emulator_parser.add_argument("--port", type=int, default=0)
    emulator_parser.add_argument("--chunks", type=int, default=500, help="text pieces in a streamed reply")
    args = parser.parse_args(argv)
    if args.command == "demo":
        asyncio.run(demo(args.model))
    elif args.command == "emulator":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_emulator(args.port, args.chunks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
