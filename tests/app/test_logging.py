"""The `llmft` logger: requests at DEBUG, retries and fallbacks at INFO, tool exceptions at WARNING with
their traceback; content only on `llmft.content`; and every failed tool result in `tool_errors`."""

from __future__ import annotations

import logging

import pytest

from llmft import LLMClient
from llmft.testing import ScriptedModel, provider_error, reply, tool_call

USER = [{"role": "user", "content": "secret question about zebras"}]


def explode(n: int) -> str:
    """Always fails."""
    raise RuntimeError(f"boom {n}")


async def test_records_per_level_and_no_content_outside_the_content_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="llmft")
    logging.getLogger("llmft.content").setLevel(logging.INFO)  # content stays off
    model = ScriptedModel(
        [
            tool_call("explode", {"n": 7}),
            provider_error("busy", status_code=503, retryable=True),
            reply("zebras are striped"),
        ]
    )
    client = LLMClient(model=model, max_retries=1)
    client.register_tool(explode)
    result = await client.generate(USER)
    assert result.content == "zebras are striped"
    requests = [r for r in caplog.records if r.name == "llmft" and r.levelno == logging.DEBUG]
    assert len(requests) == 3  # every attempt, retried ones included
    assert "route=custom model=scripted-model attempt=1" in requests[0].getMessage()
    assert "failed: status 503" in requests[1].getMessage()
    retries = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(retries) == 1
    assert "retrying" in retries[0].getMessage()
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "explode" in warning.getMessage()
    assert warning.exc_info is not None
    assert "boom 7" in caplog.text  # the traceback is there ...
    assert "zebras" not in caplog.text  # ... the conversation is not
    (error,) = result.tool_errors
    assert error.error == "tool 'explode' failed: RuntimeError: boom 7"
    assert result.payloads == []


async def test_content_is_logged_only_on_its_own_logger_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="llmft.content")
    client = LLMClient(model=ScriptedModel([reply("zebras are striped")]))
    await client.generate(USER)
    content = [r for r in caplog.records if r.name == "llmft.content"]
    assert any("zebras about" in r.getMessage() or "about zebras" in r.getMessage() for r in content)
    assert any("zebras are striped" in r.getMessage() for r in content)
