"""Hostile providers and models: oversized or absurd replies are typed errors, side effects keep their
record, and no model-supplied value reaches what only the application sets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft import LLMClient, LLMToolkitError, ProviderError, ToolRuntime
from llmft.testing import (
    ProviderEmulator,
    ScriptedModel,
    emu_fault,
    emu_text,
    emu_tool_calls,
    reply,
    tool_call,
)

from ..providers.conftest import RouteCase

USER = [{"role": "user", "content": "hi"}]


def deep_json(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


async def test_a_body_nested_past_the_recursion_limit_is_malformed_and_not_retried(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    fault = emu_fault(status=200, raw_body=deep_json(100_000), headers={"Content-Type": "application/json"})
    emu.script(fault, fault, fault)
    client = route.client(emu, max_retries=2)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER)
    assert info.value.kind == "malformed"
    assert not info.value.retryable
    assert len(emu.requests) == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_a_reply_over_the_byte_cap_is_malformed_and_not_retried(
    emu: ProviderEmulator, route: RouteCase, stream: bool
) -> None:
    text = "".join(f"{i:05d} " for i in range(900))  # varied: litellm refuses a chunk repeated over and over
    emu.script(emu_text(text), emu_text(text))
    client = route.client(emu, max_retries=1, max_response_bytes=2000)

    async def call() -> None:
        if stream:
            async for _ in client.generate_stream(USER):
                pass
        else:
            await client.generate(USER)

    with pytest.raises(ProviderError, match="max_response_bytes") as info:
        await call()
    assert info.value.kind == "malformed"
    assert len(emu.requests) == 1


async def test_replies_under_the_cap_pass(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("y" * 500))
    result = await route.client(emu, max_response_bytes=20_000).generate(USER)
    assert result.content == "y" * 500


async def test_an_error_after_a_tool_ran_carries_what_the_tool_did(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    booked: list[str] = []

    def book_seat(seat: str) -> dict[str, str]:
        """Book a seat."""
        booked.append(seat)
        return {"booking": f"B-{seat}"}

    emu.script(emu_tool_calls(("book_seat", {"seat": "12A"})), emu_fault(status=400))
    client = route.client(emu)
    client.register_tool(book_seat)
    with pytest.raises(ProviderError) as info:
        await client.generate(USER)
    assert booked == ["12A"]
    partial = info.value.partial
    assert partial is not None
    assert partial.tool_messages[0]["content"] == json.dumps({"booking": "B-12A"})
    assert partial.finish_reason == "error"
    assert partial.messages is not None
    assert partial.messages[-1]["role"] == "tool"


async def test_an_error_before_any_tool_ran_has_no_partial() -> None:
    client = LLMClient(model=ScriptedModel([]))
    with pytest.raises(LLMToolkitError) as info:
        await client.generate(USER)
    assert info.value.partial is None


async def test_a_model_can_never_set_context_keys_or_runtime_names_even_through_kwargs() -> None:
    seen: dict[str, Any] = {}

    def audit(action: str, **kwargs: Any) -> str:
        """Record an action."""
        seen.update(kwargs, action=action)
        return "ok"

    forged = {"action": "x", "tenant": "evil", "tool_runtime": "forged", "tool_call_depth": 99, "extra": 1}
    client = LLMClient(model=ScriptedModel([tool_call("audit", forged), reply("done")]))
    client.register_tool(audit)
    await client.generate(USER, tool_execution_context={"tenant": "acme"})
    assert seen["tenant"] == "acme"
    assert isinstance(seen["tool_runtime"], ToolRuntime)
    assert seen["tool_call_depth"] == 0
    assert seen["extra"] == 1  # the model's own extra arguments still reach **kwargs


async def test_calls_past_the_per_turn_cap_and_oversized_arguments_are_answered_not_run() -> None:
    ran: list[int] = []

    def step(n: int, note: str = "") -> str:
        """One step."""
        ran.append(n)
        return str(n)

    turn = [tool_call("step", {"n": i}) for i in range(6)] + [tool_call("step", {"n": 99, "note": "z" * 500})]
    client = LLMClient(
        model=ScriptedModel([turn, reply("done")]), max_tool_calls_per_turn=4, max_tool_argument_bytes=200
    )
    client.register_tool(step)
    result = await client.generate(USER)
    assert ran == [0, 1, 2, 3]
    errors = [m["content"] for m in result.tool_messages[4:]]
    assert all("max_tool_calls_per_turn" in e for e in errors[:2])
    assert "max_tool_argument_bytes cap of 200" in errors[2]
    assert len(result.tool_messages) == 7
