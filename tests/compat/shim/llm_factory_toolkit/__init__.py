"""`llm_factory_toolkit` (the first version's import path) re-exported from llmft, for tests/compat only.

Only names llmft has are here; the first version's others (RetryExhaustedError, UsageEvent, ModelInfo,
list_models, get_model_info, compute_cost, clean_json_string, extract_json_from_markdown, builtins)
are left out on purpose, so a test that needs one fails visibly at import.
"""

from llmft import (
    BaseTool,
    ConfigurationError,
    GenerationResult,
    InMemoryToolCatalog,
    LLMClient,
    LLMToolkitError,
    ProviderError,
    StreamChunk,
    ToolCatalog,
    ToolCatalogEntry,
    ToolError,
    ToolExecutionResult,
    ToolFactory,
    ToolSession,
    UnsupportedFeatureError,
)

__all__ = [
    "BaseTool",
    "ConfigurationError",
    "GenerationResult",
    "InMemoryToolCatalog",
    "LLMClient",
    "LLMToolkitError",
    "ProviderError",
    "StreamChunk",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolSession",
    "UnsupportedFeatureError",
]
