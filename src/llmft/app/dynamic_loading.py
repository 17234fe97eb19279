"""Dynamic tool loading inside one call: which tools each model request offers, and how.

`"meta"` search (the default): the request offers the core tools, the meta-tools and what the session
has loaded, worked out again before every request (the meta-tools change the session as the loop
runs). Tools loaded on demand go compact (no nested descriptions or defaults) when `compact_tools` is
on, or once the session's budget reaches 75 % (unless `auto_compact` is off); the core tools and the
meta-tools always go whole.

`"native"` search: the provider searches. The core tools go as usual, every other tool goes
`deferred` with the provider's tool-search tool; the provider loads what it finds (its search items
stay in the transcript), and a deferred tool the model calls is recorded as loaded in the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from attrs import evolve, frozen

from llmft.app.errors import ConfigurationError, UnsupportedFeatureError
from llmft.app.option_values import tool_search_of
from llmft.app.options import GenerateOptions
from llmft.app.tool_session import ToolSession
from llmft.domain.messages import PlannedCall, ToolOutcome, ToolSpec
from llmft.domain.tool_catalog import META_TOOL_NAMES, compact_spec, estimate_tokens

if TYPE_CHECKING:
    from llmft.app.catalog import ToolCatalog
    from llmft.app.driver import ToolExecutor
    from llmft.app.registered import RegisteredTool
    from llmft.app.tools import ToolFactory

ToolSearchMode = Literal["meta", "native"]
# Routes whose provider runs its own tool search over deferred tools. For the native Anthropic route:
# its adapter sends `"defer_loading": true` on each `ToolSpec.deferred` tool and, when
# `ModelRequest.tool_search`, a `tool_search_tool_bm25_20251119` (or regex) tool; it keeps the reply's
# `server_tool_use` / `tool_search_tool_result` blocks as ReasoningPart("anthropic", block type, block)
# (an `ItemDelta` when streaming) and sends them back in place; then its route kind joins this set.
NATIVE_TOOL_SEARCH_ROUTES = frozenset({"openai_responses"})


@frozen
class DynamicLoading:
    """A client's dynamic-loading settings, fixed at construction."""

    enabled: bool = False
    core_tools: tuple[str, ...] = ()
    compact_tools: bool = False
    tool_search: ToolSearchMode = "meta"
    search_agent: Any = None  # the client `find_tools` asks (dynamic_tool_loading="provider/model")


def configure(
    factory: ToolFactory,
    *,
    explicit_factory: bool,
    core_tools: Sequence[str],
    dynamic_tool_loading: bool | str,
    compact_tools: bool,
    tool_search: object,
) -> DynamicLoading:
    """Check a client's dynamic-loading arguments and set its factory up (catalog, meta-tools)."""
    if isinstance(core_tools, str) or not all(isinstance(n, str) for n in core_tools):
        raise ConfigurationError("core_tools must be a list of tool names", "core_tools")
    mode: ToolSearchMode = tool_search_of(tool_search) or "meta"
    enabled = bool(dynamic_tool_loading)
    if not enabled:
        return DynamicLoading(False, tuple(core_tools), bool(compact_tools), mode)
    if not explicit_factory:
        raise ConfigurationError(
            "dynamic_tool_loading needs tool_factory=: a ToolFactory holding the tools to load from",
            "dynamic_tool_loading",
        )
    unknown = [n for n in core_tools if n not in factory.registrations]
    if unknown:
        raise ConfigurationError(f"core_tools names unregistered tools: {unknown}", "core_tools")
    factory.catalog()  # the one set, or an in-memory catalog of the factory's tools
    if "browse_toolkit" not in factory.registrations:  # also for native search: a call may ask for meta
        factory.register_meta_tools()
    return DynamicLoading(True, tuple(dict.fromkeys(core_tools)), bool(compact_tools), mode)


def fresh_session(factory: ToolFactory, dynamic: DynamicLoading) -> ToolSession:
    """A new session with the core tools and the meta-tools active (their cost is not budgeted)."""
    session = ToolSession()
    meta = [n for n in factory.registrations if n in META_TOOL_NAMES]
    session.load([*dynamic.core_tools, *meta])
    return session


class RecordingTools:
    """Runs a turn's calls through the factory's executor and counts each call in the session."""

    __slots__ = ("_inner", "_native", "_session")

    def __init__(self, inner: ToolExecutor, session: ToolSession, native: bool) -> None:
        self._inner = inner
        self._session = session
        self._native = native

    def arguments(self, call: PlannedCall) -> Mapping[str, Any]:
        """The call's arguments as the tool will get them from the model."""
        return self._inner.arguments(call)

    async def run(self, calls: tuple[PlannedCall, ...], done: list[ToolOutcome]) -> tuple[ToolOutcome, ...]:
        """Every call's outcome; each call is counted first (a deferred tool called is now loaded)."""
        for call in calls:
            if self._native and not self._session.is_active(call.name):
                self._session.load([call.name])  # the provider's search loaded it
            self._session.record_tool_call(call.name)
        return await self._inner.run(calls, done)


