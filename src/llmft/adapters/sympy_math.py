"""MathEngine over sympy: the whitelisted tree from `domain.math_expr`, built node by node.

The text never reaches `sympify` (it executes Python). Each operation's size is checked before sympy
runs it — the checks the field notes found necessary: an exponent times log10 of its base at most
1000, factorial arguments at most 300, exp/sinh/cosh arguments at most 2300 — so the worst cases finish
in milliseconds. A wall-clock budget on top turns anything slower into a refusal.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import sympy
from returns.result import Failure, Result, Success

from llmft.domain.math_expr import Bin, Call, Const, Expr, Neg, Num, parse_expression
from llmft.domain.ports import MathEngine

MAX_LOG10 = 1000.0
MAX_FACTORIAL = 300
MAX_BINOMIAL_N = 1000
MAX_EXP_ARG = 2300.0
MAX_RESULT_DIGITS = 1000


class _Refused(Exception):
    pass


def _approx(value: sympy.Expr) -> complex:
    try:
        return complex(sympy.N(value, 15))
    except (TypeError, ValueError, OverflowError) as error:
        raise _Refused(f"the value cannot be bounded ({type(error).__name__})") from None


def _log10_magnitude(value: sympy.Expr) -> float:
    if isinstance(value, sympy.Integer):
        p = abs(int(value))
        return (p.bit_length() - 1) * math.log10(2) if p else -math.inf
    if isinstance(value, sympy.Rational):
        return _log10_magnitude(sympy.Integer(value.p)) - _log10_magnitude(sympy.Integer(value.q))
    magnitude = abs(_approx(value))
    if math.isinf(magnitude) or math.isnan(magnitude):
        raise _Refused("the result is not a finite number")
    return math.log10(magnitude) if magnitude else -math.inf


def _check_size(value: sympy.Expr) -> sympy.Expr:
    if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise _Refused("the result is undefined or infinite (division by zero?)")
    if abs(_log10_magnitude(value)) > MAX_RESULT_DIGITS and value != 0:
        raise _Refused(f"the result is beyond 10^{MAX_RESULT_DIGITS} in size")
    return value


def _real(value: sympy.Expr, what: str) -> float:
    number = _approx(value)
    if abs(number.imag) > 1e-12:
        raise _Refused(f"{what} must be real")
    return number.real


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    b = abs(_approx(base))
    x = _real(exponent, "an exponent")
    if abs(x) > 1e6:
        raise _Refused("the exponent is too large")
    if b == 0:
        if x < 0:
            raise _Refused("zero to a negative power is undefined")
        return sympy.Integer(0) if x > 0 else sympy.Integer(1)
    if abs(x * math.log10(b)) > MAX_LOG10:
        raise _Refused(f"the power exceeds 10^{int(MAX_LOG10)} in size")
    return sympy.Pow(base, exponent)


def _integer_arg(value: sympy.Expr, name: str, limit: int) -> int:
    if not (isinstance(value, sympy.Integer) and 0 <= int(value) <= limit):
        raise _Refused(f"{name}() takes a whole number from 0 to {limit}")
    return int(value)


def _bounded_arg(value: sympy.Expr, name: str) -> sympy.Expr:
    if abs(_real(value, f"the argument of {name}()")) > MAX_EXP_ARG:
        raise _Refused(f"{name}() arguments are limited to ±{int(MAX_EXP_ARG)}")
    return value


def _log(args: tuple[sympy.Expr, ...]) -> sympy.Expr:
    for arg in args:
        if _approx(arg) == 0:
            raise _Refused("the logarithm of zero is undefined")
    return sympy.log(*args)


_FUNCTIONS: dict[str, Callable[[tuple[sympy.Expr, ...]], sympy.Expr]] = {
    "sqrt": lambda a: sympy.sqrt(a[0]),
    "cbrt": lambda a: sympy.real_root(a[0], 3),
    "exp": lambda a: sympy.exp(_bounded_arg(a[0], "exp")),
    "log": _log,
    "ln": _log,
    "log10": lambda a: _log((a[0], sympy.Integer(10))),
    "log2": lambda a: _log((a[0], sympy.Integer(2))),
    "sin": lambda a: sympy.sin(a[0]),
    "cos": lambda a: sympy.cos(a[0]),
    "tan": lambda a: sympy.tan(a[0]),
    "asin": lambda a: sympy.asin(a[0]),
    "acos": lambda a: sympy.acos(a[0]),
    "atan": lambda a: sympy.atan(a[0]),
    "atan2": lambda a: sympy.atan2(a[0], a[1]),
    "sinh": lambda a: sympy.sinh(_bounded_arg(a[0], "sinh")),
    "cosh": lambda a: sympy.cosh(_bounded_arg(a[0], "cosh")),
    "tanh": lambda a: sympy.tanh(a[0]),
    "abs": lambda a: sympy.Abs(a[0]),
    "floor": lambda a: sympy.floor(a[0]),
    "ceil": lambda a: sympy.ceiling(a[0]),
    "ceiling": lambda a: sympy.ceiling(a[0]),
    "round": lambda a: sympy.Integer(round(_real(a[0], "round()'s argument"))),
    "factorial": lambda a: sympy.factorial(_integer_arg(a[0], "factorial", MAX_FACTORIAL)),
    "binomial": lambda a: sympy.binomial(
        _integer_arg(a[0], "binomial", MAX_BINOMIAL_N), _integer_arg(a[1], "binomial", MAX_BINOMIAL_N)
    ),
    "gcd": lambda a: sympy.gcd_list(list(a)),
    "lcm": lambda a: sympy.lcm_list(list(a)),
    "min": lambda a: sympy.Min(
        *(sympy.Float(_real(x, "min()'s arguments")) if not x.is_real else x for x in a)
    ),
    "max": lambda a: sympy.Max(
        *(sympy.Float(_real(x, "max()'s arguments")) if not x.is_real else x for x in a)
    ),
}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E, "tau": 2 * sympy.pi}


class SympyMath:
    """Evaluates whitelisted arithmetic with sympy, exactly where it can, within a time budget."""

    def __init__(self, *, budget_seconds: float = 1.0) -> None:
        self.budget = budget_seconds

    def _build(self, node: Expr, deadline: float) -> sympy.Expr:
        if time.monotonic() > deadline:
            raise _Refused(f"the evaluation took longer than {self.budget} s")
        match node:
            case Num(value):
                return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
            case Const(name):
                return _CONSTANTS[name]
            case Neg(operand):
                return _check_size(-self._build(operand, deadline))
            case Bin(op, left, right):
                a, b = self._build(left, deadline), self._build(right, deadline)
                return _check_size(self._binary(op, a, b))
            case Call(name, args):
                values = tuple(self._build(a, deadline) for a in args)
                return _check_size(_FUNCTIONS[name](values))
        raise _Refused("unsupported expression")  # pragma: no cover - the parser admits nothing else

    @staticmethod
    def _binary(op: str, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        if op in ("/", "//", "%") and _approx(b) == 0:
            raise _Refused("division by zero")
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "//":
            return sympy.floor(a / b)
        if op == "%":
            return sympy.Mod(a, b)
        return _power(a, b)

    def evaluate(self, expression: str) -> Result[str, str]:
        """The value as text (exact when it is a rational number, else 15 significant digits)."""
        parsed = parse_expression(expression)
        if not isinstance(parsed, Success):
            return Failure(parsed.failure())
        deadline = time.monotonic() + self.budget
        try:
            value = self._build(parsed.unwrap(), deadline)
            text = _format(value)
        except _Refused as refused:
            return Failure(str(refused))
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as error:
            return Failure(f"the expression cannot be evaluated ({type(error).__name__})")
        if time.monotonic() > deadline:
            return Failure(f"the evaluation took longer than {self.budget} s")
        return Success(text)


def _format(value: sympy.Expr) -> str:
    if isinstance(value, sympy.Integer):
        return str(value)
    if isinstance(value, sympy.Rational):
        return f"{value} (≈ {sympy.N(value, 15)})"
    number = sympy.N(value, 15)
    if number.is_real is False and number.is_complex:
        return str(number).replace("*I", "i")
    text = str(number)
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


_: type[MathEngine] = SympyMath
