"""Helpers for users' own tests: an in-process scripted model and a wire-level provider emulator."""

from llmft.adapters.scripted import ScriptedModel, ScriptStep, provider_error, reply, tool_call
from llmft.testing.emulator import (
    BatchPlan,
    EmuReply,
    EmuToolCall,
    Fault,
    ProviderEmulator,
    RecordedRequest,
    ServerCall,
    StreamError,
    emu_fault,
    emu_refusal,
    emu_stream_error,
    emu_text,
    emu_tool_calls,
    emu_tool_search,
    emu_web_search,
)

__all__ = [
    "BatchPlan",
    "EmuReply",
    "EmuToolCall",
    "Fault",
    "ProviderEmulator",
    "RecordedRequest",
    "ScriptStep",
    "ScriptedModel",
    "ServerCall",
    "StreamError",
    "emu_fault",
    "emu_refusal",
    "emu_stream_error",
    "emu_text",
    "emu_tool_calls",
    "emu_tool_search",
    "emu_web_search",
    "provider_error",
    "reply",
    "tool_call",
]
