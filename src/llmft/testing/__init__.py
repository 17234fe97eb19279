"""Helpers for users' own tests: an in-process scripted model and a wire-level provider emulator."""

from llmft.adapters.scripted import ScriptedModel, ScriptStep, provider_error, reply, tool_call
from llmft.testing.emulator import (
    EmuReply,
    EmuToolCall,
    Fault,
    ProviderEmulator,
    RecordedRequest,
    emu_fault,
    emu_text,
    emu_tool_calls,
)

__all__ = [
    "EmuReply",
    "EmuToolCall",
    "Fault",
    "ProviderEmulator",
    "RecordedRequest",
    "ScriptStep",
    "ScriptedModel",
    "emu_fault",
    "emu_text",
    "emu_tool_calls",
    "provider_error",
    "reply",
    "tool_call",
]
