"""Keys: each goes only to the provider it was given for, and no repr, traceback local or log shows one."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llmft import ConfigurationError, LLMClient, ModelSpec, ProviderError
from llmft.domain.connections import Connection
from llmft.domain.routing import Route
from llmft.testing import ProviderEmulator, ScriptedModel, emu_fault, emu_text, provider_error, reply

USER = [{"role": "user", "content": "hi"}]
ANTHROPIC_KEY = "sk-ant-primary-0123456789"
# Module constants, not locals: the test's own frame is part of the traceback under inspection.
LOCALS_KEY = "sk-locals-0123456789abcdef"
BAD_KEY = "sk-bad\nkey-0123456789"
ECHOED_KEY = "sk-echoed-0123456789abcdef"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN", "_BASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env


class Recorder:
    """A model factory that records which connection each model got; every model fails over."""

    def __init__(self) -> None:
        self.made: dict[str, Connection] = {}

    def __call__(self, route: Route, connection: Connection) -> ScriptedModel:
        self.made[route.model_string] = connection
        last = route.model_string.startswith("groq/")
        return ScriptedModel(
            [reply("ok") if last else provider_error("down", status_code=503, retryable=True)],
            name=route.model_string,
        )


def key_of(connection: Connection) -> str | None:
    return connection.api_key.reveal() if connection.api_key is not None else None


@pytest.mark.usefixtures("clean_env")
async def test_the_clients_key_and_endpoint_serve_only_the_primarys_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gem-env-key-123456")
    monkeypatch.setenv("GROQ_API_KEY", "groq-env-key-123456")
    factory = Recorder()
    client = LLMClient(
        model="anthropic/claude-sonnet-4-5",
        api_key=ANTHROPIC_KEY,
        base_url="http://127.0.0.1:9/anthropic-proxy",
        max_retries=0,
        fallback_models=["anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash", "groq/llama-3.3-70b"],
        model_factory=factory,
    )
    result = await client.generate(USER)
    assert result.content == "ok"
    made = factory.made
    assert key_of(made["anthropic/claude-sonnet-4-5"]) == ANTHROPIC_KEY
    assert key_of(made["anthropic/claude-haiku-4-5"]) == ANTHROPIC_KEY  # same provider: shared
    assert made["anthropic/claude-haiku-4-5"].base_url == "http://127.0.0.1:9/anthropic-proxy"
    assert key_of(made["gemini/gemini-2.5-flash"]) == "gem-env-key-123456"  # its own variable
    assert key_of(made["groq/llama-3.3-70b"]) == "groq-env-key-123456"
    assert made["gemini/gemini-2.5-flash"].base_url is None  # its provider's default endpoint
    assert made["groq/llama-3.3-70b"].base_url is None


@pytest.mark.usefixtures("clean_env")
async def test_a_model_spec_brings_its_own_key_and_a_per_call_model_follows_the_same_rule() -> None:
    factory = Recorder()
    client = LLMClient(model="anthropic/claude-sonnet-4-5", api_key=ANTHROPIC_KEY, model_factory=factory)
    spec = ModelSpec("groq/llama-3.3-70b", api_key="groq-own-key-123456", base_url="http://127.0.0.1:9/g")
    await client.generate(USER, model=spec)
    assert key_of(factory.made["groq/llama-3.3-70b"]) == "groq-own-key-123456"
    assert factory.made["groq/llama-3.3-70b"].base_url == "http://127.0.0.1:9/g"
    # Another provider by name only, with no key of its own anywhere: refused, never given ours.
    with pytest.raises(ConfigurationError, match="GEMINI_API_KEY"):
        await client.generate(USER, model="gemini/gemini-2.5-flash")
    assert "gemini/gemini-2.5-flash" not in factory.made


@pytest.mark.usefixtures("clean_env")
async def test_over_http_a_fallback_of_another_provider_never_receives_the_primarys_key(
    emu: ProviderEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", emu.openai_base_url)  # where the SDK finds its endpoint
    emu.script(emu_fault(status=529), emu_text("from the fallback"), emu_text("from the spec"))
    async with LLMClient(
        model="anthropic/claude-sonnet-4-5",
        api_key=ANTHROPIC_KEY,
        base_url=emu.base_url,
        max_retries=0,
        fallback_models=["gpt-4o-mini"],
    ) as client:
        result = await client.generate(USER)
        assert result.content == "from the fallback"
        first, second = emu.requests
        assert first.headers["Authorization"] == f"Bearer {ANTHROPIC_KEY}"  # the native route's SDK
        assert second.path == "/v1/responses"
        assert second.headers["Authorization"] == "Bearer sk-openai-env-123456"
        spec = ModelSpec("openai/llama-3", api_key="sk-spec-own-123456", base_url=emu.openai_base_url)
        await client.generate(USER, model=spec)
        assert emu.requests[2].headers["Authorization"] == "Bearer sk-spec-own-123456"
    for request in emu.requests[1:]:
        assert ANTHROPIC_KEY not in str(request.headers)
        assert ANTHROPIC_KEY not in str(request.body)


def _locals_text(error: BaseException) -> str:
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


def _raised(make: Callable[[], object]) -> BaseException:
    """What `make` raised, with a traceback that starts here (not in a test frame full of constants)."""
    try:
        make()
    except ConfigurationError as error:
        return error
    raise AssertionError("nothing was raised")


@pytest.mark.parametrize(
    "bad",
    [
        {"timeout": -1},
        {"base_url": 5},
        {"fallback_models": "gpt-4o"},
        {"max_retries": "3"},
        {"max_response_bytes": 0},
    ],
)
def test_no_key_in_traceback_locals_when_the_constructor_refuses(bad: dict[str, Any]) -> None:
    text = _locals_text(
        _raised(lambda: LLMClient(model="anthropic/claude-sonnet-4-5", api_key=LOCALS_KEY, **bad))
    )
    assert LOCALS_KEY not in text
    assert "LLMClient(model=" in text  # the half-built client prints; its repr does not raise


def test_a_bad_key_itself_is_refused_without_being_shown() -> None:
    for make in (
        lambda: LLMClient(model="gpt-4o-mini", api_key=BAD_KEY),
        lambda: ModelSpec("gpt-4o", api_key=BAD_KEY),
    ):
        text = _locals_text(_raised(make))
        assert "control character" in text
        assert BAD_KEY.split("\n")[0] not in text


async def test_no_key_in_traceback_locals_of_a_failed_call(emu: ProviderEmulator) -> None:
    emu.script(emu_fault(status=401, body={"error": {"message": f"bad key {ECHOED_KEY}"}}))
    async with LLMClient(model="gpt-4o-mini", api_key=ECHOED_KEY, base_url=emu.openai_base_url) as client:
        with pytest.raises(ProviderError) as info:
            await client.generate(USER)
    assert ECHOED_KEY not in _locals_text(info.value)
    assert ECHOED_KEY not in repr(ModelSpec("gpt-4o-mini", api_key=ECHOED_KEY))
