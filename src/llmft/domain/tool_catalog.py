"""The pure parts of dynamic tool loading: matching and ranking catalog entries against a query, the
token estimate of a tool definition, compact schemas, close names for a typo, and budget arithmetic.

Nothing here knows where a catalog lives; `app.catalog` and the meta-tools build on these.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from llmft.domain.messages import ToolSpec

CHARS_PER_TOKEN = 4.0  # JSON tool schemas run 3.2-3.8 characters a token; 4 errs on the small side
WARNING_THRESHOLD = 0.75  # budget share at which compact definitions switch on (when allowed)
ERROR_THRESHOLD = 0.90  # budget share reported as `budget_exceeded`
META_TOOL_NAMES = frozenset(
    {"browse_toolkit", "load_tools", "load_tool_group", "unload_tool_group", "unload_tools", "find_tools"}
)  # the meta-tools: always offered in dynamic loading, never in a catalog, never unloaded
MIN_WORD = 3  # shorter words never match inside a longer query token ("ai" in "aide")

# What each field contributes to a token's score: a name says most about a tool, then its tags, then
# what its description and category say.
NAME_WEIGHT, TAG_WEIGHT, DESCRIPTION_WEIGHT, CATEGORY_WEIGHT = 4.0, 3.0, 2.0, 1.0
_PER_TOKEN = NAME_WEIGHT + TAG_WEIGHT + DESCRIPTION_WEIGHT + CATEGORY_WEIGHT
BEST_INEXACT = 0.99  # only a query naming the tool exactly scores 1.0

_SPLIT = re.compile(r"[^a-z0-9]+")
_NESTED_NOISE = ("description", "default")


def words(text: str) -> list[str]:
    """The lowercase words of a text (split on anything that is not a letter or digit)."""
    return [w for w in _SPLIT.split(text.lower()) if w]


def estimate_tokens(definition: Mapping[str, Any]) -> int:
    """Tokens a tool definition takes in a request: its compact JSON length / 4, at least 1."""
    raw = json.dumps(definition, separators=(",", ":"), ensure_ascii=False, default=str)
    return max(1, int(len(raw) / CHARS_PER_TOKEN + 0.5))


@frozen
class SearchText:
    """What a query is matched against, lowercased and split once per entry (not once per search)."""

    name: str
    name_words: tuple[str, ...]
    description: str
    description_words: frozenset[str]
    tags: tuple[str, ...]
    category: str
    category_words: frozenset[str]
    text: str  # name, description, tags and category together
    vocabulary: tuple[str, ...]  # the words of `text` long enough to match inside a query token


def search_text(
    name: str, description: str, tags: Sequence[str] = (), category: str | None = None
) -> SearchText:
    """An entry's text, prepared for `matches` and `score`."""
    lowered = name.lower()
    described = description.lower()
    kind = (category or "").lower()
    tags_lowered = tuple(t.lower() for t in tags)
    text = " ".join((lowered, described, *tags_lowered, kind))
    vocabulary = tuple(w for w in dict.fromkeys(words(text)) if len(w) >= MIN_WORD)
    return SearchText(
        lowered,
        tuple(words(lowered)),
        described,
        frozenset(words(described)),
        tags_lowered,
        kind,
        frozenset(words(kind)),
        text,
        vocabulary,
    )


def matches(query: str, entry: SearchText) -> bool:
    """True when at least half the query's tokens (rounded up) are found in the entry's name,
    description, tags or category: in the text, or a word of the text (3+ letters) inside the token
    ("emails" finds "email"). So "deal create pipeline crm" still finds `create_deal`."""
    tokens = query.lower().split()
    if not tokens:
        return False
    found = sum(1 for t in tokens if t in entry.text or any(w in t for w in entry.vocabulary))
    return found >= (len(tokens) + 1) // 2


def _name_part(token: str, entry: SearchText) -> float:
    if token in entry.name_words:
        return 1.0
    if token in entry.name:
        return 0.6
    if any(len(w) >= MIN_WORD and (w in token or token in w) for w in entry.name_words):
        return 0.4  # a form of a word of the name: "emails", "contacts"
    return 0.0


def _tag_part(token: str, tags: tuple[str, ...]) -> float:
    best = 0.0
    for tag in tags:
        if token == tag:
            return 1.0
        if token in tag or (len(tag) >= MIN_WORD and tag in token):
            best = 0.5
    return best


def _text_part(token: str, text: str, text_words: frozenset[str]) -> float:
    if token in text_words:
        return 1.0
    return 0.5 if token in text else 0.0


