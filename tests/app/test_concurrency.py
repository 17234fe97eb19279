"""One client shared by many concurrent calls: counters exact, contexts kept apart."""

from __future__ import annotations

import asyncio
import json

from llmft import Injected, LLMClient, ModelRequest
from llmft.testing import ScriptedModel, ScriptStep, reply, tool_call


def whoami(user_id: Injected[str]) -> str:
    """Who is calling."""
    return user_id


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def script(request: ModelRequest) -> ScriptStep | list[ScriptStep]:
    """First turn: two tool calls; second turn: echo the tool outputs back as the answer."""
    outputs = [m.text for m in request.messages if m.role == "tool"]
    if not outputs:
        n = int(request.messages[0].text)
        return [tool_call("whoami"), tool_call("add", {"a": n, "b": 1})]
    return reply(json.dumps(outputs))


async def test_200_concurrent_generate_calls_keep_counters_and_contexts_exact() -> None:
    client = LLMClient(model=ScriptedModel(script))
    client.register_tool(whoami)
    client.register_tool(add)

    async def one(i: int) -> list[str]:
        result = await client.generate(
            [{"role": "user", "content": str(i)}],
            tool_execution_context={"user_id": f"u-{i}"},
            parallel_tools=i % 2 == 0,
        )
        assert isinstance(result.content, str)
        decoded: list[str] = json.loads(result.content)
        return decoded

    results = await asyncio.gather(*(one(i) for i in range(200)))
    assert results == [[f"u-{i}", str(i + 1)] for i in range(200)]
    assert client.tool_factory.get_and_reset_tool_usage_counts() == {"whoami": 200, "add": 200}
    assert client.tool_factory.get_tool_usage_counts() == {"whoami": 0, "add": 0}
