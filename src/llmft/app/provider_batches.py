"""Provider batches: inputs sent to the provider's batch API (OpenAI Batch, Anthropic Message
Batches) at about half the price, polled until they end, and read back in input order.

`submit` checks and sends; `collect` polls (once, or until the batch ends) and reads the results.
Each request is built exactly as `generate` would build it (the same `prepare`), but tools are not
run: a reply asking for tools comes back as it is, with `finish_reason == "tool_calls"`. The
provider runs each request once: no llmft retries or fallbacks apply to the items (the SDK retries
the batch API's own calls). Costs are the price table's standard rates times `BATCH_PRICE_FACTOR`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from attrs import evolve, field, frozen
from pydantic import BaseModel
from returns.result import Failure

from llmft.app.batch_handle import BatchHandle
from llmft.app.batches import (
    PROBE_INPUT,
    BatchItem,
    BatchPending,
    BatchResults,
    batch_options,
    not_a_message_list,
    summarize,
)
from llmft.app.calls import Setup, prepare
from llmft.app.errors import (
    ConfigurationError,
    DeadlineExceededError,
    LLMToolkitError,
    UnsupportedFeatureError,
    to_exception,
)
from llmft.app.models import ModelSpec
from llmft.app.options import GenerateOptions
from llmft.app.price_lookup import PriceLookup
from llmft.app.results import result_of
from llmft.domain.batches import (
    BATCH_PRICE_FACTOR,
    MAX_REQUESTS,
    BatchRequest,
    BatchStatus,
    batch_provider_name,
    custom_id,
    in_input_order,
)
from llmft.domain.errors import ProviderFailure
from llmft.domain.messages import Message, ModelReply
from llmft.domain.ports import BatchProvider, Clock, ProgressDisplay
from llmft.domain.pricing import cost_of
from llmft.domain.tool_calls import unique_call_ids
from llmft.domain.tool_loop import LoopOutcome

POLL_MISSES = 5  # retryable poll failures in a row that a long wait rides out before giving up
CANCEL_TIMEOUT = 30.0  # the longest the cancel of an abandoned batch may take
NOT_IN_A_BATCH = ("extra_headers", "extra_query")  # SDK options of a call; a batched request is a body
_cancels: set[asyncio.Future[None]] = set()  # cancels under way, held until done


@frozen
class Submitted:
    """A batch just submitted, with what this process still knows of its inputs."""

    handle: BatchHandle
    spec: ModelSpec
    errors: dict[int, LLMToolkitError] = field(factory=dict)  # inputs that were not sent
    transcripts: dict[int, tuple[Message, ...]] = field(factory=dict)  # inputs that were


def _spec(setup: Setup, options: GenerateOptions) -> ModelSpec:
    candidate = options.model if options.model is not None else setup.primary
    if not isinstance(candidate, ModelSpec):
        raise UnsupportedFeatureError(
            "provider batches need a model string (a custom ChatModel has no batch API); use mode='local'"
        )
    return candidate


def _provider_name(spec: ModelSpec) -> str:
    name = batch_provider_name(spec.route)
    if name is None:
        raise UnsupportedFeatureError(
            f"provider batches (mode='provider') are available for OpenAI and Anthropic models, not "
            f"{spec.model!r}; mode='local' runs the batch with live calls"
        )
    return name


def _response_format(options: GenerateOptions) -> dict[str, Any] | None:
    fmt = options.response_format
    if fmt is None:
        return None
    if fmt.kind == "json_object":
        return {"type": "json_object"}
    return {"type": "json_schema", "name": fmt.name, "schema": dict(fmt.schema)}


async def submit(setup: Setup, items: Sequence[object], options: GenerateOptions) -> Submitted:
    """Check every input, build each request as `generate` would, and send those that are valid."""
    options = evolve(batch_options(options), fallback_models=())
    refused = [key for key in NOT_IN_A_BATCH if key in options.extra]
    if refused:
        raise UnsupportedFeatureError(f"{refused} cannot be sent with batched requests (each is one body)")
    spec = _spec(setup, options)
    name = _provider_name(spec)
    if len(items) > MAX_REQUESTS[name]:
        raise ConfigurationError(
            f"a {name} batch holds at most {MAX_REQUESTS[name]} requests, got {len(items)}; split the inputs",
            "inputs",
        )
    prepare(setup, list(PROBE_INPUT), options, planning=True)  # what every input shares, checked once
    submitted = Submitted(
        BatchHandle(name, None, spec.model, len(items), response_format=_response_format(options)), spec
    )
    requests: list[BatchRequest] = []
    for index, item in enumerate(items):
        try:
            wrong = not_a_message_list(item)
            if wrong is not None:
                raise wrong
            request = prepare(setup, item, options, planning=True).request
        except LLMToolkitError as error:
            submitted.errors[index] = error
            continue
        submitted.transcripts[index] = request.messages
        requests.append(BatchRequest(custom_id(index), request))
    rejected = tuple((index, str(error)) for index, error in submitted.errors.items())
    handle = evolve(submitted.handle, rejected=rejected)
    if requests:
        provider = setup.pool.batch_provider(spec, options.max_retries)
        sent = await provider.submit(requests)
        if isinstance(sent, Failure):
            raise to_exception(sent.failure())
        status = sent.unwrap()
        handle = evolve(handle, batch_id=status.batch_id, json_tool=status.json_tool)
    return evolve(submitted, handle=handle)


@frozen
class Collecting:
    """How to collect: wait or not, poll pace and limit, and how to read the results."""

    wait: bool
    poll_interval: float
    deadline: float | None
    output_type: type[BaseModel] | None
    max_retries: int
    display: ProgressDisplay | None = None


async def collect(setup: Setup, submitted: Submitted, how: Collecting) -> BatchResults:
    """The batch's results in input order: each a result or an error, or `BatchPending` while it runs."""
    clock = setup.clock
    started = clock.now()
    handle = submitted.handle
    values: dict[int, BatchItem] = dict(submitted.errors)
    sent = [index for index in range(handle.count) if index not in values]
    if handle.batch_id is not None and sent:
        name = _provider_name(submitted.spec)
        if name != handle.provider:
            raise ConfigurationError(
                f"the handle is an {handle.provider} batch, but {handle.model!r} is served by {name}",
                "handle",
            )
        provider = setup.pool.batch_provider(submitted.spec, how.max_retries)
        status = await _poll(provider, handle, how, clock)
        if status.ended:
            read = await provider.results(evolve(status, json_tool=handle.json_tool))
            if isinstance(read, Failure):
                raise to_exception(read.failure())
            ids = [custom_id(index) for index in sent]
            outcomes = in_input_order(ids, read.unwrap(), status, name, handle.model)
            for index, outcome in zip(sent, outcomes, strict=True):
                values[index] = _item(
                    outcome, submitted.transcripts.get(index), how, setup.prices, handle.model
                )
        else:
            for index in sent:
                values[index] = BatchPending(
                    f"batch {handle.batch_id} is {status.status!r} ({status.finished} of {status.total} "
                    "requests answered); collect it again later"
                )
    ordered = [values[index] for index in range(handle.count)]
    summary = summarize(ordered, clock.now() - started)
    if how.display is not None:
        how.display.close(str(summary))
    return BatchResults(ordered, summary)


