"""The composition root: the only module that names concrete adapters (imported on first use)."""

from __future__ import annotations

from pathlib import Path

from attrs import frozen
from returns.result import Failure

from llmft.app.errors import ConfigurationError, raise_failure
from llmft.domain.ports import ChatModel, FileReader, MathEngine, Secrets
from llmft.domain.redaction import api_key_problem
from llmft.domain.routing import Route, key_variable


@frozen
class Connection:
    """How to reach a provider: everything a route's adapter needs besides the request."""

    api_key: str | None
    base_url: str | None
    timeout: float


def default_secrets() -> Secrets:
    """Keys from the environment, then `.env` in the working directory."""
    from llmft.adapters.dotenv_secrets import DotenvSecrets

    return DotenvSecrets()


def _key(route: Route, connection: Connection, secrets: Secrets) -> str | None:
    key = connection.api_key or secrets.api_key(route.provider)
    variable = key_variable(route.provider)
    if key is not None:
        problem = api_key_problem(key)
        if problem is not None:
            source = "api_key" if connection.api_key else (variable or "the key")
            raise ConfigurationError(f"the API key from {source} {problem}", "api_key")
        return key
    needs_key = route.kind == "openai_responses" or (variable is not None and connection.base_url is None)
    if needs_key:
        raise ConfigurationError(
            f"no API key for {route.model_string!r}: set {variable or 'the provider key'} in the environment "
            "or a .env file, or pass api_key=",
            "api_key",
        )
    return None


def chat_model_for(route: Route, connection: Connection, secrets: Secrets) -> ChatModel:
    """The ChatModel adapter serving `route`."""
    key = _key(route, connection, secrets)
    if route.kind == "openai_responses":
        try:
            from llmft.adapters.openai_responses import OpenAIResponsesModel
        except ImportError as error:
            if error.name not in ("openai", None) and not str(error.name).startswith("openai."):
                raise
            raise ConfigurationError(
                f"model {route.model_string!r} uses the OpenAI Responses API, which needs the openai "
                "package: pip install 'llmft[openai]'",
                "model",
            ) from None
        assert key is not None
        return OpenAIResponsesModel(
            route.name, api_key=key, base_url=connection.base_url, timeout=connection.timeout
        )
    from llmft.adapters.litellm_chat import LiteLLMChatModel

    created = LiteLLMChatModel.create(
        route, api_key=key, base_url=connection.base_url, timeout=connection.timeout
    )
    if isinstance(created, Failure):
        raise_failure(created.failure())
    return created.unwrap()


def math_engine() -> MathEngine:
    """The safe math evaluator: sympy in a worker process (needs the [builtins] extra)."""
    from importlib.util import find_spec

    if find_spec("sympy") is None:  # the worker imports it; this process need not
        raise ConfigurationError("safe_math_evaluator needs sympy: pip install 'llmft[builtins]'", "names")
    from llmft.adapters.math_process import ProcessMath

    return ProcessMath()


def file_reader(root: str | Path, *, allow_hidden: bool, max_bytes: int) -> FileReader:
    """A reader confined to `root`."""
    from llmft.adapters.local_files import LocalFiles

    try:
        return LocalFiles(root, allow_hidden=allow_hidden, max_bytes=max_bytes)
    except ValueError as error:
        raise ConfigurationError(str(error), "file_root") from None
