"""`ToolSession`: the tools a conversation has loaded, their token budget, and what was done with them.

The meta-tools change it while the loop runs (so the next model request offers what was loaded); the
application keeps it between turns with `to_dict` / `from_dict` (plain JSON values).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from llmft.app.errors import ConfigurationError
from llmft.domain.tool_catalog import ERROR_THRESHOLD, WARNING_THRESHOLD, BudgetUsage

__all__ = ["ERROR_THRESHOLD", "WARNING_THRESHOLD", "LoadRefusal", "LoadReport", "ToolSession"]

DEFAULT_MAX_TOOLS = 50


@frozen
class LoadRefusal:
    """A tool that was not loaded, and why: "max_tools" or "token_budget" (with the figures)."""

    name: str
    reason: str
    tokens: int = 0
    tokens_remaining: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The refusal as plain JSON values."""
        out: dict[str, Any] = {"name": self.name, "reason": self.reason}
        if self.reason == "token_budget":
            out["tokens"] = self.tokens
            out["tokens_remaining"] = self.tokens_remaining
        return out


@frozen
class LoadReport:
    """What one `try_load` did: loaded, already active, refused (with reasons)."""

    loaded: tuple[str, ...]
    already_active: tuple[str, ...]
    refused: tuple[LoadRefusal, ...]


def _names(value: object, field: str) -> list[str]:
    if (
        isinstance(value, str)
        or not isinstance(value, Iterable)
        or not all(isinstance(n, str) for n in value)
    ):
        raise ConfigurationError(f"{field} must be a list of tool names", field)
    return list(value)


def _counts(value: object, field: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in value.items()
    ):
        raise ConfigurationError(f"{field} must map tool names to ints", field)
    return dict(value)


def _int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{field} must be an int >= 0", field)
    return value


def _optional_int(value: object, field: str) -> int | None:
    return None if value is None else _int(value, field)


