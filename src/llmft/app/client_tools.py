"""The tool registration proxies of LLMClient: each forwards to the client's ToolFactory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from typing_extensions import Unpack

from llmft.app.base_tool import BaseTool
from llmft.app.mcp_servers import MCPServerLocation, MCPServerOptions
from llmft.app.tools import ToolFactory


class ToolProxies:
    """Registration on the client's own ToolFactory (`client.tool_factory`)."""

    tool_factory: ToolFactory

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        mock_function: Callable[..., Any] | None = None,
        *,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        requires_approval: bool = False,
        tool_timeout: float | None = None,
        exclude_params: Sequence[str] | None = None,
        blocking: bool = False,
        replace: bool = False,
    ) -> None:
        """Register a tool on this client's ToolFactory (every keyword as `ToolFactory.register_tool`)."""
        self.tool_factory.register_tool(
            function,
            name,
            description,
            parameters,
            mock_function,
            category=category,
            tags=tags,
            group=group,
            requires_approval=requires_approval,
            tool_timeout=tool_timeout,
            exclude_params=exclude_params,
            blocking=blocking,
            replace=replace,
        )

    def register_tool_class(self, tool_class: type[BaseTool]) -> None:
        """Register a BaseTool subclass on this client's ToolFactory."""
        self.tool_factory.register_tool_class(tool_class)

    def register_builtins(
        self,
        names: Sequence[str] | None = None,
        *,
        file_root: str | Path | None = None,
        allow_hidden: bool = False,
        max_file_bytes: int = 1_048_576,
        allow_hard_links: bool = False,
    ) -> None:
        """Register the built-in tools on this client's ToolFactory (`read_local_file` needs `file_root`)."""
        self.tool_factory.register_builtins(
            names,
            file_root=file_root,
            allow_hidden=allow_hidden,
            max_file_bytes=max_file_bytes,
            allow_hard_links=allow_hard_links,
        )

    async def add_mcp_server(
        self, server: MCPServerLocation, **options: Unpack[MCPServerOptions]
    ) -> list[str]:
        """Connect to an MCP server and register its tools on this client's ToolFactory; returns their
        names (see `ToolFactory.add_mcp_server`; `aclose()` closes the connection)."""
        return await self.tool_factory.add_mcp_server(server, **options)
