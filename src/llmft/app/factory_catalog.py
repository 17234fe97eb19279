"""What a `ToolFactory` adds for dynamic tool loading: its catalog, its groups and the meta-tools."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from llmft.app.catalog import InMemoryToolCatalog, ToolCatalog
from llmft.app.errors import ConfigurationError
from llmft.app.meta_tool_specs import FIND_TOOLS, META_TOOLS, MetaTool

if TYPE_CHECKING:
    from llmft.app.registered import RegisteredTool


class _Factory(Protocol):
    """What the mixin needs of its ToolFactory."""

    _catalog: ToolCatalog | None

    @property
    def registrations(self) -> Mapping[str, RegisteredTool]: ...

    def register_tool(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...


def _register(factory: _Factory, tools: tuple[MetaTool, ...]) -> None:
    for name, function, description, parameters, tags in tools:
        # They only read and change the catalog and the session: in mock mode they run for real,
        # so an agent can still find and load its tools in a sandbox.
        factory.register_tool(
            function,
            name=name,
            description=description,
            parameters=parameters,
            mock_function=function,
            category="system",
            tags=tags,
            replace=True,
        )


class FactoryCatalog:
    """The catalog side of a ToolFactory (a mixin: `ToolFactory` is the only class that uses it)."""

    _catalog: ToolCatalog | None = None

    def set_catalog(self, catalog: ToolCatalog) -> None:
        """Use this catalog for dynamic loading (a database- or service-backed one, say)."""
        if not callable(getattr(catalog, "search", None)) or not callable(
            getattr(catalog, "has_entry", None)
        ):
            raise ConfigurationError("set_catalog needs a ToolCatalog (search, has_entry, ...)", "catalog")
        self._catalog = catalog

    def get_catalog(self) -> ToolCatalog | None:
        """The catalog set with `set_catalog` (or made by `catalog()`), if any."""
        return self._catalog

    def catalog(self: _Factory) -> ToolCatalog:
        """The factory's catalog: the one set, else an `InMemoryToolCatalog` of its tools (made once)."""
        if self._catalog is None:
            self._catalog = InMemoryToolCatalog(self)
        return self._catalog

    def list_groups(self: _Factory) -> list[str]:
        """Every group a registered tool has, sorted."""
        return sorted({t.group for t in self.registrations.values() if t.group})

    def register_meta_tools(self: _Factory) -> None:
        """Register `browse_toolkit`, `load_tools`, `load_tool_group`, `unload_tool_group` and
        `unload_tools` (again is fine: they are replaced)."""
        _register(self, META_TOOLS)

    def register_find_tools(self: _Factory) -> None:
        """Register `find_tools`, the search by a small model (`dynamic_tool_loading="provider/model"`)."""
        _register(self, (FIND_TOOLS,))
