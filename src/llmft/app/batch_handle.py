"""`BatchHandle`: a submitted provider batch, as a small JSON document that can be kept and collected
later (from another process). It names the batch, never a key or an endpoint: the collecting client's
connection serves it, by the same rules as a live call of the same model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from llmft.app.errors import ConfigurationError
from llmft.domain.batches import custom_id

HANDLE_VERSION = 1
_FIELD = "handle"


@frozen
class BatchHandle:
    """A submitted provider batch (`client.submit_batch`), collected with `client.collect_batch`.

    `count` is the number of inputs; their results come back in input order. `rejected` holds the
    inputs that were never sent (their place and error). `response_format` is the requested JSON
    schema (name and schema), kept for reference: a pydantic class cannot be stored, so results are
    the raw JSON text unless `collect_batch(..., response_format=Model)` is given the class again.
    """

    provider: str
    batch_id: str | None  # None when no input could be sent (every one was rejected)
    model: str
    count: int
    rejected: tuple[tuple[int, str], ...] = ()
    json_tool: bool = False
    response_format: Mapping[str, Any] | None = None

    @property
    def custom_ids(self) -> tuple[str, ...]:
        """The batch's request names, in input order (`item-0`, `item-1`, ...)."""
        return tuple(custom_id(index) for index in range(self.count))

    def to_json(self) -> str:
        """The handle as a JSON string (no key, no endpoint)."""
        return json.dumps(
            {
                "version": HANDLE_VERSION,
                "provider": self.provider,
                "batch_id": self.batch_id,
                "model": self.model,
                "count": self.count,
                "rejected": [[index, message] for index, message in self.rejected],
                "json_tool": self.json_tool,
                "response_format": dict(self.response_format) if self.response_format is not None else None,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> BatchHandle:
        """A handle from `to_json`'s output; a ConfigurationError for anything else."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError, RecursionError):
            raise ConfigurationError(
                "a batch handle must be the JSON text of BatchHandle.to_json()", _FIELD
            ) from None
        if not isinstance(data, dict) or data.get("version") != HANDLE_VERSION:
            raise ConfigurationError(f"not a version {HANDLE_VERSION} batch handle", _FIELD)
        return cls(
            provider=_text(data, "provider"),
            batch_id=None if data.get("batch_id") is None else _text(data, "batch_id"),
            model=_text(data, "model"),
            count=_count(data.get("count")),
            rejected=_rejected(data.get("rejected", [])),
            json_tool=bool(data.get("json_tool", False)),
            response_format=_mapping(data.get("response_format")),
        )


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"the batch handle's {key!r} must be a non-empty string", _FIELD)
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError("the batch handle's 'count' must be an int >= 0", _FIELD)
    return value


def _rejected(value: object) -> tuple[tuple[int, str], ...]:
    if not isinstance(value, list) or not all(
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], int)
        and not isinstance(pair[0], bool)
        and isinstance(pair[1], str)
        for pair in value
    ):
        raise ConfigurationError("the batch handle's 'rejected' must be a list of [index, message]", _FIELD)
    return tuple((pair[0], pair[1]) for pair in value)


def _mapping(value: object) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise ConfigurationError("the batch handle's 'response_format' must be an object or null", _FIELD)


def handle_of(value: object) -> BatchHandle:
    """A `BatchHandle`, or its JSON text, as a handle."""
    if isinstance(value, BatchHandle):
        return value
    if isinstance(value, str | bytes):
        return BatchHandle.from_json(value)
    raise ConfigurationError(
        f"handle must be a BatchHandle or its JSON text, got {type(value).__name__}", _FIELD
    )
