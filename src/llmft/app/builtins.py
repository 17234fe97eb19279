"""The built-in tools: `safe_math_evaluator` and `read_local_file`, over their ports."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from returns.result import Success

from llmft.app.errors import ConfigurationError
from llmft.app.results import ToolExecutionResult
from llmft.domain.ports import FileReader, MathEngine

BUILTINS = ("safe_math_evaluator", "read_local_file")


def tool_error(message: str) -> ToolExecutionResult:
    """A failed call's result: the model reads `Error: …`, the application finds `error` set."""
    return ToolExecutionResult(content=f"Error: {message}", error=message)


def numeric(text: str) -> int | float | str:
    """The number an evaluator's text stands for (an int when exact and whole, else a float), or the
    text itself when it is not a real finite number."""
    head = text.split("(≈ ", 1)[1].rstrip(")") if "(≈ " in text else text.split(" (", 1)[0]
    head = head.removeprefix("≈").strip()
    try:
        return int(head)
    except ValueError:
        pass
    try:
        value = float(head)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def math_tool(engine: MathEngine) -> Callable[[str], Awaitable[ToolExecutionResult]]:
    """The `safe_math_evaluator` tool over a math engine (sympy in a worker process it can stop)."""

    async def safe_math_evaluator(expression: str) -> ToolExecutionResult:
        """Evaluate arithmetic (exactly where affordable), e.g. "sqrt(2) * (3 + 4)^2" or "factorial(20) / 3".

        Args:
            expression: Numbers, + - * / // % ** (or ^), parentheses, the constants pi, e and tau, and
                sqrt, cbrt, exp, log (optional base), ln, log10, log2, sin, cos, tan, asin, acos, atan,
                atan2, sinh, cosh, tanh, abs, floor, ceil, round, factorial, binomial, gcd, lcm, min, max.
        """
        result = await engine.evaluate(expression)
        if isinstance(result, Success):
            value = result.unwrap()
            return ToolExecutionResult(
                content=value, payload=numeric(value), metadata={"expression": expression}
            )
        return tool_error(f"cannot evaluate the expression: {result.failure()}")

    return safe_math_evaluator


def file_tool(reader: FileReader) -> Callable[..., ToolExecutionResult]:
    """The `read_local_file` tool over a confined reader."""

    def read_local_file(path: str) -> ToolExecutionResult:
        """Read a UTF-8 text file from the application's document folder.

        Args:
            path: The file's path, relative to the document folder.
        """
        result = reader.read_text(path)
        if isinstance(result, Success):
            return ToolExecutionResult(content=result.unwrap(), metadata={"path": path})
        return tool_error(f"cannot read {path!r}: {result.failure()}")

    return read_local_file


def builtin_names(names: Any) -> list[str]:
    """The built-ins asked for (all when `names` is None)."""
    chosen = list(BUILTINS) if names is None else list(names)
    unknown = sorted(set(chosen) - set(BUILTINS))
    if unknown or isinstance(names, str):
        raise ConfigurationError(
            f"unknown built-in tools {unknown or names!r}; available: {list(BUILTINS)}", "names"
        )
    return chosen
