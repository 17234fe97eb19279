"""`llm_factory_toolkit.client` → llmft (the first version's `ProviderRouter` has no counterpart)."""

from llmft import LLMClient

__all__ = ["LLMClient"]
