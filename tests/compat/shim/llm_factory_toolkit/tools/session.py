"""`llm_factory_toolkit.tools.session` → llmft."""

from llmft.tool_loading import ERROR_THRESHOLD, WARNING_THRESHOLD, ToolSession

__all__ = ["ERROR_THRESHOLD", "WARNING_THRESHOLD", "ToolSession"]
