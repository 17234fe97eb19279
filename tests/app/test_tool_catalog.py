"""The catalog, the session and the meta-tools, called directly (no model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from llmft import ConfigurationError, InMemoryToolCatalog, ToolCatalogEntry, ToolFactory, ToolSession
from llmft.testing import ScriptedModel, reply
from llmft.tool_loading import (
    CatalogPage,
    LazyCatalogEntry,
    ToolCatalog,
    browse_toolkit,
    catalog_prompt,
    find_tools,
    load_tool_group,
    load_tools,
    unload_tool_group,
    unload_tools,
)

SCHEMA = {
    "type": "object",
    "properties": {"q": {"type": "string", "description": "Query."}},
    "required": ["q"],
}


def noop(q: str = "") -> str:
    return "ok"


def factory_of(*tools: tuple[str, str, str | None, Sequence[str]], meta: bool = True) -> ToolFactory:
    factory = ToolFactory()
    for name, description, group, tags in tools:
        category = group.split(".")[0] if group else None
        factory.register_tool(noop, name, description, SCHEMA, category=category, tags=tags, group=group)
    if meta:
        factory.register_meta_tools()
    return factory


CRM = (
    ("create_contact", "Create a contact in the CRM.", "crm.contacts", ["contact", "create"]),
    ("find_contact", "Find contacts by name or email.", "crm.contacts", ["contact", "search"]),
    ("create_deal", "Open a deal in the pipeline.", "crm.pipeline", ["deal"]),
    ("send_email", "Send an email.", "comms.email", ["email"]),
    ("get_weather", "Weather for a city.", None, ["weather"]),
)


def body(result: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(result.content)
    return decoded


def test_the_catalog_follows_the_factory_and_leaves_the_meta_tools_out() -> None:
    factory = factory_of(*CRM)
    catalog = InMemoryToolCatalog(factory)
    assert {e.name for e in catalog.list_all()} == {t[0] for t in CRM}
    assert catalog.list_groups() == ["comms.email", "crm.contacts", "crm.pipeline"]
    assert catalog.list_categories() == ["comms", "crm"]

    async def call_remote(**arguments: Any) -> str:
        return "remote"

    # An MCP toolset's tools arrive later, as remote registrations with a group: they join the catalog.
    factory.register_remote_tool("mcp_search", "Search the wiki.", SCHEMA, call_remote, group="mcp.wiki")
    assert catalog.has_entry("mcp_search")
    assert catalog.get_tools_in_group("mcp") == ["mcp_search"]
    assert catalog.search(query="wiki")[0].name == "mcp_search"
    factory.register_tool(noop, "send_email", "Send a letter.", SCHEMA, replace=True)
    entry = catalog.get_entry("send_email")
    assert entry is not None
    assert entry.description == "Send a letter."
    assert repr(catalog) == "InMemoryToolCatalog(entries=6)"


def test_search_ranks_pages_and_counts() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    page = catalog.search(query="contact", limit=1)
    assert isinstance(page, CatalogPage)
    assert page.total == 2
    assert len(page) == 1
    second = catalog.search(query="contact", limit=1, offset=1)
    assert {page[0].name, second[0].name} == {"create_contact", "find_contact"}
    assert catalog.search(query="create_deal", min_score=1.0)[0].name == "create_deal"
    assert [e.name for e in catalog.search(group="crm", limit=50)] == [
        "create_contact",
        "find_contact",
        "create_deal",
    ]
    assert [e.name for e in catalog.search(tags=["EMAIL"])] == ["send_email"]
    assert catalog.search(category="nope") == []
    assert catalog.search(limit=0) == []
    assert catalog.search(limit=0).total == 5
    with_params = catalog.search(query="weather", include_params=True)
    assert isinstance(with_params[0], LazyCatalogEntry)
    assert with_params[0].is_resolved


def resolved(entry: LazyCatalogEntry) -> bool:
    return entry.is_resolved


def test_entries_resolve_their_parameters_lazily() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    entry = catalog.list_all()[0]
    assert isinstance(entry, LazyCatalogEntry)
    assert not resolved(entry)
    assert catalog.get_token_count(entry.name) > 0
    assert not resolved(entry)
    assert entry.parameters is not None
    assert resolved(entry)
    entry.parameters = {"type": "object"}
    assert entry.parameters == {"type": "object"}
    plain = ToolCatalogEntry("x", "y", {"type": "object"}, ("a",))
    assert plain.tags == ["a"]
    assert plain.parameters == {"type": "object"}
    catalog.add_entry(plain)
    catalog.add_metadata("x", category="c", tags=["t"], group="g.h")
    catalog.add_metadata("brand_new", category="n")
    assert (plain.category, plain.tags, plain.group) == ("c", ["t"], "g.h")
    assert catalog.get_entry("brand_new") is not None
    assert catalog.get_entry("nope") is None
    assert catalog.get_token_count("nope") == 0
    savings = catalog.estimate_token_savings()
    assert savings["__total__"]["saved"] > 0
    assert "browse_toolkit" not in savings


def test_session_loads_within_max_tools_and_budget() -> None:
    session = ToolSession(max_tools=3, token_budget=100)
    report = session.try_load(["a", "b", "c", "d", "e"], {"a": 40, "b": 50, "c": 20})
    assert report.loaded == ("a", "b", "d")  # d has no known cost: only max_tools bounds it
    refused = {r.name: r.as_dict() for r in report.refused}
    assert refused["c"] == {"name": "c", "reason": "token_budget", "tokens": 20, "tokens_remaining": 10}
    assert refused["e"] == {"name": "e", "reason": "max_tools"}
    assert session.tokens_used == 90
    assert session.tokens_remaining == 10
    assert session.get_budget_usage()["warning"] is True
    assert session.budget_usage().warning
    assert session.unload(["a", "zzz"]) == ["a"]
    assert session.tokens_used == 50
    assert not session.compact_due
    assert session.try_load(["b"]).already_active == ("b",)
    assert "token_budget=100" in repr(session)


def test_session_analytics_and_json_round_trip() -> None:
    session = ToolSession(session_id="s1", metadata={"tenant": "acme"}, token_budget=500, auto_compact=False)
    session.load(["a", "b"], {"a": 10})
    session.unload(["a"])
    session.record_tool_call("b")
    data = json.loads(json.dumps(session.to_dict()))  # plain JSON values only
    restored = ToolSession.from_dict(data)
    assert restored.to_dict() == session.to_dict()
    assert restored.get_analytics()["never_called"] == ["a"]
    assert restored.get_analytics()["most_loaded"][0][1] == 1
    session.reset_analytics()
    assert session.get_analytics()["loads"] == {}
    assert session.is_active("b")
    assert ToolSession.from_dict({}).max_tools == 50


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"active_tools": "abc"}, "active_tools"),
        ({"max_tools": -1}, "max_tools"),
        ({"token_budget": "lots"}, "token_budget"),
        ({"session_id": 3}, "session_id"),
        ({"metadata": "x"}, "metadata"),
        ({"_token_counts": {"a": "x"}}, "_token_counts"),
    ],
)
def test_a_bad_serialised_session_is_a_configuration_error(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ToolSession.from_dict(data)
    assert caught.value.field == field


def test_from_dict_needs_a_dict() -> None:
    with pytest.raises(ConfigurationError, match="must be a dict"):
        ToolSession.from_dict([])  # type: ignore[arg-type]


def test_browse_lists_pages_and_hints() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    session = ToolSession(token_budget=10_000)
    session.load(["find_contact"])
    found = body(browse_toolkit("contact", tool_catalog=catalog, tool_session=session, limit=1))
    assert found["total_matched"] == 2
    assert found["has_more"] is True
    assert found["budget"]["token_budget"] == 10_000
    assert found["compact_mode"] is False
    everything = body(browse_toolkit(limit=500, tool_catalog=catalog))
    assert everything["total_found"] == 5  # the limit is capped at 50; five tools
    nothing = body(browse_toolkit("zebra", tool_catalog=catalog))
    assert nothing["results"] == []
    assert "Nothing matched" in nothing["hint"]
    loaded = body(
        browse_toolkit(
            category="crm", group="crm.contacts", tool_catalog=catalog, tool_session=session, offset=1
        )
    )
    assert loaded["offset"] == 1
    assert loaded["category_filter"] == "crm"
    active = body(browse_toolkit("find_contact", tool_catalog=catalog, tool_session=session, limit=1))
    assert active["hint"].startswith("All 1 matching tools are already loaded")


def test_loading_an_unknown_tool_names_the_close_ones() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    session = ToolSession()
    result = load_tools(["create_contcat", "send_email", "zzz"], tool_catalog=catalog, tool_session=session)
    answer = body(result)
    assert answer["loaded"] == ["send_email"]
    assert answer["invalid"][0]["did_you_mean"][0] == "create_contact"
    assert answer["invalid"][1] == "zzz"
    assert "did you mean create_contact" in answer["error"]
    assert result.error == answer["error"]
    bare = load_tools("get_weather", tool_session=session)  # type: ignore[arg-type]  # as models send it
    assert body(bare)["loaded"] == ["get_weather"]


def test_loading_past_the_budget_is_refused_with_the_figures() -> None:
    factory = factory_of(*CRM)
    catalog = InMemoryToolCatalog(factory)
    cost = catalog.get_token_count("create_contact")
    session = ToolSession(token_budget=cost + 5, max_tools=3)
    result = load_tools(["create_contact", "find_contact"], tool_catalog=catalog, tool_session=session)
    answer = body(result)
    assert answer["loaded"] == ["create_contact"]
    assert answer["failed_limit"] == ["find_contact"]
    assert answer["refused"][0]["tokens_remaining"] == 5
    assert f"{cost} of {cost + 5} tokens used, 5 left" in answer["error"]
    assert result.error is not None
    session.token_budget = None
    session.load(["x", "y"])
    over = body(load_tools(["find_contact"], tool_catalog=catalog, tool_session=session))
    assert "over the limit of 3 active tools: find_contact" in over["error"]


def test_groups_load_and_unload_and_an_unknown_group_is_an_error() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    session = ToolSession()
    loaded = body(load_tool_group("crm", tool_catalog=catalog, tool_session=session))
    assert loaded["group"] == "crm"
    assert len(loaded["loaded"]) == 3
    unknown = load_tool_group("crn", tool_catalog=catalog, tool_session=session)
    assert "no tools in group 'crn'; did you mean crm" in body(unknown)["error"]
    assert unknown.error is not None
    gone = body(unload_tool_group("crm.pipeline", tool_catalog=catalog, tool_session=session, core_tools=[]))
    assert gone["unloaded"] == ["create_deal"]
    kept = body(
        unload_tools(
            ["create_contact", "load_tools", "nope"], tool_session=session, core_tools=["create_contact"]
        )
    )
    assert kept["refused_protected"] == ["create_contact", "load_tools"]
    assert kept["not_active"] == ["nope"]


def test_meta_tools_without_a_session_or_a_catalog() -> None:
    catalog = InMemoryToolCatalog(factory_of(*CRM))
    assert browse_toolkit().error == "no tool catalog is configured"
    assert load_tools(["a"]).error == "no tool session is available"
    assert load_tool_group("g").error == "no tool session is available"
    assert load_tool_group("g", tool_session=ToolSession()).error == "no tool catalog is configured"
    assert unload_tools(["a"]).error == "no tool session is available"
    assert unload_tool_group("g", tool_catalog=catalog).error == "no tool session is available"
    assert unload_tool_group("g", tool_session=ToolSession()).error == "no tool catalog is configured"


class BrokenCatalog(InMemoryToolCatalog):
    """A catalog over a service that is down."""

    def search(self, *args: Any, **kwargs: Any) -> CatalogPage:
        raise ConnectionError("catalog service unreachable")

    def has_entry(self, tool_name: str) -> bool:
        raise ConnectionError("catalog service unreachable")

    def get_tools_in_group(self, group: str) -> list[str]:
        raise ConnectionError("catalog service unreachable")

    def list_all(self) -> list[ToolCatalogEntry]:
        raise ConnectionError("catalog service unreachable")


def test_a_catalog_that_raises_is_an_error_answer() -> None:
    catalog = BrokenCatalog(factory_of(*CRM))
    session = ToolSession()
    for result in (
        browse_toolkit("x", tool_catalog=catalog),
        load_tools(["a"], tool_catalog=catalog, tool_session=session),
        load_tool_group("g", tool_catalog=catalog, tool_session=session),
        unload_tool_group("g", tool_catalog=catalog, tool_session=session),
    ):
        assert result.error == "the tool catalog failed: ConnectionError: catalog service unreachable"
        assert "go on with the tools already loaded" in body(result)["hint"]


class MinimalCatalog(ToolCatalog):
    """A catalog implemented from the port alone (as over a database): plain lists, no paging total."""

    def __init__(self) -> None:
        self.entries = [ToolCatalogEntry("db_tool", "From the database.", token_count=7)]

    def search(self, query: str | None = None, *args: Any, **kwargs: Any) -> list[ToolCatalogEntry]:
        return list(self.entries)

    def get_entry(self, tool_name: str) -> ToolCatalogEntry | None:
        return next((e for e in self.entries if e.name == tool_name), None)

    def has_entry(self, tool_name: str) -> bool:
        return self.get_entry(tool_name) is not None

    def list_categories(self) -> list[str]:
        return []

    def list_groups(self) -> list[str]:
        return []

    def get_tools_in_group(self, group: str) -> list[str]:
        return []

    def list_all(self) -> list[ToolCatalogEntry]:
        return list(self.entries)


def test_a_catalog_of_ones_own_works_with_the_meta_tools() -> None:
    catalog = MinimalCatalog()
    session = ToolSession(token_budget=100)
    assert catalog.get_token_count("db_tool") == 7
    assert catalog.get_token_count("x") == 0
    assert body(browse_toolkit(tool_catalog=catalog))["total_matched"] == 1
    assert (
        body(load_tools(["db_tool"], tool_catalog=catalog, tool_session=session))["budget"]["tokens_used"]
        == 7
    )


async def test_find_tools_asks_a_search_model() -> None:
    from llmft import LLMClient

    catalog = InMemoryToolCatalog(factory_of(*CRM))
    session = ToolSession()
    session.load(["send_email"])
    model = ScriptedModel(
        [reply('{"tool_names": ["create_contact", "made_up"], "reasoning": "fits"}'), reply("not json")]
    )
    agent = LLMClient(model=model)
    found = await find_tools(
        "add a customer", tool_catalog=catalog, tool_session=session, tool_search_agent=agent
    )
    assert [r["name"] for r in body(found)["results"]] == ["create_contact"]
    asked = model.requests[0]
    assert asked.tools == ()
    assert asked.response_format is not None
    assert "send_email" not in asked.messages[1].text  # loaded tools are not offered again
    broken = await find_tools("x", tool_catalog=catalog, tool_session=session, tool_search_agent=agent)
    assert broken.error is not None
    assert broken.error.startswith("the search model failed: JSONDecodeError")
    assert (await find_tools("x", tool_catalog=catalog)).error is not None
    assert (await find_tools("x", tool_search_agent=agent)).error == "no tool catalog is configured"
    session.load([e.name for e in catalog.list_all()])
    every = await find_tools("x", tool_catalog=catalog, tool_session=session, tool_search_agent=agent)
    assert body(every)["hint"] == "Every tool is loaded already."
    assert catalog_prompt(catalog.list_all(), set()).count("\n") == 4
