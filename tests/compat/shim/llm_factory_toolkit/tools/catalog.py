"""`llm_factory_toolkit.tools.catalog` → llmft."""

from llmft.tool_loading import (
    InMemoryToolCatalog,
    LazyCatalogEntry,
    ToolCatalog,
    ToolCatalogEntry,
    estimate_token_count,
)

__all__ = [
    "InMemoryToolCatalog",
    "LazyCatalogEntry",
    "ToolCatalog",
    "ToolCatalogEntry",
    "estimate_token_count",
]
