"""The batch methods of LLMClient: each forwards to the client's `Batching` (see `app/batching.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from typing_extensions import Unpack

from llmft.app.batch_handle import BatchHandle
from llmft.app.batches import BatchResults
from llmft.app.batching import DEFAULT_POLL_INTERVAL, Batching, BatchMode
from llmft.app.option_values import InputItems
from llmft.app.options import GenerateKwargs


class BatchMethods:
    """Many inputs at once: a local pool of live calls, or the provider's batch API."""

    _batching: Batching

    async def generate_batch(
        self,
        inputs: Iterable[InputItems],
        *,
        concurrency: int = 8,
        progress: bool = False,
        mode: BatchMode = "local",
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[GenerateKwargs],
    ) -> BatchResults:
        """`generate` over many inputs: a `BatchResults` list in input order (each a GenerationResult,
        or the LLMToolkitError that item ended with) with a `.summary`.

        `mode="local"` runs live calls, at most `concurrency` at a time (`deadline` is per item);
        `mode="provider"` sends one batch to the provider's batch API (about half the price), polls it
        every `poll_interval` seconds until it ends (`deadline` bounds that wait) and runs no tools.
        `progress=True` draws a progress bar and the summary on stderr (`llmft[progress]`).
        """
        return await self._batching.generate(
            inputs,
            concurrency=concurrency,
            progress=progress,
            mode=mode,
            poll_interval=poll_interval,
            options=options,
        )

    async def submit_batch(
        self, inputs: Iterable[InputItems], **options: Unpack[GenerateKwargs]
    ) -> BatchHandle:
        """Send the inputs to the provider's batch API; the `BatchHandle` (`.to_json()`) collects them."""
        return await self._batching.submit(inputs, options)

    async def collect_batch(
        self,
        handle: BatchHandle | str,
        *,
        wait: bool = False,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        deadline: float | None = None,
        response_format: dict[str, Any] | type[BaseModel] | None = None,
        progress: bool = False,
    ) -> BatchResults:
        """A submitted batch's results in input order: with `wait=False` one look (an item not answered
        yet is a `BatchPending`), else polled until the batch ends (at most `deadline` seconds). Pass
        the pydantic `response_format` again to get validated objects instead of JSON text."""
        return await self._batching.collect(
            handle,
            wait=wait,
            poll_interval=poll_interval,
            deadline=deadline,
            response_format=response_format,
            progress=progress,
        )

    async def cancel_batch(self, handle: BatchHandle | str) -> None:
        """Ask the provider to stop a submitted batch; what it answered stays collectable."""
        await self._batching.cancel(handle)