def score(query: str, entry: SearchText) -> float:
    """How well an entry answers a query, from 0.0 to 1.0: 1.0 only when the query is its name;
    otherwise each token scores what it finds in the name, tags, description and category (in that
    order of weight), and the sum is scaled to at most 0.99."""
    wanted = query.strip().lower()
    if not wanted:
        return 0.0
    if wanted == entry.name:
        return 1.0
    tokens = wanted.split()
    total = 0.0
    for token in tokens:
        total += NAME_WEIGHT * _name_part(token, entry)
        total += TAG_WEIGHT * _tag_part(token, entry.tags)
        total += DESCRIPTION_WEIGHT * _text_part(token, entry.description, entry.description_words)
        if entry.category:
            total += CATEGORY_WEIGHT * _text_part(token, entry.category, entry.category_words)
    return min(BEST_INEXACT, total / (len(tokens) * _PER_TOKEN))


def in_group(group: str | None, wanted: str) -> bool:
    """True when `group` is `wanted` or below it ("crm" holds "crm.contacts", not "crmx")."""
    return group is not None and (group == wanted or group.startswith(wanted + "."))


def close_names(wanted: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known names closest to a mistaken one: near spellings first, then names sharing a word."""
    candidates = list(dict.fromkeys(known))
    spelled = difflib.get_close_matches(wanted, candidates, n=limit, cutoff=0.6)
    if len(spelled) >= limit:
        return spelled
    wanted_words = {w for w in words(wanted) if len(w) >= MIN_WORD}
    sharing = sorted(
        (c for c in candidates if c not in spelled and wanted_words & set(words(c))),
        key=lambda c: (-len(wanted_words & set(words(c))), c),
    )
    return [*spelled, *sharing][:limit]


def _compact_node(node: Any, nested: bool) -> Any:
    """A schema node without its nested `description`s and `default`s (the root keeps its own)."""
    if isinstance(node, list):
        return [_compact_node(item, True) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if nested and key in _NESTED_NOISE:
            continue
        if key in ("properties", "$defs", "definitions", "patternProperties") and isinstance(value, Mapping):
            out[key] = {name: _compact_node(sub, True) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "prefixItems", "not"):
            out[key] = _compact_node(value, True)
        elif key in ("enum", "const", "required", "examples"):
            out[key] = value  # values, not schemas: kept as they are
        else:
            out[key] = _compact_node(value, nested) if isinstance(value, Mapping | list) else value
    return out


def compact_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters schema without the descriptions and defaults of its properties (at any depth);
    names, types, enums and `required` stay, so calls still bind. A new value: the input is untouched."""
    compacted: dict[str, Any] = _compact_node(schema, False)
    return compacted


def compact_spec(spec: ToolSpec) -> ToolSpec:
    """The spec with a compact parameters schema."""
    return ToolSpec(spec.name, spec.description, compact_schema(spec.parameters), deferred=spec.deferred)


@frozen
class BudgetUsage:
    """A snapshot of a token budget: what the loaded tools take and what is left."""

    tokens_used: int
    token_budget: int | None
    active_tool_count: int

    @property
    def tokens_remaining(self) -> int | None:
        """Tokens still free, or None without a budget."""
        return None if self.token_budget is None else max(0, self.token_budget - self.tokens_used)

    @property
    def utilisation(self) -> float:
        """The share of the budget used (0.0 without a budget), to 4 decimals."""
        if not self.token_budget:
            return 0.0
        return round(self.tokens_used / self.token_budget, 4)

    @property
    def warning(self) -> bool:
        """At or past `WARNING_THRESHOLD` (75 %)."""
        return bool(self.token_budget) and self.utilisation >= WARNING_THRESHOLD

    @property
    def budget_exceeded(self) -> bool:
        """At or past `ERROR_THRESHOLD` (90 %)."""
        return bool(self.token_budget) and self.utilisation >= ERROR_THRESHOLD

    def fits(self, cost: int) -> bool:
        """True when a tool costing `cost` tokens can be loaded within the budget."""
        return self.token_budget is None or cost <= 0 or self.tokens_used + cost <= self.token_budget

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as plain JSON values (the shape meta-tool answers carry)."""
        return {
            "tokens_used": self.tokens_used,
            "token_budget": self.token_budget,
            "tokens_remaining": self.tokens_remaining,
            "utilisation": self.utilisation,
            "warning": self.warning,
            "budget_exceeded": self.budget_exceeded,
            "active_tool_count": self.active_tool_count,
        }
