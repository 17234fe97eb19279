"""Tool execution limits, the loop guard and structured-output re-asks (the first version's names)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from pydantic import BaseModel

from llmft import ConfigurationError, LLMClient, StructuredOutputError, ToolFactory, Usage
from llmft.testing import ScriptedModel, reply, tool_call

USER = [{"role": "user", "content": "go"}]


async def test_a_sync_tool_past_its_timeout_is_reported_and_never_waited_for() -> None:
    release = threading.Event()

    def stuck() -> str:
        """Hangs."""
        release.wait(10)
        return "late"

    client = LLMClient(model=ScriptedModel([tool_call("stuck"), reply("gave up")]), tool_timeout=0.2)
    client.register_tool(stuck)
    started = time.monotonic()
    result = await client.generate(USER)
    assert time.monotonic() - started < 2
    (message,) = result.tool_messages
    assert "timed out after 0.2 s" in message["content"]
    assert result.tool_errors[0].error is not None
    release.set()  # the abandoned thread finishes on its own; nobody waits for it


async def test_an_async_tool_past_its_registration_timeout_is_cancelled() -> None:
    cancelled = asyncio.Event()

    async def slow() -> str:
        """Slow."""
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    client = LLMClient(model=ScriptedModel([tool_call("slow"), reply("ok")]))
    client.tool_factory.register_tool(slow, tool_timeout=0.1)
    result = await client.generate(USER, tool_timeout=5)  # the shorter limit wins
    assert "timed out after 0.1 s" in result.tool_messages[0]["content"]
    assert cancelled.is_set()


class Peak:
    """A tool that notes the most of its calls running at once."""

    def __init__(self) -> None:
        self.running = self.most = 0

    async def work(self, n: int) -> dict[str, Any]:
        """Work."""
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.02)
        self.running -= 1
        return {"n": n, "blob": "x" * 500}


async def test_concurrency_is_bounded_and_long_output_is_cut_for_the_model_only() -> None:
    peak = Peak()
    calls = [tool_call("work", {"n": i}) for i in range(6)]
    client = LLMClient(model=ScriptedModel([calls, reply("done")]))
    client.register_tool(peak.work)
    result = await client.generate(
        USER, parallel_tools=True, max_concurrent_tools=2, max_tool_output_chars=100
    )
    assert peak.most == 2
    first = result.tool_messages[0]["content"]
    assert first.startswith('{"n": 0, "blob": "xxx')
    assert "[TRUNCATED: Output was 520 chars, limit is 100." in first
    assert result.payloads[0]["payload"] == {"n": 0, "blob": "x" * 500}  # the application gets it whole


@pytest.mark.parametrize("where", ["client", "call"])
async def test_max_parallel_tools_is_another_name_for_max_concurrent_tools(where: str) -> None:
    peak = Peak()
    model = ScriptedModel([[tool_call("work", {"n": i}) for i in range(5)], reply("done")])
    on_client: dict[str, Any] = {"max_parallel_tools": 2} if where == "client" else {}
    client = LLMClient(model=model, **on_client)
    client.register_tool(peak.work)
    on_call: dict[str, Any] = {} if on_client else {"max_parallel_tools": 2}
    result = await client.generate(USER, parallel_tools=True, **on_call)
    assert result.content == "done"
    assert peak.most == 2
    assert all("max_parallel_tools" not in request.extra for request in model.requests)


async def test_identical_consecutive_calls_are_refused_past_the_threshold() -> None:
    ran: list[int] = []

    def look(q: str) -> str:
        """Look."""
        ran.append(1)
        return "nothing"

    same = tool_call("look", {"q": "x"})
    script = [same, same, same, tool_call("look", {"q": "y"}), same, reply("ok")]
    client = LLMClient(model=ScriptedModel(script), repetition_threshold=2)
    client.register_tool(look)
    result = await client.generate(USER)
    assert len(ran) == 4  # x, x, (refused), y, x
    assert "repetition_threshold" in result.tool_messages[2]["content"]
    off = LLMClient(model=ScriptedModel([same, same, same, reply("ok")]))
    off.register_tool(look)
    ran.clear()
    await off.generate(USER, repetition_threshold=0)
    assert len(ran) == 3


class Answer(BaseModel):
    city: str
    population: int


async def test_invalid_structured_output_is_sent_back_with_its_errors() -> None:
    u = Usage(10, 5, 15)
    model = ScriptedModel(
        [reply('{"city": "Oslo"}', usage=u), reply('{"city": "Oslo", "population": 700000}', usage=u)]
    )
    client = LLMClient(model=model)
    result = await client.generate(USER, response_format=Answer)
    assert result.content == Answer(city="Oslo", population=700000)
    assert result.usage is not None
    assert result.usage.input_tokens == 20  # both attempts count
    feedback = model.requests[1].messages[-1]
    assert feedback.role == "user"
    assert "population: Field required" in feedback.text


async def test_the_last_failure_keeps_the_raw_text_and_every_attempts_errors() -> None:
    model = ScriptedModel([reply("not json"), reply('{"city": 1}')])
    client = LLMClient(model=model)
    with pytest.raises(StructuredOutputError) as info:
        await client.generate(USER, response_format=Answer, max_validation_retries=1)
    assert info.value.raw_text == '{"city": 1}'
    assert len(info.value.errors) == 2
    with pytest.raises(StructuredOutputError):
        await LLMClient(model=ScriptedModel([reply("nope")])).generate(
            USER, response_format=Answer, max_output_retries=0
        )


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"tool_timeout": 0}, "tool_timeout"),
        ({"tool_timeout": -1}, "tool_timeout"),
        ({"max_concurrent_tools": 0}, "max_concurrent_tools"),
        ({"max_parallel_tools": 0}, "max_parallel_tools"),
        ({"max_parallel_tools": 2, "max_concurrent_tools": 3}, "max_concurrent_tools"),
        ({"max_tool_output_chars": 0}, "max_tool_output_chars"),
        ({"max_output_retries": -1}, "max_output_retries"),
        ({"repetition_threshold": -1}, "repetition_threshold"),
        ({"on_usage": print}, "on_usage"),
        ({"pricing": {}}, "pricing"),
    ],
)
async def test_bad_values_and_retired_options_are_refused_before_any_request(
    options: dict[str, Any], field: str
) -> None:
    model = ScriptedModel([reply("x")])
    with pytest.raises(ConfigurationError) as info:
        await LLMClient(model=model).generate(USER, **options)
    assert info.value.field == field
    assert model.requests == []
    with pytest.raises(ConfigurationError):
        LLMClient(model=model, **options)


async def test_call_tools_takes_max_concurrent_and_dispatch_takes_a_timeout() -> None:
    factory = ToolFactory()

    async def nap() -> str:
        await asyncio.sleep(1)
        return "rested"

    factory.register_tool(nap)
    result = await factory.dispatch_tool("nap", "{}", tool_timeout=0.05)
    assert "timed out" in (result.error or "")
