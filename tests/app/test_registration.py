"""Registration: catalog metadata, defaults from the first version, replacing, and remote tools."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from llmft import BaseTool, ConfigurationError, ToolExecutionResult, ToolFactory


def undocumented(x: int) -> int:
    return x


class Service:
    def execute(self, value: int) -> str:
        return f"real:{value}"

    def mock_execute(self, value: int) -> ToolExecutionResult:
        return ToolExecutionResult(content=f"mock:{value}", metadata={"source": "custom"})


class Tagged(BaseTool):
    NAME = "tagged"
    DESCRIPTION = "A tool with catalog metadata."
    CATEGORY = "crm"
    TAGS: ClassVar[list[str]] = ["contacts", "search"]
    GROUP = "crm.contacts"

    def execute(self, **kwargs: Any) -> str:
        return "ok"


def test_metadata_defaults_and_the_registrations_view() -> None:
    factory = ToolFactory()
    factory.register_tool(undocumented, category="util", tags=["math"], group="util.numbers")
    factory.register_tool_class(Tagged)
    first = factory.registrations["undocumented"]
    assert (first.category, first.tags, first.group) == ("util", ["math"], "util.numbers")
    assert first.description == "Executes the undocumented function."
    assert first.definition["function"]["name"] == "undocumented"
    tagged = factory.registrations["tagged"]
    assert (tagged.category, tagged.tags, tagged.group) == ("crm", ["contacts", "search"], "crm.contacts")
    with pytest.raises(TypeError):
        factory.registrations["x"] = tagged  # type: ignore[index]


async def test_a_bound_method_brings_its_owners_mock() -> None:
    factory = ToolFactory()
    factory.register_tool(Service().execute, name="service")
    assert (await factory.dispatch_tool("service", '{"value": 3}')).content == "real:3"
    mocked = await factory.dispatch_tool("service", '{"value": 3}', use_mock=True)
    assert mocked.content == "mock:3"


async def test_duplicates_raise_unless_replaced_and_exclude_params_hides_context_parameters() -> None:
    factory = ToolFactory()

    def lookup(name: str, user_id: str) -> str:
        """Look a name up."""
        return f"{user_id}:{name}"

    factory.register_tool(lookup, exclude_params=["user_id"])
    schema = factory.get_tool_definitions()[0]["function"]["parameters"]
    assert list(schema["properties"]) == ["name"]
    assert schema["required"] == ["name"]
    result = await factory.dispatch_tool("lookup", '{"name": "Ann", "user_id": "x"}', {"user_id": "u-1"})
    assert result.content == "u-1:Ann"
    with pytest.raises(ConfigurationError, match="replace=True"):
        factory.register_tool(lookup)
    factory.register_tool(lambda name: name, name="lookup", replace=True)
    assert (await factory.dispatch_tool("lookup", '{"name": "Bo"}')).content == "Bo"
    with pytest.raises(ConfigurationError, match="tool_timeout"):
        factory.register_tool(lookup, name="slow", tool_timeout=0)


async def test_a_remote_tool_gets_the_models_arguments_and_nothing_else() -> None:
    received: list[dict[str, Any]] = []

    async def call(**arguments: Any) -> str:
        received.append(arguments)
        return "done"

    factory = ToolFactory()
    schema = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    factory.register_remote_tool("search", "Search the web.", schema, call, group="mcp.web")
    forged = '{"q": "llmft", "tenant": "evil", "tool_runtime": 1, "tool_call_depth": 5}'
    result = await factory.dispatch_tool("search", forged, {"tenant": "acme", "secret": "s3"})
    assert result.content == "done"
    assert received == [{"q": "llmft"}]
    assert factory.get_tool_definitions()[0]["function"]["parameters"] == schema
