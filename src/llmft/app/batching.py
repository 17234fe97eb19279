"""The batch entry points behind `LLMClient.generate_batch`, `submit_batch`, `collect_batch` and
`cancel_batch`: their arguments checked once, up front, then local or provider mode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from llmft.app import provider_batches
from llmft.app.batch_handle import BatchHandle, handle_of
from llmft.app.batches import (
    BatchResults,
    batch_options,
    checked_concurrency,
    inputs_of,
    probe,
    run_local,
    summarize,
)
from llmft.app.calls import Setup
from llmft.app.errors import ConfigurationError
from llmft.app.factories import ProgressFactory
from llmft.app.models import ModelSpec
from llmft.app.option_values import response_format_of
from llmft.app.options import ClientDefaults, GenerateOptions, parse_options
from llmft.app.provider_batches import Collecting, Submitted
from llmft.domain.ports import ProgressDisplay

BatchMode = Literal["local", "provider"]
DEFAULT_POLL_INTERVAL = 30.0
PROGRESS_LABEL = "llmft batch"


def _mode(value: object) -> BatchMode:
    if value == "local":
        return "local"
    if value == "provider":
        return "provider"
    raise ConfigurationError(f"mode must be 'local' or 'provider', got {value!r}", "mode")


def _seconds(value: object, field: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not value > 0
        or value == float("inf")
    ):
        raise ConfigurationError(f"{field} must be a positive number of seconds", field)
    return float(value)


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{field} must be True or False", field)
    return value


class Batching:
    """A client's batches: its calls' set-up and defaults, and how progress is shown."""

    def __init__(self, setup: Setup, defaults: ClientDefaults, progress: ProgressFactory) -> None:
        self._setup = setup
        self._defaults = defaults
        self._progress = progress

    def _display(self, show: bool, total: int) -> ProgressDisplay | None:
        return self._progress(total, PROGRESS_LABEL) if show else None

    def _options(self, options: Mapping[str, Any]) -> GenerateOptions:
        return batch_options(parse_options(self._defaults, (), options))

    async def generate(
        self,
        inputs: object,
        *,
        concurrency: object,
        progress: object,
        mode: object,
        poll_interval: object,
        options: Mapping[str, Any],
    ) -> BatchResults:
        """`generate` over every input (see `LLMClient.generate_batch`)."""
        limit = checked_concurrency(concurrency)
        chosen = _mode(mode)
        interval = _seconds(poll_interval, "poll_interval")
        show = _flag(progress, "progress")
        parsed = self._options(options)
        items = inputs_of(inputs)
        if chosen == "local":
            probe(self._setup, parsed)
            if not items:
                return BatchResults([], summarize([]))
            display = self._display(show, len(items))
            try:
                return await run_local(self._setup, items, parsed, concurrency=limit, display=display)
            except BaseException as error:
                if display is not None:
                    display.close(f"batch stopped: {type(error).__name__}")
                raise
        submitted = await provider_batches.submit(self._setup, items, parsed)
        if not items:
            return BatchResults([], summarize([]))
        how = Collecting(
            wait=True,
            poll_interval=interval,
            deadline=parsed.deadline,
            output_type=parsed.output_type,
            max_retries=parsed.max_retries,
            display=self._display(show, len(items)),
        )
        try:
            return await provider_batches.collect(self._setup, submitted, how)
        except BaseException as error:
            # The caller never saw this batch's handle: stop it rather than pay for answers nobody reads.
            if how.display is not None:
                how.display.close(f"batch stopped: {type(error).__name__}")
            await provider_batches.abandon(self._setup, submitted, parsed.max_retries)
            raise

    async def submit(self, inputs: object, options: Mapping[str, Any]) -> BatchHandle:
        """Send the inputs as a provider batch (see `LLMClient.submit_batch`)."""
        parsed = self._options(options)
        submitted = await provider_batches.submit(self._setup, inputs_of(inputs), parsed)
        return submitted.handle

    async def collect(
        self,
        handle: object,
        *,
        wait: object,
        poll_interval: object,
        deadline: object,
        response_format: object,
        progress: object,
    ) -> BatchResults:
        """The results of a submitted batch (see `LLMClient.collect_batch`)."""
        batch = handle_of(handle)
        how = Collecting(
            wait=_flag(wait, "wait"),
            poll_interval=_seconds(poll_interval, "poll_interval"),
            deadline=_seconds(deadline, "deadline", optional=True),
            output_type=response_format_of(response_format)[1],
            max_retries=self._defaults.max_retries,
            display=self._display(_flag(progress, "progress"), batch.count),
        )
        errors: dict[int, Any] = {
            index: ConfigurationError(message, "inputs") for index, message in batch.rejected
        }
        submitted = Submitted(batch, ModelSpec(batch.model), errors)
        return await provider_batches.collect(self._setup, submitted, how)

    async def cancel(self, handle: object) -> None:
        """Ask the provider to stop a submitted batch (see `LLMClient.cancel_batch`)."""
        await provider_batches.cancel(self._setup, handle_of(handle), self._defaults.max_retries)
