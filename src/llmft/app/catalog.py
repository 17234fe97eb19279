"""The tool catalog: what an agent can discover and load. `ToolCatalog` is the port (implement it over a
database or a service); `InMemoryToolCatalog` is the default, built from a `ToolFactory`.

Catalog methods are synchronous: the meta-tools that call them are sync tools, which llmft runs in a
worker thread, so a catalog may do blocking I/O without stalling the event loop.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from attrs import define, field

from llmft.domain.tool_catalog import (
    META_TOOL_NAMES,
    SearchText,
    compact_schema,
    estimate_tokens,
    in_group,
    matches,
    score,
    search_text,
)

if TYPE_CHECKING:
    from llmft.app.registered import RegisteredTool

Resolver = Callable[[], Mapping[str, Any] | None]


def estimate_token_count(definition: Mapping[str, Any]) -> int:
    """Tokens a tool definition takes in a request (compact JSON length / 4, at least 1)."""
    return estimate_tokens(definition)


def _tag_list(tags: Iterable[str]) -> list[str]:
    return list(tags)


@define(eq=False)
class ToolCatalogEntry:
    """One tool as the catalog shows it: name, description, catalog metadata and its token cost."""

    name: str
    description: str
    _parameters: Mapping[str, Any] | None = field(default=None, alias="parameters")
    tags: list[str] = field(factory=list, converter=_tag_list)
    category: str | None = None
    group: str | None = None
    token_count: int = 0
    _search: tuple[tuple[Any, ...], SearchText] | None = field(default=None, init=False, repr=False)

    def _text(self) -> SearchText:
        key = (self.name, self.description, tuple(self.tags), self.category)
        if self._search is None or self._search[0] != key:  # prepared once, again only after a change
            self._search = (key, search_text(*key))
        return self._search[1]

    @property
    def parameters(self) -> Mapping[str, Any] | None:
        """The tool's parameters schema, when the catalog holds it."""
        return self._parameters

    @parameters.setter
    def parameters(self, value: Mapping[str, Any] | None) -> None:
        self._parameters = value

    def matches_query(self, query: str) -> bool:
        """True when at least half the query's words are found in the name, description, tags or category."""
        return matches(query, self._text())

    def relevance_score(self, query: str) -> float:
        """0.0-1.0: 1.0 only for the tool's exact name; name > tags > description > category."""
        return score(query, self._text())

    def summary(self, active: bool) -> dict[str, Any]:
        """The entry as `browse_toolkit` lists it."""
        item: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "category": self.category,
            "group": self.group,
            "tags": list(self.tags),
            "active": active,
            "status": "loaded" if active else "available - call load_tools to activate",
        }
        if self.token_count > 0:
            item["estimated_tokens"] = self.token_count
        return item


@define(eq=False)
class LazyCatalogEntry(ToolCatalogEntry):
    """An entry whose parameters schema is fetched on first read (large catalogs stay light)."""

    _resolver: Resolver | None = field(default=None, alias="resolver", kw_only=True)
    _resolved: bool = field(default=False, init=False)

    @property
    def parameters(self) -> Mapping[str, Any] | None:
        """The parameters schema, fetched from the resolver the first time it is read."""
        if not self._resolved:
            self._resolved = True
            if self._resolver is not None:
                self._parameters = self._resolver()
        return self._parameters

    @parameters.setter
    def parameters(self, value: Mapping[str, Any] | None) -> None:
        self._parameters, self._resolved = value, True

    @property
    def is_resolved(self) -> bool:
        """True once the parameters schema has been fetched."""
        return self._resolved


class CatalogPage(list[ToolCatalogEntry]):
    """A page of search results (a list), with `total`: how many matched before paging."""

    total: int

    def __init__(self, entries: Iterable[ToolCatalogEntry], total: int) -> None:
        super().__init__(entries)
        self.total = total


class ToolCatalog(Protocol):
    """The port of a searchable tool catalog (subclass it, or match it structurally).

    `search` ranks by relevance when there is a query; `group` matches a dotted prefix ("crm" finds
    "crm.contacts"). Return a `CatalogPage` so `browse_toolkit` can tell the model how many matched.
    """

    @abstractmethod
    def search(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        limit: int = 10,
        offset: int = 0,
        min_score: float = 0.0,
        include_params: bool = False,
    ) -> list[ToolCatalogEntry]:
        """Matching entries, best first when there is a query, from `offset`, at most `limit`."""

    @abstractmethod
    def get_entry(self, tool_name: str) -> ToolCatalogEntry | None:
        """The entry (with its parameters) or None."""

    @abstractmethod
    def has_entry(self, tool_name: str) -> bool:
        """True when the catalog knows the tool (a cheap check: no parameters fetched)."""

    @abstractmethod
    def list_categories(self) -> list[str]:
        """Every category, sorted."""

    @abstractmethod
    def list_groups(self) -> list[str]:
        """Every group, sorted."""

    @abstractmethod
    def get_tools_in_group(self, group: str) -> list[str]:
        """Names of the tools in the group or below it, sorted."""

    @abstractmethod
    def list_all(self) -> list[ToolCatalogEntry]:
        """Every entry."""

    def get_token_count(self, tool_name: str) -> int:
        """The tool's estimated definition tokens, 0 when unknown."""
        entry = self.get_entry(tool_name)
        return entry.token_count if entry is not None else 0


def _definition(tool: RegisteredTool, compact: bool) -> dict[str, Any]:
    definition = tool.definition
    if compact:
        function = definition["function"]
        definition = {
            **definition,
            "function": {**function, "parameters": compact_schema(function["parameters"])},
        }
    return definition


