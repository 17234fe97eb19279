"""An httpx2 transport (what the openai SDK sends with) that refuses replies over a byte cap as they
arrive, not after.

The SDKs read a whole body into memory before llmft sees it; this transport sits under them and stops
the read at the cap (a `Content-Length` over it is refused before any byte is read), so a hostile or
broken endpoint cannot fill the process's memory with one reply.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import AsyncIterator
from functools import cache

import httpx2

from llmft.domain.errors import ReplyTooLarge


class _CappedStream(httpx2.AsyncByteStream):
    # An iterator class, not an async generator: a body dropped half-read is then plain garbage, with
    # no generator finaliser for the collector to run at some random later point.
    def __init__(self, inner: httpx2.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._seen = 0
        self._chunks: AsyncIterator[bytes] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        self._chunks = aiter(self._inner)
        return self

    async def __anext__(self) -> bytes:
        if self._chunks is None:
            self._chunks = aiter(self._inner)
        chunk = await anext(self._chunks)
        self._seen += len(chunk)
        if self._seen > self._limit:
            raise ReplyTooLarge(self._limit)
        return chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class CappedTransport(httpx2.AsyncBaseTransport):
    """Wraps a transport; every response body is cut off with `ReplyTooLarge` past `limit` bytes."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """The inner transport's response, its body capped."""
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._limit:
            await response.aclose()
            raise ReplyTooLarge(self._limit)
        assert isinstance(response.stream, httpx2.AsyncByteStream)
        response.stream = _CappedStream(response.stream, self._limit)
        return response

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


def capped_transport(limit: int) -> httpx2.AsyncBaseTransport:
    """httpx's default connection-pooling transport, with replies capped at `limit` bytes."""
    return CappedTransport(httpx2.AsyncHTTPTransport(verify=tls_context()), limit)


def tls_context() -> ssl.SSLContext:
    """The TLS context httpx makes by default (the system's CA certificates, or `SSL_CERT_FILE` /
    `SSL_CERT_DIR`), made once per process and shared by every transport llmft makes.

    Making one loads the whole CA bundle (~40 ms): a client made per request paid that on its first
    call, about 20 times the rest of the call. A context is safe to share between connections; it is
    made anew when those environment variables change.
    """
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@cache
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx2.create_ssl_context()
