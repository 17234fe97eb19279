"""Batch protocols through the real SDKs: OpenAI Files + Batches, Anthropic Message Batches."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import httpx
import openai
import pytest
from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse
from openai.types import Batch

from llmft.testing import BatchPlan, EmuReply, Fault, ProviderEmulator, emu_fault, emu_text

KEY = "sk-test-0123456789abcdef"


def openai_client(emu: ProviderEmulator) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=emu.openai_base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def anthropic_client(emu: ProviderEmulator) -> anthropic.AsyncAnthropic:
    sdk = anthropic.AsyncAnthropic(base_url=emu.base_url, api_key=KEY, max_retries=0)
    emu.on_close(sdk.close)
    return sdk


def jsonl(endpoint: str, count: int) -> bytes:
    lines = []
    for n in range(count):
        if endpoint == "/v1/responses":
            body: dict[str, Any] = {"model": "gpt-4o-mini", "input": f"q{n}"}
        else:
            body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"q{n}"}]}
        lines.append(json.dumps({"custom_id": f"c{n}", "method": "POST", "url": endpoint, "body": body}))
    return "\n".join(lines).encode()


async def submit(sdk: openai.AsyncOpenAI, endpoint: Any, count: int) -> Batch:
    upload = await sdk.files.create(file=("in.jsonl", jsonl(endpoint, count)), purpose="batch")
    return await sdk.batches.create(input_file_id=upload.id, endpoint=endpoint, completion_window="24h")


async def poll(sdk: openai.AsyncOpenAI, batch_id: str) -> list[Batch]:
    seen = [await sdk.batches.retrieve(batch_id)]
    while seen[-1].status in ("validating", "in_progress", "finalizing", "cancelling") and len(seen) < 10:
        seen.append(await sdk.batches.retrieve(batch_id))
    return seen


async def lines_of(sdk: openai.AsyncOpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    content = await sdk.files.content(file_id)
    return [json.loads(line) for line in content.text.splitlines()]


@pytest.mark.parametrize("endpoint", ["/v1/responses", "/v1/chat/completions"])
async def test_an_openai_batch_runs_through_its_states_and_answers_every_line(
    emu: ProviderEmulator, endpoint: str
) -> None:
    emu.script(emu_text("a0"), emu_text("a1"), emu_fault(status=400))
    emu.script_batch(BatchPlan(polls=2))
    sdk = openai_client(emu)
    batch = await submit(sdk, endpoint, 3)
    assert batch.status == "validating"
    seen = await poll(sdk, batch.id)
    assert [b.status for b in seen] == ["in_progress", "in_progress", "finalizing", "completed"]
    final = seen[-1]
    assert final.request_counts is not None
    assert (final.request_counts.total, final.request_counts.completed, final.request_counts.failed) == (
        3,
        2,
        1,
    )
    output = await lines_of(sdk, final.output_file_id)
    assert [line["custom_id"] for line in output] == ["c0", "c1"]
    assert output[0]["response"]["status_code"] == 200
    assert output[0]["error"] is None
    body = output[1]["response"]["body"]
    text = (
        body["output"][0]["content"][0]["text"]
        if endpoint == "/v1/responses"
        else body["choices"][0]["message"]["content"]
    )
    assert text == "a1"
    errors = await lines_of(sdk, final.error_file_id)
    assert [(e["custom_id"], e["response"]["status_code"]) for e in errors] == [("c2", 400)]
    items = [r for r in emu.requests if r.batch_id == batch.id]
    assert [r.path for r in items] == [endpoint] * 3
    assert items[0].body["model"] == "gpt-4o-mini"


async def test_an_expired_batch_keeps_finished_answers_and_lists_the_rest(emu: ProviderEmulator) -> None:
    emu.script(emu_text("only one"))
    emu.script_batch(BatchPlan(polls=0, outcome="expired", finished=1))
    sdk = openai_client(emu)
    batch = await submit(sdk, "/v1/responses", 3)
    final = (await poll(sdk, batch.id))[-1]
    assert final.status == "expired"
    assert final.expired_at is not None
    assert [line["custom_id"] for line in await lines_of(sdk, final.output_file_id)] == ["c0"]
    errors = await lines_of(sdk, final.error_file_id)
    assert [(e["custom_id"], e["error"]["code"], e["response"]) for e in errors] == [
        ("c1", "batch_expired", None),
        ("c2", "batch_expired", None),
    ]
    assert emu.pending == 0


async def test_a_failed_batch_has_errors_and_no_output(emu: ProviderEmulator) -> None:
    emu.script_batch(BatchPlan(outcome="failed"))
    sdk = openai_client(emu)
    batch = await submit(sdk, "/v1/responses", 2)
    final = (await poll(sdk, batch.id))[-1]
    assert final.status == "failed"
    assert final.errors is not None
    assert final.errors.data is not None
    assert final.errors.data[0].code == "invalid_request"
    assert final.output_file_id is None


async def test_an_input_file_with_a_broken_line_fails_validation(emu: ProviderEmulator) -> None:
    sdk = openai_client(emu)
    upload = await sdk.files.create(
        file=("in.jsonl", jsonl("/v1/responses", 1) + b"\n{oops"), purpose="batch"
    )
    batch = await sdk.batches.create(
        input_file_id=upload.id, endpoint="/v1/responses", completion_window="24h"
    )
    final = await sdk.batches.retrieve(batch.id)
    assert final.status == "failed"
    assert final.errors is not None
    assert final.errors.data is not None
    assert (final.errors.data[0].code, final.errors.data[0].line) == ("invalid_json_line", 2)


async def test_a_cancelled_batch_and_a_malformed_output_line(emu: ProviderEmulator) -> None:
    emu.script(EmuReply(fault=Fault(malformed=True)))
    emu.script_batch(BatchPlan(polls=5, finished=1))
    sdk = openai_client(emu)
    batch = await submit(sdk, "/v1/chat/completions", 2)
    cancelling = await sdk.batches.cancel(batch.id)
    assert cancelling.status == "cancelling"
    final = await sdk.batches.retrieve(batch.id)
    assert final.status == "cancelled"
    assert final.cancelled_at is not None
    assert final.output_file_id is not None
    raw = emu.files[final.output_file_id].decode()
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw.splitlines()[0])
    with pytest.raises(openai.BadRequestError, match="cancelled"):
        await sdk.batches.cancel(batch.id)


async def test_files_and_batches_refuse_unknown_ids_and_endpoints(emu: ProviderEmulator) -> None:
    sdk = openai_client(emu)
    upload = await sdk.files.create(file=("in.jsonl", jsonl("/v1/responses", 1)), purpose="batch")
    assert (upload.purpose, upload.bytes, upload.filename) == (
        "batch",
        len(jsonl("/v1/responses", 1)),
        "in.jsonl",
    )
    assert (await sdk.files.retrieve(upload.id)).id == upload.id
    with pytest.raises(openai.BadRequestError):
        await sdk.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")
    with pytest.raises(openai.NotFoundError):
        await sdk.batches.create(
            input_file_id="file-missing", endpoint="/v1/responses", completion_window="24h"
        )
    with pytest.raises(openai.NotFoundError):
        await sdk.batches.retrieve("batch_missing")
    with pytest.raises(openai.NotFoundError):
        await sdk.batches.cancel("batch_missing")
    assert (await sdk.files.delete(upload.id)).deleted
    with pytest.raises(openai.NotFoundError):
        await sdk.files.content(upload.id)


def message_requests(count: int) -> Any:
    return [
        {
            "custom_id": f"m{n}",
            "params": {
                "model": "claude",
                "max_tokens": 10,
                "messages": [{"role": "user", "content": f"q{n}"}],
            },
        }
        for n in range(count)
    ]


async def results_of(sdk: anthropic.AsyncAnthropic, batch_id: str) -> list[MessageBatchIndividualResponse]:
    return [entry async for entry in await sdk.messages.batches.results(batch_id)]


async def test_an_anthropic_batch_ends_with_typed_results(emu: ProviderEmulator) -> None:
    emu.script(emu_text("r0"), emu_fault(status=529))
    emu.script_batch(BatchPlan(polls=1))
    sdk = anthropic_client(emu)
    batch = await sdk.messages.batches.create(requests=message_requests(2))
    assert (batch.processing_status, batch.request_counts.processing) == ("in_progress", 2)
    with pytest.raises(anthropic.BadRequestError):
        await sdk.with_options().get(f"/v1/messages/batches/{batch.id}/results", cast_to=object)
    polled: list[MessageBatch] = [await sdk.messages.batches.retrieve(batch.id)]
    polled.append(await sdk.messages.batches.retrieve(batch.id))
    assert [b.processing_status for b in polled] == ["in_progress", "ended"]
    counts = polled[-1].request_counts
    assert (counts.succeeded, counts.errored, counts.processing) == (1, 1, 0)
    assert polled[-1].ended_at is not None
    results = await results_of(sdk, batch.id)
    assert [r.custom_id for r in results] == ["m0", "m1"]
    assert results[0].result.type == "succeeded"
    assert results[0].result.message.content[0].text == "r0"  # type: ignore[union-attr]
    assert results[1].result.type == "errored"
    assert results[1].result.error.error.type == "overloaded_error"
    assert [r.body["messages"][0]["content"] for r in emu.requests if r.batch_id == batch.id] == ["q0", "q1"]


async def test_an_anthropic_batch_can_be_cancelled_or_expire(emu: ProviderEmulator) -> None:
    emu.script(emu_text("done"), emu_text("also done"))
    emu.script_batch(BatchPlan(polls=3, finished=1), BatchPlan(polls=0, outcome="expired", finished=1))
    sdk = anthropic_client(emu)
    first = await sdk.messages.batches.create(requests=message_requests(2))
    canceling = await sdk.messages.batches.cancel(first.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    ended = await sdk.messages.batches.retrieve(first.id)
    assert (ended.processing_status, ended.request_counts.canceled) == ("ended", 1)
    assert [r.result.type for r in await results_of(sdk, first.id)] == ["succeeded", "canceled"]
    second = await sdk.messages.batches.create(requests=message_requests(3))
    await sdk.messages.batches.retrieve(second.id)
    assert [r.result.type for r in await results_of(sdk, second.id)] == ["succeeded", "expired", "expired"]
    with pytest.raises(anthropic.NotFoundError):
        await sdk.messages.batches.retrieve("msgbatch_missing")
    with pytest.raises(anthropic.BadRequestError):
        await sdk.messages.batches.create(requests=[])


async def test_an_anthropic_batch_can_fail_every_request_or_break_a_line(emu: ProviderEmulator) -> None:
    emu.script(emu_text("x"), EmuReply(fault=Fault(malformed=True)), emu_text("y"))
    emu.script_batch(BatchPlan(polls=0, outcome="failed"), BatchPlan(polls=0))
    sdk = anthropic_client(emu)
    failed = await sdk.messages.batches.create(requests=message_requests(1))
    assert (await sdk.messages.batches.retrieve(failed.id)).request_counts.errored == 1
    assert [r.result.type for r in await results_of(sdk, failed.id)] == ["errored"]
    broken = await sdk.messages.batches.create(requests=message_requests(2))
    ended = await sdk.messages.batches.retrieve(broken.id)
    assert ended.results_url is not None
    async with httpx.AsyncClient() as http:
        lines = (await http.get(ended.results_url)).text.splitlines()
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[0])
    assert json.loads(lines[1])["result"]["message"]["content"][0]["text"] == "y"
