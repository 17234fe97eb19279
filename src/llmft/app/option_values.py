"""Checking one option's value: each parser returns the value llmft uses, or raises a
ConfigurationError naming the option."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal
from weakref import WeakKeyDictionary

from pydantic import BaseModel

from llmft.app.errors import ConfigurationError
from llmft.app.tool_session import ToolSession
from llmft.domain.limits import UsageLimits, limit_problem
from llmft.domain.messages import FileSearch, ResponseFormat, WebSearch

WEB_SEARCH_OPTIONS = frozenset({"search_context_size", "user_location", "filters", "citations"})
FILE_SEARCH_OPTIONS = frozenset({"vector_store_ids", "max_num_results"})


class _AllTools:
    """The type of `ALL_TOOLS`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ALL_TOOLS"

    def __reduce__(self) -> str:
        return "ALL_TOOLS"


ALL_TOOLS: Final = _AllTools()
"""`use_tools`' default: every registered tool. `None` or an empty sequence sends no tools."""

ToolSelection = Sequence[str] | _AllTools | None
InputItems = list[dict[str, Any]]


def session_of(value: object) -> ToolSession | None:
    if value is None or isinstance(value, ToolSession):
        return value
    raise ConfigurationError(
        f"tool_session must be a ToolSession, got {type(value).__name__}", "tool_session"
    )


def flag_of(value: object) -> bool | None:
    return None if value is None else bool(value)


def tool_search_of(value: object) -> Literal["meta", "native"] | None:
    """A tool search mode ("meta" or "native"; None: the client's), or ConfigurationError."""
    if value is None:
        return None
    if value == "meta":
        return "meta"
    if value == "native":
        return "native"
    raise ConfigurationError(f"tool_search must be 'meta' or 'native', got {value!r}", "tool_search")


def number_of(value: object, field: str, *, positive: bool = False, whole: bool = False) -> Any:
    kinds: type | tuple[type, ...] = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value != value:
        raise ConfigurationError(f"{field} must be {'an int' if whole else 'a number'}", field)
    assert isinstance(value, int | float)
    if positive and value <= 0:
        raise ConfigurationError(f"{field} must be positive", field)
    return value


def count_of(value: object, field: str) -> int:
    number: int = number_of(value, field, whole=True)
    if number < 0:
        raise ConfigurationError(f"{field} must be an int >= 0", field)
    return number


def optional_number(value: object, field: str, **rules: bool) -> Any:
    return None if value is None else number_of(value, field, **rules)


_MODEL_FORMATS: WeakKeyDictionary[type[BaseModel], ResponseFormat] = WeakKeyDictionary()


def response_format_of(value: object) -> tuple[ResponseFormat | None, type[BaseModel] | None]:
    """The requested output shape, and the pydantic class to validate it with (when one was given)."""
    if value is None:
        return None, None
    if isinstance(value, type) and issubclass(value, BaseModel):
        made = _MODEL_FORMATS.get(value)
        if made is None:  # pydantic generates the JSON schema anew on every call (~0.3 ms): once per class
            made = _MODEL_FORMATS[value] = ResponseFormat(
                "json_schema", value.__name__, value.model_json_schema()
            )
        return made, value
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind == "text":
            return None, None
        if kind == "json_object":
            return ResponseFormat("json_object"), None
        spec = value.get("json_schema")
        if kind == "json_schema" and isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping):
            fmt = ResponseFormat(
                "json_schema",
                str(spec.get("name", "response")),
                spec["schema"],
                bool(spec.get("strict", True)),
            )
            return fmt, None
    raise ConfigurationError(
        "response_format must be {'type': 'json_object'}, {'type': 'json_schema', 'json_schema': {...}} "
        "or a pydantic BaseModel subclass",
        "response_format",
    )


def web_search_of(value: object) -> WebSearch | None:
    """Web search options; `citations` (the first version's option) is accepted and has no effect here."""
    if value is False or value is None:
        return None
    if value is True:
        return WebSearch()
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - WEB_SEARCH_OPTIONS)
        if unknown:
            raise ConfigurationError(
                f"web_search does not take {unknown}; it takes {sorted(WEB_SEARCH_OPTIONS)}", "web_search"
            )
        return WebSearch(value.get("search_context_size"), value.get("user_location"), value.get("filters"))
    raise ConfigurationError("web_search must be a bool or a dict of options", "web_search")


def file_search_of(value: object) -> FileSearch | None:
    """File search options: `True` is not enough, the vector store ids are needed."""
    if value is False or value is None:
        return None
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - FILE_SEARCH_OPTIONS)
        if unknown:
            raise ConfigurationError(f"file_search does not take {unknown}", "file_search")
        ids, limit = value.get("vector_store_ids", ()), value.get("max_num_results")
    elif isinstance(value, Sequence) and not isinstance(value, str):
        ids, limit = value, None
    else:
        ids, limit = (), None
    if not ids or isinstance(ids, str) or not all(isinstance(i, str) and i for i in ids):
        raise ConfigurationError(
            "file_search needs vector_store_ids: a list of vector store ids", "file_search"
        )
    return FileSearch(
        tuple(ids), optional_number(limit, "file_search.max_num_results", positive=True, whole=True)
    )


def use_tools_of(value: object) -> ToolSelection:
    if value is ALL_TOOLS or value is None:
        return value
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConfigurationError("use_tools must be a list of tool names (or llmft.ALL_TOOLS)", "use_tools")
    if not all(isinstance(name, str) for name in value):
        raise ConfigurationError("use_tools must be a list of tool names", "use_tools")
    return tuple(dict.fromkeys(value))


def context_of(value: object) -> Mapping[str, Any]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise ConfigurationError("tool_execution_context must be a dict", "tool_execution_context")
    return MappingProxyType(dict(value))


def positive_int_of(value: object, field: str) -> int | None:
    """None, or an int >= 1."""
    if value is None:
        return None
    number: int = number_of(value, field, whole=True)
    if number < 1:
        raise ConfigurationError(f"{field} must be an int >= 1", field)
    return number


# The first version's options that llmft does not take, and what to do instead: never sent to a
# provider as if they were its parameters.
RETIRED_OPTIONS: Mapping[str, str] = {
    "on_usage": "pass hooks=[...] with an after_model_response hook (it gets each reply's usage), or "
    "read result.usage",
    "usage_metadata": "keep your own metadata beside the call; hooks=[...] see every request",
    "pricing": "pass prices= (any object with price(model) -> llmft.Price | None) to LLMClient",
    "retry_min_wait": "llmft's backoff is fixed (0.5 s doubling to 8 s, jittered, Retry-After obeyed); "
    "set how many tries with max_retries=",
}


def check_not_retired(names: Sequence[str], where: str) -> None:
    """Refuse an option of the first version that llmft does not take, saying what to do instead."""
    for name in names:
        advice = RETIRED_OPTIONS.get(name)
        if advice is not None:
            raise ConfigurationError(
                f"{where} does not take {name}= (an option of llmft's first version): {advice}", name
            )


def limits_of(value: object) -> UsageLimits | None:
    """The call's usage limits; a limit of 0, negative or not a number is refused."""
    if value is None:
        return None
    if not isinstance(value, UsageLimits):
        raise ConfigurationError(f"limits must be a llmft.UsageLimits, got {type(value).__name__}", "limits")
    for name in ("request_limit", "input_tokens_limit", "output_tokens_limit", "total_tokens_limit",
                 "tool_calls_limit", "cost_limit_usd"):  # fmt: skip
        problem = limit_problem(getattr(value, name), name)
        if problem is not None:
            raise ConfigurationError(problem, name)
    return value