async def _poll(provider: BatchProvider, handle: BatchHandle, how: Collecting, clock: Clock) -> BatchStatus:
    """The batch's status: the first one (wait=False), or the one it ends with."""
    assert handle.batch_id is not None
    deadline_at = clock.now() + how.deadline if how.deadline is not None else None
    misses = 0
    last = "submitted"
    while True:
        polled = await provider.status(handle.batch_id)
        if isinstance(polled, Failure):
            failure = polled.failure()
            misses += 1
            if not (how.wait and failure.retryable and misses <= POLL_MISSES):
                raise to_exception(failure)
        else:
            misses = 0
            status = polled.unwrap()
            last = status.status
            if how.display is not None:
                how.display.update(status.finished, 0)
            if status.ended or not how.wait:
                return status
        pause = how.poll_interval
        if deadline_at is not None:
            remaining = deadline_at - clock.now()
            if remaining <= 0:
                error = DeadlineExceededError(
                    f"the {how.deadline:g} s deadline passed while batch {handle.batch_id} was {last!r}; "
                    "collect_batch(handle) gathers it later",
                    provider=handle.provider,
                    model=handle.model,
                )
                error.handle = handle
                raise error
            pause = min(pause, remaining)
        await clock.sleep(pause)


def _item(
    outcome: ModelReply | ProviderFailure,
    transcript: tuple[Message, ...] | None,
    how: Collecting,
    prices: PriceLookup | None,
    model: str,
) -> BatchItem:
    """One request's reply as the result `generate` would give (tools not run), or its error."""
    if isinstance(outcome, ProviderFailure):
        return to_exception(outcome)
    reply = outcome
    answered_as = reply.model or model
    usage = reply.usage
    if usage is not None:
        cost = cost_of(usage, prices.price_for(reply.model, model) if prices is not None else None)
        usage = evolve(usage, cost_usd=None if cost is None else cost * BATCH_PRICE_FACTOR)
        usage = usage.of_model(answered_as)
    said = Message(
        "assistant", reply.text or None, unique_call_ids(reply.tool_calls), reasoning=reply.reasoning
    )
    finished = LoopOutcome(
        content=reply.text,
        transcript=(*(transcript or ()), said),
        new_messages=(said,),
        outcomes=(),
        usage=usage,
        finish_reason=reply.finish_reason,
        model=answered_as,
        rounds=0,
    )
    try:
        return result_of(finished, how.output_type)
    except LLMToolkitError as error:
        return error


async def cancel(setup: Setup, handle: BatchHandle, max_retries: int) -> None:
    """Ask the provider to stop the batch; results of requests already answered stay collectable."""
    if handle.batch_id is None:
        return
    provider = setup.pool.batch_provider(ModelSpec(handle.model), max_retries)
    cancelled = await provider.cancel(handle.batch_id)
    if isinstance(cancelled, Failure):
        raise to_exception(cancelled.failure())


async def abandon(setup: Setup, submitted: Submitted, max_retries: int) -> None:
    """Cancel a batch nobody can collect any more (its wait ended early), shielded and bounded."""
    handle = submitted.handle
    if handle.batch_id is None:
        return
    provider = setup.pool.batch_provider(submitted.spec, max_retries)
    batch_id = handle.batch_id

    async def stop() -> None:
        try:
            async with asyncio.timeout(CANCEL_TIMEOUT):
                await provider.cancel(batch_id)
        except TimeoutError:
            pass  # unreachable now: the batch expires on its own within its window

    task = asyncio.ensure_future(stop())
    _cancels.add(task)
    task.add_done_callback(_cancels.discard)
    await asyncio.shield(task)
