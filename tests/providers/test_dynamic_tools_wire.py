"""Dynamic tool loading over HTTP: the meta-tools on every route, the provider's own search on Responses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft import LLMClient, ToolFactory, ToolSession, UnsupportedFeatureError
from llmft.testing import EmuReply, EmuToolCall, ProviderEmulator, emu_text, emu_tool_calls, emu_tool_search

from .conftest import KEY, RouteCase
from .wire import tool_outputs, tool_schemas

USER = [{"role": "user", "content": "What is the weather in Oslo? Tell the team."}]
META = {"browse_toolkit", "load_tools", "load_tool_group", "unload_tool_group", "unload_tools"}


def get_weather(city: str, units: str = "metric") -> str:
    """Current weather for a city.

    Args:
        city: The city, e.g. Oslo.
        units: metric or imperial.
    """
    return f"12 degrees in {city}"


def notify_team(message: str) -> str:
    """Post a message to the team channel.

    Args:
        message: What to post.
    """
    return "posted"


def factory() -> ToolFactory:
    tools = ToolFactory()
    tools.register_tool(notify_team, category="communication", group="comms.chat")
    tools.register_tool(get_weather, category="data", tags=["weather", "forecast"], group="data.weather")
    for i in range(40):
        tools.register_tool(lambda: "ok", f"report_{i:02d}", f"Monthly report number {i}.", group="reports")
    return tools


def names(request: Any) -> set[str]:
    return set(tool_schemas(request))


async def test_meta_tools_find_load_and_call_on_every_route(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(
        emu_tool_calls(("browse_toolkit", {"query": "weather"})),
        emu_tool_calls(("load_tools", {"tool_names": ["get_wether"]})),  # a typo
        emu_tool_calls(("load_tools", {"tool_names": ["get_weather"]})),
        emu_tool_calls(("get_weather", {"city": "Oslo"}), ("notify_team", {"message": "12 degrees"})),
        emu_text("12 degrees in Oslo; the team knows."),
    )
    llm = route.client(emu, tool_factory=factory(), core_tools=["notify_team"], dynamic_tool_loading=True)
    session = ToolSession(token_budget=2000)
    result = await llm.generate(USER, tool_session=session)
    assert result.content == "12 degrees in Oslo; the team knows."
    first, second, third, fourth, _ = emu.requests
    assert names(first) == META | {"notify_team"}  # 42 tools stay out of the request
    browse = json.loads(tool_outputs(second)[0][1])
    assert browse["results"][0]["name"] == "get_weather"
    typo = json.loads(tool_outputs(third)[1][1])
    assert typo["invalid"] == [{"name": "get_wether", "did_you_mean": ["get_weather"]}]
    assert names(third) == META | {"notify_team"}
    assert names(fourth) == META | {"notify_team", "get_weather"}
    assert [o for _, o in tool_outputs(emu.requests[-1])][-2:] == ["12 degrees in Oslo", "posted"]
    assert session.get_analytics()["calls"]["get_weather"] == 1
    assert 0 < session.tokens_used <= 2000


async def test_compact_definitions_on_the_wire(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_tool_calls(("load_tools", {"tool_names": ["get_weather"]})), emu_text("ok"))
    llm = route.client(
        emu, tool_factory=factory(), core_tools=["notify_team"], dynamic_tool_loading=True, compact_tools=True
    )
    await llm.generate(USER)
    schemas = tool_schemas(emu.requests[-1])
    assert "description" in schemas["notify_team"]["properties"]["message"]
    assert "description" not in schemas["get_weather"]["properties"]["city"]
    assert "default" not in json.dumps(schemas["get_weather"])


FOUND = EmuReply(
    server_calls=(emu_tool_search("get_weather", query="weather"),),
    tool_calls=(EmuToolCall("get_weather", '{"city": "Oslo"}'),),
)


def native_client(emu: ProviderEmulator) -> LLMClient:
    llm = LLMClient(
        model="gpt-5.4",
        base_url=emu.openai_base_url,
        api_key=KEY,
        max_retries=0,
        tool_factory=factory(),
        core_tools=["notify_team"],
        dynamic_tool_loading=True,
        tool_search="native",
    )
    emu.on_close(llm.aclose)
    return llm


@pytest.mark.parametrize("stream", [False, True])
async def test_native_search_on_responses_sends_deferred_tools_and_keeps_its_items(
    emu: ProviderEmulator, stream: bool
) -> None:
    emu.script(FOUND, emu_text("12 degrees in Oslo."), emu_text("You are welcome."))
    llm = native_client(emu)
    session = ToolSession()
    if stream:
        chunks = [c async for c in await llm.generate(USER, stream=True, tool_session=session)]
        result = chunks[-1].result
        assert result is not None
    else:
        result = await llm.generate(USER, tool_session=session)
    assert result.content == "12 degrees in Oslo."
    first, second = emu.requests[:2]
    tools = first.body["tools"]
    assert tools[-1] == {"type": "tool_search"}
    deferred = {t["name"]: t.get("defer_loading", False) for t in tools if t["type"] == "function"}
    assert deferred["notify_team"] is False
    assert deferred["get_weather"] is True
    assert not META & set(deferred)
    sent_back = second.items_of_type("tool_search_output")
    assert [t["name"] for t in sent_back[0]["tools"]] == ["get_weather"]
    assert second.items_of_type("tool_search_call")[0]["arguments"] == {"query": "weather"}
    assert session.list_active() == ["get_weather"]
    # The items are in result.messages, and go back when the conversation goes on.
    kinds = [m.get("type") for m in result.messages or []]
    assert "tool_search_call" in kinds
    assert "tool_search_output" in kinds
    await llm.generate([*(result.messages or []), {"role": "user", "content": "thanks"}])
    assert len(emu.requests[-1].items_of_type("tool_search_output")) == 1


async def test_native_search_is_refused_where_the_provider_has_none(emu: ProviderEmulator) -> None:
    llm = LLMClient(
        model="openai/llama-3",
        base_url=emu.openai_base_url,
        api_key=KEY,
        tool_factory=factory(),
        dynamic_tool_loading=True,
        tool_search="native",
    )
    emu.on_close(llm.aclose)
    with pytest.raises(UnsupportedFeatureError, match="native"):
        await llm.generate(USER)
    assert emu.requests == []
