"""`llm_factory_toolkit.tools.models` → llmft's result types (no `UsageEvent` in llmft)."""

from llmft import (
    GenerationResult,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
)

__all__ = [
    "GenerationResult",
    "ParsedToolCall",
    "StreamChunk",
    "ToolExecutionResult",
    "ToolIntentOutput",
]
