"""Helpers for users' own tests: an in-process scripted model (and, later, the provider emulator)."""

from llmft.adapters.scripted import ScriptedModel, ScriptStep, provider_error, reply, tool_call

__all__ = ["ScriptStep", "ScriptedModel", "provider_error", "reply", "tool_call"]
