"""The built-in tools: `safe_math_evaluator` and `read_local_file`, over their ports."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen
from returns.result import Success

from llmft.app.errors import ConfigurationError
from llmft.app.results import ToolExecutionResult
from llmft.domain.ports import FileReader, MathEngine

if TYPE_CHECKING:
    from llmft.app.bootstrap import ToolParts

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
    """The `read_local_file` tool over a confined reader (the first version's parameter names)."""

    def read_local_file(file_path: str, format: Literal["text", "json"] = "text") -> ToolExecutionResult:
        """Read a UTF-8 text file from the application's document folder, as text or parsed JSON.

        Args:
            file_path: The file's path, relative to the document folder.
            format: "text" for the file as it is, "json" to parse it.
        """
        result = reader.read_text(file_path)
        if not isinstance(result, Success):
            return tool_error(f"cannot read {file_path!r}: {result.failure()}")
        text = result.unwrap()
        if format == "json":
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError) as error:
                return tool_error(f"{file_path!r} is not valid JSON ({type(error).__name__})")
            return ToolExecutionResult(
                content=json.dumps(parsed, ensure_ascii=False), payload=parsed, metadata={"path": file_path}
            )
        return ToolExecutionResult(content=text, payload=text, metadata={"path": file_path})

    return read_local_file


@frozen
class BuiltinTool:
    """A built-in ready to register, and the engine it holds open (closed with its factory)."""

    name: str
    function: Callable[..., Any]
    tags: tuple[str, ...]
    engine: MathEngine | None = None


def builtin_tools(
    names: Sequence[str] | None,
    parts: ToolParts,
    *,
    file_root: str | Path | None,
    allow_hidden: bool,
    max_file_bytes: int,
    allow_hard_links: bool,
) -> list[BuiltinTool]:
    """The built-ins asked for (all when `names` is None); `read_local_file` needs `file_root` (never
    the working directory by default: on a server it holds code and configuration)."""
    chosen = list(BUILTINS) if names is None else list(names)
    unknown = sorted(set(chosen) - set(BUILTINS))
    if unknown or isinstance(names, str):
        raise ConfigurationError(
            f"unknown built-in tools {unknown or names!r}; available: {list(BUILTINS)}", "names"
        )
    if "read_local_file" in chosen and file_root is None:
        raise ConfigurationError(
            "read_local_file needs file_root=: the directory it may read (there is no default)", "file_root"
        )
    built = []
    if "safe_math_evaluator" in chosen:
        engine = parts.math_engine()
        built.append(BuiltinTool("safe_math_evaluator", math_tool(engine), ("math", "calculator"), engine))
    if "read_local_file" in chosen:
        assert file_root is not None
        reader = parts.file_reader(
            file_root, allow_hidden=allow_hidden, max_bytes=max_file_bytes, allow_hard_links=allow_hard_links
        )
        built.append(BuiltinTool("read_local_file", file_tool(reader), ("file", "io", "read")))
    return built