def token_savings(tools: Iterable[RegisteredTool]) -> dict[str, dict[str, int]]:
    """Per tool and in total (`"__total__"`): tokens of the full and compact definitions and the saving."""
    out: dict[str, dict[str, int]] = {}
    full_total = compact_total = 0
    for tool in tools:
        full, compact = estimate_tokens(_definition(tool, False)), estimate_tokens(_definition(tool, True))
        out[tool.name] = {"full": full, "compact": compact, "saved": full - compact}
        full_total, compact_total = full_total + full, compact_total + compact
    out["__total__"] = {"full": full_total, "compact": compact_total, "saved": full_total - compact_total}
    return out


class _Registrations(Protocol):
    @property
    def registrations(self) -> Mapping[str, RegisteredTool]: ...


class InMemoryToolCatalog(ToolCatalog):
    """A catalog of a ToolFactory's tools, kept in memory; parameters are read from the factory on demand.

    Tools registered on the factory later (MCP toolsets, say) join the catalog at the next query.
    `add_metadata` and `add_entry` enrich it or add entries of its own.
    """

    def __init__(self, tool_factory: _Registrations) -> None:
        self._factory = tool_factory
        self._entries: dict[str, ToolCatalogEntry] = {}
        self._sources: dict[str, RegisteredTool] = {}  # the registration each factory entry came from
        self._sync()

    def __repr__(self) -> str:
        return f"InMemoryToolCatalog(entries={len(self._entries)})"

    def _sync(self) -> dict[str, ToolCatalogEntry]:
        registrations = self._factory.registrations
        if len(self._sources) != len(registrations) or any(
            self._sources.get(n) is not t for n, t in registrations.items()
        ):
            for name, tool in registrations.items():
                if name in META_TOOL_NAMES:
                    self._sources[name] = tool  # always offered: nothing to discover or load
                elif self._sources.get(name) is not tool:
                    self._sources[name] = tool
                    self._entries[name] = self._entry_of(tool)
        return self._entries

    def _entry_of(self, tool: RegisteredTool) -> LazyCatalogEntry:
        return LazyCatalogEntry(
            name=tool.name,
            description=tool.description,
            tags=tool.tags,
            category=tool.category,
            group=tool.group,
            token_count=estimate_tokens(tool.definition),
            resolver=lambda: self._parameters_of(tool.name),
        )

    def _parameters_of(self, name: str) -> Mapping[str, Any] | None:
        tool = self._factory.registrations.get(name)
        return tool.definition["function"]["parameters"] if tool is not None else None

    def add_metadata(
        self,
        name: str,
        *,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> None:
        """Set the category, tags and/or group of an entry (a bare entry is made for an unknown name)."""
        entry = self._sync().get(name)
        if entry is None:
            entry = self._entries[name] = ToolCatalogEntry(name=name, description="")
        if category is not None:
            entry.category = category
        if tags is not None:
            entry.tags = list(tags)
        if group is not None:
            entry.group = group

    def add_entry(self, entry: ToolCatalogEntry) -> None:
        """Add an entry, or replace the one of the same name."""
        self._sync()[entry.name] = entry

    def search(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        limit: int = 10,
        offset: int = 0,
        min_score: float = 0.0,
        include_params: bool = False,
    ) -> CatalogPage:
        """Entries matching every filter given, best first when there is a query; then paged."""
        wanted_category = category.lower() if category else None
        wanted_tags = {t.lower() for t in tags} if tags else None
        found: list[ToolCatalogEntry] = []
        for entry in self._sync().values():
            if wanted_category is not None and (entry.category or "").lower() != wanted_category:
                continue
            if group and not self._in_group(entry, group):
                continue
            if wanted_tags is not None and wanted_tags.isdisjoint(t.lower() for t in entry.tags):
                continue
            if query and not entry.matches_query(query):
                continue
            found.append(entry)
        if query:
            scored = [(entry.relevance_score(query), i, entry) for i, entry in enumerate(found)]
            found = [e for s, _, e in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= min_score]
        start = max(0, offset)
        page = CatalogPage(found[start : start + max(0, limit)], len(found))
        if include_params:
            for entry in page:
                _ = entry.parameters  # fetched now, for a caller that needs the schemas
        return page

    @staticmethod
    def _in_group(entry: ToolCatalogEntry, group: str) -> bool:
        if entry.group is not None:
            return in_group(entry.group, group)
        # No group set: models often pass a category as the group, so the category answers too.
        return (entry.category or "").lower() == group.lower()

    def get_entry(self, tool_name: str) -> ToolCatalogEntry | None:
        """The entry, its parameters fetched."""
        entry = self._sync().get(tool_name)
        if entry is not None:
            _ = entry.parameters
        return entry

    def has_entry(self, tool_name: str) -> bool:
        """True when the catalog knows the tool (nothing fetched)."""
        return tool_name in self._sync()

    def get_token_count(self, tool_name: str) -> int:
        """The tool's estimated definition tokens, 0 when unknown (nothing fetched)."""
        entry = self._sync().get(tool_name)
        return entry.token_count if entry is not None else 0

    def list_categories(self) -> list[str]:
        """Every category, sorted."""
        return sorted({e.category for e in self._sync().values() if e.category})

    def list_groups(self) -> list[str]:
        """Every group, sorted."""
        return sorted({e.group for e in self._sync().values() if e.group})

    def get_tools_in_group(self, group: str) -> list[str]:
        """Names of the tools in the group or below it, sorted."""
        return sorted(e.name for e in self._sync().values() if in_group(e.group, group))

    def list_all(self) -> list[ToolCatalogEntry]:
        """Every entry."""
        return list(self._sync().values())

    def estimate_token_savings(self) -> dict[str, dict[str, int]]:
        """Per tool and in total (`"__total__"`): full and compact definition tokens and the saving."""
        self._sync()
        return token_savings(t for n, t in self._sources.items() if n not in META_TOOL_NAMES)
