"""Fixtures for the wire-level tests: an emulator per test and a client per route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from attrs import frozen

from llmft import LLMClient
from llmft.testing import ProviderEmulator

KEY = "sk-test-0123456789abcdef"


@frozen
class RouteCase:
    name: str
    model: str
    protocol: str
    route: str = "auto"  # LLMClient(route=...): "litellm" keeps anthropic/… on litellm

    @property
    def native_anthropic(self) -> bool:
        """True when the client talks to Anthropic through the anthropic SDK, not litellm."""
        return self.protocol == "anthropic" and self.route != "litellm"

    def base_url(self, emu: ProviderEmulator) -> str:
        return emu.base_url if self.protocol == "anthropic" else emu.openai_base_url

    def client(self, emu: ProviderEmulator, **kwargs: Any) -> LLMClient:
        kwargs.setdefault("api_key", KEY)
        kwargs.setdefault("max_retries", 0)  # one attempt: these tests look at single exchanges
        kwargs.setdefault("route", self.route)
        client = LLMClient(model=self.model, base_url=self.base_url(emu), **kwargs)
        emu.on_close(client.aclose)
        return client


ROUTES = [
    RouteCase("openai-responses", "gpt-4o-mini", "responses"),
    RouteCase("litellm-chat", "openai/llama-3", "chat"),
    RouteCase("litellm-anthropic", "anthropic/claude-sonnet-4-5", "anthropic", "litellm"),
    RouteCase("anthropic-native", "anthropic/claude-sonnet-4-5", "anthropic"),
]


@pytest.fixture
async def emu() -> AsyncIterator[ProviderEmulator]:
    async with ProviderEmulator() as emulator:
        yield emulator


@pytest.fixture(params=ROUTES, ids=lambda r: r.name)
def route(request: pytest.FixtureRequest) -> RouteCase:
    case: RouteCase = request.param
    return case
