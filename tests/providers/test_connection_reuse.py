"""Calls and streams reuse their connections on every route: a stream read to its last event hands its
connection back to the pool, so sequential streams do not each open a new one. A stream is handed on
as it arrives, never read whole first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import certifi
import pytest

from llmft.testing import EmuReply, Fault, ProviderEmulator, emu_text

from .conftest import ROUTES, RouteCase

USER = [{"role": "user", "content": "hi"}]
CALLS = 20


async def test_sequential_streams_reuse_one_connection(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(lambda request: emu_text("a reply in a few words"))
    client = route.client(emu)
    for _ in range(CALLS):
        chunks = [chunk async for chunk in await client.generate(USER, stream=True)]
        assert chunks[-1].done
        assert chunks[-1].result is not None
        assert chunks[-1].result.content == "a reply in a few words"
    assert len(emu.requests) == CALLS
    assert emu.connections <= 2


async def test_a_stream_whose_reader_stops_at_its_end_still_reuses_its_connection(
    emu: ProviderEmulator, route: RouteCase
) -> None:
    emu.script(lambda request: emu_text("short"))
    client = route.client(emu)
    for _ in range(CALLS):
        async for chunk in await client.generate(USER, stream=True):
            if chunk.done:
                break  # the last chunk: the caller is gone before the stream's generator ends
    assert emu.connections <= 2


async def test_sequential_calls_reuse_one_connection(emu: ProviderEmulator, route: RouteCase) -> None:
    emu.script(lambda request: emu_text("pong"))
    client = route.client(emu)
    for _ in range(CALLS):
        assert (await client.generate(USER)).content == "pong"
    assert emu.connections <= 2


async def test_a_stream_is_read_as_it_arrives(emu: ProviderEmulator, route: RouteCase) -> None:
    """The first text is handed on while the provider is still sending the rest."""
    emu.script(EmuReply(text="one two three four five six", fault=Fault(drip=0.05)))
    stream = await route.client(emu).generate(USER, stream=True)
    assert isinstance(stream, AsyncGenerator)
    first = await anext(stream)
    assert first.content
    assert emu.open_streams == 1  # the emulator is still writing the rest
    await stream.aclose()
    for _ in range(100):
        if emu.open_streams == 0:
            break
        await asyncio.sleep(0.01)


async def test_clients_share_one_tls_context(emu: ProviderEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # Making a TLS context loads the whole CA bundle (~40 ms): a client made per request paid that on
    # its first call, about 20 times the rest of the call. Every client's transport shares one.
    import httpx2

    from llmft.adapters import capped_http

    made: list[object] = []
    real = httpx2.create_ssl_context

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(httpx2, "create_ssl_context", counting)
    capped_http._tls_context.cache_clear()
    emu.script(lambda request: emu_text("pong"))
    for case in [case for case in ROUTES if case.protocol == "responses" or case.native_anthropic]:
        for _ in range(3):
            assert (await case.client(emu).generate(USER)).content == "pong"
    assert len(made) == 1
    assert capped_http.tls_context() is made[0]
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # the environment names other certificates
    assert capped_http.tls_context() is not made[0]
    capped_http._tls_context.cache_clear()
