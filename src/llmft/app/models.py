"""Models and their connections: `ModelSpec`, and the pool of adapters a client opens and closes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.util import find_spec
from types import MappingProxyType
from typing import Any, Literal

from attrs import frozen
from returns.result import Failure, Result

from llmft.app.bootstrap import ClientParts
from llmft.app.errors import ConfigurationError, raise_failure
from llmft.domain.connections import Connection, connection_for
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import ModelReply, ModelRequest
from llmft.domain.ports import BatchProvider, ChatModel, DeltaStream
from llmft.domain.redaction import api_key_problem
from llmft.domain.routing import Route, native_anthropic, route_model
from llmft.domain.secret import Secret, wrap_secret


def checked_key(api_key: Secret | None, field: str = "api_key") -> Secret | None:
    """The (already wrapped) key, or a ConfigurationError saying what is wrong with it."""
    if api_key is None:
        return None
    if not isinstance(api_key, Secret):
        raise ConfigurationError(f"{field} must be a string, got {type(api_key).__name__}", field)
    problem = api_key_problem(api_key.reveal())
    if problem is not None:
        raise ConfigurationError(f"{field} {problem}", field)
    return api_key


def checked_route(model: object, field: str = "model") -> Route:
    """The route of a model string, or a ConfigurationError saying what is wrong with it."""
    if not isinstance(model, str):
        raise ConfigurationError(f"{field} must be a model string, got {type(model).__name__}", field)
    routed = route_model(model)
    if isinstance(routed, Failure):
        raise_failure(routed.failure())
    return routed.unwrap()


def _base_url(value: object) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise ConfigurationError("base_url must be a non-empty URL string or None", "base_url")


@frozen(init=False, repr=False)
class ModelSpec:
    """A model with a connection of its own: `ModelSpec("deepseek/deepseek-chat", api_key=..., base_url=...)`.

    Extra keywords are provider parameters sent only when this model serves the call.
    """

    model: str
    api_key: Secret | None
    base_url: str | None
    options: Mapping[str, Any]
    route: Route

    def __init__(
        self, model: str, api_key: str | Secret | None = None, base_url: str | None = None, **options: Any
    ) -> None:
        api_key = wrap_secret(api_key)  # first, before anything can raise with the plain key in a local
        self.__attrs_init__(
            model, checked_key(api_key), _base_url(base_url), MappingProxyType(options), checked_route(model)
        )

    def __repr__(self) -> str:
        if not hasattr(self, "route"):  # a spec whose construction failed still prints (in tracebacks)
            return "ModelSpec(<invalid>)"
        parts = [repr(self.model)]
        if self.api_key is not None:
            parts.append(f"api_key={self.api_key!r}")
        if self.base_url is not None:
            parts.append(f"base_url={self.base_url!r}")
        parts.extend(f"{k}={v!r}" for k, v in self.options.items())
        return f"ModelSpec({', '.join(parts)})"

    @property
    def connection(self) -> Connection | None:
        """What this spec itself says about key and endpoint (None when it says nothing)."""
        if self.api_key is None and self.base_url is None:
            return None
        return Connection(self.api_key, self.base_url)


def model_spec(value: object, field: str) -> ModelSpec:
    """A model string or ModelSpec as a ModelSpec."""
    if isinstance(value, ModelSpec):
        return value
    if isinstance(value, str):
        return ModelSpec(value)
    raise ConfigurationError(
        f"{field} must be a model string or a ModelSpec, got {type(value).__name__}", field
    )


def check_fallbacks(models: object) -> tuple[ModelSpec, ...]:
    """`fallback_models` as ModelSpecs."""
    if isinstance(models, str | bytes) or not isinstance(models, Sequence):
        raise ConfigurationError(
            "fallback_models must be a list of model strings or ModelSpecs", "fallback_models"
        )
    return tuple(model_spec(m, "fallback_models") for m in models)


class Borrowed:
    """A caller's own ChatModel: used as given and never closed by llmft (its owner closes it)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        return repr(self.inner)

    async def complete(self, request: ModelRequest) -> Result[ModelReply, ProviderFailure]:
        """The caller's model's reply."""
        reply: Result[ModelReply, ProviderFailure] = await self.inner.complete(request)
        return reply

    def stream(self, request: ModelRequest) -> DeltaStream:
        """The caller's model's stream."""
        stream: DeltaStream = self.inner.stream(request)
        return stream

    async def aclose(self) -> None:
        """Nothing: the caller owns this model."""


