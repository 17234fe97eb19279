"""ToolFactory: registration, definitions, dispatch that never raises, counters, mocks, ToolRuntime."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from llmft import (
    BaseTool,
    ConfigurationError,
    Injected,
    ToolError,
    ToolExecutionResult,
    ToolFactory,
    ToolRuntime,
)
from llmft.adapters.openai_responses.strict import strict_form


def add(a: int, b: int = 0) -> int:
    """Add two numbers."""
    return a + b


async def greet(name: str, user_id: Injected[str] = "anon") -> str:
    """Greet someone."""
    return f"hi {name} from {user_id}"


def loose(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k != "tool_runtime"}


class Point(BaseModel):
    x: int


@pytest.fixture
def factory() -> ToolFactory:
    f = ToolFactory()
    f.register_tool(add)
    f.register_tool(greet)
    f.register_tool(loose, parameters={"type": "object", "properties": {"secret": {"type": "string"}}})
    return f


async def test_definitions_hide_injected_and_context_parameters(factory: ToolFactory) -> None:
    definitions = {d["function"]["name"]: d for d in factory.get_tool_definitions()}
    assert definitions["add"]["function"]["parameters"]["required"] == ["a"]
    assert definitions["add"]["type"] == "function"
    assert list(definitions["greet"]["function"]["parameters"]["properties"]) == ["name"]
    with_context = factory.get_tool_definitions(["add"], context={"b": 5})
    assert list(with_context[0]["function"]["parameters"]["properties"]) == ["a"]
    assert len(factory.get_tool_definitions(None)) == 3  # the first version's meaning: None is all
    assert factory.get_tool_definitions(use_tools=None) == []  # generate's meaning: no tools
    assert factory.get_tool_definitions(use_tools=[]) == []
    assert factory.available_tool_names == ["add", "greet", "loose"]


def test_a_tools_spec_is_worked_out_once_per_hidden_set(factory: ToolFactory) -> None:
    (add_tool,) = factory.select(["add"])
    plain = add_tool.spec({})
    assert add_tool.spec({}) is plain  # no schema building per call
    assert add_tool.spec({"unrelated": 1}) is plain
    hidden_b = add_tool.spec({"b": 5})
    assert hidden_b is not plain
    assert add_tool.spec({"b": 6}) is hidden_b
    assert list(hidden_b.parameters["properties"]) == ["a"]
    strict = strict_form(plain.parameters)  # the Responses route's strict form, made once per spec
    assert strict is not None
    assert strict["additionalProperties"] is False
    assert strict_form(add_tool.spec({}).parameters) is strict
    (loose_tool,) = factory.select(["loose"])
    assert strict_form(loose_tool.spec({}).parameters) is not None


def test_the_spec_memory_per_tool_is_bounded() -> None:
    def many(p0: int, p1: int, p2: int, p3: int, p4: int, p5: int, p6: int, p7: int) -> int:
        """Sum."""
        return p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7

    f = ToolFactory()
    f.register_tool(many)
    (tool,) = f.select(["many"])
    for mask in range(256):  # every subset of the 8 parameters set by the context
        spec = tool.spec({f"p{i}": 1 for i in range(8) if mask >> i & 1})
        assert len(spec.parameters["properties"]) == 8 - bin(mask).count("1")
    assert len(tool._specs) == 64


def test_definitions_are_the_callers_own_copy(factory: ToolFactory) -> None:
    (first,) = factory.get_tool_definitions(["add"])
    first["function"]["parameters"]["properties"]["a"]["type"] = "mangled"
    first["function"]["parameters"]["required"].append("zzz")
    (again,) = factory.get_tool_definitions(["add"])
    assert again["function"]["parameters"]["properties"]["a"]["type"] == "integer"
    assert again["function"]["parameters"]["required"] == ["a"]


@pytest.mark.parametrize(
    ("name", "args", "content"),
    [
        ("add", '{"a": 2, "b": 3}', "5"),
        ("add", '{"a": 2}', "5"),  # b comes from the context
        ("greet", '{"name": "Ann", "user_id": "mallory"}', "hi Ann from u-1"),
        # **kwargs receives the context values no named parameter took, and the runtime (as in the
        # first version), but never a value the model sent under one of those names.
        (
            "loose",
            '{"secret": "s", "user_id": "forged", "b": 99, "tool_call_depth": 7, "tool_runtime": "x"}',
            '{"secret": "s", "user_id": "u-1", "b": 3, "tool_call_depth": 0}',
        ),
    ],
)
async def test_dispatch_with_context(factory: ToolFactory, name: str, args: str, content: str) -> None:
    result = await factory.dispatch_tool(name, args, tool_execution_context={"user_id": "u-1", "b": 3})
    assert result.error is None
    assert result.content == content


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("nope", "{}", "unknown tool 'nope'"),
        ("add", "{", "not valid JSON"),
        ("add", "[1]", "must be a JSON object"),
        ("add", '{"a": 1, "c": 2}', "does not take the argument(s) ['c']"),
        ("add", "{}", "missing required argument(s) ['a']"),
        ("add", '{"a": "x"}', "a: Input should be a valid integer"),
    ],
)
async def test_dispatch_never_raises_for_a_tool_failure(
    factory: ToolFactory, name: str, args: str, message: str
) -> None:
    result = await factory.dispatch_tool(name, args)
    assert result.error is not None
    assert message in result.error
    assert result.content.startswith("Error: ")


async def test_missing_injected_value_is_reported() -> None:
    def needs(user_id: Injected[str]) -> str:
        return user_id

    f = ToolFactory()
    f.register_tool(needs)
    result = await f.dispatch_tool("needs", "{}")
    assert result.error is not None
    assert "tool_execution_context" in result.error


@pytest.mark.parametrize(
    ("value", "content", "error"),
    [
        ("text", "text", False),
        ({"a": [1, "é"]}, '{"a": [1, "é"]}', False),
        (None, "null", False),
        (Point(x=1), '{"x":1}', False),
        (ToolExecutionResult(content="c", payload=1), "c", False),
        ({1, 2}, None, True),
    ],
)
async def test_return_values_are_wrapped(value: Any, content: str | None, error: bool) -> None:
    f = ToolFactory()
    f.register_tool(lambda: value, name="give")
    result = await f.dispatch_tool("give", "{}")
    assert (result.error is not None) is error
    if content is not None:
        assert result.content == content


async def test_sync_tools_keep_contextvars() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    def read() -> str:
        return var.get()

    f = ToolFactory()
    f.register_tool(read)
    var.set("request-42")
    assert (await f.dispatch_tool("read", "{}")).content == "request-42"


async def test_sync_function_returning_an_awaitable() -> None:
    f = ToolFactory()
    f.register_tool(lambda: greet("x"), name="wrapped")
    assert (await f.dispatch_tool("wrapped", "{}")).content == "hi x from anon"


def test_registration_errors(factory: ToolFactory) -> None:
    with pytest.raises(ConfigurationError, match="already registered"):
        factory.register_tool(add)
    with pytest.raises(ConfigurationError, match="invalid tool name"):
        factory.register_tool(add, name="bad name")
    with pytest.raises(ConfigurationError, match="callable"):
        factory.register_tool("add")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="JSON Schema object"):
        factory.register_tool(add, name="add2", parameters={"type": "string"})
    with pytest.raises(ConfigurationError, match="BaseTool"):
        factory.register_tool_class(int)  # type: ignore[arg-type]

    class NoName(BaseTool):
        pass

    with pytest.raises(ConfigurationError, match="NAME"):
        factory.register_tool_class(NoName)


def test_explicit_description_and_parameters_win() -> None:
    f = ToolFactory()
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    f.register_tool(add, name="plus", description="Adds.", parameters=schema)
    (definition,) = f.get_tool_definitions()
    assert definition["function"] == {"name": "plus", "description": "Adds.", "parameters": schema}


class Weather(BaseTool):
    NAME = "weather"
    DESCRIPTION = "Weather for a city."
    PARAMETERS: ClassVar[dict[str, Any] | None] = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    }

    async def execute(self, city: str, user_id: str = "") -> ToolExecutionResult:  # type: ignore[override]
        return ToolExecutionResult(content=f"sunny in {city}", payload={"for": user_id})

    def mock_execute(self, city: str, user_id: str = "") -> str:  # type: ignore[override]
        return f"mock weather for {city}"


class Inferred(BaseTool):
    NAME = "inferred"

    def execute(self, n: int) -> int:  # type: ignore[override]
        """Double n."""
        return n * 2


async def test_class_tools_real_and_mocked() -> None:
    f = ToolFactory()
    f.register_tool_class(Weather)
    f.register_tool_class(Inferred)
    real = await f.dispatch_tool("weather", '{"city": "Oslo"}', {"user_id": "u"})
    assert real.content == "sunny in Oslo"
    assert real.payload == {"for": "u"}
    mocked = await f.dispatch_tool("weather", '{"city": "Oslo"}', use_mock=True)
    assert mocked.content == "mock weather for Oslo"
    stub = await f.dispatch_tool("inferred", '{"n": 2}', use_mock=True)
    assert stub.content == "Mocked execution for tool 'inferred'."
    assert stub.metadata == {"mock": True, "tool_name": "inferred"}
    assert stub.metadata == {"mock": True, "tool_name": "inferred"}
    assert (await f.dispatch_tool("inferred", '{"n": 2}')).content == "4"
    definitions = {d["function"]["name"]: d["function"] for d in f.get_tool_definitions()}
    assert definitions["inferred"]["parameters"]["required"] == ["n"]


async def test_mock_function_replaces_the_tool() -> None:
    ran: list[str] = []

    def act() -> str:
        ran.append("real")
        return "real"

    f = ToolFactory()
    f.register_tool(act, mock_function=lambda: "mocked")
    assert (await f.dispatch_tool("act", "{}", use_mock=True)).content == "mocked"
    assert ran == []


def test_counters_are_exact_under_threads() -> None:
    f = ToolFactory()
    f.register_tool(add)

    def hammer() -> None:
        for _ in range(500):
            f.increment_tool_usage("add")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert f.get_and_reset_tool_usage_counts() == {"add": 4000}
    assert f.get_tool_usage_counts() == {"add": 0}


async def test_counters_count_runs_and_reset(factory: ToolFactory) -> None:
    await asyncio.gather(*(factory.dispatch_tool("add", '{"a": 1}') for _ in range(50)))
    await factory.dispatch_tool("nope", "{}")
    assert factory.get_tool_usage_counts() == {"add": 50, "greet": 0, "loose": 0}  # all, from registration
    factory.reset_tool_usage_counts()
    assert factory.get_tool_usage_counts() == {"add": 0, "greet": 0, "loose": 0}
    factory.increment_tool_usage("greet")
    factory.increment_tool_usage("nope")  # not registered: ignored
    assert factory.get_tool_usage_counts() == {"add": 0, "greet": 1, "loose": 0}


async def test_runtime_nested_calls_depth_context_and_order() -> None:
    seen: list[tuple[int, str]] = []

    async def leaf(tag: str, tool_call_depth: int, user_id: str = "") -> str:
        seen.append((tool_call_depth, user_id))
        return f"{tag}@{tool_call_depth}"

    async def parent(tool_runtime: ToolRuntime) -> str:
        one = await tool_runtime.call_tool("leaf", arguments={"tag": "a"})
        two = await tool_runtime.call_tool(
            "leaf", json_arguments='{"tag": "b"}', context={"user_id": "override"}
        )
        many = await tool_runtime.call_tools(
            [{"name": "leaf", "arguments": {"tag": str(i)}} for i in range(3)]
        )
        seq = await tool_runtime.call_tools([{"name": "leaf", "arguments": {"tag": "s"}}], parallel=False)
        bad = await tool_runtime.call_tool("leaf", json_arguments="{")
        return ",".join(
            [one.content, two.content, *(m.content for m in many), seq[0].content, str(bad.error)]
        )

    f = ToolFactory()
    f.register_tool(leaf)
    f.register_tool(parent)
    result = await f.dispatch_tool("parent", "{}", {"user_id": "u-1"})
    assert result.content.startswith("a@1,b@1,0@1,1@1,2@1,s@1,tool 'leaf': arguments are not valid JSON")
    assert seen[0] == (1, "u-1")
    assert seen[1] == (1, "override")


async def test_runtime_depth_limit_surfaces_as_an_error_outcome() -> None:
    async def recurse(tool_runtime: ToolRuntime) -> str:
        inner = await tool_runtime.call_tool("recurse")
        return inner.content

    f = ToolFactory(max_depth=3)
    f.register_tool(recurse)
    result = await f.dispatch_tool("recurse", "{}")
    # depth 0 → 1 → 2 → 3 are allowed; the call to depth 4 raises ToolError inside depth 3's tool.
    expected = "ToolError: nested call to 'recurse' refused: depth 4 exceeds max_depth 3"
    assert result.content.startswith("Error: tool 'recurse' failed: ")
    assert expected in result.content


async def test_runtime_mock_mode_is_sticky_and_argument_errors_raise() -> None:
    calls: list[str] = []

    async def parent(tool_runtime: ToolRuntime) -> str:
        assert tool_runtime.use_mock
        r = await tool_runtime.call_tool("child", use_mock=False)
        with pytest.raises(ToolError):
            await tool_runtime.call_tool("child", arguments={}, json_arguments="{}")
        with pytest.raises(ToolError):
            await tool_runtime.call_tools([{"arguments": {}}])
        return r.content

    f = ToolFactory()
    f.register_tool(parent, mock_function=parent)

    def child() -> str:
        calls.append("real")
        return "real"

    f.register_tool(child)
    result = await f.dispatch_tool("parent", "{}", use_mock=True)
    assert result.content == "Mocked execution for tool 'child'."
    assert calls == []
    assert "depth=0" in repr(ToolRuntime(f, context={}, use_mock=False, depth=0))
    assert "add" not in repr(f)
