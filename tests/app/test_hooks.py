"""Hooks: policy around model requests and tool calls, per client and per call, sync or async."""

from __future__ import annotations

from typing import Any

import pytest

from llmft import (
    ConfigurationError,
    FallingBack,
    Hooks,
    LLMClient,
    ModelRequestInfo,
    ModelResponseInfo,
    Retrying,
    ToolCallInfo,
    ToolExecutionResult,
    ToolRuntime,
    deny,
    replace_arguments,
)
from llmft.domain.connections import Connection
from llmft.domain.routing import Route
from llmft.testing import ScriptedModel, provider_error, reply, tool_call

USER = [{"role": "user", "content": "hello"}]


def transfer(amount: int, to: str) -> str:
    """Move money."""
    return f"sent {amount} to {to}"


class Audit(Hooks):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def before_model_request(self, request: ModelRequestInfo) -> None:
        self.seen.append(f"request {request.model} {len(request.messages)} msgs tools={request.tools}")

    async def after_model_response(self, response: ModelResponseInfo) -> None:
        usage = response.usage.total_tokens if response.usage else None
        self.seen.append(f"response {response.finish_reason} {usage}")

    async def before_tool_call(self, call: ToolCallInfo) -> None:
        self.seen.append(
            f"tool {call.name} {dict(call.arguments)} depth={call.depth} ctx={dict(call.context)}"
        )

    def after_tool_call(self, call: ToolCallInfo, result: ToolExecutionResult) -> None:
        self.seen.append(f"done {call.name}: {result.content}")

    def on_retry(self, info: Retrying) -> None:
        self.seen.append(f"retry {info.attempt} after {info.error.status_code}")

    def on_fallback(self, info: FallingBack) -> None:
        self.seen.append(f"fallback {info.from_model} -> {info.to_model}")


async def test_every_hook_point_is_called_in_order() -> None:
    audit = Audit()
    model = ScriptedModel(
        [
            tool_call("transfer", {"amount": 5, "to": "bob"}),
            provider_error("busy", status_code=503, retryable=True),
            reply("done"),
        ]
    )
    client = LLMClient(model=model, hooks=[audit], max_retries=1)
    client.register_tool(transfer)
    await client.generate(USER, tool_execution_context={"tenant": "acme"})
    assert audit.seen[0] == "request scripted-model 1 msgs tools=['transfer']"
    assert audit.seen[1].startswith("response tool_calls")
    assert audit.seen[2] == "tool transfer {'amount': 5, 'to': 'bob'} depth=0 ctx={'tenant': 'acme'}"
    assert audit.seen[3] == "done transfer: sent 5 to bob"
    assert audit.seen[4].startswith("request scripted-model 3 msgs")
    assert audit.seen[5] == "retry 1 after 503"
    assert audit.seen[6].startswith("response stop")


class Policy(Hooks):
    def before_tool_call(self, call: ToolCallInfo) -> Any:
        if call.arguments.get("to") == "mallory":
            return deny("transfers to mallory are not allowed")
        if call.arguments.get("amount", 0) > 100:
            return replace_arguments({**call.arguments, "amount": 100})
        return None

    def after_tool_call(self, call: ToolCallInfo, result: ToolExecutionResult) -> ToolExecutionResult:
        return ToolExecutionResult(content=result.content.upper(), payload=result.payload)


async def test_deny_replace_and_after_tool_call_shape_what_runs_and_what_the_model_reads() -> None:
    ran: list[str] = []

    def send(amount: int, to: str) -> str:
        """Send."""
        ran.append(f"{amount}->{to}")
        return f"sent {amount} to {to}"

    turn = [
        tool_call("send", {"amount": 5, "to": "mallory"}),
        tool_call("send", {"amount": 500, "to": "bob"}),
    ]
    client = LLMClient(model=ScriptedModel([turn, reply("ok")]))
    client.register_tool(send)
    result = await client.generate(USER, hooks=[Policy()])
    assert ran == ["100->bob"]
    first, second = (m["content"] for m in result.tool_messages)
    assert first == "Error: transfers to mallory are not allowed"
    assert second == "SENT 100 TO BOB"


async def test_nested_calls_pass_the_hooks() -> None:
    audit = Audit()

    async def outer(tool_runtime: ToolRuntime) -> str:
        """Outer."""
        inner = await tool_runtime.call_tool("transfer", arguments={"amount": 1, "to": "x"})
        return inner.content

    client = LLMClient(model=ScriptedModel([tool_call("outer"), reply("ok")]), hooks=[audit])
    client.register_tool(outer)
    client.register_tool(transfer)
    await client.generate(USER)
    assert any("tool transfer" in s and "depth=1" in s for s in audit.seen)


async def test_a_hook_that_raises_fails_the_call_and_a_wrong_return_is_named() -> None:
    class Strict(Hooks):
        def before_model_request(self, request: ModelRequestInfo) -> None:
            raise PermissionError("no requests on Sundays")

    client = LLMClient(model=ScriptedModel([reply("x")]))
    with pytest.raises(PermissionError, match="Sundays"):
        await client.generate(USER, hooks=[Strict()])

    class Sloppy(Hooks):
        def before_tool_call(self, call: ToolCallInfo) -> Any:
            return "yes"

    sloppy = LLMClient(model=ScriptedModel([tool_call("transfer", {"amount": 1, "to": "a"}), reply("x")]))
    sloppy.register_tool(transfer)
    with pytest.raises(ConfigurationError, match=r"Sloppy\.before_tool_call returned str"):
        await sloppy.generate(USER, hooks=[Sloppy()])
    with pytest.raises(ConfigurationError, match="hooks"):
        LLMClient(model=ScriptedModel([]), hooks=[object()])  # type: ignore[list-item]


async def test_fallbacks_are_told_to_the_hooks() -> None:
    audit = Audit()

    def factory(route: Route, connection: Connection) -> ScriptedModel:
        if route.name == "groq/a":
            return ScriptedModel([provider_error("down", status_code=503, retryable=True)])
        return ScriptedModel([reply("from b")])

    client = LLMClient(
        "groq/a", api_key="gsk-123456789", fallback_models=["groq/b"], max_retries=0, model_factory=factory
    )
    result = await client.generate(USER, hooks=[audit])
    assert result.content == "from b"
    assert "fallback a -> b" in audit.seen or "fallback groq/a -> groq/b" in audit.seen