class ToolSession:
    """The active tools of one conversation: loaded and unloaded by the meta-tools (or the application),
    bounded by `max_tools` and an optional `token_budget`, with counts of loads, unloads and calls.

    `auto_compact` (default True): past 75 % of the budget, the tools loaded on demand are sent with
    compact definitions (no nested descriptions or defaults). Safe to share between the threads a
    loop's tools run in.

    Args:
        active_tools: Tools active from the start.
        max_tools: The most tools active at once.
        session_id: The application's id for the conversation (kept by `to_dict`).
        metadata: The application's own values (kept by `to_dict`; plain JSON to survive it).
        token_budget: The most estimated definition tokens the loaded tools may take (None: no budget).
        auto_compact: Compact the definitions of tools loaded on demand past 75 % of the budget.
    """

    def __init__(
        self,
        active_tools: Iterable[str] = (),
        max_tools: int = DEFAULT_MAX_TOOLS,
        session_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        token_budget: int | None = None,
        auto_compact: bool = True,
    ) -> None:
        self.active_tools: set[str] = set(_names(active_tools, "active_tools"))
        self.max_tools: int = _int(max_tools, "max_tools")
        self.session_id = session_id
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.token_budget = _optional_int(token_budget, "token_budget")
        self.auto_compact = bool(auto_compact)
        self.last_request_tokens = 0  # estimated tokens of the tool definitions in the latest request
        self._token_counts: dict[str, int] = {}
        self._loads: dict[str, int] = {}
        self._unloads: dict[str, int] = {}
        self._calls: dict[str, int] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        budget = f", token_budget={self.token_budget}" if self.token_budget is not None else ""
        return f"ToolSession(active_tools={self.list_active()!r}{budget})"

    # -- loading --------------------------------------------------------------------------------

    def try_load(self, names: Iterable[str], token_counts: Mapping[str, int] | None = None) -> LoadReport:
        """Activate the tools `names` in order; each that would pass `max_tools` or the budget is
        refused. `token_counts`: each tool's estimated definition tokens (what the budget counts)."""
        counts = token_counts or {}
        loaded: list[str] = []
        already: list[str] = []
        refused: list[LoadRefusal] = []
        with self._lock:
            for name in names:
                if name in self.active_tools:
                    already.append(name)
                    continue
                cost = max(0, counts.get(name, 0))
                usage = self.budget_usage()
                if len(self.active_tools) >= self.max_tools:
                    refused.append(LoadRefusal(name, "max_tools"))
                elif not usage.fits(cost):
                    refused.append(LoadRefusal(name, "token_budget", cost, usage.tokens_remaining))
                else:
                    self.active_tools.add(name)
                    self._loads[name] = self._loads.get(name, 0) + 1
                    if cost:
                        self._token_counts[name] = cost
                    loaded.append(name)
        return LoadReport(tuple(loaded), tuple(already), tuple(refused))

    def load(self, names: Iterable[str], token_counts: Mapping[str, int] | None = None) -> list[str]:
        """Activate the tools `names` (`token_counts` as for `try_load`); returns the names refused
        (over `max_tools` or the token budget)."""
        return [r.name for r in self.try_load(names, token_counts).refused]

    def unload(self, names: Iterable[str]) -> list[str]:
        """Deactivate tools (their budget tokens are freed); returns the names that were active."""
        removed: list[str] = []
        with self._lock:
            for name in names:
                if name in self.active_tools:
                    self.active_tools.discard(name)
                    self._unloads[name] = self._unloads.get(name, 0) + 1
                    removed.append(name)
                self._token_counts.pop(name, None)
        return removed

    def list_active(self) -> list[str]:
        """The active tool names, sorted."""
        with self._lock:
            return sorted(self.active_tools)

    def is_active(self, name: str) -> bool:
        """True when the tool `name` is active."""
        return name in self.active_tools

    # -- budget ---------------------------------------------------------------------------------

    @property
    def tokens_used(self) -> int:
        """Estimated definition tokens of the active tools that count against the budget."""
        with self._lock:
            return sum(self._token_counts.get(n, 0) for n in self.active_tools)

    @property
    def tokens_remaining(self) -> int | None:
        """Budget tokens still free (None without a budget)."""
        return self.budget_usage().tokens_remaining

    def budget_usage(self) -> BudgetUsage:
        """The budget as a typed snapshot."""
        with self._lock:
            return BudgetUsage(self.tokens_used, self.token_budget, len(self.active_tools))

    def get_budget_usage(self) -> dict[str, Any]:
        """The budget snapshot as a dict: tokens_used, token_budget, tokens_remaining, utilisation,
        warning (>= 75 %), budget_exceeded (>= 90 %), active_tool_count."""
        return self.budget_usage().as_dict()

    @property
    def compact_due(self) -> bool:
        """True when on-demand tools should go compact: `auto_compact` on and the budget at 75 %."""
        return self.auto_compact and self.budget_usage().warning

    # -- analytics ------------------------------------------------------------------------------

    def record_tool_call(self, name: str) -> None:
        """Count one call of the tool `name` (the loop does this for every call it runs)."""
        with self._lock:
            self._calls[name] = self._calls.get(name, 0) + 1

    def get_analytics(self) -> dict[str, Any]:
        """Loads, unloads and calls per tool; the most loaded and most called first; the tools loaded
        but never called."""
        with self._lock:
            loads, unloads, calls = dict(self._loads), dict(self._unloads), dict(self._calls)
        return {
            "loads": loads,
            "unloads": unloads,
            "calls": calls,
            "most_loaded": sorted(loads.items(), key=lambda kv: -kv[1]),
            "most_called": sorted(calls.items(), key=lambda kv: -kv[1]),
            "never_called": sorted(set(loads) - set(calls)),
        }

    def reset_analytics(self) -> None:
        """Forget the counts (the active tools stay)."""
        with self._lock:
            self._loads, self._unloads, self._calls = {}, {}, {}

    # -- persistence ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The session as plain JSON values (the first version's keys, so its stored sessions load too)."""
        with self._lock:
            return {
                "active_tools": sorted(self.active_tools),
                "max_tools": self.max_tools,
                "session_id": self.session_id,
                "metadata": dict(self.metadata),
                "token_budget": self.token_budget,
                "_token_counts": dict(self._token_counts),
                "auto_compact": self.auto_compact,
                "_analytics_loads": dict(self._loads),
                "_analytics_unloads": dict(self._unloads),
                "_analytics_calls": dict(self._calls),
            }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolSession:
        """A session from `data`, what `to_dict` returned (missing keys take their defaults; wrong
        types raise ConfigurationError naming the key)."""
        if not isinstance(data, Mapping):
            raise ConfigurationError("a serialised ToolSession must be a dict", "tool_session")
        session_id = data.get("session_id")
        if session_id is not None and not isinstance(session_id, str):
            raise ConfigurationError("session_id must be a string (or None)", "session_id")
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            raise ConfigurationError("metadata must be a dict", "metadata")
        session = cls(
            active_tools=_names(data.get("active_tools", []), "active_tools"),
            max_tools=data.get("max_tools", DEFAULT_MAX_TOOLS),
            session_id=session_id,
            metadata=metadata,
            token_budget=data.get("token_budget"),
            auto_compact=bool(data.get("auto_compact", True)),
        )
        session._token_counts = _counts(data.get("_token_counts", {}), "_token_counts")
        session._loads = _counts(data.get("_analytics_loads", {}), "_analytics_loads")
        session._unloads = _counts(data.get("_analytics_unloads", {}), "_analytics_unloads")
        session._calls = _counts(data.get("_analytics_calls", {}), "_analytics_calls")
        return session
