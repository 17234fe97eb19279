"""`python -m llmft demo [--model M]`: a walk through a tool-using conversation (offline by default);
`python -m llmft mcp-serve module:factory`: a ToolFactory's tools served as an MCP server;
`python -m llmft --version` (or `llmft --version`): the installed version."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmft import Injected, LLMClient, ToolExecutionResult, __version__

if TYPE_CHECKING:  # the emulator (aiohttp) is loaded only by the commands that use it
    from llmft.testing import EmuReply, RecordedRequest

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
    from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

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


def _is_tool_output(item: dict[str, Any]) -> bool:
    """A tool's answer in any protocol's transcript: a Responses `function_call_output`, a Chat `tool`
    message, or an Anthropic user turn holding a `tool_result` block."""
    if item.get("type") == "function_call_output" or item.get("role") == "tool":
        return True
    content = item.get("content")
    return isinstance(content, list) and any(
        isinstance(block, dict) and block.get("type") == "tool_result" for block in content
    )


async def serve_emulator(port: int, chunks: int) -> None:
    """Run the provider emulator until interrupted: every request gets a reply (streams: `chunks` pieces)."""
    from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

    long_text = "".join(f"{i:04d}" for i in range(chunks))  # 4-char pieces, all different

    def answer(request: RecordedRequest) -> EmuReply:
        body = request.body
        inputs = body.get("input") or body.get("messages") or []
        answered = any(isinstance(i, dict) and _is_tool_output(i) for i in inputs)
        if body.get("tools") and not answered:
            return emu_tool_calls(("ping", {"n": 1}))
        return emu_text(long_text if body.get("stream") else "pong")

    async with ProviderEmulator(answer, port=port, record=False) as emu:
        print(emu.base_url, flush=True)
        await asyncio.Event().wait()


def _load(spec: str, what: str) -> Any:
    """The object `module:attribute` names (dotted attributes allowed)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{what} must be given as module:attribute, not {spec!r}")
    value: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def mcp_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Serve the named ToolFactory (or the one a function named returns) over MCP."""
    from llmft import LLMToolkitError, ToolFactory
    from llmft.mcp import serve

    try:
        factory = _load(args.factory, "the factory")
        if not isinstance(factory, ToolFactory) and callable(factory):
            factory = factory()
        context = _load(args.context, "--context") if args.context else None
    except (ImportError, AttributeError, ValueError) as error:
        parser.error(f"mcp-serve: {error}")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(
                factory,
                transport=args.transport,
                context_factory=context,
                host=args.host,
                port=args.port,
                # stdout carries the protocol over stdio: the URL is printed only for HTTP.
                on_ready=lambda url: print(url, flush=True) if args.transport == "http" else None,
            )
    except LLMToolkitError as error:
        parser.error(f"mcp-serve: {error}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m llmft", description=__doc__)
    parser.add_argument("--version", action="version", version=f"llmft {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo_parser = sub.add_parser("demo", help="a tool-using conversation, offline over HTTP by default")
    demo_parser.add_argument("--model", help="run live against this model (needs its API key)")
    emulator_parser = sub.add_parser(
        "emulator", help="serve the provider emulator (for benchmarks and manual tests)"
    )
    emulator_parser.add_argument("--port", type=int, default=0)
    emulator_parser.add_argument("--chunks", type=int, default=500, help="text pieces in a streamed reply")
    serve_parser = sub.add_parser("mcp-serve", help="serve a ToolFactory's tools as an MCP server")
    serve_parser.add_argument(
        "factory", help="module:attribute of a ToolFactory, or of a function making one"
    )
    serve_parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve_parser.add_argument("--host", default="127.0.0.1", help="HTTP only")
    serve_parser.add_argument("--port", type=int, default=8000, help="HTTP only; 0 picks a free port")
    serve_parser.add_argument(
        "--context", help="module:function making each call's tool_execution_context from the MCP request"
    )
    args = parser.parse_args(argv)
    if args.command == "mcp-serve":
        mcp_serve(args, serve_parser)
    elif args.command == "demo":
        asyncio.run(demo(args.model))
    elif args.command == "emulator":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_emulator(args.port, args.chunks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
