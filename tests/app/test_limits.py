"""Usage limits (every attempt counts, nested tool calls too) and fitting the input into a window."""

from __future__ import annotations

import pytest
from attrs import evolve

from llmft import (
    ConfigurationError,
    LLMClient,
    Price,
    ToolRuntime,
    Usage,
    UsageLimitExceeded,
    UsageLimits,
)
from llmft.domain.context_window import estimate_tokens, fit
from llmft.domain.messages import Message, ToolCall
from llmft.testing import ScriptedModel, ScriptStep, provider_error, reply, tool_call

USER = [{"role": "user", "content": "go"}]
U = Usage(100, 50, 150)


def step(n: int) -> str:
    """One step."""
    return f"step {n}"


def calling(n: int, *, usage: Usage, text: str | None = None) -> ScriptStep:
    """A turn calling `step` that reports `usage`."""
    return evolve(tool_call("step", {"n": n}), usage=usage, text=text)


async def test_a_token_limit_stops_before_the_next_request_with_the_partial() -> None:
    model = ScriptedModel([*[calling(i, usage=U) for i in range(5)], reply("end")])
    client = LLMClient(model=model)
    client.register_tool(step)
    with pytest.raises(UsageLimitExceeded) as info:
        await client.generate(USER, limits=UsageLimits(total_tokens_limit=250))
    assert info.value.limit == "total_tokens_limit"
    # 150 tokens, then 300: the second turn's tool call is not run, the third request never made.
    assert len(model.requests) == 2
    partial = info.value.partial
    assert partial is not None
    assert partial.finish_reason == "usage_limit"
    assert [p["payload"] for p in partial.payloads] == ["step 0"]


async def test_every_attempt_counts_as_a_request() -> None:
    model = ScriptedModel(
        [
            provider_error(status_code=503, retryable=True),
            provider_error(status_code=503, retryable=True),
            reply("x"),
        ]
    )
    client = LLMClient(model=model, max_retries=5)
    with pytest.raises(UsageLimitExceeded) as info:
        await client.generate(USER, limits=UsageLimits(request_limit=2))
    assert info.value.limit == "request_limit"
    assert len(model.requests) == 2


async def test_tool_calls_are_counted_nested_ones_included() -> None:
    async def fan(tool_runtime: ToolRuntime) -> str:
        """Fan out."""
        for i in range(5):
            await tool_runtime.call_tool("step", arguments={"n": i})
        return "fanned"

    ran: list[int] = []

    def counted(n: int) -> str:
        """Counted step."""
        ran.append(n)
        return str(n)

    client = LLMClient(model=ScriptedModel([tool_call("fan"), reply("x")]))
    client.register_tool(fan)
    client.register_tool(counted, name="step")
    with pytest.raises(UsageLimitExceeded) as info:
        await client.generate(USER, limits=UsageLimits(tool_calls_limit=3))
    assert info.value.limit == "tool_calls_limit"
    assert ran == [0, 1]  # fan itself is the first of the three


async def test_a_cost_limit_needs_known_prices_and_stops_when_spent() -> None:
    class Table:
        def price(self, model: str) -> Price | None:
            return Price(input=1.0, output=1.0) if model == "scripted-model" else None

    model = ScriptedModel([[tool_call("step", {"n": 0})], reply("x", usage=Usage(1_000_000, 0, 1_000_000))])
    client = LLMClient(model=ScriptedModel([reply("x")]))
    with pytest.raises(ConfigurationError, match="cost_limit_usd needs the price"):
        await client.generate(USER, limits=UsageLimits(cost_limit_usd=1))
    priced = LLMClient(model=model, prices=Table())
    priced.register_tool(step)
    result = await priced.generate(USER, limits=UsageLimits(cost_limit_usd=5))
    assert result.usage is not None
    assert result.usage.cost_usd is not None


@pytest.mark.parametrize(
    "limits",
    [
        UsageLimits(request_limit=0),
        UsageLimits(total_tokens_limit=-5),
        UsageLimits(cost_limit_usd=0),
        UsageLimits(tool_calls_limit="3"),  # type: ignore[arg-type]
    ],
)
async def test_bad_limits_are_refused_at_the_call(limits: UsageLimits) -> None:
    model = ScriptedModel([reply("x")])
    with pytest.raises(ConfigurationError):
        await LLMClient(model=model).generate(USER, limits=limits)
    assert model.requests == []


async def test_a_stream_stops_with_the_same_exception_after_its_last_event() -> None:
    model = ScriptedModel([calling(0, usage=U, text="thinking"), reply("never")])
    client = LLMClient(model=model)
    client.register_tool(step)
    seen: list[str] = []

    async def consume() -> None:
        async for chunk in client.generate_stream(USER, limits=UsageLimits(output_tokens_limit=10)):
            seen.append(chunk.content)

    with pytest.raises(UsageLimitExceeded):
        await consume()
    assert "".join(seen) == "thinking"


def turn(i: int, size: int) -> list[Message]:
    return [
        Message("user", f"question {i} " + "x" * size),
        Message("assistant", None, (ToolCall(f"c{i}", "look", "{}"),)),
        Message("tool", "y" * size, tool_call_id=f"c{i}", name="look"),
        Message("assistant", "answer"),
    ]


def test_fit_drops_whole_oldest_turns_and_keeps_the_system_message() -> None:
    messages = (Message("system", "be brief"), *turn(1, 400), *turn(2, 400), *turn(3, 40))
    full = estimate_tokens(messages)
    fitted = fit(messages, full - 100).unwrap()
    assert fitted[0].role == "system"
    assert fitted[1].text.startswith("question 2")  # turn 1 went whole: its call with its result
    assert fit(messages, full).unwrap() is messages
    too_small = fit(messages, 5)
    assert "newest turn" in too_small.failure()


async def test_max_input_tokens_trims_what_is_sent_but_not_the_transcript() -> None:
    history = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "old " + "x" * 4000},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "new question"},
    ]
    model = ScriptedModel([reply("answer")])
    result = await LLMClient(model=model).generate(history, max_input_tokens=200)
    sent = model.requests[0].messages
    assert [m.role for m in sent] == ["system", "user"]
    assert sent[1].text == "new question"
    assert result.messages is not None
    assert len(result.messages) == 5
    with pytest.raises(ConfigurationError, match="max_input_tokens"):
        await LLMClient(model=ScriptedModel([reply("x")])).generate(history, max_input_tokens=3)
