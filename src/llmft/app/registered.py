"""`RegisteredTool`: a tool ready to dispatch, and the one place its call arguments are bound.

Binding decides what the tool receives: the model's arguments, minus every name the model may never
set (injected parameters, context keys, `tool_runtime`, `tool_call_depth` — whatever the signature,
`**kwargs` included), plus the values the application injects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from llmft.app.errors import ConfigurationError
from llmft.app.validation import Check, InvalidArguments
from llmft.domain.messages import ToolSpec
from llmft.domain.schema import RUNTIME_PARAMETERS, ToolSignature, hide_parameters

MAX_SPECS_PER_TOOL = 64  # distinct hidden-parameter sets remembered per tool


class BindError(Exception):
    """The arguments cannot be bound; the message is for the model."""


def check_parameters(name: str, parameters: object) -> None:
    """An explicit schema must be a JSON Schema object; ConfigurationError otherwise."""
    if not (isinstance(parameters, dict) and parameters.get("type") == "object"):
        raise ConfigurationError(
            f"tool {name!r}: parameters must be a JSON Schema object ({{'type': 'object', ...}})",
            "parameters",
        )


def checked_timeout(value: object) -> float | None:
    """A tool's time limit in seconds (None: no limit of its own); ConfigurationError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError("tool_timeout must be a positive number of seconds", "tool_timeout")
    return float(value)


@frozen
class ToolOptions:
    """What registration says about a tool beyond its function: catalog metadata and execution rules.

    `inject=False` is for a tool whose body runs elsewhere (an MCP server): it receives the model's
    arguments only, never a context value or the runtime.
    """

    category: str | None = None
    tags: tuple[str, ...] = ()
    group: str | None = None
    requires_approval: bool = False
    tool_timeout: float | None = None
    inject: bool = True


@frozen
class RegisteredTool:
    """A tool ready to dispatch: its callable, visible schema and what registration learned of it."""

    name: str
    description: str
    schema: Mapping[str, Any]
    function: Callable[..., Any]
    signature: ToolSignature
    mock: Callable[..., Any] | None
    options: ToolOptions = ToolOptions()
    check: Check | None = None  # validates and converts arguments; built once, at registration
    # Specs made so far, by the set of hidden parameters: a tool's schema is worked out once, not per call.
    _specs: dict[frozenset[str], ToolSpec] = field(factory=dict, init=False, eq=False, repr=False)

    @property
    def category(self) -> str | None:
        """The catalog category given at registration."""
        return self.options.category

    @property
    def tags(self) -> list[str]:
        """The catalog tags given at registration."""
        return list(self.options.tags)

    @property
    def group(self) -> str | None:
        """The dotted group given at registration (e.g. "crm.contacts")."""
        return self.options.group

    @property
    def definition(self) -> dict[str, Any]:
        """The tool's Chat Completions-style definition, with no context."""
        spec = self.spec({})
        return {
            "type": "function",
            "function": {
                "name": spec.name,
                "description": spec.description,
                "parameters": dict(spec.parameters),
            },
        }

    def hidden(self, context: Mapping[str, Any]) -> frozenset[str]:
        """Parameter names hidden from the model in a call with this context."""
        if not context:
            return self.signature.injected
        return self.signature.injected | frozenset(p for p in self.signature.parameters if p in context)

    def spec(self, context: Mapping[str, Any]) -> ToolSpec:
        """The definition sent to the model for a call with this context."""
        hidden = self.hidden(context)
        made = self._specs.get(hidden)
        if made is None:
            made = ToolSpec(self.name, self.description, hide_parameters(self.schema, hidden))
            if len(self._specs) < MAX_SPECS_PER_TOOL:
                self._specs[hidden] = made
        return made

    def missing_injected(self, context: Mapping[str, Any]) -> list[str]:
        """Required injected parameters this context does not fill."""
        sig = self.signature
        return sorted(p for p in sig.injected - RUNTIME_PARAMETERS if p in sig.required and p not in context)

    def model_arguments(self, arguments: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
        """The model's arguments without the names it may never set, whatever the signature (`**kwargs`
        included): injected parameters, context keys, `tool_runtime` and `tool_call_depth`."""
        forbidden = self.signature.injected | RUNTIME_PARAMETERS
        return {k: v for k, v in arguments.items() if k not in forbidden and k not in context}

    def bind(
        self, arguments: Mapping[str, Any], context: Mapping[str, Any], runtime: Callable[[], Any], depth: int
    ) -> dict[str, Any]:
        """The keyword arguments of one call, or BindError with a message for the model."""
        sig = self.signature
        if not self.options.inject:
            given = self.model_arguments(arguments, context)
            return self._checked(given) if self.check is not None else given
        # null for a parameter that has a default means "use the default": strict schemas make
        # every property required, so null is the only way a model can leave one out.
        given = {
            k: v
            for k, v in self.model_arguments(arguments, context).items()
            if not (v is None and k in sig.parameters and k not in sig.required)
        }
        kwargs = dict(given)
        if not sig.accepts_var_kwargs:
            unexpected = sorted(k for k in kwargs if k not in sig.parameters)
            if unexpected:
                raise BindError(f"tool {self.name!r} does not take the argument(s) {unexpected}")
        for param in sig.parameters:
            if param == "tool_runtime":
                kwargs[param] = runtime()
            elif param == "tool_call_depth":
                kwargs[param] = depth
            elif param in context:
                kwargs[param] = context[param]
        if sig.accepts_var_kwargs:
            # As in the first version: **kwargs receives the context values no named parameter took,
            # and the runtime; never a value the model sent under any of those names.
            for key, value in context.items():
                if key not in sig.parameters:
                    kwargs[key] = value
            if "tool_runtime" not in sig.parameters:
                kwargs["tool_runtime"] = runtime()
            if "tool_call_depth" not in sig.parameters:
                kwargs["tool_call_depth"] = depth
        missing = sorted(p for p in sig.required if p not in kwargs)
        if missing:
            injected = [p for p in missing if p in sig.injected]
            if injected:
                raise BindError(
                    f"tool {self.name!r} needs {injected} from tool_execution_context, "
                    "which does not have them"
                )
            raise BindError(f"tool {self.name!r} is missing required argument(s) {missing}")
        if self.check is not None:
            # What the model gave, and the context values of the parameters it describes (never the runtime).
            checked = {k: v for k, v in kwargs.items() if k in given or k in self.check.fields}
            kwargs.update(self._checked(checked))
        return kwargs

    def _checked(self, arguments: dict[str, Any]) -> dict[str, Any]:
        assert self.check is not None
        try:
            return self.check(arguments)
        except InvalidArguments as error:
            raise BindError(f"tool {self.name!r} got invalid arguments: {error}") from None
