"""What the native Anthropic route sends: the body as llmft encodes it (the SDK sends the request and
raises its status errors), the parameters `messages.create` sends as headers, a value JSON cannot hold
refused before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from llmft import ConfigurationError, LLMClient
from llmft.testing import ProviderEmulator, emu_text

from .conftest import RouteCase

NATIVE = RouteCase("anthropic-native", "anthropic/claude-sonnet-4-5", "anthropic")
USER = [{"role": "user", "content": "hi"}]


def client(emu: ProviderEmulator, **kwargs: Any) -> LLMClient:
    return NATIVE.client(emu, **kwargs)


@pytest.mark.parametrize("stream", [False, True])
async def test_header_parameters_extra_headers_and_extra_body(emu: ProviderEmulator, stream: bool) -> None:
    emu.script(emu_text("ok"))
    options: dict[str, Any] = {
        "workspace_id": "ws-1",
        "user_profile_id": "up-1",
        "extra_headers": {"X-Trace": "t-1"},
        "extra_body": {"future_field": {"nested": [1, "é"]}},
    }
    if stream:
        chunks = [chunk async for chunk in client(emu).generate_stream(USER, **options)]
        assert "".join(c.content for c in chunks) == "ok"
    else:
        assert (await client(emu).generate(USER, **options)).content == "ok"
    (request,) = emu.requests
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["anthropic-workspace-id"] == "ws-1"
    assert headers["anthropic-user-profile-id"] == "up-1"
    assert headers["x-trace"] == "t-1"
    assert headers["content-type"] == "application/json"
    assert request.body["future_field"] == {"nested": [1, "é"]}
    assert request.stream is stream
    for name in ("workspace_id", "user_profile_id", "extra_headers", "extra_body", "timeout"):
        assert name not in request.body


@pytest.mark.parametrize("value", [object(), float("nan")], ids=["object", "nan"])
async def test_a_parameter_json_cannot_hold_is_refused_before_anything_is_sent(
    emu: ProviderEmulator, value: Any
) -> None:
    llm = client(emu)
    with pytest.raises(ConfigurationError, match="cannot be sent as JSON"):
        await llm.generate(USER, extra_body={"odd": value})
    with pytest.raises(ConfigurationError, match="cannot be sent as JSON"):
        async for _ in llm.generate_stream(USER, extra_body={"odd": value}):
            pass
    assert emu.requests == []
