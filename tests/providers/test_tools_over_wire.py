"""The tool framework through each route, over HTTP: nesting, mocks, class tools, intents, parallel."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from llmft import BaseTool, Injected, ToolExecutionResult, ToolRuntime
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

from .conftest import RouteCase
from .wire import tool_calls, tool_outputs, tool_schemas

USER = [{"role": "user", "content": "Plan my trip"}]
SENT: list[str] = []


def send_email(to: str, body: str, user_id: Injected[str]) -> ToolExecutionResult:
    """Send an email on the user's behalf."""
    SENT.append(f"{user_id}->{to}")
    return ToolExecutionResult(content=f"sent to {to}", payload={"to": to, "by": user_id})


async def weather(city: str, tool_call_depth: int) -> str:
    """Weather for a city."""
    return f"sunny in {city} (depth {tool_call_depth})"


async def trip_report(cities: list[str], tool_runtime: ToolRuntime) -> str:
    """Weather for several cities, gathered by nested calls."""
    results = await tool_runtime.call_tools([{"name": "weather", "arguments": {"city": c}} for c in cities])
    return "; ".join(r.content for r in results)


class Booking(BaseTool):
    NAME = "book_hotel"
    DESCRIPTION = "Book a hotel room."
    PARAMETERS: ClassVar[dict[str, Any] | None] = None  # inferred from execute

    def execute(self, city: str, nights: int = 1, user_id: str = "") -> ToolExecutionResult:  # type: ignore[override]
        return ToolExecutionResult(content=f"booked {nights} night(s) in {city}", payload={"user": user_id})

    def mock_execute(self, city: str, nights: int = 1, user_id: str = "") -> str:  # type: ignore[override]
        return f"[mock] would book {nights} night(s) in {city}"


def setup(route: RouteCase, emu: ProviderEmulator) -> Any:
    client = route.client(emu)
    client.register_tool(send_email)
    client.register_tool(weather)
    client.register_tool(trip_report)
    client.register_tool_class(Booking)
    return client


async def test_nested_calls_and_class_tools(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(
        emu_tool_calls(
            ("trip_report", {"cities": ["Oslo", "Rome"]}), ("book_hotel", {"city": "Oslo", "nights": 2})
        ),
        emu_text("All set."),
    )
    client = setup(route, emu)
    result = await client.generate(USER, tool_execution_context={"user_id": "u-1"})
    outputs = [text for _, text in tool_outputs(emu.requests[1])]
    assert outputs == ["sunny in Oslo (depth 1); sunny in Rome (depth 1)", "booked 2 night(s) in Oslo"]
    assert result.payloads == [
        {
            "tool_name": "trip_report",
            "payload": "sunny in Oslo (depth 1); sunny in Rome (depth 1)",
            "metadata": {},
        },
        {"tool_name": "book_hotel", "payload": {"user": "u-1"}, "metadata": {}},
    ]
    schemas = tool_schemas(emu.requests[0])
    assert set(schemas) == {"send_email", "weather", "trip_report", "book_hotel"}
    assert "user_id" not in schemas["book_hotel"]["properties"]
    assert "tool_runtime" not in schemas["trip_report"]["properties"]
    assert "tool_call_depth" not in schemas["weather"]["properties"]
    counts = client.tool_factory.get_tool_usage_counts()
    assert counts == {"send_email": 0, "weather": 2, "trip_report": 1, "book_hotel": 1}


async def test_mock_mode_runs_nothing_real(emu: ProviderEmulator, route: RouteCase) -> None:
    SENT.clear()
    emu.script(
        emu_tool_calls(
            ("send_email", {"to": "boss@example.com", "body": "hi"}), ("book_hotel", {"city": "Rome"})
        ),
        emu_text("Done (pretend)."),
    )
    client = setup(route, emu)
    result = await client.generate(USER, mock_tools=True, tool_execution_context={"user_id": "u-1"})
    assert SENT == []
    outputs = [text for _, text in tool_outputs(emu.requests[1])]
    assert outputs[0] == "Mocked execution for tool 'send_email'."
    assert outputs[1] == "[mock] would book 1 night(s) in Rome"
    assert [p["payload"] for p in result.payloads] == [None, "[mock] would book 1 night(s) in Rome"]
    assert result.payloads[0]["metadata"] == {"mock": True, "tool_name": "send_email"}


async def test_intent_planning_then_approved_execution(emu: ProviderEmulator, route: RouteCase) -> None:
    SENT.clear()
    emu.script(
        emu_tool_calls(
            ("send_email", {"to": "a@example.com", "body": "x"}),
            ("send_email", {"to": "b@example.com", "body": "y"}),
        ),
        emu_text("Sent one email; the other was not approved."),
    )
    client = setup(route, emu)
    intent = await client.generate_tool_intent(USER, tool_execution_context={"user_id": "u-9"})
    assert SENT == []
    assert intent.tool_calls is not None
    assert [c.arguments for c in intent.tool_calls] == [
        {"to": "a@example.com", "body": "x"},
        {"to": "b@example.com", "body": "y"},
    ]
    approved = intent.model_copy(update={"tool_calls": intent.tool_calls[:1]})
    items = await client.execute_tool_intents(approved, tool_execution_context={"user_id": "u-9"})
    assert SENT == ["u-9->a@example.com"]
    denied = [
        {"role": "tool", "tool_call_id": c.id, "content": "Not approved by the user."}
        for c in intent.tool_calls[1:]
    ]
    result = await client.generate(
        [*USER, *intent.raw_assistant_message, *items, *denied], tool_execution_context={"user_id": "u-9"}
    )
    assert result.content == "Sent one email; the other was not approved."
    second = emu.requests[1]
    assert [name for _, name in tool_calls(second)] == ["send_email", "send_email"]
    assert [text for _, text in tool_outputs(second)] == [
        "sent to a@example.com",
        "Not approved by the user.",
    ]


async def test_parallel_tools_overlap_over_the_wire(emu: ProviderEmulator, route: RouteCase) -> None:
    running = 0
    peak = 0

    async def slow(n: int) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return str(n)

    emu.script(emu_tool_calls(*((("slow", {"n": i})) for i in range(4))), emu_text("ok"))
    client = route.client(emu)
    client.register_tool(slow)
    result = await client.generate(USER, parallel_tools=True)
    assert peak == 4
    assert [m["content"] for m in result.tool_messages] == ["0", "1", "2", "3"]
    assert json.loads(json.dumps(result.messages))  # the transcript is plain JSON
