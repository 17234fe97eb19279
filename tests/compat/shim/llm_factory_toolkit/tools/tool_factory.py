"""`llm_factory_toolkit.tools.tool_factory` → llmft."""

from llmft import ToolFactory

__all__ = ["ToolFactory"]
