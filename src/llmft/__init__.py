"""llmft — LLM Factory Toolkit: one typed async API over 100+ LLM providers and a tool framework.

`import llmft` is light: no provider SDK is imported until a call needs it.
"""

from llmft.app.client import LLMClient
from llmft.app.errors import (
    ConfigurationError,
    DeadlineExceededError,
    LLMToolkitError,
    ProviderError,
    StructuredOutputError,
    ToolError,
    UnsupportedFeatureError,
)
from llmft.app.results import (
    GenerationResult,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
)
from llmft.app.runtime import ToolRuntime
from llmft.app.tools import BaseTool, ToolFactory
from llmft.domain.messages import Message, ModelReply, ModelRequest, ToolCall, ToolSpec, Usage
from llmft.domain.ports import ChatModel
from llmft.domain.schema import Injected

__all__ = [
    "BaseTool",
    "ChatModel",
    "ConfigurationError",
    "DeadlineExceededError",
    "GenerationResult",
    "Injected",
    "LLMClient",
    "LLMToolkitError",
    "Message",
    "ModelReply",
    "ModelRequest",
    "ParsedToolCall",
    "ProviderError",
    "StreamChunk",
    "StructuredOutputError",
    "ToolCall",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRuntime",
    "ToolSpec",
    "UnsupportedFeatureError",
    "Usage",
]

__version__ = "0.1.0"
