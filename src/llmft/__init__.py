"""llmft — LLM Factory Toolkit: one typed async API over 100+ LLM providers and a tool framework.

`import llmft` is light: each public name is loaded on first use (PEP 562), and no provider SDK is
imported until a call needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time `__getattr__` loads these on demand
    from llmft.app.base_tool import BaseTool
    from llmft.app.batch_handle import BatchHandle
    from llmft.app.batches import BatchPending, BatchResults, BatchSummary
    from llmft.app.bootstrap import open_telemetry
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
        UsageLimitExceeded,
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
    from llmft.app.hooks import (
        Hooks,
        ModelRequestInfo,
        ModelResponseInfo,
        ToolCallInfo,
        ToolDecision,
        allow,
        ask,
        deny,
        replace_arguments,
    )
    from llmft.app.mcp_servers import MCPServerHTTP, MCPServerOptions, MCPServerStdio
    from llmft.app.models import ModelSpec
    from llmft.app.option_values import ALL_TOOLS
    from llmft.app.options import GenerateKwargs
    from llmft.app.parts import audio_part, file_part, image_part
    from llmft.app.results import (
        GenerationResult,
        ParsedToolCall,
        StreamChunk,
        ToolExecutionResult,
        ToolIntentOutput,
    )
    from llmft.app.run_state import RunState
    from llmft.app.runtime import ToolRuntime
    from llmft.app.tool_session import ToolSession
    from llmft.app.tools import ToolFactory
    from llmft.domain.limits import UsageLimits
    from llmft.domain.messages import Message, ModelReply, ModelRequest, ToolCall, ToolSpec, Usage
    from llmft.domain.ports import ChatModel, PriceTable, Telemetry
    from llmft.domain.pricing import Price
    from llmft.domain.schema import Injected

_HOME = {
    "UsageLimits": "llmft.domain.limits",
    "UsageLimitExceeded": "llmft.app.errors",
    "Hooks": "llmft.app.hooks",
    "ModelRequestInfo": "llmft.app.hooks",
    "ModelResponseInfo": "llmft.app.hooks",
    "ToolCallInfo": "llmft.app.hooks",
    "ToolDecision": "llmft.app.hooks",
    "allow": "llmft.app.hooks",
    "deny": "llmft.app.hooks",
    "replace_arguments": "llmft.app.hooks",
    "ask": "llmft.app.hooks",
    "RunState": "llmft.app.run_state",
    "LLMClient": "llmft.app.client",
    "ModelSpec": "llmft.app.models",
    "ALL_TOOLS": "llmft.app.option_values",
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
    "BatchHandle": "llmft.app.batch_handle",
    "BatchPending": "llmft.app.batches",
    "BatchResults": "llmft.app.batches",
    "BatchSummary": "llmft.app.batches",
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
    "Telemetry": "llmft.domain.ports",
    "open_telemetry": "llmft.app.bootstrap",
    "Price": "llmft.domain.pricing",
    "Injected": "llmft.domain.schema",
}

__all__ = [
    "ALL_TOOLS",
    "BaseTool",
    "BatchHandle",
    "BatchPending",
    "BatchResults",
    "BatchSummary",
    "ChatModel",
    "ConfigurationError",
    "DeadlineExceededError",
    "FallingBack",
    "Finished",
    "GenerateKwargs",
    "GenerationResult",
    "Hooks",
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
    "ModelRequestInfo",
    "ModelResponseInfo",
    "ModelSpec",
    "ParsedToolCall",
    "Price",
    "PriceTable",
    "ProviderError",
    "ReasoningDelta",
    "Retrying",
    "RunEvent",
    "RunState",
    "StreamChunk",
    "StructuredOutputError",
    "Telemetry",
    "TextDelta",
    "ToolCall",
    "ToolCallFinished",
    "ToolCallInfo",
    "ToolCallStarted",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolDecision",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRuntime",
    "ToolSession",
    "ToolSpec",
    "UnsupportedFeatureError",
    "Usage",
    "UsageLimitExceeded",
    "UsageLimits",
    "allow",
    "ask",
    "audio_part",
    "deny",
    "file_part",
    "image_part",
    "open_telemetry",
    "replace_arguments",
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
