"""Hooks: the application's policy around every model request and tool call.

Subclass `Hooks` and override any subset; each method may be sync or async. Hooks are policy, not
logging: a hook that raises fails the call with that exception. They run per client
(`LLMClient(hooks=[...])`) and per call (`generate(hooks=[...])`, after the client's), and nested tool
calls through `ToolRuntime` pass them too.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen

from llmft.app.errors import ConfigurationError
from llmft.app.events import FallingBack, Retrying
from llmft.app.results import ToolExecutionResult
from llmft.domain.conversion import to_public_messages
from llmft.domain.messages import ModelReply, ModelRequest, Usage

if TYPE_CHECKING:
    from llmft.app.budget import UsageBudget
    from llmft.app.events import Notice


class ModelRequestInfo:
    """What a model request is about to send (the messages are built only when read)."""

    __slots__ = ("_request",)

    def __init__(self, request: ModelRequest) -> None:
        self._request = request

    @property
    def model(self) -> str:
        """The model asked."""
        return self._request.model

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The conversation sent, as plain JSON messages."""
        return to_public_messages(self._request.messages)

    @property
    def tools(self) -> list[str]:
        """The names of the tools offered."""
        return [t.name for t in self._request.tools]

    @property
    def request(self) -> ModelRequest:
        """The whole request, as llmft's adapters receive it."""
        return self._request


class ModelResponseInfo:
    """What a model answered."""

    __slots__ = ("_reply", "model_asked")

    def __init__(self, reply: ModelReply, model_asked: str) -> None:
        self._reply = reply
        self.model_asked = model_asked

    @property
    def model(self) -> str:
        """The model that answered."""
        return self._reply.model or self.model_asked

    @property
    def content(self) -> str | None:
        """The reply's text."""
        return self._reply.text

    @property
    def tool_calls(self) -> list[dict[str, str]]:
        """The tool calls asked for: `{"id", "name", "arguments"}` (arguments as the model wrote them)."""
        return [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in self._reply.tool_calls]

    @property
    def usage(self) -> Usage | None:
        """Tokens (and cost, when known) of this reply."""
        return self._reply.usage

    @property
    def finish_reason(self) -> str:
        """Why the model stopped."""
        return self._reply.finish_reason


@frozen
class ToolCallInfo:
    """A tool call about to run (or that ran): `context` is a read-only view of the call's context."""

    call_id: str
    name: str
    arguments: Mapping[str, Any]
    depth: int
    context: Mapping[str, Any]


DecisionKind = Literal["allow", "deny", "replace", "ask"]


@frozen
class ToolDecision:
    """What `before_tool_call` decided: see `allow`, `deny`, `replace_arguments`, `ask`."""

    kind: DecisionKind
    reason: str = ""
    arguments: Mapping[str, Any] | None = None


def allow() -> ToolDecision:
    """Run the call."""
    return ToolDecision("allow")


def deny(reason: str) -> ToolDecision:
    """Do not run the call; the model gets `reason` as the tool's error output."""
    return ToolDecision("deny", str(reason))


def replace_arguments(arguments: Mapping[str, Any]) -> ToolDecision:
    """Run the call with these arguments instead (they are validated like the model's)."""
    if not isinstance(arguments, Mapping):
        raise ConfigurationError("replace_arguments needs a dict of arguments", "arguments")
    return ToolDecision("replace", arguments=dict(arguments))


def ask(reason: str = "") -> ToolDecision:
    """Pause for approval: the loop stops with `finish_reason == "approval_required"` and a RunState."""
    return ToolDecision("ask", str(reason))


class Hooks:
    """Override any subset; each may be sync or async. The defaults do nothing."""

    def before_model_request(self, request: ModelRequestInfo) -> Any:
        """Before each model request (retries of one request are not asked about again)."""
        return None

    def after_model_response(self, response: ModelResponseInfo) -> Any:
        """After each model reply."""
        return None

    def before_tool_call(self, call: ToolCallInfo) -> Any:
        """Before each tool call: return None / `allow()`, `deny(reason)`, `replace_arguments(...)` or
        `ask()`."""
        return None

    def after_tool_call(self, call: ToolCallInfo, result: ToolExecutionResult) -> Any:
        """After each tool call: return None to keep the result, or a ToolExecutionResult to replace it."""
        return None

    def on_retry(self, info: Retrying) -> Any:
        """Before a failed model request is tried again."""
        return None

    def on_fallback(self, info: FallingBack) -> Any:
        """Before the next fallback model takes over."""
        return None


