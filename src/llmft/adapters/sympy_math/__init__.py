"""Whitelisted arithmetic with sympy: the tree from `domain.math_expr`, built node by node, in bounds.

The text never reaches `sympify` (it executes Python). Each operation's size is checked before sympy
runs it (exponent × log10|base| ≤ 1000, factorial ≤ 300, exp/sinh/cosh arguments ≤ 2300), and no exact
value may carry more than MAX_EXACT_DIGITS digits: a power whose exact fraction would be longer
(`(1+1/10**29)**1000000` has 58 million digits, one big-integer operation that holds the GIL for
minutes) is computed in floating point instead, and the reply says it is approximate.
`python -m llmft.adapters.sympy_math` (`__main__.py`) is the worker process that `math_process` starts
and can kill.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable
from fractions import Fraction

import mpmath  # type: ignore[import-untyped]
import sympy
from returns.result import Failure, Result, Success

from llmft.domain.math_expr import Bin, Call, Const, Expr, Neg, Num, parse_expression

MAX_LOG10 = 1000.0
MAX_FACTORIAL = 300
MAX_BINOMIAL_N = 1000
MAX_EXP_ARG = 2300.0
MAX_RESULT_DIGITS = 1000
MAX_EXPONENT = 1e6
# Digits of numerators and denominators together in any exact value: two such operands multiply and
# reduce in well under a millisecond, and 2000 stays below Python's 4300-digit limit on int -> str.
MAX_EXACT_DIGITS = 2000
MAX_ROOT_DIGITS = 100  # a root of a longer integer has sympy test primality: > 1 s at 1000 digits
SHOWN_DIGITS = (15, 40)  # significant digits of an inexact result: as many as its operands carry
GUARD_DIGITS = 30  # kept beyond those in an approximation, for what later subtractions cancel


class _Refused(Exception):
    pass


def _numeric(value: sympy.Expr) -> mpmath.mpc:
    """`value` to 15 digits, as an mpmath number (no float overflow: 10^999 is fine)."""
    try:
        real, imag = sympy.N(value, 15).as_real_imag()
        number = mpmath.mpc(mpmath.mpf(sympy.Float(real)), mpmath.mpf(sympy.Float(imag)))
    except (TypeError, ValueError, AttributeError) as error:
        raise _Refused(f"the value cannot be bounded ({type(error).__name__})") from None
    if not mpmath.isfinite(number):
        raise _Refused("the result is not a finite number")
    return number


def _log10_magnitude(value: sympy.Expr) -> float:
    if isinstance(value, sympy.Rational):
        p, q = abs(value.p), value.q
        if p == 0:
            return -math.inf
        if q < 2 * p < 4 * q:  # near 1, where the difference of two logs cancels to nothing
            return math.log1p(float(Fraction(p - q, q))) / math.log(10)
        return math.log10(p) - math.log10(q)
    magnitude = abs(_numeric(value))
    return float(mpmath.log10(magnitude)) if magnitude else -math.inf


def _exact_digits(value: sympy.Expr) -> float:
    """Digits of all the exact numbers inside `value` (numerators and denominators)."""
    return sum(math.log10(abs(a.p) or 1) + math.log10(a.q) for a in value.atoms(sympy.Rational))


def _widest(*values: sympy.Expr) -> int:
    """Digits of the longest exact number inside `values`."""
    atoms = set().union(*(v.atoms(sympy.Rational) for v in values))
    return max((math.floor(math.log10(max(abs(a.p), a.q))) + 1 for a in atoms), default=1)


def _real(value: sympy.Expr, what: str) -> float:
    number = _numeric(value)
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        raise _Refused(f"{what} must be real")
    return float(number.real)


def _real_arg(value: sympy.Expr, what: str) -> sympy.Expr:
    _real(value, what)
    return value


def _integer_arg(value: sympy.Expr, name: str, limit: int) -> int:
    if not (isinstance(value, sympy.Integer) and 0 <= int(value) <= limit):
        raise _Refused(f"{name}() takes a whole number from 0 to {limit}")
    return int(value)


def _bounded_arg(value: sympy.Expr, name: str) -> sympy.Expr:
    if abs(_real(value, f"the argument of {name}()")) > MAX_EXP_ARG:
        raise _Refused(f"{name}() arguments are limited to ±{int(MAX_EXP_ARG)}")
    return value


def _log(args: tuple[sympy.Expr, ...]) -> sympy.Expr:
    if any(_numeric(arg) == 0 for arg in args):
        raise _Refused("the logarithm of zero is undefined")
    arg = args[0]
    if isinstance(arg, sympy.Rational) and arg != 1 and 2 * arg.p > arg.q and arg.p < 2 * arg.q:
        # The same number: sympy evaluates log(1 + 1/10**29) to 0, atanh of the small ratio exactly.
        near_one = 2 * sympy.atanh(sympy.Rational(arg.p - arg.q, arg.p + arg.q))
        return near_one / sympy.log(args[1]) if len(args) > 1 else near_one
    return sympy.log(*args)


def _rationals(name: str, combine: Callable[[list[sympy.Expr]], sympy.Expr]) -> _Function:
    # gcd and lcm of anything else go through sympy's polynomial machinery, for no meaningful answer.
    def run(args: tuple[sympy.Expr, ...]) -> sympy.Expr:
        if not all(isinstance(a, sympy.Rational) for a in args):
            raise _Refused(f"{name}() takes whole numbers or fractions")
        return combine(list(args))

    return run


def _precise(value: sympy.Expr, what: str = "the operands of // and %") -> sympy.Expr:
    """`value`, or if large and inexact, a float with all its whole digits and 30 more: sympy's own
    search for the integer part of `pi * 10**999` gives up after a second; this is exact and quick."""
    if isinstance(value, sympy.Rational):
        return value
    _real(value, what)
    magnitude = _log10_magnitude(value)
    return sympy.N(value, int(magnitude) + 30) if magnitude > 12 else value


def _quotient(a: sympy.Expr, b: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """a, b and a / b; when the quotient is large and inexact, all three at the precision its whole
    part needs. `a / b` of two floats is only as precise as they are (15 digits): 1e300 % 1e-300 came
    out as -9.3e+283, and 1e300 // 1e-300 with made-up low digits."""
    quotient = a / b
    if _precise(quotient) is quotient:
        return a, b, quotient
    digits = int(_log10_magnitude(quotient)) + 30  # a - b*q cancels every whole digit of q
    wide_a, wide_b = sympy.N(a, digits), sympy.N(b, digits)
    return wide_a, wide_b, wide_a / wide_b