class DynamicRun:
    """One call's dynamic tool loading: the session, the context the meta-tools read, and the offer."""

    def __init__(
        self,
        factory: ToolFactory,
        session: ToolSession | None,
        catalog: ToolCatalog | None,
        dynamic: DynamicLoading,
        options: GenerateOptions,
        native: bool,
        compact: bool,
    ) -> None:
        self.factory = factory
        self.session = session
        self.native = native
        self.core = frozenset(dynamic.core_tools)
        self._compact = compact
        self._selection = options.use_tools
        context: dict[str, Any] = dict(options.context)
        if session is not None:
            context.update(tool_session=session, core_tools=list(dynamic.core_tools))
            if catalog is not None:
                context["tool_catalog"] = catalog
            if dynamic.search_agent is not None:
                context["tool_search_agent"] = dynamic.search_agent
        self.context: Mapping[str, Any] = context
        self._compacted: dict[int, tuple[ToolSpec, ToolSpec]] = {}  # by the full spec's id

    @property
    def changes(self) -> bool:
        """True when the offer may change between rounds (a session decides it)."""
        return self.session is not None and not self.native

    def _compact_of(self, spec: ToolSpec) -> ToolSpec:
        made = self._compacted.get(id(spec))
        if made is None:
            made = self._compacted[id(spec)] = (spec, compact_spec(spec))
        return made[1]

    def _chosen(self) -> list[RegisteredTool]:
        if self._selection is None:  # use_tools=None: no tools in this call, whatever was loaded
            return []
        if self.session is None or self.native:
            eligible = self.factory.select(self._selection)
            if self.session is None:
                return eligible
            return [t for t in eligible if t.name not in META_TOOL_NAMES or t.name in self.core]
        tools = self.factory.registrations.values()
        active = set(self.session.list_active())
        # The fixed set first, then what was loaded: a request's tools then keep the last request's
        # as their prefix, which is what a provider's prompt cache reuses.
        pinned = self.core | META_TOOL_NAMES
        fixed = [t for t in tools if t.name in pinned]
        return [*fixed, *(t for t in tools if t.name in active and t.name not in pinned)]

    def offer(self) -> tuple[ToolSpec, ...]:
        """The tools the next model request offers (called before every request)."""
        session = self.session
        if session is not None and not self._compact and session.compact_due:
            self._compact = True  # past 75 % of the budget: compact from here to the end of the call
        specs: list[ToolSpec] = []
        for tool in self._chosen():
            spec = tool.spec(self.context)
            pinned = tool.name in self.core or tool.name in META_TOOL_NAMES
            if self.native and not pinned:
                spec = evolve(spec, deferred=True)
            elif self._compact and not pinned:
                spec = self._compact_of(spec)
            specs.append(spec)
        if session is not None:
            session.last_request_tokens = sum(_spec_tokens(s) for s in specs)
        return tuple(specs)

    def executor(self, inner: ToolExecutor) -> ToolExecutor:
        """The run's tool executor: calls counted in the session, when there is one."""
        return inner if self.session is None else RecordingTools(inner, self.session, self.native)


def _spec_tokens(spec: ToolSpec) -> int:
    if spec.deferred:  # the model sees a deferred tool's name and description until it is loaded
        return estimate_tokens({"name": spec.name, "description": spec.description})
    return estimate_tokens(
        {"name": spec.name, "description": spec.description, "parameters": spec.parameters}
    )


def start_dynamic(
    factory: ToolFactory, dynamic: DynamicLoading, options: GenerateOptions, route_kinds: Sequence[str | None]
) -> DynamicRun | None:
    """This call's dynamic loading, or None when it has none (no session, no compaction, no search)."""
    mode = options.tool_search or dynamic.tool_search
    native = mode == "native" and (dynamic.enabled or options.tool_search == "native")
    compact = dynamic.compact_tools if options.compact_tools is None else options.compact_tools
    session = options.tool_session
    if session is None and (dynamic.enabled or native):
        session = fresh_session(factory, dynamic)
    if session is None and not compact:
        return None
    if native:
        # A custom ChatModel (no route) gets the deferred tools and decides for itself.
        unsupported = [k for k in route_kinds if k is not None and k not in NATIVE_TOOL_SEARCH_ROUTES]
        if unsupported:
            routes = sorted(set(map(str, unsupported)))
            raise UnsupportedFeatureError(
                "tool_search='native' needs a provider that runs its own tool search (the OpenAI "
                f"Responses route); this call's models go through {routes}; use tool_search='meta'"
            )
    catalog = factory.get_catalog() if session is not None else None
    if session is not None and catalog is None and not native:
        catalog = factory.catalog()
    return DynamicRun(factory, session, catalog, dynamic, options, native, compact)
