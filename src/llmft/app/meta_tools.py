"""The meta-tools of dynamic loading: `browse_toolkit`, `load_tools`, `load_tool_group`, `unload_tools`,
`unload_tool_group` (and `find_tools`, a search by a small model).

Each answers the model with JSON. The catalog, the session and the core tools reach them as injected
parameters (`tool_catalog`, `tool_session`, `core_tools`), never shown to the model; each also works
called directly. A mistake (an unknown name, a load past the budget, a catalog that raises) is an
answer with `error` set and what would help (close names, the budget figures), never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llmft.app.catalog import ToolCatalog, ToolCatalogEntry
from llmft.app.results import ToolExecutionResult
from llmft.app.tool_session import LoadReport, ToolSession
from llmft.domain.schema import Injected
from llmft.domain.tool_catalog import META_TOOL_NAMES, close_names

MAX_BROWSE_LIMIT = 50  # results per page, whatever the model asks for
GROUP_LOAD_LIMIT = 10_000

_AFTER_BROWSE = (
    "Call load_tools with the tool names you need, then use them. Do not browse again for these tools."
)
_AFTER_LOAD = "The loaded tools are active now: call them directly. Do not browse or load them again."


def _answer(
    body: dict[str, Any], *, payload: Any = None, metadata: dict[str, Any], error: str | None = None
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=json.dumps(body, ensure_ascii=False, default=str),
        payload=body if payload is None else payload,
        metadata=metadata,
        error=error,
    )


def _failed(message: str, **extra: Any) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=json.dumps({"error": message, **extra}, ensure_ascii=False), error=message
    )


def _catalog_failed(error: Exception) -> ToolExecutionResult:
    return _failed(
        f"the tool catalog failed: {type(error).__name__}: {error}",
        hint="Try again later, or go on with the tools already loaded.",
    )


def _with_budget(body: dict[str, Any], session: ToolSession | None) -> dict[str, Any]:
    if session is not None and session.token_budget is not None:
        usage = session.budget_usage()
        body["budget"] = usage.as_dict()
        body["compact_mode"] = usage.warning and session.auto_compact
    return body


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def browse_toolkit(
    query: str | None = None,
    category: str | None = None,
    group: str | None = None,
    limit: int = 10,
    offset: int = 0,
    *,
    tool_catalog: Injected[ToolCatalog | None] = None,
    tool_session: Injected[ToolSession | None] = None,
) -> ToolExecutionResult:
    """Search the tool catalog: by keywords (ranked by relevance), category or group (a dotted prefix)."""
    if tool_catalog is None:
        return _failed("no tool catalog is configured")
    limit = max(1, min(int(limit or 10), MAX_BROWSE_LIMIT))
    offset = max(0, int(offset or 0))
    try:
        entries = tool_catalog.search(query=query, category=category, group=group, limit=limit, offset=offset)
        categories, groups = tool_catalog.list_categories(), tool_catalog.list_groups()
    except Exception as error:  # a catalog over a database or a service can fail any way it likes
        return _catalog_failed(error)
    active = set(tool_session.list_active()) if tool_session is not None else set()
    results = [entry.summary(entry.name in active) for entry in entries]
    total = getattr(entries, "total", None)
    total_matched = total if isinstance(total, int) else offset + len(results)
    body: dict[str, Any] = {
        "results": results,
        "total_found": len(results),
        "total_matched": total_matched,
        "available_categories": categories,
        "available_groups": groups,
    }
    waiting = sum(1 for r in results if not r["active"])
    if results and not waiting:
        body["hint"] = f"All {len(results)} matching tools are already loaded. Call them directly."
    elif waiting:
        body["hint"] = _AFTER_BROWSE
    elif query or category or group:
        body["hint"] = "Nothing matched. Try other keywords, or browse with no filter to see the categories."
    for key, value in (("query", query), ("category_filter", category), ("group_filter", group)):
        if value:
            body[key] = value
    if offset:
        body["offset"] = offset
    if total_matched > offset + len(results):
        body["has_more"] = True
    metadata = {"query": query, "category": category, "group": group, "offset": offset}
    return _answer(_with_budget(body, tool_session), payload=results, metadata=metadata)


def _load(
    session: ToolSession, catalog: ToolCatalog | None, names: list[str], invalid: list[Any]
) -> tuple[LoadReport, dict[str, Any]]:
    counts = {n: catalog.get_token_count(n) for n in names} if catalog is not None else {}
    report = session.try_load(names, counts)
    body: dict[str, Any] = {
        "loaded": list(report.loaded),
        "already_active": list(report.already_active),
        "invalid": invalid,
        "failed_limit": [r.name for r in report.refused],
        "active_count": len(session.active_tools),
    }
    problems: list[str] = []
    if invalid:
        problems.append(f"unknown tool(s): {', '.join(_described(i) for i in invalid)}")
    if report.refused:
        body["refused"] = [r.as_dict() for r in report.refused]
        problems.append(_refusals(report, session))
    if report.loaded or report.already_active:
        body["hint"] = _AFTER_LOAD
    if problems:
        body["error"] = "; ".join(problems)
    return report, _with_budget(body, session)


def _described(invalid: Any) -> str:
    if isinstance(invalid, dict):
        return f"{invalid['name']!r} (did you mean {', '.join(invalid['did_you_mean'])}?)"
    return repr(invalid)


def _refusals(report: LoadReport, session: ToolSession) -> str:
    budget = [r for r in report.refused if r.reason == "token_budget"]
    parts = []
    if budget:
        usage = session.budget_usage()
        parts.append(
            f"over the token budget: {', '.join(f'{r.name} ({r.tokens} tokens)' for r in budget)}; "
            f"{usage.tokens_used} of {usage.token_budget} tokens used, {usage.tokens_remaining} left "
            "(unload tools to free some)"
        )
    over = [r.name for r in report.refused if r.reason == "max_tools"]
    if over:
        parts.append(f"over the limit of {session.max_tools} active tools: {', '.join(over)}")
    return "; ".join(parts)


def load_tools(
    tool_names: list[str],
    *,
    tool_catalog: Injected[ToolCatalog | None] = None,
    tool_session: Injected[ToolSession | None] = None,
) -> ToolExecutionResult:
    """Load tools into the session by name, so the next turn can call them (within the token budget)."""
    if tool_session is None:
        return _failed("no tool session is available")
    wanted = _names(tool_names)
    known: list[str] = []
    invalid: list[Any] = []
    try:
        for name in dict.fromkeys(wanted):
            if tool_catalog is None or tool_catalog.has_entry(name):
                known.append(name)
                continue
            close = close_names(name, (e.name for e in tool_catalog.list_all()))
            invalid.append({"name": name, "did_you_mean": close} if close else name)
        _, body = _load(tool_session, tool_catalog, known, invalid)
    except Exception as error:
        return _catalog_failed(error)
    return _answer(body, metadata={"requested": wanted}, error=body.get("error"))


def load_tool_group(
    group: str,
    *,
    tool_catalog: Injected[ToolCatalog | None] = None,
    tool_session: Injected[ToolSession | None] = None,
) -> ToolExecutionResult:
    """Load every tool of a group (a dotted prefix: "crm" loads "crm.contacts" and "crm.pipeline")."""
    if tool_session is None:
        return _failed("no tool session is available")
    if tool_catalog is None:
        return _failed("no tool catalog is configured")
    try:
        names = [e.name for e in tool_catalog.search(group=group, limit=GROUP_LOAD_LIMIT)]
        _, body = _load(tool_session, tool_catalog, names, [])
        if not names:
            groups = tool_catalog.list_groups()
            prefixes = {".".join(g.split(".")[: i + 1]) for g in groups for i in range(g.count(".") + 1)}
            close = close_names(group, sorted(prefixes))
            body["error"] = f"no tools in group {group!r}" + (
                f"; did you mean {', '.join(close)}?" if close else ""
            )
            body["available_groups"] = groups
    except Exception as error:
        return _catalog_failed(error)
    body = {"group": group, **body}
    return _answer(body, metadata={"group": group, "requested": names}, error=body.get("error"))


def _unload(session: ToolSession, names: list[str], core_tools: Sequence[str] | None) -> dict[str, Any]:
    protected = META_TOOL_NAMES | set(core_tools or ())
    refused = [n for n in names if n in protected]
    not_active = [n for n in names if n not in protected and not session.is_active(n)]
    unloaded = session.unload([n for n in names if n not in protected and session.is_active(n)])
    body: dict[str, Any] = {
        "unloaded": unloaded,
        "not_active": not_active,
        "refused_protected": refused,
        "active_count": len(session.active_tools),
    }
    return _with_budget(body, session)


def unload_tools(
    tool_names: list[str],
    *,
    tool_session: Injected[ToolSession | None] = None,
    core_tools: Injected[Sequence[str] | None] = None,
) -> ToolExecutionResult:
    """Unload tools from the session to free context tokens (the core tools and meta-tools stay)."""
    if tool_session is None:
        return _failed("no tool session is available")
    wanted = list(dict.fromkeys(_names(tool_names)))
    return _answer(_unload(tool_session, wanted, core_tools), metadata={"requested": wanted})


def unload_tool_group(
    group: str,
    *,
    tool_catalog: Injected[ToolCatalog | None] = None,
    tool_session: Injected[ToolSession | None] = None,
    core_tools: Injected[Sequence[str] | None] = None,
) -> ToolExecutionResult:
    """Unload every tool of a group (a dotted prefix); the core tools and meta-tools stay."""
    if tool_session is None:
        return _failed("no tool session is available")
    if tool_catalog is None:
        return _failed("no tool catalog is configured")
    try:
        names = tool_catalog.get_tools_in_group(group)
    except Exception as error:
        return _catalog_failed(error)
    body = {"group": group, **_unload(tool_session, names, core_tools)}
    return _answer(body, metadata={"group": group, "requested": names})


FIND_TOOLS_PROMPT = (
    "You pick tools from a catalog for a task. Answer with a JSON object "
    '{"tool_names": [...], "reasoning": "..."}: only names listed in the catalog, as few as the task '
    "needs, an empty list when none fits."
)


def catalog_prompt(entries: Sequence[ToolCatalogEntry], active: set[str]) -> str:
    """The catalog as `find_tools`' search model reads it: one line per tool not yet loaded."""
    lines = []
    for entry in entries:
        if entry.name in active:
            continue
        extra = f" [category: {entry.category}]" if entry.category else ""
        extra += f" [tags: {', '.join(entry.tags)}]" if entry.tags else ""
        lines.append(f"- {entry.name}: {entry.description}{extra}")
    return "\n".join(lines)


