"""`llm_factory_toolkit.exceptions` → llmft's errors (no `RetryExhaustedError` in llmft)."""

from llmft import (
    ConfigurationError,
    LLMToolkitError,
    ProviderError,
    ToolError,
    UnsupportedFeatureError,
)

__all__ = [
    "ConfigurationError",
    "LLMToolkitError",
    "ProviderError",
    "ToolError",
    "UnsupportedFeatureError",
]
