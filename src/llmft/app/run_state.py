"""`RunState`: a run paused for approval, as JSON that another process can resume.

It holds a schema version, a unique id, the conversation, the call's options (model, tools in use,
response format, limits, iteration budget), the paused turn (what ran, what waits) and the payloads
gathered so far — never `tool_execution_context` values or keys. A payload that is not a JSON value
is replaced by None, with `metadata["payload_dropped"]`. With a signing key the JSON carries an HMAC
and an edited state is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from typing import Any

from llmft.app.errors import ConfigurationError
from llmft.app.json_values import json_value
from llmft.app.results import ParsedToolCall
from llmft.domain.conversion import to_public_messages
from llmft.domain.messages import ToolCall, ToolOutcome, Usage
from llmft.domain.tool_calls import parse_arguments
from llmft.domain.tool_loop import LoopState, pending_calls

SCHEMA_VERSION = 1
KNOWN_VERSIONS = frozenset({1})  # states written by these versions of the schema still load
MARK = "llmft_run_state"


def _key_bytes(signing_key: str | bytes) -> bytes:
    if isinstance(signing_key, str):
        signing_key = signing_key.encode()
    if not isinstance(signing_key, bytes) or len(signing_key) < 16:
        raise ConfigurationError("signing_key must be at least 16 bytes (or characters)", "signing_key")
    return signing_key


def _canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signature(body: Mapping[str, Any], signing_key: str | bytes) -> str:
    return hmac.new(_key_bytes(signing_key), _canonical(body), hashlib.sha256).hexdigest()


def outcome_json(outcome: ToolOutcome) -> dict[str, Any]:
    """A tool outcome as JSON (a payload that is not JSON is dropped, and said so in its metadata)."""
    kept, payload = json_value(outcome.payload)
    _, metadata = json_value(dict(outcome.metadata) if outcome.metadata is not None else None)
    if not kept:
        metadata = {**(metadata or {}), "payload_dropped": True}
    return {
        "call_id": outcome.call_id,
        "name": outcome.name,
        "content": outcome.content,
        "payload": payload,
        "metadata": metadata,
        "error": outcome.error,
    }


def outcome_of(data: Mapping[str, Any]) -> ToolOutcome:
    """A tool outcome back from its JSON."""
    metadata = data.get("metadata")
    return ToolOutcome(
        str(data["call_id"]),
        str(data["name"]),
        str(data["content"]),
        data.get("payload"),
        dict(metadata) if isinstance(metadata, Mapping) else None,
        data.get("error"),
    )


def call_json(call: ToolCall) -> dict[str, str]:
    """A tool call as JSON."""
    return {"id": call.id, "name": call.name, "arguments": call.arguments}


def call_of(data: Mapping[str, Any]) -> ToolCall:
    """A tool call back from its JSON."""
    return ToolCall(str(data["id"]), str(data["name"]), str(data["arguments"]))


def usage_of(data: Mapping[str, Any] | None) -> Usage | None:
    """A Usage back from `Usage.as_dict()`."""
    if data is None:
        return None
    by_model = {name: usage_of(part) for name, part in (data.get("by_model") or {}).items()}
    return Usage(
        int(data["input_tokens"]),
        int(data["output_tokens"]),
        int(data["total_tokens"]),
        int(data.get("cached_tokens", 0)),
        int(data.get("cache_write_tokens", 0)),
        int(data.get("reasoning_tokens", 0)),
        data.get("cost_usd"),
        {name: usage for name, usage in by_model.items() if usage is not None},
    )


class RunState:
    """A paused run: `to_json()` stores it, `RunState.from_json()` reads it back, `client.resume()`
    goes on with it. `id` is unique: record it to resume a state once only across processes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    @classmethod
    def new(cls, *, model: str | None, options: Mapping[str, Any], loop: Mapping[str, Any]) -> RunState:
        """A state with a fresh id."""
        return cls(
            {
                MARK: SCHEMA_VERSION,
                "id": f"rs_{uuid.uuid4().hex}",
                "model": model,
                "options": options,
                "loop": loop,
            }
        )

    def __repr__(self) -> str:
        return f"RunState(id={self.id!r}, pending={[c.name for c in self.pending]!r})"

    @property
    def id(self) -> str:
        """The state's unique id."""
        return str(self._data["id"])

    @property
    def version(self) -> int:
        """The schema version it was written with."""
        return int(self._data[MARK])

    @property
    def data(self) -> Mapping[str, Any]:
        """The whole state, as plain JSON values."""
        return self._data

    @property
    def pending(self) -> list[ParsedToolCall]:
        """The calls that wait for a decision, parsed."""
        waiting = self._data["loop"].get("pending", [])
        calls = []
        for raw in waiting:
            parsed = parse_arguments(str(raw["arguments"]))
            arguments: dict[str, Any] | str = parsed.value_or(str(raw["arguments"]))
            calls.append(ParsedToolCall(id=raw["id"], name=raw["name"], arguments=arguments))
        return calls

    def to_json(self, *, signing_key: str | bytes | None = None) -> str:
        """The state as JSON; with `signing_key`, an HMAC that `from_json` checks."""
        body = {k: v for k, v in self._data.items() if k != "signature"}
        if signing_key is not None:
            body["signature"] = _signature(body, signing_key)
        return json.dumps(body, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes, *, signing_key: str | bytes | None = None) -> RunState:
        """A state from its JSON; a truncated, foreign, unknown-version or (when signed) edited one is a
        ConfigurationError."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise ConfigurationError("the run state is not valid JSON (truncated?)", "state") from None
        if not isinstance(data, dict) or MARK not in data:
            raise ConfigurationError("this JSON is not an llmft run state", "state")
        version = data.get(MARK)
        if version not in KNOWN_VERSIONS:
            raise ConfigurationError(
                f"run state schema version {version!r} is unknown here (known: {sorted(KNOWN_VERSIONS)})",
                "state",
            )
        signature = data.pop("signature", None)
        if signing_key is not None:
            if not isinstance(signature, str) or not hmac.compare_digest(
                signature, _signature(data, signing_key)
            ):
                raise ConfigurationError("the run state's signature does not match: it was edited", "state")
        elif signature is not None:
            raise ConfigurationError("this run state is signed: pass signing_key= to load it", "signing_key")
        _check_shape(data)
        return cls(data)


def _check_shape(data: Mapping[str, Any]) -> None:
    loop, options = data.get("loop"), data.get("options")
    fields = ("messages", "start", "rounds", "turn", "known", "pending", "outcomes")
    if (
        not isinstance(data.get("id"), str)
        or not isinstance(options, dict)
        or not isinstance(loop, dict)
        or any(field not in loop for field in fields)
        or not isinstance(loop["messages"], list)
        or not isinstance(loop["pending"], list)
    ):
        raise ConfigurationError("the run state is incomplete or malformed", "state")


def loop_json(state: LoopState) -> dict[str, Any]:
    """A paused loop as JSON: the conversation (the paused turn included), counters, what ran, what waits."""
    usage = state.usage
    return {
        "messages": to_public_messages(state.transcript),
        "start": state.start,
        "rounds": state.rounds,
        "model": state.model,
        "streak": list(state.streak),
        "usage": usage.as_dict() if usage is not None else None,
        "outcomes": [outcome_json(o) for o in state.outcomes],
        "turn": [call_json(c) for c in state.turn],
        "known": {call_id: outcome_json(o) for call_id, o in state.rejected.items()},
        "pending": [call_json(c) for c in pending_calls(state)],
        "tools": [t.name for t in state.request.tools],
    }
