"""Which key and endpoint serve a model: the rule that keeps a key with the provider it was given for.

The client's `api_key` and `base_url` belong to its primary model's provider. Any other model (a
fallback, a per-call `model=`) of another provider gets only what its own `ModelSpec` gives, else its
provider's environment variable, and its provider's default endpoint.
"""

from __future__ import annotations

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ConfigurationFailure
from llmft.domain.redaction import api_key_problem
from llmft.domain.routing import Route, key_variable
from llmft.domain.secret import Secret

DEFAULT_MAX_RESPONSE_BYTES = 32 * 2**20


@frozen
class Connection:
    """How to reach one model's provider: its key and endpoint (None: the SDK's own default), and the
    largest reply to accept from it."""

    api_key: Secret | None = None
    base_url: str | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


NO_CONNECTION = Connection()


def connection_for(
    route: Route,
    *,
    owner: str | None,
    client: Connection,
    spec: Connection | None,
    env_key: Secret | None,
) -> Result[Connection, ConfigurationFailure]:
    """The connection for `route`, given the client's (for provider `owner`), the model's own spec and
    the key its provider's environment variable holds."""
    shared = client if owner is not None and route.provider == owner else NO_CONNECTION
    own = spec or NO_CONNECTION
    given = own.api_key or shared.api_key
    key = given or env_key
    base_url = own.base_url or shared.base_url
    variable = key_variable(route.provider)
    if key is not None:
        problem = api_key_problem(key.reveal())
        if problem is not None:
            source = "api_key" if given is not None else (variable or "the environment")
            return Failure(ConfigurationFailure(f"the API key from {source} {problem}", "api_key"))
        return Success(Connection(key, base_url, client.max_response_bytes))
    if route.kind == "openai_responses" or (variable is not None and base_url is None):
        where = f"set {variable} in the environment or a .env file, or" if variable else "pass"
        return Failure(
            ConfigurationFailure(
                f"no API key for {route.model_string!r}: {where} api_key= (or a ModelSpec with one)",
                "api_key",
            )
        )
    return Success(Connection(None, base_url, client.max_response_bytes))
