"""llmft — LLM Factory Toolkit: one typed async API over 100+ LLM providers and a tool framework.

`import llmft` is light: each public name is loaded on first use (PEP 562), and no provider SDK is
imported until a call needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time `__getattr__` loads these on demand
    from llmft.app.base_tool import BaseTool
    from llmft.app.catalog import InMemoryToolCatalog, LazyCatalogEntry, ToolCatalog, ToolCatalogEntry
    from llmft.app.client import LLMClient
    from llmft.app.errors import (
        ConfigurationError,
        DeadlineExceededError,
        LLMToolkitError,
        MCPServerError,
        ProviderError,
        StructuredOutputError,
        ToolError,
        UnsupportedFeatureError,
    )
    from llmft.app.events import (
        FallingBack,
        Finished,
        ReasoningDelta,
        Retrying,
        RunEvent,
        TextDelta,
        ToolCallFinished,
        ToolCallStarted,
    )
    from llmft.app.mcp_servers import MCPServerHTTP, MCPServerOptions, MCPServerStdio
    from llmft.app.models import ModelSpec
    from llmft.app.options import ALL_TOOLS, GenerateKwargs
    from llmft.app.parts import audio_part, file_part, image_part
    from llmft.app.results import (
        GenerationResult,
        ParsedToolCall,
        StreamChunk,
        ToolExecutionResult,
        ToolIntentOutput,
    )
    from llmft.app.runtime import ToolRuntime
    from llmft.app.tool_session import ToolSession
    from llmft.app.tools import ToolFactory
    from llmft.domain.messages import Message, ModelReply, ModelRequest, ToolCall, ToolSpec, Usage
    from llmft.domain.ports import ChatModel, PriceTable
    from llmft.domain.pricing import Price
    from llmft.domain.schema import Injected

_HOME = {
    "LLMClient": "llmft.app.client",
    "ModelSpec": "llmft.app.models",
    "ALL_TOOLS": "llmft.app.options",
    "GenerateKwargs": "llmft.app.options",
    "audio_part": "llmft.app.parts",
    "file_part": "llmft.app.parts",
    "image_part": "llmft.app.parts",
    "FallingBack": "llmft.app.events",
    "Finished": "llmft.app.events",
    "ReasoningDelta": "llmft.app.events",
    "Retrying": "llmft.app.events",
    "RunEvent": "llmft.app.events",
    "TextDelta": "llmft.app.events",
    "ToolCallFinished": "llmft.app.events",
    "ToolCallStarted": "llmft.app.events",
    "ConfigurationError": "llmft.app.errors",
    "DeadlineExceededError": "llmft.app.errors",
    "LLMToolkitError": "llmft.app.errors",
    "MCPServerError": "llmft.app.errors",
    "MCPServerHTTP": "llmft.app.mcp_servers",
    "MCPServerOptions": "llmft.app.mcp_servers",
    "MCPServerStdio": "llmft.app.mcp_servers",
    "ProviderError": "llmft.app.errors",
    "StructuredOutputError": "llmft.app.errors",
    "ToolError": "llmft.app.errors",
    "UnsupportedFeatureError": "llmft.app.errors",
    "GenerationResult": "llmft.app.results",
    "ParsedToolCall": "llmft.app.results",
    "StreamChunk": "llmft.app.results",
    "ToolExecutionResult": "llmft.app.results",
    "ToolIntentOutput": "llmft.app.results",
    "ToolRuntime": "llmft.app.runtime",
    "BaseTool": "llmft.app.base_tool",
    "ToolFactory": "llmft.app.tools",
    "ToolSession": "llmft.app.tool_session",
    "ToolCatalog": "llmft.app.catalog",
    "InMemoryToolCatalog": "llmft.app.catalog",
    "ToolCatalogEntry": "llmft.app.catalog",
    "LazyCatalogEntry": "llmft.app.catalog",
    "Message": "llmft.domain.messages",
    "ModelReply": "llmft.domain.messages",
    "ModelRequest": "llmft.domain.messages",
    "ToolCall": "llmft.domain.messages",
    "ToolSpec": "llmft.domain.messages",
    "Usage": "llmft.domain.messages",
    "ChatModel": "llmft.domain.ports",
    "PriceTable": "llmft.domain.ports",
    "Price": "llmft.domain.pricing",
    "Injected": "llmft.domain.schema",
}

__all__ = [
    "ALL_TOOLS",
    "BaseTool",
    "ChatModel",
    "ConfigurationError",
    "DeadlineExceededError",
    "FallingBack",
    "Finished",
    "GenerateKwargs",
    "GenerationResult",
    "InMemoryToolCatalog",
    "Injected",
    "LLMClient",
    "LLMToolkitError",
    "LazyCatalogEntry",
    "MCPServerError",
    "MCPServerHTTP",
    "MCPServerOptions",
    "MCPServerStdio",
    "Message",
    "ModelReply",
    "ModelRequest",
    "ModelSpec",
    "ParsedToolCall",
    "Price",
    "PriceTable",
    "ProviderError",
    "ReasoningDelta",
    "Retrying",
    "RunEvent",
    "StreamChunk",
    "StructuredOutputError",
    "TextDelta",
    "ToolCall",
    "ToolCallFinished",
    "ToolCallStarted",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRuntime",
    "ToolSession",
    "ToolSpec",
    "UnsupportedFeatureError",
    "Usage",
    "audio_part",
    "file_part",
    "image_part",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'llmft' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
