"""Model prices from litellm's bundled price map, read as JSON data: litellm itself is never imported.

The map (`model_prices_and_context_window_backup.json`, shipped in the litellm package and refreshed
with each litellm release) is found through the import system without running litellm's `__init__`,
which takes seconds. It is read once per process, on the first look-up, and never parsed whole: each
look-up finds its row in the text and parses that row alone (see `_Rows`).

How a model string finds its entry (case-insensitive; the first rule that matches wins):
1. the whole string as the map spells it (`gpt-4o-mini`, `gemini/gemini-2.5-flash`, `azure/gpt-4o`);
2. `provider/name` → the map's bare `name` when that entry is the provider's own
   (`anthropic/claude-sonnet-4-5`, `openai/gpt-4o`); `openrouter/<maker>/<name>` as `<maker>/<name>`
   (OpenRouter passes the provider's price through);
3. a bare name the map only lists under a model maker's own API (`mistral-large-latest` →
   `mistral/mistral-large-latest`), makers tried in the order of `MAKERS`;
4. a dated or `-latest` name the map does not list → the same name without the suffix
   (`gpt-4o-mini-2031-01-01`, `claude-sonnet-4-5-20991231`, `claude-x-latest`), then rules 1-3 again;
5. a fine-tuned `ft:<base>:<org>:...` → the map's `ft:<base>` (never the base model's price).
Names the map gives as aliases (`{"alias_of": ...}` rows, `aliases` lists) are rows of their own.
Anything else is unknown (None): an Azure deployment name, a local model the map does not list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from llmft.domain.ports import PriceTable
from llmft.domain.pricing import LongContextPrice, Price

MAP_FILE = "model_prices_and_context_window_backup.json"
MAKERS = ("openai", "anthropic", "gemini", "mistral", "deepseek", "xai", "cohere")
"""Providers whose own API serves their models under bare names (rule 3)."""
GATEWAYS = ("openrouter",)
"""Prefixes that resell a maker's model at the maker's price (rule 2)."""

_DATE_SUFFIXES = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),  # OpenAI: gpt-4o-2024-08-06
    re.compile(r"-\d{8}$"),  # Anthropic: claude-sonnet-4-5-20250929
    re.compile(r"-latest$"),  # claude-3-5-haiku-latest, mistral-large-latest
)
_LONG_CONTEXT = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")
_MAX_REMEMBERED = 4096
_SLICE = 1 << 18
_COLON = re.compile(rb"\s*:\s*")
_DECODER = json.JSONDecoder()


@frozen
class _Entry:
    provider: str
    price: Price


def bundled_price_map(package: str = "litellm") -> Path | None:
    """The price map inside the installed litellm package (found without importing it), or None."""
    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / MAP_FILE
    return path if path.is_file() else None


class LiteLLMPriceTable:
    """A PriceTable over litellm's price map (the bundled one unless `path` names another file)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self._path = None if path is None else Path(path)
        self._entries: _Rows | None = None

    def price(self, model: str) -> Price | None:
        """The price of `model`, by the rules in this module's docstring; None when unknown."""
        name = model.strip().lower()
        rows = self._map()
        remembered = rows.prices  # shared by every table over the same map: a new client searches nothing
        if name in remembered:
            return remembered[name]
        found = _find(name, rows) if name else None
        if len(remembered) >= _MAX_REMEMBERED:  # a bound, in case names come from user input
            remembered.clear()
        remembered[name] = found
        return found

    def _map(self) -> _Rows:
        if self._entries is None:
            path = self._path if self._path is not None else bundled_price_map()
            self._entries = _load(path) if path is not None else _Rows(b"")
        return self._entries


@cache
def _load(path: Path) -> _Rows:
    """The map at `path`, read once per process; empty when it cannot be read or is not a JSON object."""
    try:
        data = path.read_bytes()
    except OSError:
        return _Rows(b"")
    return _Rows(data if data.lstrip()[:1] == b"{" else b"")


