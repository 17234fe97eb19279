"""Responses background mode: `background: true` answers `queued`; the turn is fetched by polling.

`GET /v1/responses/{id}` answers `in_progress` for the reply's `polls` polls, then the final response
(`EmuReply.status`: completed by default, or failed/cancelled/incomplete);
`POST /v1/responses/{id}/cancel` cancels a response that has not finished. Both are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from llmft.testing.emulator.responses import ResponsesWire

if TYPE_CHECKING:
    from llmft.testing.emulator.server import ProviderEmulator


@dataclass
class _Job:
    wire: ResponsesWire
    polls_left: int
    final: dict[str, Any] | None = None
    cancelled: bool = False


class BackgroundJobs:
    """The background responses one emulator holds, by id."""

    def __init__(self, emulator: ProviderEmulator) -> None:
        self._emu = emulator
        self._jobs: dict[str, _Job] = {}

    def install(self, router: web.UrlDispatcher) -> None:
        router.add_get("/v1/responses/{response_id}", self._retrieve)
        router.add_post("/v1/responses/{response_id}/cancel", self._cancel)

    def start(self, wire: ResponsesWire) -> dict[str, Any]:
        """Keep the turn for polling and return the `queued` response."""
        wire.response_id = self._emu.next_id("resp")
        self._jobs[wire.response_id] = _Job(wire, wire.reply.polls)
        return wire.response([], "queued")

    def _current(self, job: _Job) -> dict[str, Any]:
        if job.cancelled:
            return job.wire.response([], "cancelled")
        if job.polls_left > 0:
            return job.wire.response([], "in_progress")
        if job.final is None:
            job.final = job.wire.json_body()
        return job.final

    async def _job(self, request: web.Request) -> _Job | web.Response:
        await self._emu.record("responses", request)
        response_id = request.match_info["response_id"]
        job = self._jobs.get(response_id)
        if job is None:
            error = {
                "message": f"Response with id '{response_id}' not found.",
                "type": "invalid_request_error",
            }
            return web.json_response({"error": {**error, "param": None, "code": None}}, status=404)
        return job

    async def _retrieve(self, request: web.Request) -> web.Response:
        job = await self._job(request)
        if isinstance(job, web.Response):
            return job
        body = self._current(job)
        if job.polls_left > 0 and not job.cancelled:
            job.polls_left -= 1
        return web.json_response(body)

    async def _cancel(self, request: web.Request) -> web.Response:
        job = await self._job(request)
        if isinstance(job, web.Response):
            return job
        if job.polls_left <= 0 and not job.cancelled:
            error = {"message": "Cannot cancel a completed response.", "type": "invalid_request_error"}
            return web.json_response({"error": {**error, "param": None, "code": None}}, status=400)
        job.cancelled = True
        return web.json_response(self._current(job))
