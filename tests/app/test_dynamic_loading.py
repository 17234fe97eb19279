"""Dynamic tool loading through LLMClient on ScriptedModel: what each request offers, round by round."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmft import (
    ConfigurationError,
    InMemoryToolCatalog,
    LLMClient,
    ModelRequest,
    ToolCatalogEntry,
    ToolFactory,
    ToolSession,
    UnsupportedFeatureError,
)
from llmft.adapters.openai_responses.strict import strict_form
from llmft.testing import ScriptedModel, reply, tool_call

USER = [{"role": "user", "content": "help"}]
RICH = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "The contact's name."},
        "phone": {"type": ["string", "null"], "description": "E.164 phone.", "default": None},
    },
    "required": ["name"],
}
CALLED: list[str] = []


def contact_tool(name: str, phone: str | None = None) -> str:
    CALLED.append(name)
    return f"created {name}"


def factory() -> ToolFactory:
    tools = ToolFactory()
    tools.register_tool(lambda message: "a human will call", "call_human", "Escalate to a human.", RICH)
    tools.register_tool(contact_tool, "create_contact", "Create a CRM contact.", RICH, group="crm.contacts")
    tools.register_tool(contact_tool, "find_contact", "Find a CRM contact.", RICH, group="crm.contacts")
    tools.register_tool(contact_tool, "create_deal", "Open a deal.", RICH, group="crm.pipeline")
    for i in range(30):
        tools.register_tool(lambda: "ok", f"filler_{i:02d}", f"Filler number {i}.", category="misc")
    return tools


def client(*steps: Any, **options: Any) -> tuple[LLMClient, ScriptedModel]:
    model = ScriptedModel(list(steps))
    options.setdefault("core_tools", ["call_human"])
    options.setdefault("dynamic_tool_loading", True)
    return LLMClient(model=model, tool_factory=options.pop("tools", None) or factory(), **options), model


def offered(request: ModelRequest) -> list[str]:
    return [t.name for t in request.tools]


def described(request: ModelRequest, name: str) -> bool:
    spec = next(t for t in request.tools if t.name == name)
    return any("description" in p for p in spec.parameters["properties"].values())


META = ["browse_toolkit", "load_tools", "load_tool_group", "unload_tool_group", "unload_tools"]


async def test_each_call_starts_fresh_with_the_core_and_meta_tools() -> None:
    llm, model = client(
        tool_call("browse_toolkit", {"query": "contact"}),
        tool_call("load_tools", {"tool_names": ["create_contact"]}),
        tool_call("create_contact", {"name": "Ada"}),
        reply("done"),
        reply("again"),
    )
    result = await llm.generate(USER)
    assert result.content == "done"
    first, _, third, _ = model.requests
    assert offered(first) == ["call_human", *META]
    assert offered(third) == ["call_human", *META, "create_contact"]  # recomputed every round
    browse = json.loads(result.tool_messages[0]["content"])
    assert [r["name"] for r in browse["results"]][:2] == ["create_contact", "find_contact"]
    await llm.generate(USER)
    assert offered(model.requests[-1]) == ["call_human", *META]  # a new call, a new session
    assert (llm.core_tools, llm.dynamic_tool_loading, llm.compact_tools, llm.tool_search) == (
        ["call_human"],
        True,
        False,
        "meta",
    )


async def test_the_callers_session_is_kept_and_counts_calls() -> None:
    llm, model = client(
        tool_call("load_tool_group", {"group": "crm.contacts"}),
        [tool_call("find_contact", {"name": "Ada"}), tool_call("create_contact", {"name": "Bob"})],
        reply("ok"),
        tool_call("unload_tools", {"tool_names": ["find_contact", "call_human"]}),
        reply("bye"),
    )
    session = ToolSession(session_id="conv-1")
    await llm.generate(USER, tool_session=session)
    assert session.list_active() == [
        "create_contact",
        "find_contact",
    ]  # the core tools are offered, not loaded
    analytics = session.get_analytics()
    assert analytics["calls"] == {"load_tool_group": 1, "find_contact": 1, "create_contact": 1}
    stored = json.dumps(session.to_dict())
    again = ToolSession.from_dict(json.loads(stored))
    result = await llm.generate(USER, tool_session=again)
    assert offered(model.requests[3])[-2:] == ["create_contact", "find_contact"]
    unloaded = json.loads(result.tool_messages[0]["content"])
    assert unloaded["unloaded"] == ["find_contact"]
    assert unloaded["refused_protected"] == ["call_human"]
    assert offered(model.requests[4]) == ["call_human", *META, "create_contact"]


async def test_compact_definitions_for_tools_loaded_on_demand() -> None:
    llm, model = client(
        tool_call("load_tools", {"tool_names": ["create_contact"]}), reply("ok"), compact_tools=True
    )
    await llm.generate(USER)
    last = model.requests[-1]
    assert described(last, "call_human")
    assert described(last, "browse_toolkit")
    assert not described(last, "create_contact")
    spec = next(t for t in last.tools if t.name == "create_contact")
    assert "default" not in json.dumps(spec.parameters)
    assert strict_form(spec.parameters) is not None
    llm2, model2 = client(
        tool_call("load_tools", {"tool_names": ["create_contact"]}), reply("ok"), compact_tools=True
    )
    await llm2.generate(USER, compact_tools=False)  # per call
    assert described(model2.requests[-1], "create_contact")


async def test_auto_compact_at_75_percent_of_the_budget_unless_off() -> None:
    tools = factory()
    cost = InMemoryToolCatalog(tools).get_token_count("create_contact")
    for auto in (True, False):
        llm, model = client(
            tool_call("load_tools", {"tool_names": ["create_contact"]}), reply("ok"), tools=tools
        )
        session = ToolSession(token_budget=int(cost / 0.8), auto_compact=auto)
        await llm.generate(USER, tool_session=session)
        assert session.get_budget_usage()["warning"] is True
        assert described(model.requests[-1], "create_contact") is not auto
        assert session.last_request_tokens > 0


async def test_the_budget_refusal_reaches_the_model_with_figures() -> None:
    llm, _ = client(tool_call("load_tools", {"tool_names": ["create_contact", "create_deal"]}), reply("ok"))
    tools = llm.tool_factory
    catalog = tools.get_catalog()
    assert catalog is not None
    budget = catalog.get_token_count("create_contact") + 1
    result = await llm.generate(USER, tool_session=ToolSession(token_budget=budget))
    answer = json.loads(result.tool_messages[0]["content"])
    assert answer["loaded"] == ["create_contact"]
    assert answer["failed_limit"] == ["create_deal"]
    assert "over the token budget" in answer["error"]
    assert f"of {budget} tokens used, 1 left" in answer["error"]
    assert result.payloads == []  # a call that reported an error has no envelope; it is in tool_errors
    assert result.tool_errors[0].payload["loaded"] == ["create_contact"]


async def test_an_unknown_tool_gets_close_names_and_the_loop_goes_on() -> None:
    llm, _model = client(
        tool_call("load_tools", {"tool_names": ["create_contcat"]}),
        tool_call("create_contact", {"name": "Ada"}),  # not loaded: refused by the loop, not run
        tool_call("load_tools", {"tool_names": ["create_contact"]}),
        reply("ok"),
    )
    result = await llm.generate(USER)
    first, second, third = (
        json.loads(m["content"]) if m["content"].startswith("{") else m["content"]
        for m in result.tool_messages
    )
    assert first["invalid"][0]["did_you_mean"][0] == "create_contact"
    assert second.startswith("Error: unknown tool 'create_contact'")
    assert third["loaded"] == ["create_contact"]
    assert result.content == "ok"


class DownCatalog(InMemoryToolCatalog):
    def search(self, *args: Any, **kwargs: Any) -> Any:
        raise TimeoutError("catalog timed out")


async def test_a_catalog_that_raises_is_an_error_output_and_the_loop_goes_on() -> None:
    tools = factory()
    tools.set_catalog(DownCatalog(tools))
    llm, _ = client(tool_call("browse_toolkit", {"query": "x"}), reply("sorry"), tools=tools)
    result = await llm.generate(USER)
    assert "the tool catalog failed: TimeoutError: catalog timed out" in result.tool_messages[0]["content"]
    assert result.content == "sorry"


async def test_without_dynamic_loading_nothing_changes_but_compact_and_sessions_still_work() -> None:
    model = ScriptedModel([reply("a"), reply("b"), reply("c")])
    llm = LLMClient(model=model, tool_factory=factory())
    await llm.generate(USER)
    assert len(model.requests[0].tools) == 34
    assert described(model.requests[0], "create_contact")
    await llm.generate(USER, compact_tools=True)
    assert not any(described(model.requests[1], t.name) for t in model.requests[1].tools)
    session = ToolSession()
    session.load(["create_deal"])
    await llm.generate(USER, tool_session=session)
    assert offered(model.requests[2]) == ["create_deal"]  # no meta-tools registered: only the session's


async def test_use_tools_none_sends_no_tools_even_with_loaded_ones() -> None:
    llm, model = client(reply("plain"))
    session = ToolSession(active_tools=["create_contact"])
    await llm.generate(USER, tool_session=session, use_tools=None)
    assert model.requests[0].tools == ()


async def test_native_search_defers_all_but_the_core_tools() -> None:
    def answer(request: ModelRequest) -> Any:
        return tool_call("create_deal", {"name": "Q3"}) if len(request.messages) == 1 else reply("ok")

    model = ScriptedModel(answer)
    llm = LLMClient(
        model=model,
        tool_factory=factory(),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
        tool_search="native",
    )
    session = ToolSession()
    await llm.generate(USER, tool_session=session)
    request = model.requests[0]
    assert request.tool_search is True
    deferred = {t.name: t.deferred for t in request.tools}
    assert deferred["call_human"] is False
    assert deferred["create_deal"] is True
    assert not set(META) & set(deferred)
    assert session.list_active() == ["create_deal"]  # a deferred tool the model called is loaded
    assert session.get_analytics()["calls"] == {"create_deal": 1}
    model2 = ScriptedModel([reply("meta now")])
    llm2 = LLMClient(model=model2, tool_factory=factory(), dynamic_tool_loading=True, tool_search="native")
    await llm2.generate(USER, tool_search="meta")
    assert model2.requests[0].tool_search is False
    assert offered(model2.requests[0]) == META


async def test_native_search_per_call_on_a_client_without_dynamic_loading() -> None:
    model = ScriptedModel([reply("ok")])
    llm = LLMClient(model=model, tool_factory=factory())
    await llm.generate(USER, tool_search="native")
    assert model.requests[0].tool_search
    assert all(t.deferred for t in model.requests[0].tools)


def test_native_search_needs_a_route_that_has_it() -> None:
    llm = LLMClient(
        model="anthropic/claude-sonnet-4-5",
        api_key="sk-x",
        tool_factory=factory(),
        dynamic_tool_loading=True,
        tool_search="native",
    )
    with pytest.raises(UnsupportedFeatureError, match=r"tool_search='native'.*litellm"):
        llm.generate_stream(USER)
    with pytest.raises(UnsupportedFeatureError):
        LLMClient(model="gpt-5.4", api_key="sk-x", tool_factory=factory()).generate_stream(
            USER, tool_search="native", fallback_models=["openai/llama-3"]
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dynamic_tool_loading": True, "tool_factory": None}, "dynamic_tool_loading needs tool_factory"),
        ({"dynamic_tool_loading": "openai/gpt-4o-mini", "tool_factory": None}, "dynamic_tool_loading"),
        ({"core_tools": ["call_human", "nope"]}, r"core_tools names unregistered tools: \['nope'\]"),
        ({"core_tools": "call_human"}, "core_tools must be a list"),
        ({"tool_search": "magic"}, "tool_search must be 'meta' or 'native'"),
    ],
)
def test_bad_client_settings(options: dict[str, Any], message: str) -> None:
    options.setdefault("tool_factory", factory())
    options.setdefault("dynamic_tool_loading", True)
    with pytest.raises(ConfigurationError, match=message):
        LLMClient(model=ScriptedModel([]), **options)


async def test_bad_call_settings() -> None:
    llm, _ = client()
    with pytest.raises(ConfigurationError, match="tool_session must be a ToolSession, got dict"):
        await llm.generate(USER, tool_session={"active_tools": []})  # type: ignore[call-overload]
    with pytest.raises(ConfigurationError, match="tool_search must be"):
        await llm.generate(USER, tool_search="server")  # type: ignore[call-overload]


async def test_an_existing_catalog_is_kept_and_a_search_model_adds_find_tools() -> None:
    tools = factory()
    mine = InMemoryToolCatalog(tools)
    mine.add_entry(ToolCatalogEntry("extra", "Only in the catalog."))
    tools.set_catalog(mine)
    llm = LLMClient(
        model=ScriptedModel([]), tool_factory=tools, dynamic_tool_loading="openai/gpt-4o-mini", api_key="sk-x"
    )
    assert tools.get_catalog() is mine
    assert "find_tools" in tools.registrations
    assert llm.dynamic_tool_loading is True
    assert "LLMClient(model='openai/gpt-4o-mini'" in repr(llm._search_agent)
    with pytest.raises(ConfigurationError, match="set_catalog needs a ToolCatalog"):
        tools.set_catalog("nope")  # type: ignore[arg-type]
    await llm.aclose()


async def test_parallel_loads_in_one_turn_share_the_session() -> None:
    names = [f"filler_{i:02d}" for i in range(30)]
    llm, model = client([tool_call("load_tools", {"tool_names": [n]}) for n in names], reply("ok"))
    session = ToolSession(max_tools=20)
    result = await llm.generate(USER, tool_session=session, parallel_tools=True)
    assert len(session.active_tools) == 20  # the limit holds with 30 loads racing in worker threads
    refused = [json.loads(m["content"]) for m in result.tool_messages if "failed_limit" in m["content"]]
    assert sum(len(r["failed_limit"]) for r in refused) == 10
    assert len(offered(model.requests[-1])) == 1 + len(META) + 20


async def test_planning_offers_the_core_and_meta_tools() -> None:
    llm, model = client(tool_call("browse_toolkit", {"query": "deal"}))
    intent = await llm.generate_tool_intent(USER)
    assert intent.tool_calls is not None
    assert intent.tool_calls[0].name == "browse_toolkit"
    assert offered(model.requests[0]) == ["call_human", *META]
