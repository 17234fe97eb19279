"""Usage limits for one call, and the check made before each model request and each tool call.

Every attempt counts as a request (retries included). Checked before the work it would pay for, a
limit is overshot by at most one request's usage.
"""

from __future__ import annotations

from attrs import field, frozen

from llmft.domain.messages import Usage


@frozen
class UsageLimits:
    """Totals one call may not pass (None: no limit), named as in pydantic-ai."""

    request_limit: int | None = None
    input_tokens_limit: int | None = None
    output_tokens_limit: int | None = None
    total_tokens_limit: int | None = None
    tool_calls_limit: int | None = None
    cost_limit_usd: float | None = None


@frozen
class Spent:
    """What a call has used so far."""

    requests: int = 0
    tool_calls: int = 0
    usage: Usage = field(factory=Usage)


def limit_problem(value: object, name: str) -> str | None:
    """Why a limit's value cannot be used (None when it can)."""
    if value is None:
        return None
    whole = name != "cost_limit_usd"
    kinds: type | tuple[type, ...] = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value != value:
        return f"{name} must be {'an int' if whole else 'a number'} or None"
    assert isinstance(value, int | float)
    if value <= 0:
        return f"{name} must be positive"
    return None


def exceeded(limits: UsageLimits, spent: Spent, *, before: str) -> tuple[str, str] | None:
    """(the limit's name, a message) when the next `before` ("request" or "tool call") must not start."""
    usage = spent.usage
    checks: list[tuple[str, float | None, float]] = [
        ("input_tokens_limit", limits.input_tokens_limit, usage.input_tokens),
        ("output_tokens_limit", limits.output_tokens_limit, usage.output_tokens),
        ("total_tokens_limit", limits.total_tokens_limit, usage.total_tokens),
    ]
    if limits.cost_limit_usd is not None and usage.cost_usd is not None:
        checks.append(("cost_limit_usd", limits.cost_limit_usd, usage.cost_usd))
    for name, limit, used in checks:
        if limit is not None and used >= limit:
            return name, f"{name} of {limit:g} reached ({used:g} used)"
    if before == "request" and limits.request_limit is not None and spent.requests >= limits.request_limit:
        return "request_limit", f"request_limit of {limits.request_limit} reached"
    if (
        before == "tool call"
        and limits.tool_calls_limit is not None
        and spent.tool_calls >= limits.tool_calls_limit
    ):
        return "tool_calls_limit", f"tool_calls_limit of {limits.tool_calls_limit} reached"
    return None
