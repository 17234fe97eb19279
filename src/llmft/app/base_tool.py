"""`BaseTool`: a tool written as a class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from llmft.app.results import ToolExecutionResult


class BaseTool:
    """A tool as a class: set `NAME`, `DESCRIPTION`, optionally `PARAMETERS`, and define `execute`.

    Optional class attributes: `CATEGORY`, `TAGS`, `GROUP` (catalog metadata), `REQUIRES_APPROVAL`,
    `TOOL_TIMEOUT` (seconds), as the `register_tool` keywords of the same names. `PARAMETERS` None
    infers the schema from `execute`'s signature and docstring. `BLOCKING` is accepted for the first
    version's code and changes nothing: every sync tool runs off the event loop.
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
        """Do the work (sync or async) with the model's arguments as keywords (and injected values,
        named like `generate`'s context keys); return a `ToolExecutionResult` or a plain value."""
        raise NotImplementedError(f"{type(self).__name__}.execute is not implemented")

    def mock_execute(self, **kwargs: Any) -> Any:
        """What mock mode (`mock_tools=True`) runs instead of `execute`, with the same keywords;
        by default a stub result that says it was mocked."""
        return mock_stub(self.NAME)


def mock_stub(name: str) -> ToolExecutionResult:
    """The result a mocked tool without a mock of its own gives."""
    return ToolExecutionResult(
        content=f"Mocked execution for tool '{name}'.",
        metadata={"mock": True, "tool_name": name},
    )
