"""Failures over the wire become typed errors; keys are resolved in order and never leak."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from llmft import ConfigurationError, LLMClient, ProviderError, StreamChunk, UnsupportedFeatureError
from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_fault, emu_text

from .conftest import KEY, RouteCase

USER = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retryable_and_do_not_echo_the_key(
    emu: ProviderEmulator, route: RouteCase, status: int
) -> None:
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}}
    emu.script(emu_fault(status=status, body=echo))
    with pytest.raises(ProviderError) as info:
        await route.client(emu).generate(USER)
    error = info.value
    assert error.status_code == status
    assert error.retryable is False
    assert error.model.endswith(route.model.split("/")[-1])
    assert KEY not in str(error)
    assert KEY not in repr(error.args)
    assert error.__cause__ is None
    assert len(emu.requests) == 1


async def test_a_server_error_is_marked_retryable_with_its_retry_after(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    emu.script(emu_fault(status=429, headers={"Retry-After": "7"}))
    with pytest.raises(ProviderError) as info:
        await route.client(emu).generate(USER)
    assert info.value.status_code == 429
    assert info.value.retryable is True
    assert info.value.retry_after == 7.0


async def test_a_malformed_body_is_an_error(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_fault(malformed=True))
    with pytest.raises(ProviderError):
        await route.client(emu).generate(USER)


async def test_invalid_utf8_is_an_error(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_fault(invalid_utf8=True))
    with pytest.raises(ProviderError):
        await route.client(emu).generate(USER)


async def test_an_error_body_with_status_200_is_an_error(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_fault(error_body=True))
    with pytest.raises(ProviderError):
        await route.client(emu).generate(USER)


@pytest.mark.parametrize("reset", [False, True], ids=["clean-close", "reset"])
async def test_a_cut_stream_is_an_error_never_a_complete_answer(
    emu: ProviderEmulator, route: RouteCase, reset: bool
) -> None:
    emu.script(
        EmuReply(text="This answer will be cut short somewhere", fault=Fault(cut_after=5, reset=reset))
    )
    chunks: list[StreamChunk] = []

    async def consume() -> None:
        async for chunk in route.client(emu).generate_stream(USER):
            chunks.append(chunk)

    with pytest.raises(ProviderError):
        await consume()
    assert chunks  # some text arrived before the cut ...
    assert not any(c.done for c in chunks)  # ... but never a final chunk


async def test_file_search_on_the_litellm_route_is_unsupported_before_any_request(
    emu: ProviderEmulator,
) -> None:
    client = RouteCase("a", "anthropic/claude-sonnet-4-5", "anthropic").client(emu)
    with pytest.raises(UnsupportedFeatureError, match="file_search"):
        await client.generate(USER, file_search=["vs_1"])
    assert emu.requests == []


async def test_unknown_provider_prefix_fails_at_the_first_call() -> None:
    client = LLMClient(model="nonsense-provider/some-model", api_key="k-12345678")
    with pytest.raises(ConfigurationError, match="unknown provider 'nonsense-provider'"):
        await client.generate(USER)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.usefixtures("no_keys")
@pytest.mark.parametrize(
    ("model", "variable"),
    [("gpt-4o-mini", "OPENAI_API_KEY"), ("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY")],
)
async def test_a_missing_key_names_the_variable_to_set(model: str, variable: str) -> None:
    client = LLMClient(model=model)
    with pytest.raises(ConfigurationError, match=variable):
        await client.generate(USER)


async def test_key_precedence_argument_then_environment_then_dotenv(
    emu: ProviderEmulator, no_keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (no_keys / ".env").write_text(
        "OPENAI_API_KEY=sk-from-dotenv-123\nOPENAI_BASE_URL=http://evil.invalid/v1\n"
    )
    emu.script(lambda request: emu_text("ok"))

    async def key_used(api_key: str | None = None) -> str:
        async with LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key=api_key) as client:
            await client.generate(USER)
        return emu.requests[-1].headers["Authorization"]

    assert await key_used() == "Bearer sk-from-dotenv-123"
    assert "OPENAI_API_KEY" not in os.environ  # read, never copied into the environment
    assert "OPENAI_BASE_URL" not in os.environ
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-456")
    assert await key_used() == "Bearer sk-from-env-456"
    assert await key_used(api_key="sk-from-arg-789") == "Bearer sk-from-arg-789"


@pytest.mark.parametrize(
    ("route", "header", "value"),
    [
        ("auto", "Authorization", "Bearer sk-ant-dotenv-123"),  # the anthropic SDK 2.x sends a bearer key
        ("litellm", "x-api-key", "sk-ant-dotenv-123"),
    ],
)
async def test_anthropic_key_from_dotenv_reaches_the_wire(
    emu: ProviderEmulator, no_keys: Path, route: Any, header: str, value: str
) -> None:
    (no_keys / ".env").write_text("ANTHROPIC_API_KEY=sk-ant-dotenv-123\n")
    emu.script(emu_text("ok"))
    async with LLMClient(model="anthropic/claude-sonnet-4-5", base_url=emu.base_url, route=route) as client:
        await client.generate(USER)
    assert emu.requests[0].headers[header] == value


@pytest.mark.parametrize("bad", ["sk-abc\n", "  ", "sk-\x07bell"])
async def test_a_bad_key_from_the_environment_fails_before_any_request(
    emu: ProviderEmulator, no_keys: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", bad)
    client = LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY") as info:
        await client.generate(USER)
    assert bad.strip() == "" or bad.strip() not in str(info.value)
    assert emu.requests == []


async def test_a_missing_openai_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # makes `import openai` fail
    for name in [m for m in sys.modules if m.startswith("llmft.adapters.openai_responses")]:
        monkeypatch.delitem(sys.modules, name)  # the adapter package and its modules, imported anew
    client = LLMClient(model="gpt-4o-mini", api_key="sk-12345678")
    with pytest.raises(ConfigurationError, match=r"llmft\[openai\]"):
        await client.generate(USER)


async def test_no_key_in_repr_of_the_client_or_its_adapters(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(emu_text("ok"))
    client = route.client(emu)
    await client.generate(USER)
    assert KEY not in repr(client)
    assert KEY not in repr(client._pool)
    assert KEY not in repr(list(client._pool._adapters.values()))
    assert KEY not in json.dumps(emu.requests[0].body)


async def test_no_key_in_any_log_record_at_debug(
    emu: ProviderEmulator, route: RouteCase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    emu.script(emu_text("fine"), emu_fault(status=401, body=echo), emu_fault(status=500, body=echo))
    client = route.client(emu)
    await client.generate(USER)
    for _ in range(2):
        with pytest.raises(ProviderError):
            await client.generate(USER)
    assert caplog.records  # the SDKs did log at DEBUG ...
    assert KEY not in caplog.text  # ... but never the key
    assert all(KEY not in str(r.args) for r in caplog.records)


async def test_nothing_is_printed_on_failures(
    emu: ProviderEmulator, route: RouteCase, capfd: pytest.CaptureFixture[str]
) -> None:
    emu.script(emu_fault(status=400), emu_fault(malformed=True))
    client = route.client(emu)
    for _ in range(2):
        with pytest.raises(ProviderError):
            await client.generate(USER)
    out, err = capfd.readouterr()
    assert out == ""
    assert "Give Feedback" not in err
    assert "Provider List" not in err