def borrowed_model(value: object) -> Borrowed | None:
    """A caller's ChatModel (anything with `complete` and `stream`), or None when `value` is not one."""
    if callable(getattr(value, "complete", None)) and callable(getattr(value, "stream", None)):
        return Borrowed(value)
    return None


RouteChoice = Literal["auto", "litellm"]
ROUTE_CHOICES: tuple[RouteChoice, ...] = ("auto", "litellm")


def checked_route_choice(value: object) -> RouteChoice:
    """`route=` as given, or a ConfigurationError naming the choices."""
    for choice in ROUTE_CHOICES:
        if value == choice:
            return choice
    raise ConfigurationError(f"route must be one of {list(ROUTE_CHOICES)}, got {value!r}", "route")


class ModelPool:
    """The adapters a client opened, one per model and connection, reused across calls.

    With `route="auto"`, `anthropic/…` models go to Anthropic's Messages API natively when the
    anthropic SDK is installed (`llmft[anthropic]`); `route="litellm"` keeps them on litellm.
    """

    def __init__(
        self, parts: ClientParts, *, owner: str | None, connection: Connection, route: RouteChoice = "auto"
    ) -> None:
        # `connection` is the client's: its key and endpoint serve the `owner` provider only.
        self._parts = parts
        self._owner = owner  # the provider the client's key and endpoint belong to
        self._connection = connection
        self._route = route
        self._native: bool | None = None  # whether the anthropic SDK is installed (looked up once)
        self._adapters: dict[tuple[str, Connection], ChatModel] = {}
        self._batches: dict[tuple[str, Connection, int], BatchProvider] = {}

    def __repr__(self) -> str:
        return f"ModelPool(models={sorted(name for name, _ in self._adapters)!r})"

    def connection(self, spec: ModelSpec) -> Connection:
        """The key and endpoint that serve `spec` (a key never goes to a provider it was not given for)."""
        route = spec.route
        chosen = connection_for(
            route,
            owner=self._owner,
            client=self._connection,
            spec=spec.connection,
            env_key=self._parts.secrets.api_key(route.provider),
        )
        if isinstance(chosen, Failure):
            raise_failure(chosen.failure())
        return chosen.unwrap()

    def route(self, spec: ModelSpec) -> Route:
        """The route that serves `spec` on this client (the native Anthropic one where it applies)."""
        route = spec.route
        if self._route == "litellm" or route.provider != "anthropic" or route.kind != "litellm":
            return route
        if self._native is None:
            self._native = find_spec("anthropic") is not None  # finds the package; does not import it
        return native_anthropic(route) if self._native else route

    def model(self, spec: ModelSpec) -> ChatModel:
        """The adapter serving `spec`, made on first use."""
        connection = self.connection(spec)
        key = (spec.route.model_string, connection)
        adapter = self._adapters.get(key)
        if adapter is None:
            adapter = self._adapters[key] = self._parts.model_factory(self.route(spec), connection)
        return adapter

    def batch_provider(self, spec: ModelSpec, max_retries: int) -> BatchProvider:
        """The provider batch API serving `spec`, over the same key and endpoint as its live calls."""
        connection = self.connection(spec)
        key = (spec.route.model_string, connection, max_retries)
        provider = self._batches.get(key)
        if provider is None:
            provider = self._batches[key] = self._parts.batch_provider(
                spec.route, connection, max_retries=max_retries
            )
        return provider

    async def aclose(self) -> None:
        """Close every adapter this pool opened."""
        adapters, self._adapters = list(self._adapters.values()), {}
        batches, self._batches = list(self._batches.values()), {}
        for adapter in adapters:
            await adapter.aclose()
        for batch in batches:
            await batch.aclose()


_: type[ChatModel] = Borrowed
