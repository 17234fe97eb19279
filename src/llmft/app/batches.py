"""Batches of independent `generate` calls: results in input order, each item's failure a value.

Local mode runs the items as live calls through a fixed pool of `concurrency` workers (never a task
per item, so a batch of 100k inputs holds 8 tasks, not 100k). Provider mode (`provider_batches`)
hands them to the provider's batch API. Either way the value is a `BatchResults`: a list with one
`GenerationResult` or `LLMToolkitError` per input, and a `summary`.

Only `LLMToolkitError`s become values. Anything else raised while an item runs is a bug (in llmft or
in a tool) and is not hidden: the batch stops, its other items are cancelled, and it propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from llmft.app.calls import Setup, prepare
from llmft.app.driver import run_to_end
from llmft.app.errors import ConfigurationError, LLMToolkitError
from llmft.app.options import GenerateOptions
from llmft.app.results import GenerationResult
from llmft.domain.messages import Usage, add_usage
from llmft.domain.ports import ProgressDisplay

BatchItem = GenerationResult | LLMToolkitError
PROBE_INPUT = ({"role": "user", "content": "."},)  # prepares a call without sending it


class BatchPending(LLMToolkitError):
    """An item of a provider batch that has no result yet (`collect_batch(..., wait=False)` on a batch
    still running): collect again later. Found in results, never raised."""


@frozen
class BatchSummary:
    """What a batch came to: items done (a result), failed (an error) and pending (not answered yet),
    the tokens and cost summed over every item (failed ones included, for what they used), and the
    seconds it took. `str(summary)` is one line for a log."""

    total: int
    done: int
    failed: int
    pending: int = 0
    usage: Usage | None = None
    seconds: float = 0.0

    @property
    def input_tokens(self) -> int:
        """Input tokens over the batch."""
        return self.usage.input_tokens if self.usage is not None else 0

    @property
    def output_tokens(self) -> int:
        """Output tokens over the batch."""
        return self.usage.output_tokens if self.usage is not None else 0

    @property
    def cost_usd(self) -> float | None:
        """USD over the batch; None when an item's price is unknown (or no item reported usage)."""
        return self.usage.cost_usd if self.usage is not None else None

    def __str__(self) -> str:
        cost = f"${self.cost_usd:.4f}" if self.cost_usd is not None else "cost unknown"
        pending = f", {self.pending} pending" if self.pending else ""
        return (
            f"batch: {self.total} items, {self.done} done, {self.failed} failed{pending}; "
            f"{self.input_tokens:,} input + {self.output_tokens:,} output tokens, {cost}; "
            f"{self.seconds:.1f} s"
        )


class BatchResults(list[BatchItem]):
    """The results of a batch, in input order (a `list`), with its `summary`."""

    summary: BatchSummary

    def __init__(self, items: Iterable[BatchItem] = (), summary: BatchSummary | None = None) -> None:
        super().__init__(items)
        self.summary = summary if summary is not None else summarize(self)


def _usage_of(item: BatchItem) -> Usage | None:
    if isinstance(item, GenerationResult):
        return item.usage
    return item.partial.usage if item.partial is not None else None


def summarize(items: Sequence[BatchItem], seconds: float = 0.0) -> BatchSummary:
    """The summary of a batch's items."""
    usage: Usage | None = None
    for item in items:
        used = _usage_of(item)
        if used is not None:
            usage = add_usage(usage, used)
    pending = sum(isinstance(item, BatchPending) for item in items)
    failed = sum(isinstance(item, LLMToolkitError) for item in items) - pending
    return BatchSummary(len(items), len(items) - failed - pending, failed, pending, usage, seconds)


def checked_concurrency(value: object) -> int:
    """`concurrency=` as a positive int, or a ConfigurationError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"concurrency must be an int >= 1, got {value!r}", "concurrency")
    return value


def inputs_of(inputs: object) -> list[Any]:
    """The batch's inputs as a list (any iterable of message lists; a str or a dict is refused)."""
    if isinstance(inputs, str | bytes | Mapping) or not isinstance(inputs, Iterable):
        raise ConfigurationError(
            "inputs must be a list of inputs, each a list of messages (for one conversation, use generate)",
            "inputs",
        )
    return list(inputs)


def batch_options(options: GenerateOptions) -> GenerateOptions:
    """The options every item of a batch shares, checked for what a batch cannot do."""
    if options.stream:
        raise ConfigurationError(
            "a batch does not stream; use generate(..., stream=True) per input", "stream"
        )
    if options.tool_session is not None:
        raise ConfigurationError(
            "tool_session holds one conversation's loaded tools; a batch runs many (leave it out)",
            "tool_session",
        )
    return options


def not_a_message_list(item: object) -> ConfigurationError | None:
    """The error of an input that is not a list of messages (None when it is one)."""
    if isinstance(item, list | tuple):
        return None
    return ConfigurationError(
        f"each batch input must be a list of messages, got {type(item).__name__}", "inputs"
    )


def probe(setup: Setup, options: GenerateOptions) -> None:
    """Check, before any item runs, what every item shares: tools, context, models, keys."""
    prepare(setup, list(PROBE_INPUT), options)


async def run_item(setup: Setup, item: object, options: GenerateOptions) -> BatchItem:
    """One item as `generate` runs it; its LLMToolkitError as the value."""
    wrong = not_a_message_list(item)
    if wrong is not None:
        return wrong
    try:
        return await run_to_end(prepare(setup, item, options))
    except LLMToolkitError as error:
        return error


async def run_local(
    setup: Setup,
    items: Sequence[object],
    options: GenerateOptions,
    *,
    concurrency: int,
    display: ProgressDisplay | None = None,
) -> BatchResults:
    """Run every item with at most `concurrency` at a time; results in input order."""
    started = setup.clock.now()
    results: list[BatchItem | None] = [None] * len(items)
    indices = iter(range(len(items)))  # shared by the workers: each index is taken once
    counts = [0, 0]  # done, failed

    async def worker() -> None:
        for index in indices:
            value = await run_item(setup, items[index], options)
            results[index] = value
            counts[0] += 1
            counts[1] += isinstance(value, LLMToolkitError)
            if display is not None:
                display.update(counts[0], counts[1])

    await _all_or_nothing([worker() for _ in range(min(concurrency, len(items)))])
    finished = [r for r in results if r is not None]
    assert len(finished) == len(items)
    summary = summarize(finished, setup.clock.now() - started)
    if display is not None:
        display.close(str(summary))
    return BatchResults(finished, summary)


async def _all_or_nothing(work: Sequence[Any]) -> None:
    """Run the coroutines as tasks; the first exception cancels the rest and propagates as itself."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
