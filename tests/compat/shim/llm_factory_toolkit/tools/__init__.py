"""`llm_factory_toolkit.tools` → llmft."""

from llmft import (
    BaseTool,
    InMemoryToolCatalog,
    ParsedToolCall,
    ToolExecutionResult,
    ToolFactory,
    ToolIntentOutput,
    ToolRuntime,
    ToolSession,
)

__all__ = [
    "BaseTool",
    "InMemoryToolCatalog",
    "ParsedToolCall",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRuntime",
    "ToolSession",
]
