"""The composition root: the only module that names concrete adapters (imported on first use)."""

from __future__ import annotations

from attrs import frozen

from llmft.app.errors import ConfigurationError
from llmft.domain.ports import ChatModel
from llmft.domain.routing import Route


@frozen
class Connection:
    """How to reach a provider: everything a route's adapter needs besides the request."""

    api_key: str | None
    base_url: str | None
    timeout: float


def chat_model_for(route: Route, connection: Connection) -> ChatModel:
    """The ChatModel adapter serving `route`."""
    raise ConfigurationError(
        f"model {route.model_string!r} needs the {route.kind} provider adapter, which this build "
        "does not include yet; pass a ChatModel such as llmft.testing.ScriptedModel",
        "model",
    )