def checked_hooks(value: object, field: str = "hooks") -> tuple[Hooks, ...]:
    """A list of Hooks objects."""
    if value is None:
        return ()
    if isinstance(value, Hooks):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ConfigurationError(f"{field} must be a list of llmft.Hooks objects", field)
    for hook in value:
        if not isinstance(hook, Hooks):
            raise ConfigurationError(
                f"{field} must hold llmft.Hooks objects, got {type(hook).__name__}", field
            )
    return tuple(value)


async def _called(hook: Hooks, method: str, *args: Any) -> Any:
    value = getattr(hook, method)(*args)
    return await value if inspect.isawaitable(value) else value


def _wrong(hook: Hooks, method: str, value: object, expected: str) -> ConfigurationError:
    return ConfigurationError(
        f"{type(hook).__name__}.{method} returned {type(value).__name__}; expected {expected}", "hooks"
    )


class HookChain:
    """The hooks of one call, in order (the client's, then the call's)."""

    __slots__ = ("hooks",)

    def __init__(self, hooks: tuple[Hooks, ...]) -> None:
        self.hooks = hooks

    def __bool__(self) -> bool:
        return bool(self.hooks)

    async def before_request(self, request: ModelRequest) -> None:
        """`before_model_request`, for every hook."""
        info = ModelRequestInfo(request)
        for hook in self.hooks:
            await _called(hook, "before_model_request", info)

    async def after_response(self, reply: ModelReply, model_asked: str) -> None:
        """`after_model_response`, for every hook."""
        info = ModelResponseInfo(reply, model_asked)
        for hook in self.hooks:
            await _called(hook, "after_model_response", info)

    async def notice(self, notice: Notice) -> None:
        """`on_retry` / `on_fallback`, for every hook."""
        method = "on_retry" if isinstance(notice, Retrying) else "on_fallback"
        for hook in self.hooks:
            await _called(hook, method, notice)

    async def before_tool(self, info: ToolCallInfo) -> ToolDecision:
        """The hooks' decision on a call: the first deny or ask wins; replaced arguments pass on."""
        current = info
        replaced: Mapping[str, Any] | None = None
        for hook in self.hooks:
            decision = await _called(hook, "before_tool_call", current)
            if decision is None:
                continue
            if not isinstance(decision, ToolDecision):
                raise _wrong(hook, "before_tool_call", decision, "llmft.ToolDecision or None")
            if decision.kind in ("deny", "ask"):
                return decision
            if decision.kind == "replace" and decision.arguments is not None:
                replaced = decision.arguments
                current = ToolCallInfo(info.call_id, info.name, replaced, info.depth, info.context)
        return replace_arguments(replaced) if replaced is not None else allow()

    async def after_tool(self, info: ToolCallInfo, result: ToolExecutionResult) -> ToolExecutionResult:
        """`after_tool_call`, for every hook; a hook may replace the result."""
        for hook in self.hooks:
            value = await _called(hook, "after_tool_call", info, result)
            if value is None:
                continue
            if not isinstance(value, ToolExecutionResult):
                raise _wrong(hook, "after_tool_call", value, "llmft.ToolExecutionResult or None")
            result = value
        return result


NO_HOOKS = HookChain(())


def call_info(
    call_id: str, name: str, arguments: Mapping[str, Any], depth: int, context: Mapping[str, Any]
) -> ToolCallInfo:
    """The info a tool hook reads (the context read-only)."""
    view = context if isinstance(context, MappingProxyType) else MappingProxyType(dict(context))
    return ToolCallInfo(call_id, name, MappingProxyType(dict(arguments)), depth, view)


class AwaitApproval(Exception):
    """Internal: a top-level call must wait for a human decision (raised to the turn runner)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ToolGate:
    """One call's policy on running tools: its hooks, and the calls already approved by a human."""

    __slots__ = ("approved", "budget", "chain")

    def __init__(
        self, chain: HookChain, approved: frozenset[str] = frozenset(), budget: UsageBudget | None = None
    ) -> None:
        self.chain = chain
        self.approved = approved
        self.budget = budget  # the call's usage limits: every tool call counts, nested ones too

    async def decide(self, info: ToolCallInfo, requires_approval: bool) -> ToolDecision:
        """Whether to run the call: approved calls run unasked; otherwise the hooks decide, and a tool
        registered with `requires_approval` waits for a human (`ask`)."""
        if info.depth == 0 and info.call_id in self.approved:
            return allow()
        decision = await self.chain.before_tool(info) if self.chain else allow()
        if decision.kind == "allow" and requires_approval:
            return ask(f"tool {info.name!r} requires approval")
        return decision
