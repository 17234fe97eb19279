"""OpenAI Files and Batch API: upload a JSONL of requests, create a batch, poll it, download results.

`POST /v1/files` (multipart, purpose=batch), `GET /v1/files/{id}[/content]`, `DELETE /v1/files/{id}`,
`POST /v1/batches`, `GET /v1/batches/{id}` (validating → in_progress → finalizing → completed, as the
`BatchPlan` says), `POST /v1/batches/{id}/cancel`. Each input line is answered by the same script as
live requests when the batch ends; per-request faults become error-file lines (a status fault) or a
malformed output line (`Fault(malformed=True)`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from llmft.testing.emulator.script import BatchPlan, RecordedRequest

if TYPE_CHECKING:
    from llmft.testing.emulator.server import ProviderEmulator

ENDPOINTS = {"/v1/responses": "responses", "/v1/chat/completions": "chat"}
MALFORMED_LINE = b'{"id": "batch_req_broken", "custom_id": '


@dataclass(frozen=True)
class ItemAnswer:
    """How one batched request was answered: a status and body, or a broken line."""

    status: int
    body: dict[str, Any]
    malformed: bool = False


def answer_item(
    emu: ProviderEmulator, protocol: str, path: str, body: dict[str, Any], batch_id: str
) -> ItemAnswer:
    """Answer one batched request from the script, recording it like a live one."""
    recorded = RecordedRequest(protocol, path, {}, body, batch_id=batch_id)
    emu.keep(recorded)
    reply = emu.next_reply(recorded)
    wire = emu.wire(protocol, recorded, reply)
    fault = reply.fault
    if fault is not None and fault.malformed:
        return ItemAnswer(200, {}, malformed=True)
    if fault is not None and fault.status is not None:
        return ItemAnswer(fault.status, fault.body or wire.error_body(fault.status))
    rejection = wire.rejection()
    if rejection is not None:
        return ItemAnswer(*rejection)
    return ItemAnswer(200, wire.json_body())


@dataclass
class _Batch:
    body: dict[str, Any]
    plan: BatchPlan
    lines: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    polls: int = 0
    cancelled: bool = False
    times: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, str | None] = field(default_factory=dict)


class OpenAIBatches:
    """The files and batches one emulator holds."""

    def __init__(self, emulator: ProviderEmulator) -> None:
        self._emu = emulator
        self.files: dict[str, tuple[str, str, bytes]] = {}  # id -> (filename, purpose, content)
        self._batches: dict[str, _Batch] = {}

    def install(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1/files", self._upload)
        router.add_get("/v1/files/{file_id}", self._file)
        router.add_get("/v1/files/{file_id}/content", self._content)
        router.add_delete("/v1/files/{file_id}", self._delete)
        router.add_post("/v1/batches", self._create)
        router.add_get("/v1/batches/{batch_id}", self._retrieve)
        router.add_post("/v1/batches/{batch_id}/cancel", self._cancel)

    # -- files --------------------------------------------------------------------------------

    def add_file(self, content: bytes, filename: str, purpose: str) -> str:
        file_id = self._emu.next_id("file")
        self.files[file_id] = (filename, purpose, content)
        return file_id

    def _file_object(self, file_id: str) -> dict[str, Any]:
        filename, purpose, content = self.files[file_id]
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload, purpose = form.get("file"), str(form.get("purpose", ""))
        if not isinstance(upload, web.FileField):
            self._emu.keep(
                RecordedRequest("files", request.path, dict(request.headers), {"purpose": purpose})
            )
            return _error(400, "Missing file", param="file")
        content = upload.file.read()
        file_id = self.add_file(content, upload.filename, purpose)
        body = {"purpose": purpose, "filename": upload.filename, "bytes": len(content), "id": file_id}
        self._emu.keep(RecordedRequest("files", request.path, dict(request.headers), body))
        return web.json_response(self._file_object(file_id))

    async def _known_file(self, request: web.Request) -> str | web.Response:
        self._emu.keep(
            RecordedRequest("files", request.path, dict(request.headers), {}, method=request.method)
        )
        file_id = request.match_info["file_id"]
        return file_id if file_id in self.files else _error(404, f"No such File object: {file_id}")

    async def _file(self, request: web.Request) -> web.Response:
        file_id = await self._known_file(request)
        return file_id if isinstance(file_id, web.Response) else web.json_response(self._file_object(file_id))

    async def _content(self, request: web.Request) -> web.Response:
        file_id = await self._known_file(request)
        if isinstance(file_id, web.Response):
            return file_id
        return web.Response(body=self.files[file_id][2], content_type="application/octet-stream")

    async def _delete(self, request: web.Request) -> web.Response:
        file_id = await self._known_file(request)
        if isinstance(file_id, web.Response):
            return file_id
        del self.files[file_id]
        return web.json_response({"id": file_id, "object": "file", "deleted": True})

    # -- batches ------------------------------------------------------------------------------

    async def _create(self, request: web.Request) -> web.Response:
        recorded = await self._emu.record("batches", request)
        body = recorded.body
        endpoint, file_id = body.get("endpoint"), body.get("input_file_id")
        if endpoint not in ENDPOINTS:
            return _error(400, f"Invalid endpoint: {endpoint!r}", param="endpoint")
        if file_id not in self.files:
            return _error(404, f"No such File object: {file_id}", param="input_file_id")
        lines, errors = _parse_lines(self.files[str(file_id)][2], str(endpoint))
        plan = self._emu.next_batch_plan()
        if plan.outcome == "failed" and not errors:
            errors = [
                {
                    "code": "invalid_request",
                    "line": 1,
                    "message": "emulated validation failure",
                    "param": None,
                }
            ]
        batch = _Batch(body, plan, lines, errors, times={"created_at": int(time.time())})
        batch.counts = {"total": len(lines), "completed": 0, "failed": 0}
        batch_id = self._emu.next_id("batch")
        self._batches[batch_id] = batch
        return web.json_response(self._object(batch_id, batch, "validating"))

    def _status(self, batch: _Batch) -> str:
        if batch.errors:
            return "failed"
        if batch.cancelled:
            return "cancelled"
        if batch.polls <= batch.plan.polls:
            return "in_progress"
        if batch.polls == batch.plan.polls + 1:
            return "finalizing"
        return {"expired": "expired", "cancelled": "cancelled"}.get(batch.plan.outcome, "completed")

    async def _retrieve(self, request: web.Request) -> web.Response:
        await self._emu.record("batches", request)
        batch_id = request.match_info["batch_id"]
        batch = self._batches.get(batch_id)
        if batch is None:
            return _error(404, f"No batch found with id '{batch_id}'.")
        batch.polls += 1
        return web.json_response(self._object(batch_id, batch, self._status(batch)))

    async def _cancel(self, request: web.Request) -> web.Response:
        await self._emu.record("batches", request)
        batch_id = request.match_info["batch_id"]
        batch = self._batches.get(batch_id)
        if batch is None:
            return _error(404, f"No batch found with id '{batch_id}'.")
        status = self._status(batch)
        if status not in ("validating", "in_progress", "finalizing"):
            return _error(400, f"Cannot cancel a batch with status '{status}'.")
        batch.cancelled = True
        batch.times["cancelling_at"] = int(time.time())
        return web.json_response(self._object(batch_id, batch, "cancelling"))

    def _object(self, batch_id: str, batch: _Batch, status: str) -> dict[str, Any]:
        if status in ("completed", "expired", "cancelled") and not batch.files:
            self._finish(batch_id, batch, status)
        stamp = {"failed": "failed_at", "in_progress": "in_progress_at", "finalizing": "finalizing_at"}
        stamp |= {"completed": "completed_at", "expired": "expired_at", "cancelled": "cancelled_at"}
        if status in stamp:
            batch.times.setdefault(stamp[status], int(time.time()))
        errors = {"object": "list", "data": batch.errors} if batch.errors else None
        return {
            "id": batch_id,
            "object": "batch",
            "endpoint": batch.body["endpoint"],
            "errors": errors,
            "input_file_id": batch.body["input_file_id"],
            "completion_window": batch.body.get("completion_window", "24h"),
            "status": status,
            "output_file_id": batch.files.get("output"),
            "error_file_id": batch.files.get("error"),
            "expires_at": batch.times["created_at"] + 86_400,
            "request_counts": dict(batch.counts),
            "metadata": batch.body.get("metadata"),
            **batch.times,
        }

    def _finish(self, batch_id: str, batch: _Batch, status: str) -> None:
        """Answer the batch's requests from the script and write its output and error files."""
        run = batch.lines if status == "completed" else batch.lines[: batch.plan.finished]
        output: list[bytes] = []
        failed: list[bytes] = []
        for line in run:
            answer = answer_item(self._emu, ENDPOINTS[line["url"]], line["url"], line["body"], batch_id)
            if answer.malformed:
                output.append(MALFORMED_LINE)
                continue
            response = {
                "status_code": answer.status,
                "request_id": self._emu.next_id("req"),
                "body": answer.body,
            }
            entry = {
                "id": self._emu.next_id("batch_req"),
                "custom_id": line["custom_id"],
                "response": response,
            }
            (output if answer.status == 200 else failed).append(json.dumps({**entry, "error": None}).encode())
        if status == "expired":
            error = {
                "code": "batch_expired",
                "message": "This request could not be executed before the completion window expired.",
            }
            for line in batch.lines[len(run) :]:
                entry = {
                    "id": self._emu.next_id("batch_req"),
                    "custom_id": line["custom_id"],
                    "response": None,
                }
                failed.append(json.dumps({**entry, "error": error}).encode())
        batch.counts.update(completed=len(output), failed=len(failed))
        batch.files = {"output": None, "error": None}
        if output:
            batch.files["output"] = self.add_file(
                b"\n".join(output) + b"\n", f"{batch_id}_output.jsonl", "batch_output"
            )
        if failed:
            batch.files["error"] = self.add_file(
                b"\n".join(failed) + b"\n", f"{batch_id}_error.jsonl", "batch_output"
            )


def _parse_lines(content: bytes, endpoint: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The input file's requests, and validation errors for lines that are not valid requests."""
    lines: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            errors.append(
                {
                    "code": "invalid_json_line",
                    "line": number,
                    "message": "This line is not parseable as valid JSON.",
                    "param": None,
                }
            )
            continue
        if (
            not isinstance(line, dict)
            or line.get("url") != endpoint
            or not isinstance(line.get("body"), dict)
        ):
            errors.append(
                {
                    "code": "invalid_request",
                    "line": number,
                    "message": f"Each line must be a request to {endpoint}.",
                    "param": None,
                }
            )
            continue
        lines.append(line)
    return lines, errors


def _error(status: int, message: str, param: str | None = None) -> web.Response:
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": None}
    return web.json_response({"error": error}, status=status)
