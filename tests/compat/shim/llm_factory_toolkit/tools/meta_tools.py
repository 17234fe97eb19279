"""`llm_factory_toolkit.tools.meta_tools` → llmft (the first version's private helpers are not here)."""

from llmft.tool_loading import (
    BROWSE_TOOLKIT_PARAMETERS,
    FIND_TOOLS_PARAMETERS,
    LOAD_TOOL_GROUP_PARAMETERS,
    LOAD_TOOLS_PARAMETERS,
    UNLOAD_TOOL_GROUP_PARAMETERS,
    UNLOAD_TOOLS_PARAMETERS,
    browse_toolkit,
    find_tools,
    load_tool_group,
    load_tools,
    unload_tool_group,
    unload_tools,
)

__all__ = [
    "BROWSE_TOOLKIT_PARAMETERS",
    "FIND_TOOLS_PARAMETERS",
    "LOAD_TOOLS_PARAMETERS",
    "LOAD_TOOL_GROUP_PARAMETERS",
    "UNLOAD_TOOLS_PARAMETERS",
    "UNLOAD_TOOL_GROUP_PARAMETERS",
    "browse_toolkit",
    "find_tools",
    "load_tool_group",
    "load_tools",
    "unload_tool_group",
    "unload_tools",
]
