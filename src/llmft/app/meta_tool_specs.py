"""The meta-tools as they are registered: their descriptions and parameter schemas (the first version's
names for the schemas), and the table `ToolFactory.register_meta_tools` reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmft.app.meta_tools import (
    browse_toolkit,
    find_tools,
    load_tool_group,
    load_tools,
    unload_tool_group,
    unload_tools,
)


def _nullable(kind: str, text: str) -> dict[str, Any]:
    return {"type": [kind, "null"], "description": text}


BROWSE_TOOLKIT_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": _nullable(
            "string", "Keywords matched against tool names, tags and descriptions; null lists all."
        ),
        "category": _nullable("string", "Only tools of this category; null for any."),
        "group": _nullable(
            "string", "Only tools of this group or below it ('crm' covers 'crm.contacts'); null for any."
        ),
        "limit": {"type": "integer", "description": "Results per page (at most 50).", "default": 10},
        "offset": {"type": "integer", "description": "Results to skip, to see the next page.", "default": 0},
    },
    "required": [],
}
_NAMES = {"type": "array", "items": {"type": "string"}}
LOAD_TOOLS_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tool_names": {**_NAMES, "description": "Names of the tools to load (all you need, at once)."}
    },
    "required": ["tool_names"],
}
UNLOAD_TOOLS_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"tool_names": {**_NAMES, "description": "Names of the tools to unload."}},
    "required": ["tool_names"],
}
LOAD_TOOL_GROUP_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"group": {"type": "string", "description": "The group (or a prefix: 'crm') to load."}},
    "required": ["group"],
}
UNLOAD_TOOL_GROUP_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"group": {"type": "string", "description": "The group (or a prefix: 'crm') to unload."}},
    "required": ["group"],
}
FIND_TOOLS_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"intent": {"type": "string", "description": "What you need the tools for, specifically."}},
    "required": ["intent"],
}

MetaTool = tuple[str, Callable[..., Any], str, dict[str, Any], tuple[str, ...]]
META_TOOLS: tuple[MetaTool, ...] = (
    (
        "browse_toolkit",
        browse_toolkit,
        "Search the catalog of tools you can load. Returns names, descriptions, categories and groups; "
        "then call load_tools with the names you need.",
        BROWSE_TOOLKIT_PARAMETERS,
        ("meta", "discovery"),
    ),
    (
        "load_tools",
        load_tools,
        "Load tools by name (from browse_toolkit) so you can call them. Load all you need in one call.",
        LOAD_TOOLS_PARAMETERS,
        ("meta", "loading"),
    ),
    (
        "load_tool_group",
        load_tool_group,
        "Load every tool of a group at once ('crm' loads crm.contacts and crm.pipeline), within the budget.",
        LOAD_TOOL_GROUP_PARAMETERS,
        ("meta", "loading", "group"),
    ),
    (
        "unload_tool_group",
        unload_tool_group,
        "Unload every tool of a group at once to free context; core tools and meta-tools stay.",
        UNLOAD_TOOL_GROUP_PARAMETERS,
        ("meta", "unloading", "group"),
    ),
    (
        "unload_tools",
        unload_tools,
        "Unload tools you no longer need, to free context; core tools and meta-tools stay.",
        UNLOAD_TOOLS_PARAMETERS,
        ("meta", "unloading"),
    ),
)
FIND_TOOLS: MetaTool = (
    "find_tools",
    find_tools,
    "Find tools by describing the task in plain words; a search model reads the catalog for you. "
    "Then call load_tools with the names it returns.",
    FIND_TOOLS_PARAMETERS,
    ("meta", "discovery", "semantic"),
)
