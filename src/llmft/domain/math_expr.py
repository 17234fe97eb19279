"""Arithmetic expressions from untrusted text: parsed with `ast` into a small whitelisted tree.

Nothing here evaluates anything. Model text never reaches `eval`, `sympify` or `parse_expr` (they run
Python); it is parsed by `ast` after a length cap, and every node must be a number, a named constant,
an arithmetic operator or a call to a whitelisted function. Sizes are bounded before evaluation.
"""

from __future__ import annotations

import ast
import math
from typing import Literal

from attrs import frozen
from returns.result import Failure, Result, Success

MAX_LENGTH = 500
MAX_NODES = 200
MAX_DEPTH = 40
MAX_INT_DIGITS = 30
MAX_ARGS = 10

CONSTANTS = frozenset({"pi", "e", "E", "tau"})
FUNCTIONS: dict[str, tuple[int, int]] = {  # name -> (min args, max args)
    "sqrt": (1, 1), "cbrt": (1, 1), "exp": (1, 1), "log": (1, 2), "ln": (1, 1), "log10": (1, 1),
    "log2": (1, 1), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1), "asin": (1, 1), "acos": (1, 1),
    "atan": (1, 1), "atan2": (2, 2), "sinh": (1, 1), "cosh": (1, 1), "tanh": (1, 1), "abs": (1, 1),
    "floor": (1, 1), "ceil": (1, 1), "ceiling": (1, 1), "round": (1, 1), "factorial": (1, 1),
    "binomial": (2, 2), "gcd": (2, MAX_ARGS), "lcm": (2, MAX_ARGS), "min": (1, MAX_ARGS),
    "max": (1, MAX_ARGS),
}  # fmt: skip

BinaryOp = Literal["+", "-", "*", "/", "//", "%", "**"]
_BINARY: dict[type[ast.operator], BinaryOp] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
}  # fmt: skip


@frozen
class Num:
    """A numeric literal (int or finite float)."""

    value: int | float


@frozen
class Const:
    """A named constant such as `pi`."""

    name: str


@frozen
class Neg:
    """Unary minus."""

    operand: Expr


@frozen
class Bin:
    """A binary arithmetic operation."""

    op: BinaryOp
    left: Expr
    right: Expr


@frozen
class Call:
    """A call to a whitelisted function."""

    name: str
    args: tuple[Expr, ...]


Expr = Num | Const | Neg | Bin | Call


class _Refused(Exception):
    """Internal: the expression is outside the whitelist."""


def _convert(node: ast.AST, depth: int) -> Expr:
    if depth > MAX_DEPTH:
        raise _Refused(f"the expression is nested deeper than {MAX_DEPTH} levels")
    match node:
        case ast.Constant(value=bool()):
            raise _Refused("booleans are not numbers here")
        case ast.Constant(value=int() as value):
            if len(str(abs(value))) > MAX_INT_DIGITS:
                raise _Refused(f"integer literals are limited to {MAX_INT_DIGITS} digits")
            return Num(value)
        case ast.Constant(value=float() as value):
            if not math.isfinite(value):
                raise _Refused("the number is not finite")
            return Num(value)
        case ast.Name(id=name) if name in CONSTANTS:
            return Const(name)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return Neg(_convert(operand, depth + 1))
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _convert(operand, depth + 1)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            return Bin(_BINARY[type(op)], _convert(left, depth + 1), _convert(right, depth + 1))
        case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if name in FUNCTIONS:
            low, high = FUNCTIONS[name]
            if not low <= len(args) <= high:
                raise _Refused(f"{name}() takes {low}..{high} arguments, got {len(args)}")
            if any(isinstance(a, ast.Starred) for a in args):
                raise _Refused("starred arguments are not allowed")
            return Call(name, tuple(_convert(a, depth + 1) for a in args))
        case ast.Name(id=name):
            raise _Refused(
                f"unknown name {name!r}; allowed: {', '.join(sorted(CONSTANTS | FUNCTIONS.keys()))}"
            )
        case ast.Call():
            raise _Refused("only calls to the allowed functions, by name and without keywords")
    raise _Refused(f"{type(node).__name__} is not allowed in an arithmetic expression")


def parse_expression(text: object) -> Result[Expr, str]:
    """The whitelisted tree for `text`, or why it is refused (length, syntax, node kinds, sizes)."""
    if not isinstance(text, str):
        return Failure("the expression must be a string")
    source = text.strip().replace("^", "**")
    if not source:
        return Failure("the expression is empty")
    if len(source) > MAX_LENGTH:
        return Failure(f"the expression is longer than {MAX_LENGTH} characters")
    if not source.isascii():
        return Failure("the expression must be plain ASCII")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return Failure(f"not a valid expression ({type(error).__name__})")
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        return Failure(f"the expression has more than {MAX_NODES} parts")
    try:
        return Success(_convert(tree.body, 0))
    except _Refused as refused:
        return Failure(str(refused))
