"""Canonical value types shared by every layer: transcript messages, tool calls, requests, replies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from attrs import field, frozen

Role = Literal["system", "developer", "user", "assistant", "tool"]
ReasoningEffort = Literal["minimal", "low", "medium", "high"]
EMPTY_MAPPING: Mapping[str, Any] = {}


@frozen
class TextPart:
    """A piece of text inside a multi-part message."""

    text: str


@frozen
class ImagePart:
    """An image given by URL (or data URL), with the optional detail hint."""

    url: str
    detail: str | None = None


@frozen
class FilePart:
    """A file (a PDF or another document) given by exactly one of: its base64 `data` (with its
    `media_type`), a `url`, or a provider's `file_id`. `media_type` is optional for a URL or an id."""

    media_type: str | None = None
    data: str | None = None
    url: str | None = None
    file_id: str | None = None
    filename: str | None = None


@frozen
class AudioPart:
    """Audio given as base64 `data` in a `format` such as "wav" or "mp3"."""

    data: str
    format: str


ContentPart = TextPart | ImagePart | FilePart | AudioPart
Content = str | tuple[ContentPart, ...] | None


@frozen
class ToolCall:
    """A call the model asked for; `arguments` is the raw JSON text the model produced."""

    id: str
    name: str
    arguments: str


@frozen
class ReasoningPart:
    """Provider-opaque reasoning state, kept so it can go back unchanged on the next turn.

    `provider` says whose it is ("openai": a Responses reasoning item; "anthropic": a `thinking` or
    `redacted_thinking` block with its signature; "gemini": a thought signature); `data` is the item or
    block exactly as the provider sent it; `text` is its readable summary or thinking, if any. It is
    sent back only to the provider it came from.
    """

    provider: str
    kind: str
    data: Mapping[str, Any]
    text: str = ""


@frozen
class Message:
    """One entry of the canonical transcript, whatever wire format it came from.

    An assistant message's `reasoning` came before its text and tool calls, in the provider's order.
    """

    role: Role
    content: Content = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None
    reasoning: tuple[ReasoningPart, ...] = ()

    @property
    def text(self) -> str:
        """The text of the message, with the text parts joined."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))


USAGE_ALIASES = {"prompt_tokens": "input_tokens", "completion_tokens": "output_tokens"}
USAGE_KEYS = ("input_tokens", "output_tokens", "total_tokens", "cached_tokens", "cache_write_tokens",
              "reasoning_tokens", "cost_usd")  # fmt: skip


def _add_costs(left: float | None, right: float | None) -> float | None:
    return None if left is None or right is None else left + right


@frozen
class Usage:
    """Token counts (and cost, when the price is known); adding two usages sums every field.

    `cached_tokens` and `cache_write_tokens` are the part of `input_tokens` read from and written to
    the provider's prompt cache; `reasoning_tokens` the part of `output_tokens` spent reasoning.
    `cost_usd` is None when the price of a model in the sum is unknown (never a guessed 0), and
    `by_model` splits the sum by the model that answered. `usage["input_tokens"]` works too (also
    with the first version's names `prompt_tokens` and `completion_tokens`).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float | None = None
    by_model: Mapping[str, Usage] = field(factory=dict, eq=False, hash=False, repr=False)

    def __add__(self, other: Usage) -> Usage:
        by_model = dict(self.by_model)
        for name, usage in other.by_model.items():
            mine = by_model.get(name)
            by_model[name] = usage if mine is None else mine + usage
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
            self.cached_tokens + other.cached_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            _add_costs(self.cost_usd, other.cost_usd),
            by_model,
        )

    def of_model(self, model: str) -> Usage:
        """This usage, recorded as the given model's."""
        return self._with({model: self._with({}, self.cost_usd)}, self.cost_usd)

    def with_cost(self, cost_usd: float | None) -> Usage:
        """This usage with its cost in USD."""
        return self._with(self.by_model, cost_usd)

    def _with(self, by_model: Mapping[str, Usage], cost_usd: float | None) -> Usage:
        # The constructor, not `replace`: made for every reply, on the path of every call.
        return Usage(
            self.input_tokens,
            self.output_tokens,
            self.total_tokens,
            self.cached_tokens,
            self.cache_write_tokens,
            self.reasoning_tokens,
            cost_usd,
            by_model,
        )

    def __getitem__(self, key: str) -> Any:
        name = USAGE_ALIASES.get(key, key)
        if name not in USAGE_KEYS:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        """`usage.get("input_tokens")`, as on the dict of earlier versions."""
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> tuple[str, ...]:
        """The names `usage[...]` answers to."""
        return USAGE_KEYS

    def as_dict(self) -> dict[str, Any]:
        """The usage as a plain dict (by model included, when known)."""
        out: dict[str, Any] = {key: getattr(self, key) for key in USAGE_KEYS}
        if self.by_model:
            out["by_model"] = {name: usage.as_dict() for name, usage in self.by_model.items()}
        return out


def add_usage(left: Usage | None, right: Usage | None) -> Usage | None:
    """Sum two optional usages; `None` only when both are unknown."""
    if left is None:
        return right
    if right is None:
        return left
    return left + right


@frozen
class ToolSpec:
    """A tool as the model sees it: name, description and the JSON Schema of its visible parameters.

    `deferred`: sent for the provider's own tool search to load on demand (`ModelRequest.tool_search`).
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    deferred: bool = False


@frozen
class ResponseFormat:
    """Requested output shape: free JSON, or JSON validating against a named schema."""

    kind: Literal["json_object", "json_schema"]
    name: str = "response"
    schema: Mapping[str, Any] = EMPTY_MAPPING
    strict: bool = True


@frozen
class WebSearch:
    """Web search options; the litellm route passes only `search_context_size`."""

    search_context_size: str | None = None
    user_location: Mapping[str, Any] | None = None
    filters: Mapping[str, Any] | None = None


@frozen
class FileSearch:
    """File search over OpenAI vector stores."""

    vector_store_ids: tuple[str, ...] = ()
    max_num_results: int | None = None


ToolChoice = str | Mapping[str, Any]  # "auto" | "none" | "required" | a provider's own object


@frozen
class ModelRequest:
    """Everything a ChatModel needs for one call; adapters translate it to their wire format."""

    model: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice | None = None
    temperature: float | None = None
    max_output_tokens: int | None = None
    response_format: ResponseFormat | None = None
    reasoning_effort: ReasoningEffort | None = None
    web_search: WebSearch | None = None
    file_search: FileSearch | None = None
    parallel_tool_calls: bool | None = None
    timeout: float | None = None
    extra: Mapping[str, Any] = field(factory=dict)
    tool_search: bool = False  # offer the provider's own tool search over the `deferred` tools


@frozen
class ModelReply:
    """One model turn: its text, the tool calls it asked for, its reasoning, usage, and why it stopped."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None
    finish_reason: str = "stop"
    model: str = ""
    reasoning: tuple[ReasoningPart, ...] = ()


@frozen
class PlannedCall:
    """A tool call whose arguments parsed into an object, injected parameters already removed."""

    call_id: str
    name: str
    arguments: Mapping[str, Any]


@frozen
class ToolOutcome:
    """What one tool call produced: `content` goes to the model, `payload` only to the application."""

    call_id: str
    name: str
    content: str
    payload: Any = None
    metadata: Mapping[str, Any] | None = None
    error: str | None = None
    pending: bool = False  # the call awaits a human decision: it did not run