async def find_tools(
    intent: str,
    *,
    tool_catalog: Injected[ToolCatalog | None] = None,
    tool_session: Injected[ToolSession | None] = None,
    tool_search_agent: Injected[Any] = None,
) -> ToolExecutionResult:
    """Find tools for a task described in plain words (a small model reads the catalog and picks)."""
    if tool_search_agent is None:
        return _failed("no search model is configured (LLMClient(dynamic_tool_loading='provider/model'))")
    if tool_catalog is None:
        return _failed("no tool catalog is configured")
    active = set(tool_session.list_active()) if tool_session is not None else set()
    try:
        listing = catalog_prompt(tool_catalog.list_all(), active)
    except Exception as error:
        return _catalog_failed(error)
    if not listing:
        body = {"results": [], "total_found": 0, "intent": intent, "hint": "Every tool is loaded already."}
        return _answer(body, payload=[], metadata={"intent": intent, "tool_names": []})
    messages = [
        {"role": "system", "content": FIND_TOOLS_PROMPT},
        {"role": "user", "content": f"Catalog:\n{listing}\n\nTask: {intent}"},
    ]
    try:
        reply = await tool_search_agent.generate(
            input=messages, response_format={"type": "json_object"}, use_tools=None
        )
        picked = json.loads(str(reply.content))
        names = [n for n in picked.get("tool_names", []) if isinstance(n, str) and tool_catalog.has_entry(n)]
        entries = [e for e in map(tool_catalog.get_entry, names) if e is not None]
    except Exception as error:
        message = f"the search model failed: {type(error).__name__}: {error}"
        return _failed(message, hint="Use browse_toolkit with keywords instead.")
    results = [e.summary(e.name in active) for e in entries]
    body = {
        "results": results,
        "total_found": len(results),
        "intent": intent,
        "reasoning": str(picked.get("reasoning", "")),
        "hint": _AFTER_BROWSE if results else "No tool matched. Try browse_toolkit with keywords.",
    }
    return _answer(body, payload=results, metadata={"intent": intent, "tool_names": names})
