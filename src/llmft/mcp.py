"""Serve a ToolFactory's tools as an MCP server: `llmft.mcp.serve(factory, transport="stdio" | "http",
context_factory=...)`, or `python -m llmft mcp-serve module:factory`. The mcp package (the [mcp] extra)
is imported only when a server starts; `import llmft` never imports this module."""

from __future__ import annotations

from llmft.app.mcp_serve import ContextFactory, serve, serve_async

__all__ = ["ContextFactory", "serve", "serve_async"]
