"""`llm_factory_toolkit.tools` → llmft (catalog, session and lazy-loading names have no counterpart)."""

from llmft import (
    BaseTool,
    ParsedToolCall,
    ToolExecutionResult,
    ToolFactory,
    ToolIntentOutput,
    ToolRuntime,
)

__all__ = [
    "BaseTool",
    "ParsedToolCall",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRuntime",
]
