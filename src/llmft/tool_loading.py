"""Dynamic tool loading, in one place: the catalog port and its in-memory default, the session, the
meta-tools (to call directly or register by hand) and their parameter schemas.

Most code needs only `LLMClient(..., dynamic_tool_loading=True, core_tools=[...])`; this module is for
a catalog of your own, a session kept between turns, or tests.
"""

from llmft.app.catalog import (
    CatalogPage,
    InMemoryToolCatalog,
    LazyCatalogEntry,
    ToolCatalog,
    ToolCatalogEntry,
    estimate_token_count,
    token_savings,
)
from llmft.app.meta_tool_specs import (
    BROWSE_TOOLKIT_PARAMETERS,
    FIND_TOOLS_PARAMETERS,
    LOAD_TOOL_GROUP_PARAMETERS,
    LOAD_TOOLS_PARAMETERS,
    UNLOAD_TOOL_GROUP_PARAMETERS,
    UNLOAD_TOOLS_PARAMETERS,
)
from llmft.app.meta_tools import (
    browse_toolkit,
    catalog_prompt,
    find_tools,
    load_tool_group,
    load_tools,
    unload_tool_group,
    unload_tools,
)
from llmft.app.tool_session import ERROR_THRESHOLD, WARNING_THRESHOLD, LoadRefusal, LoadReport, ToolSession
from llmft.domain.tool_catalog import META_TOOL_NAMES, BudgetUsage, compact_schema

__all__ = [
    "BROWSE_TOOLKIT_PARAMETERS",
    "ERROR_THRESHOLD",
    "FIND_TOOLS_PARAMETERS",
    "LOAD_TOOLS_PARAMETERS",
    "LOAD_TOOL_GROUP_PARAMETERS",
    "META_TOOL_NAMES",
    "UNLOAD_TOOLS_PARAMETERS",
    "UNLOAD_TOOL_GROUP_PARAMETERS",
    "WARNING_THRESHOLD",
    "BudgetUsage",
    "CatalogPage",
    "InMemoryToolCatalog",
    "LazyCatalogEntry",
    "LoadRefusal",
    "LoadReport",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolSession",
    "browse_toolkit",
    "catalog_prompt",
    "compact_schema",
    "estimate_token_count",
    "find_tools",
    "load_tool_group",
    "load_tools",
    "token_savings",
    "unload_tool_group",
    "unload_tools",
]
