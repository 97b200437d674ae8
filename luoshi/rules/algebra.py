"""Exact arithmetic on integers for the fast paths (the batch and the compiled one-record function).

Every numeric expression is brought to the form ``c * N / D``: ``c`` a
Fraction constant, ``N`` and ``D`` integer-valued expressions over stored
figures (money as integers of 0.01万元), ``D > 0`` wherever the row is valid.
A comparison then needs no division: ``c*N/D >= t`` is ``N >= ceil(t/c)``
when ``D`` is 1, and ``q*N >= p*D`` (``t/c = p/q``) otherwise.  Nothing is
rounded, so the fast paths agree with the exact one-record path
(:mod:`luoshi.rules.evaluate`) on every verdict.

The integer expressions are built by a *backend*: NumPy arrays in
:mod:`luoshi.rules.batch`, Python source in :mod:`luoshi.rules.compiled`.  A
backend implements ``atom(var) -> (value, valid)``, ``mul``, ``add``, ``neg``,
``where``, ``cmp``, ``gt0``, ``threshold``, ``all_of``, ``round_fen`` and
``const_bool``; Python ints may appear wherever a value does.

A row is valid when every figure it reads is present and every divisor is
positive; invalid rows make the leaf false, as in the one-record path.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from luoshi.rules import nodes as n
from luoshi.rules.variables import MONEY_FIGURES, VARIABLES


class Lin(NamedTuple):
    """The value ``c * N / D``; ``N`` or ``D`` None means 1."""

    c: Fraction
    n: object = None
    d: object = None


def _ceil(t: Fraction) -> int:
    return -((-t.numerator) // t.denominator)


def int_threshold(op: str, t: Fraction) -> tuple[str, int] | bool:
    """``X op t`` for an integer X as ``X op' k`` with an integer k, or a constant when it cannot hold.

    >>> int_threshold(">=", Fraction(5, 2)), int_threshold("<", Fraction(5, 2)), int_threshold("=", Fraction(5, 2))
    (('>=', 3), ('<', 3), False)
    """
    floor, ceil = t.numerator // t.denominator, _ceil(t)
    if op in (">=", "<"):
        return (op, ceil)
    if op in (">", "<="):
        return (op, floor)
    if t.denominator != 1:
        return op == "!="
    return (op, floor)


class Algebra:
    """Turns numeric nodes into backend integer expressions plus validity conditions."""

    def __init__(self, backend):
        self.b = backend

    def mul(self, x, y):
        if x is None:
            return y
        if y is None:
            return x
        if isinstance(x, int) and isinstance(y, int):
            return x * y
        return self.b.mul(x, y)

    def scaled(self, k: int, x):
        """``k * x`` where x may be None (1)."""
        if x is None:
            return k
        return x if k == 1 else self.mul(k, x)

    def add(self, x, y):
        if isinstance(x, int) and isinstance(y, int):
            return x + y
        if isinstance(x, int) and x == 0:
            return y
        if isinstance(y, int) and y == 0:
            return x
        return self.b.add(x, y)

    def value(self, node: n.Node, valid: list) -> Lin:
        """The exact value of a numeric node; conditions for its validity are appended to ``valid``."""
        if isinstance(node, n.Num):
            return Lin(node.value)
        if isinstance(node, n.Var):
            if VARIABLES[node.name].formula:
                return self.value(n.expand(node), valid)
            atom, ok = self.b.atom(node)
            if ok is not None:
                valid.append(ok)
            return Lin(Fraction(1, 100) if node.name in MONEY_FIGURES else Fraction(1), atom)
        if isinstance(node, n.Neg):
            inner = self.value(node.operand, valid)
            return Lin(-inner.c, inner.n, inner.d)
        if isinstance(node, n.Arith):
            a, b = self.value(node.left, valid), self.value(node.right, valid)
            if node.op in "+-":
                return self.sum(a, b, 1 if node.op == "+" else -1)
            if node.op == "*":
                return Lin(a.c * b.c, self.mul(a.n, b.n), self.mul(a.d, b.d))
            return self.divide(a, b, valid)
        if isinstance(node, n.Call):
            values = [self.value(arg, valid) for arg in node.args]
            if node.func == "avg":
                total = values[0]
                for v in values[1:]:
                    total = self.sum(total, v, 1)
                return Lin(total.c / len(values), total.n, total.d)
            best = values[0]
            for v in values[1:]:
                best = self.choose(best, v, "<=" if node.func == "min" else ">=")
            return best
        raise TypeError(type(node).__name__)

    def _common(self, a: Lin, b: Lin):
        """Both values over one denominator: (integer multiplier, numerator) pairs and the denominator."""
        if a.d == b.d:
            d, na, nb = a.d, a.n, b.n
        else:
            d, na, nb = self.mul(a.d, b.d), self.mul(a.n, b.d), self.mul(b.n, a.d)
        scale = math.lcm(a.c.denominator, b.c.denominator)
        return int(a.c * scale), na, int(b.c * scale), nb, d, scale

    def sum(self, a: Lin, b: Lin, sign: int) -> Lin:
        if a.n is None and a.d is None and b.n is None and b.d is None:
            return Lin(a.c + sign * b.c)
        ka, na, kb, nb, d, scale = self._common(a, b)
        kb *= sign
        g = math.gcd(ka, kb) or 1
        return Lin(Fraction(g, scale), self.add(self.scaled(ka // g, na), self.scaled(kb // g, nb)), d)

    def divide(self, a: Lin, b: Lin, valid: list) -> Lin:
        c, bn = b.c, b.n
        if c < 0:
            c, bn = -c, (-bn if isinstance(bn, int) else self.b.neg(bn) if bn is not None else None)
        if c == 0 or (isinstance(bn, int) and bn <= 0):
            valid.append(self.b.const_bool(False))
            return Lin(Fraction(0))
        if bn is not None and not isinstance(bn, int):
            valid.append(self.b.gt0(bn))
        return Lin(a.c / c, self.mul(a.n, b.d), self.mul(a.d, bn))

    def choose(self, a: Lin, b: Lin, op: str) -> Lin:
        """``a if a op b else b`` (min with ``<=``, max with ``>=``)."""
        ka, na, kb, nb, d, scale = self._common(a, b)
        left, right = self.scaled(ka, na), self.scaled(kb, nb)
        if isinstance(left, int) and isinstance(right, int):
            return Lin(Fraction(left if _holds(left, op, right) else right, scale), None, d)
        return Lin(Fraction(1, scale), self.b.where(self.b.cmp(op, left, right), left, right), d)

    def compare(self, op: str, left: Lin, right: Lin):
        """The condition ``left op right`` (validity not included)."""
        if right.n is None and right.d is None:
            return self._against(op, left, right.c)
        if left.n is None and left.d is None:
            return self._against(n.FLIP[op], right, left.c)
        ka, na, kb, nb, _d, _scale = self._common(left, right)
        g = math.gcd(ka, kb) or 1
        return self.b.cmp(op, self.scaled(ka // g, na), self.scaled(kb // g, nb))

    def _against(self, op: str, value: Lin, t: Fraction):
        """``c*N/D op t`` as ``N/D op t/c``."""
        if value.c == 0 or (value.n is None and value.d is None):
            return self.b.const_bool(_holds(value.c, op, t))
        if value.c < 0:
            value = Lin(-value.c, self.b.neg(value.n) if value.n is not None else -1, value.d)
        t = t / value.c
        if value.n is None:  # c / D op t  <=>  1 op t*D
            return self.b.cmp(n.FLIP[op], self.scaled(t.numerator, value.d), t.denominator)
        if isinstance(value.n, int):
            return self.b.cmp(op, value.n * t.denominator, self.scaled(t.numerator, value.d))
        return self.b.threshold(op, value.n, value.d, t)

    def fen(self, value: Lin):
        """The amount in fen (yuan × 100), rounded half up, never negative, for a value in 万元."""
        rate = value.c * 1_000_000
        num = self.scaled(rate.numerator, value.n)
        den = self.scaled(rate.denominator, value.d)
        if isinstance(num, int) and isinstance(den, int):
            return max((2 * num + den) // (2 * den), 0)
        return self.b.round_fen(num, den)


def _holds(a, op: str, b) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "=": a == b, "!=": a != b}[op]