def _floor_division(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return sympy.floor(_quotient(a, b)[2])


def _modulo(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """a - b * (a // b), the whole part as `//` finds it: never sympy.Mod, which asks sympy's assumptions
    whether the quotient is an integer and compares signs of symbolic values, for seconds or more."""
    wide_a, wide_b, quotient = _quotient(a, b)
    return wide_a - wide_b * sympy.floor(quotient)


def _round(args: tuple[sympy.Expr, ...]) -> sympy.Expr:
    value = args[0]
    _real(value, "round()'s argument")
    if isinstance(value, sympy.Rational | sympy.Float):  # exactly, halves to even as Python does
        exact = sympy.Rational(value)
        return sympy.Integer(round(Fraction(int(exact.p), int(exact.q))))
    return sympy.floor(_precise(value, "round()'s argument") + sympy.Rational(1, 2))


def _min_max(pick: Callable[..., sympy.Expr], name: str) -> _Function:
    # sympy compares only what it knows to be real; a real value it cannot tell is real goes as a float.
    return lambda a: pick(*(x if x.is_real else sympy.Float(_real(x, f"{name}()'s arguments")) for x in a))


_Function = Callable[[tuple[sympy.Expr, ...]], sympy.Expr]
_FUNCTIONS: dict[str, _Function] = {  # sqrt and cbrt are powers: _Evaluation.call
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
    "atan2": lambda a: sympy.atan2(*(_real_arg(x, "atan2()'s arguments") for x in a)),
    "sinh": lambda a: sympy.sinh(_bounded_arg(a[0], "sinh")),
    "cosh": lambda a: sympy.cosh(_bounded_arg(a[0], "cosh")),
    "tanh": lambda a: sympy.tanh(a[0]),
    "abs": lambda a: sympy.Abs(a[0]),
    "floor": lambda a: sympy.floor(_precise(a[0], "floor()'s argument")),
    "ceil": lambda a: sympy.ceiling(_precise(a[0], "ceil()'s argument")),
    "ceiling": lambda a: sympy.ceiling(_precise(a[0], "ceiling()'s argument")),
    "round": _round,
    "factorial": lambda a: sympy.factorial(_integer_arg(a[0], "factorial", MAX_FACTORIAL)),
    "binomial": lambda a: sympy.binomial(*(_integer_arg(x, "binomial", MAX_BINOMIAL_N) for x in a)),
    "gcd": _rationals("gcd", sympy.gcd_list),
    "lcm": _rationals("lcm", sympy.lcm_list),
    "min": _min_max(sympy.Min, "min"),
    "max": _min_max(sympy.Max, "max"),
}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E, "tau": 2 * sympy.pi}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


class _Evaluation:
    """One expression's evaluation: its deadline, and the approximations it had to make."""

    def __init__(self, budget: float) -> None:
        self.budget, self.deadline = budget, time.monotonic() + budget
        self.shown_digits = SHOWN_DIGITS[0]
        self.exact_digits = 0.0  # what exact arithmetic would have needed where it was avoided; 0: none
        self.float_literal = False  # a binary float's 16th digit is noise: show no more than 15

    def build(self, node: Expr) -> sympy.Expr:
        if time.monotonic() > self.deadline:
            raise _Refused(f"the evaluation took longer than {self.budget} s")
        match node:
            case Num(value):
                self.float_literal = self.float_literal or isinstance(value, float)
                return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
            case Const(name):
                return _CONSTANTS[name]
            case Neg(operand):
                return self.checked(-self.build(operand))
            case Bin(op, left, right):
                return self.checked(self.binary(op, self.build(left), self.build(right)))
            case Call(name, args):
                return self.checked(self.call(name, tuple(self.build(a) for a in args)))
        raise _Refused("unsupported expression")  # pragma: no cover - the parser admits nothing else

    def call(self, name: str, args: tuple[sympy.Expr, ...]) -> sympy.Expr:
        if name == "sqrt":
            return self.power(args[0], sympy.Rational(1, 2))
        if name == "cbrt":  # the real root of a negative number, as sympy.real_root gives
            number = _numeric(args[0])
            if number.imag == 0 and number.real < 0:
                return -self.power(-args[0], sympy.Rational(1, 3))
            return self.power(args[0], sympy.Rational(1, 3))
        return _FUNCTIONS[name](args)

    def binary(self, op: str, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        if op in ("/", "//", "%") and _numeric(b) == 0:
            raise _Refused("division by zero")
        if op in ("//", "%"):  # complex operands send sympy.Mod into seconds of work, for no answer
            _real(a, f"the operands of {op}")
            _real(b, f"the operands of {op}")
        if op in _ARITHMETIC:
            return _ARITHMETIC[op](a, b)
        if op == "//":
            return _floor_division(a, b)
        if op == "%":
            return _modulo(a, b)
        return self.power(a, b)

    def power(self, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        """`base ** exponent`: refused when huge, in floating point when its exact form is too long."""
        x = _real(exponent, "an exponent")
        if abs(x) > MAX_EXPONENT:
            raise _Refused("the exponent is too large")
        if _numeric(base) == 0:
            if x < 0:
                raise _Refused("zero to a negative power is undefined")
            return sympy.Integer(0) if x > 0 else sympy.Integer(1)
        if abs(x * _log10_magnitude(base)) > MAX_LOG10:
            raise _Refused(f"the power exceeds 10^{int(MAX_LOG10)} in size")
        # sympy raises every exact number inside the base to the whole part of the exponent, and for a
        # fractional exponent p/q it can raise their prime factors to powers up to q (12**(a/c) does).
        rationals = exponent.atoms(sympy.Rational)
        root_index = 0 if exponent.is_Integer else max((a.q for a in rationals), default=0)
        digits = (abs(x) + root_index) * _exact_digits(base)
        if digits <= MAX_EXACT_DIGITS and not (root_index and _widest(base) > MAX_ROOT_DIGITS):
            return sympy.Pow(base, exponent)
        kept = self.approximating(digits, base, exponent) + GUARD_DIGITS
        # Float ** Integer is repeated squaring in mpmath; more digits cover the rounding it multiplies.
        work = kept + len(str(int(abs(x))))
        power = exponent if exponent.is_Integer else sympy.N(exponent, work)
        return sympy.N(sympy.Pow(sympy.N(base, work), power), kept)

    def approximating(self, exact_digits: float, *operands: sympy.Expr) -> int:
        """Note an approximation where exact arithmetic needs that many digits; the digits to show."""
        self.shown_digits = max(self.shown_digits, _shown_digits(*operands))
        self.exact_digits = max(self.exact_digits, exact_digits)
        return self.shown_digits

    def checked(self, value: sympy.Expr) -> sympy.Expr:
        if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            raise _Refused("the result is undefined or infinite (division by zero?)")
        magnitude = _log10_magnitude(value) if value != 0 else 0.0
        if magnitude > MAX_RESULT_DIGITS:
            raise _Refused(f"the result is beyond 10^{MAX_RESULT_DIGITS} in size")
        if magnitude < -MAX_RESULT_DIGITS:
            raise _Refused(f"the result is below 10^-{MAX_RESULT_DIGITS} in size, or not told apart from 0")
        digits = _exact_digits(value)
        if digits > MAX_EXACT_DIGITS:
            return sympy.N(value, self.approximating(digits, value) + GUARD_DIGITS)
        return value

    def text(self, value: sympy.Expr) -> str:
        """The value as text: exact when it is a rational number, else rounded (and said to be)."""
        shown = SHOWN_DIGITS[0] if self.float_literal else max(self.shown_digits, _shown_digits(value))
        if self.exact_digits:
            needed = self.exact_digits
            about = f"{float(f'{needed:.2g}'):,.0f}" if needed < 1e9 else f"{needed:.1e}"
            return f"≈ {_decimal(value, shown)} (approximate: exact arithmetic could need ~{about} digits)"
        if isinstance(value, sympy.Integer):
            return str(value)
        if isinstance(value, sympy.Rational):
            return f"{value} (≈ {sympy.N(value, 15)})"
        return _decimal(value, shown)


def _shown_digits(*values: sympy.Expr) -> int:
    """As many digits as the exact numbers in `values` carry, and 5 more: (1+1/10**29)**(1/3) is not 1."""
    return min(max(SHOWN_DIGITS[0], _widest(*values) + 5), SHOWN_DIGITS[1])


def _decimal(value: sympy.Expr, digits: int) -> str:
    if isinstance(value, sympy.Integer):
        return str(value)
    # sympy's evalf can be wrong without saying so (tan next to a pole, even with strict=True): a value
    # counts once two evaluations at different precisions agree on the digits shown.
    earlier = None
    for extra in (5, 25, 65, 205):
        number = sympy.N(value, digits + extra)
        if earlier is not None and _agree(earlier, number, digits):
            return _plain_text(sympy.N(number, digits))
        earlier = number
    if abs(_numeric(number)) < 1e-100:  # sin(pi/7)**2 + cos(pi/7)**2 - 1 is one of these
        return "0 (to within 1e-100; sympy cannot decide whether it is exactly 0)"
    raise _Refused(f"the value cannot be computed reliably to {digits} digits")


def _agree(a: sympy.Expr, b: sympy.Expr, digits: int) -> bool:
    return bool(sympy.Abs(a - b) <= sympy.Abs(b) * sympy.Float(10, digits + 5) ** -digits)


def _plain_text(number: sympy.Expr) -> str:
    if number.is_real is False and number.is_complex:
        return str(number).replace("*I", "i")
    mantissa, e, exponent = str(number).partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + e + exponent


class SympyMath:
    """Evaluates whitelisted arithmetic with sympy, in this process, exactly where it can."""

    def __init__(self, *, budget_seconds: float = 1.0) -> None:
        self.budget = budget_seconds

    def evaluate(self, expression: str) -> Result[str, str]:
        """The value as text (exact when it is a rational number, else 15+ significant digits)."""
        parsed = parse_expression(expression)
        if not isinstance(parsed, Success):
            return Failure(parsed.failure())
        evaluation = _Evaluation(self.budget)
        try:
            text = evaluation.text(evaluation.build(parsed.unwrap()))
        except _Refused as refused:
            return Failure(str(refused))
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as error:
            return Failure(f"the expression cannot be evaluated ({type(error).__name__})")
        if time.monotonic() > evaluation.deadline:
            return Failure(f"the evaluation took longer than {self.budget} s")
        return Success(text)
