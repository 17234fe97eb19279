"""`BaseTool`: a tool written as a class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from llmft.app.results import ToolExecutionResult


class BaseTool:
    """A tool as a class: set `NAME`, `DESCRIPTION`, optionally `PARAMETERS`, and define `execute`.

    Optional class attributes: `CATEGORY`, `TAGS`, `GROUP` (catalog metadata), `REQUIRES_APPROVAL`,
    `TOOL_TIMEOUT` (seconds), as the `register_tool` keywords of the same names.
    """

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str] = ""
    PARAMETERS: ClassVar[dict[str, Any] | None] = None
    CATEGORY: ClassVar[str | None] = None
    TAGS: ClassVar[Sequence[str] | None] = None
    GROUP: ClassVar[str | None] = None
    REQUIRES_APPROVAL: ClassVar[bool] = False
    TOOL_TIMEOUT: ClassVar[float | None] = None
    BLOCKING: ClassVar[bool] = False

    def execute(self, **kwargs: Any) -> Any:
        """Do the work (sync or async)."""
        raise NotImplementedError(f"{type(self).__name__}.execute is not implemented")

    def mock_execute(self, **kwargs: Any) -> Any:
        """What mock mode returns instead of running `execute`."""
        return mock_stub(self.NAME)


def mock_stub(name: str) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Mocked execution for tool '{name}'.",
        metadata={"mock": True, "tool_name": name},
    )
