"""`llm_factory_toolkit.tools.base_tool` → llmft."""

from llmft import BaseTool

__all__ = ["BaseTool"]
