"""Approval that survives a restart: a paused run as JSON, resumed by a fresh client."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft import (
    ConfigurationError,
    Hooks,
    Injected,
    LLMClient,
    RunState,
    ToolCallInfo,
    ask,
)
from llmft.testing import ScriptedModel, reply, tool_call

USER = [{"role": "user", "content": "pay the invoices"}]
SIGNING = "a-signing-key-of-enough-length"
PAID: list[str] = []


def pay(invoice: str, tenant: Injected[str]) -> dict[str, str]:
    """Pay an invoice."""
    PAID.append(f"{tenant}:{invoice}")
    return {"paid": invoice}


def lookup(invoice: str) -> str:
    """Look an invoice up."""
    return f"{invoice}: 10 EUR"


def client_with(*steps: Any) -> LLMClient:
    client = LLMClient(model=ScriptedModel(list(steps)))
    client.register_tool(pay, requires_approval=True)
    client.register_tool(lookup)
    return client


TURN = [tool_call("lookup", {"invoice": "A"}, id="c1"), tool_call("pay", {"invoice": "A"}, id="c2")]


async def test_a_tool_needing_approval_pauses_the_run_after_the_others_ran() -> None:
    PAID.clear()
    client = client_with(TURN)
    result = await client.generate(USER, tool_execution_context={"tenant": "acme"})
    assert result.finish_reason == "approval_required"
    assert result.pending is not None
    assert [(c.id, c.name, c.arguments) for c in result.pending] == [("c2", "pay", {"invoice": "A"})]
    assert PAID == []
    assert result.payloads == [{"tool_name": "lookup", "payload": "A: 10 EUR", "metadata": {}}]
    assert result.state is not None
    text = result.state.to_json()
    assert "acme" not in text  # never a context value
    assert json.loads(text)["llmft_run_state"] == 1


async def test_resume_in_a_fresh_client_from_the_json_alone() -> None:
    PAID.clear()
    first = client_with(TURN)
    paused = await first.generate(USER, tool_execution_context={"tenant": "acme"})
    assert paused.state is not None
    stored = paused.state.to_json(signing_key=SIGNING)

    asked: list[str] = []

    class Watch(Hooks):
        def before_tool_call(self, call: ToolCallInfo) -> None:
            asked.append(call.name)

    second = client_with(reply("Paid invoice A."))  # another process: nothing shared but the JSON
    state = RunState.from_json(stored, signing_key=SIGNING)
    result = await second.resume(
        state, approve=["c2"], tool_execution_context={"tenant": "acme"}, hooks=[Watch()]
    )
    assert result.content == "Paid invoice A."
    assert PAID == ["acme:A"]
    assert asked == []  # an approved call is not asked about again
    assert [m["content"] for m in result.tool_messages] == ["A: 10 EUR", '{"paid": "A"}']
    assert [p["tool_name"] for p in result.payloads] == ["lookup", "pay"]
    assert result.messages is not None
    assert [m.get("role") for m in result.messages] == ["user", "assistant", "tool", "tool", "assistant"]
    with pytest.raises(ConfigurationError, match="already resumed"):
        await second.resume(state, approve=["c2"], tool_execution_context={"tenant": "acme"})


async def test_a_denied_call_is_answered_with_the_reason_and_a_hook_can_ask() -> None:
    PAID.clear()

    class Careful(Hooks):
        def before_tool_call(self, call: ToolCallInfo) -> Any:
            return ask("lookups need a look too") if call.name == "lookup" else None

    first = client_with(TURN)
    paused = await first.generate(USER, tool_execution_context={"tenant": "acme"}, hooks=[Careful()])
    assert paused.pending is not None
    assert {c.id for c in paused.pending} == {"c1", "c2"}
    assert paused.state is not None
    second = client_with(reply("Not paid."))
    result = await second.resume(
        paused.state.to_json(),
        approve=["c1"],
        deny={"c2": "the finance team said no"},
        tool_execution_context={"tenant": "acme"},
    )
    assert PAID == []
    assert result.tool_messages[1]["content"] == "Error: the finance team said no"
    assert result.content == "Not paid."


async def test_streaming_resume() -> None:
    PAID.clear()
    paused = await client_with(TURN).generate(USER, tool_execution_context={"tenant": "t"})
    assert paused.state is not None
    chunks = [
        c
        async for c in await client_with(reply("all done")).resume(
            paused.state, approve=["c2"], tool_execution_context={"tenant": "t"}, stream=True
        )
    ]
    assert "".join(c.content for c in chunks) == "all done"
    assert chunks[-1].result is not None
    assert PAID == ["t:A"]


async def _paused_json() -> str:
    paused = await client_with(TURN).generate(USER, tool_execution_context={"tenant": "t"})
    assert paused.state is not None
    return paused.state.to_json()


async def test_bad_states_and_decisions_are_refused_and_nothing_runs() -> None:
    PAID.clear()
    text = await _paused_json()
    fresh = client_with(reply("x"))
    context = {"tenant": "t"}
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        await fresh.resume(text[: len(text) // 2], approve=["c2"], tool_execution_context=context)
    data = json.loads(text)
    data["llmft_run_state"] = 99
    with pytest.raises(ConfigurationError, match="version 99"):
        await fresh.resume(json.dumps(data), approve=["c2"], tool_execution_context=context)
    signed = RunState.from_json(text).to_json(signing_key=SIGNING)
    edited = signed.replace("A: 10 EUR", "B: 99 EUR")  # what the model would read, changed
    assert edited != signed
    with pytest.raises(ConfigurationError, match="edited"):
        await fresh.resume(edited, approve=["c2"], tool_execution_context=context, signing_key=SIGNING)
    with pytest.raises(ConfigurationError, match="signing_key"):
        await fresh.resume(signed, approve=["c2"], tool_execution_context=context)
    with pytest.raises(ConfigurationError, match="not pending"):
        await fresh.resume(text, approve=["c2", "c9"], tool_execution_context=context)
    with pytest.raises(ConfigurationError, match="undecided"):
        await fresh.resume(text, tool_execution_context=context)
    with pytest.raises(ConfigurationError, match="tenant"):
        await fresh.resume(text, approve=["c2"])  # the context a tool needs is missing
    gone = LLMClient(model=ScriptedModel([reply("x")]))
    gone.register_tool(lookup)
    with pytest.raises(ConfigurationError, match="pay"):
        await gone.resume(text, approve=["c2"], tool_execution_context=context)
    assert PAID == []


async def test_payloads_that_are_not_json_are_dropped_and_said_so() -> None:
    class Token:
        pass

    def make() -> Any:
        """Make a thing."""
        from llmft import ToolExecutionResult

        return ToolExecutionResult(content="made", payload=Token())

    client = client_with([tool_call("make", id="m1"), tool_call("pay", {"invoice": "Z"}, id="p1")])
    client.register_tool(make)
    paused = await client.generate(USER, tool_execution_context={"tenant": "t"})
    assert paused.state is not None
    outcome = json.loads(paused.state.to_json())["loop"]["known"]["m1"]
    assert outcome["payload"] is None
    assert outcome["metadata"]["payload_dropped"] is True
