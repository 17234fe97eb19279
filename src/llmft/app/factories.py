"""The factories the composition root hands out (and a test replaces): what makes a route's model,
its batch provider, a progress display, a file reader and an MCP connection."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from llmft.app.mcp_servers import MCPServerLocation
from llmft.domain.connections import Connection
from llmft.domain.ports import BatchProvider, ChatModel, FileReader, ProgressDisplay, ToolSource
from llmft.domain.routing import Route


class ModelFactory(Protocol):
    """Makes the ChatModel that serves a route over a connection."""

    def __call__(self, route: Route, connection: Connection) -> ChatModel:
        """The adapter for `route`; raises ConfigurationError when it cannot be made."""
        ...


class BatchProviderFactory(Protocol):
    """Makes the BatchProvider for a route over a connection."""

    def __call__(self, route: Route, connection: Connection, *, max_retries: int) -> BatchProvider:
        """The batch adapter for `route`; raises ConfigurationError or UnsupportedFeatureError."""
        ...


class ProgressFactory(Protocol):
    """Makes the display of a batch's progress."""

    def __call__(self, total: int | None, description: str) -> ProgressDisplay:
        """A display of `total` items; raises ConfigurationError when it cannot be made."""
        ...


class FileReaderFactory(Protocol):
    """Makes a reader confined to a root directory."""

    def __call__(
        self, root: str | Path, *, allow_hidden: bool, max_bytes: int, allow_hard_links: bool
    ) -> FileReader:
        """A reader of `root`; raises ConfigurationError for a root that cannot be used."""
        ...


class ToolSourceFactory(Protocol):
    """Makes the connection to an MCP server (nothing is started until it is first used)."""

    def __call__(self, server: MCPServerLocation, *, init_timeout: float) -> ToolSource:
        """The source for `server`; raises ConfigurationError when it cannot be made."""
        ...
