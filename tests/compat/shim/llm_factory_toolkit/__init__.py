"""`llm_factory_toolkit` (the first version's import path) re-exported from llmft, for tests/compat only.

Only names llmft has are here; the first version's others (RetryExhaustedError, ToolCatalog,
InMemoryToolCatalog, ToolCatalogEntry, ToolSession, UsageEvent, ModelInfo, list_models, get_model_info,
compute_cost, clean_json_string, extract_json_from_markdown, builtins) are left out on purpose, so
a test that needs one fails visibly at import.
"""

from llmft import (
    BaseTool,
    ConfigurationError,
    GenerationResult,
    LLMClient,
    LLMToolkitError,
    ProviderError,
    StreamChunk,
    ToolError,
    ToolExecutionResult,
    ToolFactory,
    UnsupportedFeatureError,
)

__all__ = [
    "BaseTool",
    "ConfigurationError",
    "GenerationResult",
    "LLMClient",
    "LLMToolkitError",
    "ProviderError",
    "StreamChunk",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "UnsupportedFeatureError",
]
