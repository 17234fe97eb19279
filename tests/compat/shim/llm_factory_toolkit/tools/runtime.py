"""`llm_factory_toolkit.tools.runtime` → llmft."""

from llmft import ToolRuntime

__all__ = ["ToolRuntime"]