class _Rows:
    """A price map's rows by lower-case name, found in its text and parsed one at a time.

    Parsing the whole map (3.4 MB, ~4,900 rows) takes 45-90 ms, and `json` holds the interpreter lock
    throughout, so even from a worker thread it stalls the event loop that long. A look-up here is a
    byte search for the row's key (well under a millisecond) and the parse of that row alone.

    A name is a row when its quoted spelling is followed by `:` and an object; a row
    `{"alias_of": "<name>"}` is that row (one step: a pointer to a pointer, or to nothing, stays
    unpriced); a name that is no row's key but sits in a row's `aliases` list is that row (the first
    such row in the map). Only the map's lower-cased text is kept (3.4 MB; parsed whole it took
    5.3 MB), so names match, and rows read, case-insensitively on ASCII letters (the map's names are
    ASCII; what a price needs of a row is numbers and lower-case names).
    """

    def __init__(self, data: bytes) -> None:
        # Lowered in slices: from a worker thread, the interpreter lock is handed back between them.
        self._text = b"".join(data[at : at + _SLICE].lower() for at in range(0, len(data), _SLICE))
        self._lists = b'"aliases"' in self._text  # most maps have none: no second search per miss
        self.prices: dict[str, Price | None] = {}  # what the tables over this map have found, by name

    def get(self, name: str) -> Any:
        """The row the lower-case `name` names, as JSON reads it (lower-cased); None when there is none."""
        quoted = json.dumps(name).encode()
        row = self._keyed(quoted)
        if isinstance(row, dict):
            target = row.get("alias_of")
            if isinstance(target, str):  # one step, as litellm reads the pointer
                owner = self._keyed(json.dumps(target).encode())
                return owner if isinstance(owner, dict) and "alias_of" not in owner else row
            return row
        return row if row is not None or not self._lists else self._aliased(name, quoted)

    def ends_a_name(self, tail: str) -> bool:
        """Whether some quoted string in the map (a row's name, say) ends in the lower-case `tail`."""
        return json.dumps(tail).encode()[1:] in self._text

    def _keyed(self, quoted: bytes) -> Any:
        """The object after the first `quoted` key; None when no key is spelled so."""
        text = self._text
        at = text.find(quoted)
        while at >= 0:
            colon = _COLON.match(text, at + len(quoted))
            if colon is not None and text[at - 1 : at] != b"\\":  # a key, not a string's escaped quote
                found = self._value_at(colon.end()) if text[colon.end() : colon.end() + 1] == b"{" else None
                return None if found is None else found[0]
            at = text.find(quoted, at + len(quoted))
        return None

    def _aliased(self, name: str, quoted: bytes) -> Any:
        """The first row whose `aliases` list holds `name` (`quoted`: as JSON spells it)."""
        at = self._text.find(quoted)
        while at >= 0:
            listed = self._text.rfind(b'"aliases"', 0, at)
            if listed >= 0 and b"]" not in self._text[listed:at]:  # inside that list
                row = self._row_around(listed, at)
                aliases = row.get("aliases") if isinstance(row, dict) else None
                if isinstance(aliases, list) and any(
                    isinstance(alias, str) and alias.lower() == name for alias in aliases
                ):
                    return row
            at = self._text.find(quoted, at + len(quoted))
        return None

    def _row_around(self, listed: int, at: int) -> Any:
        """The innermost object that opens before `listed` and is still open at `at`."""
        brace = self._text.rfind(b"{", 0, listed)
        while brace >= 0:
            found = self._value_at(brace)
            if found is not None and found[1] > at:
                return found[0]
            brace = self._text.rfind(b"{", 0, brace)
        return None

    def _value_at(self, start: int) -> tuple[Any, int] | None:
        """The JSON value that begins at byte `start`, and the byte after it; None when none does."""
        size = 4096
        while True:
            window = self._text[start : start + size].decode("utf-8", "replace")
            try:
                value, end = _DECODER.raw_decode(window)
            except ValueError:
                if start + size >= len(self._text):
                    return None
                size *= 4
                continue
            return value, start + len(window[:end].encode())


def _entry(data: Any) -> _Entry | None:
    """One map entry's prices; None when it has no token prices or a price that is not a rate."""
    if not isinstance(data, dict):
        return None
    try:
        base = _price(data, "")
        if base is None:
            return None
        tiers = []
        for field_name in data:
            match = _LONG_CONTEXT.match(field_name)
            if match is not None:
                tier = _price(data, f"_above_{match.group(1)}k_tokens", base)
                if tier is not None:
                    tiers.append(LongContextPrice(int(match.group(1)) * 1000, tier))
    except ValueError:
        return None  # a malformed rate: better unknown than wrong
    provider = data.get("litellm_provider")
    tiers.sort(key=lambda tier: tier.above_input_tokens)
    return _Entry(provider if isinstance(provider, str) else "", evolve(base, long_context=tuple(tiers)))


def _price(data: Mapping[str, Any], suffix: str, base: Price | None = None) -> Price | None:
    """The rates whose names end in `suffix` (`_above_200k_tokens`), missing ones taken from `base`."""
    input_rate = data.get(f"input_cost_per_token{suffix}")
    output_rate = data.get(f"output_cost_per_token{suffix}")
    if input_rate is None or (output_rate is None and base is None):
        return None
    price = Price.per_token(
        input_rate,
        output_rate if output_rate is not None else 0.0,
        cached_input=data.get(f"cache_read_input_token_cost{suffix}"),
        cache_write=data.get(f"cache_creation_input_token_cost{suffix}"),
        reasoning=data.get("output_cost_per_reasoning_token"),
    )
    if base is None:
        return price
    return Price(
        price.input,
        base.output if output_rate is None else price.output,
        base.cached_input if price.cached_input is None else price.cached_input,
        base.cache_write if price.cache_write is None else price.cache_write,
        base.reasoning,
    )


def _find(name: str, entries: _Rows) -> Price | None:
    if name.startswith("ft:"):  # a fine-tuned model costs more than its base: its own entry or nothing
        entry = _entry(entries.get("ft:" + name.split(":", 2)[1]))
        return entry.price if entry is not None else None
    for spelling in (name, *_undated(name)):
        found = _match(spelling, entries)
        if found is not None:
            return found
    return None


def _match(name: str, entries: _Rows) -> Price | None:
    """Rules 1-3 for one spelling of the name."""
    entry = _entry(entries.get(name))
    if entry is not None:
        return entry.price
    provider, _, rest = name.partition("/")
    if rest:
        if provider in GATEWAYS:
            return _match(rest, entries)
        if rest.startswith("ft:"):
            return _find(rest, entries)
        entry = _entry(entries.get(rest))
        if entry is not None and _served_by(entry.provider, provider):
            return entry.price
        return None
    if not entries.ends_a_name(f"/{name}"):  # one search instead of one per maker
        return None
    for maker in MAKERS:
        entry = _entry(entries.get(f"{maker}/{name}"))
        if entry is not None and _served_by(entry.provider, maker):
            return entry.price
    return None


def _served_by(entry_provider: str, provider: str) -> bool:
    # litellm names some providers with a qualifier: vertex_ai-language-models, bedrock_converse.
    return entry_provider == provider or entry_provider.startswith((f"{provider}-", f"{provider}_"))


def _undated(name: str) -> tuple[str, ...]:
    """The name without a date or `-latest` suffix, when it has one."""
    for suffix in _DATE_SUFFIXES:
        base = suffix.sub("", name)
        if base != name:
            return (base,)
    return ()


_: type[PriceTable] = LiteLLMPriceTable
