"""Anthropic Message Batches: `POST /v1/messages/batches`, polling, `…/results` JSONL, `…/cancel`.

A batch answers `in_progress` for its plan's polls, then `ended`; each request is answered from the
script when the batch ends (`succeeded`, or `errored` for a status fault, a broken line for
`Fault(malformed=True)`), and the requests past `finished` of an expired or cancelled batch are
`expired` / `canceled`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from llmft.testing.emulator.anthropic import ERROR_TYPES, error_body
from llmft.testing.emulator.batches import answer_item
from llmft.testing.emulator.script import BatchPlan

if TYPE_CHECKING:
    from llmft.testing.emulator.server import ProviderEmulator

MALFORMED_LINE = b'{"custom_id": "broken", "result": {'


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class _Batch:
    requests: list[dict[str, Any]]
    plan: BatchPlan
    created_at: str
    polls: int = 0
    cancel_initiated_at: str | None = None
    ended_at: str | None = None
    results: list[bytes] | None = None
    counts: dict[str, int] | None = None


class AnthropicBatches:
    """The message batches one emulator holds."""

    def __init__(self, emulator: ProviderEmulator) -> None:
        self._emu = emulator
        self._batches: dict[str, _Batch] = {}

    def install(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1/messages/batches", self._create)
        router.add_get("/v1/messages/batches/{batch_id}", self._retrieve)
        router.add_get("/v1/messages/batches/{batch_id}/results", self._results)
        router.add_post("/v1/messages/batches/{batch_id}/cancel", self._cancel)

    async def _create(self, request: web.Request) -> web.Response:
        recorded = await self._emu.record("batches", request)
        requests = recorded.body.get("requests")
        if not isinstance(requests, list) or not requests:
            return _error(400, "invalid_request_error", "requests: Field required")
        for entry in requests:
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("params"), dict)
                or "custom_id" not in entry
            ):
                return _error(
                    400, "invalid_request_error", "requests: each request needs custom_id and params"
                )
        batch = _Batch(requests, self._emu.next_batch_plan(), _now())
        batch_id = self._emu.next_id("msgbatch")
        self._batches[batch_id] = batch
        return web.json_response(self._object(batch_id, batch))

    async def _batch(self, request: web.Request) -> tuple[str, _Batch] | web.Response:
        await self._emu.record("batches", request)
        batch_id = request.match_info["batch_id"]
        batch = self._batches.get(batch_id)
        if batch is None:
            return _error(404, "not_found_error", f"Message batch {batch_id} not found")
        return batch_id, batch

    async def _retrieve(self, request: web.Request) -> web.Response:
        found = await self._batch(request)
        if isinstance(found, web.Response):
            return found
        batch_id, batch = found
        batch.polls += 1
        if batch.cancel_initiated_at is not None or batch.polls > batch.plan.polls:
            self._end(batch_id, batch)
        return web.json_response(self._object(batch_id, batch))

    async def _cancel(self, request: web.Request) -> web.Response:
        found = await self._batch(request)
        if isinstance(found, web.Response):
            return found
        batch_id, batch = found
        if batch.results is None and batch.cancel_initiated_at is None:
            batch.cancel_initiated_at = _now()
        return web.json_response(self._object(batch_id, batch))

    async def _results(self, request: web.Request) -> web.Response:
        found = await self._batch(request)
        if isinstance(found, web.Response):
            return found
        _, batch = found
        if batch.results is None:
            return _error(400, "invalid_request_error", "Batch has not finished processing")
        return web.Response(body=b"\n".join(batch.results) + b"\n", content_type="application/binary")

    def _status(self, batch: _Batch) -> str:
        if batch.results is not None:
            return "ended"
        return "in_progress" if batch.cancel_initiated_at is None else "canceling"

    def _object(self, batch_id: str, batch: _Batch) -> dict[str, Any]:
        created = datetime.fromisoformat(batch.created_at.replace("Z", "+00:00"))
        processing = 0 if batch.results is not None else len(batch.requests)
        counts = batch.counts or {"succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        results_url = f"{self._emu.base_url}/v1/messages/batches/{batch_id}/results"
        return {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": self._status(batch),
            "request_counts": {"processing": processing, **counts},
            "ended_at": batch.ended_at,
            "created_at": batch.created_at,
            "expires_at": (created + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
            "archived_at": None,
            "cancel_initiated_at": batch.cancel_initiated_at,
            "results_url": results_url if batch.results is not None else None,
        }

    def _end(self, batch_id: str, batch: _Batch) -> None:
        """Answer the batch's requests from the script and keep the results."""
        if batch.results is not None:
            return
        outcome = batch.plan.outcome
        if batch.cancel_initiated_at is not None:
            outcome = "cancelled"
        run = batch.requests if outcome in ("completed", "failed") else batch.requests[: batch.plan.finished]
        results: list[bytes] = []
        counts = {"succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        for entry in run:
            answer = answer_item(self._emu, "anthropic", "/v1/messages", entry["params"], batch_id)
            status = 500 if outcome == "failed" and answer.status == 200 else answer.status
            if answer.malformed:
                results.append(MALFORMED_LINE)
                counts["errored"] += 1
                continue
            if status == 200:
                result: dict[str, Any] = {"type": "succeeded", "message": answer.body}
            else:
                body = (
                    answer.body
                    if status == answer.status
                    else error_body(ERROR_TYPES[500], "emulated failure")
                )
                result = {"type": "errored", "error": body}
            counts["succeeded" if status == 200 else "errored"] += 1
            results.append(json.dumps({"custom_id": entry["custom_id"], "result": result}).encode())
        left = "canceled" if outcome == "cancelled" else "expired"
        for entry in batch.requests[len(run) :]:
            results.append(json.dumps({"custom_id": entry["custom_id"], "result": {"type": left}}).encode())
            counts[left] += 1
        batch.results, batch.counts, batch.ended_at = results, counts, _now()


def _error(status: int, kind: str, message: str) -> web.Response:
    return web.json_response(error_body(kind, message), status=status)
