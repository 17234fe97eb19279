"""Helpers for users' own tests: an in-process scripted model and a wire-level provider emulator."""

from llmft.adapters.scripted import ScriptedModel, ScriptStep, provider_error, reply, tool_call
from llmft.testing import emulator
from llmft.testing.emulator import *  # noqa: F403  (its names are this package's, as its __all__ lists them)

__all__ = ["ScriptStep", "ScriptedModel", "provider_error", "reply", "tool_call"]
__all__ += emulator.__all__
