"""Evaluation plans: a rule prepared once, then evaluated with its trace for one enterprise at a time.

:func:`plan_of` turns a rule into a :class:`Plan`, built on first use and kept
on the :class:`~luoshi.rules.syntax.Rule` object:

- the distinct leaf conditions of the condition's nnf tree, in the order of
  their first occurrence (structurally equal leaves are evaluated once and
  listed once, as they always were);
- each leaf's expressions compiled into closures over exact rationals;
- each leaf's fixed display pieces (label, requirement, the Chinese text of
  the condition and of its subject), the texts prepared once per figure year;
- the and/or tree over leaf indexes, from which the verdict and the gaps follow.

Numbers are exact rationals kept as a pair of Python integers ``(numerator,
denominator)`` with a positive, unreduced denominator: Fraction arithmetic
reduces by a gcd at every step, and hashing the tree's Fractions (as keys of
per-evaluation dicts) was most of the old cost.  Every string is the one the
plain evaluation in :mod:`luoshi.rules.reference` produces;
``tests/rules/test_plan.py`` checks that on generated rules and enterprises.

A value that cannot be known (missing data, a divisor that is not positive)
raises :class:`Missing` with the Chinese message shown as the gap.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from luoshi.codes.industries import section_of
from luoshi.rules import nodes as n
from luoshi.rules.facts import Context, Facts
from luoshi.rules.render import SIGNS, WORDS, _decimal_text, _style, format_value, industry_name, render_node
from luoshi.rules.variables import MONEY_FIGURES, VARIABLES

__all__ = ["Check", "Missing", "Plan", "industry_ranges", "plan_of"]


class Missing(Exception):
    """A value that cannot be known: missing data or a division by zero."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Check:
    """One leaf condition as evaluated for one enterprise."""

    text: str
    variable: str
    label: str
    actual: str
    required: str
    passed: bool
    gap: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


_new = object.__new__


def _check(text: str, variable: str, label: str, actual: str, required: str, passed: bool, gap: str | None) -> Check:
    """``Check(...)`` without the frozen dataclass's ``__init__``, which sets each field through
    ``object.__setattr__`` and costs twice as much; the instance is the same."""
    check = _new(Check)
    fields = check.__dict__
    fields["text"] = text
    fields["variable"] = variable
    fields["label"] = label
    fields["actual"] = actual
    fields["required"] = required
    fields["passed"] = passed
    fields["gap"] = gap
    return check


@functools.cache
def industry_ranges(codes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Integer ranges over 4-digit codes: a section spans its divisions, a division 100 codes, a group 10."""
    ranges = []
    for code in codes:
        if code.isalpha():
            divisions = section_of(code).divisions
            ranges.append((int(divisions[0]) * 100, int(divisions[-1]) * 100 + 99))
        else:
            width = 10 ** (4 - len(code))
            ranges.append((int(code) * width, int(code) * width + width - 1))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


# Exact numbers as (numerator, denominator) ------------------------------------------------------------------------

Value = Callable[[Facts, Context], object]  # a compiled expression: (facts, ctx) -> (num, den) or a date


def _less(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] * b[1] < b[0] * a[1]


_OPERATORS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "=": operator.eq,
    "!=": operator.ne,
}


def _comparison(op: str) -> Callable[[object, object], bool]:
    """``(left, right) -> left op right`` on two rationals (cross-multiplied; denominators are
    positive) or two dates."""
    test = _OPERATORS[op]

    def compare(left, right) -> bool:
        if type(left) is tuple:
            return test(left[0] * right[1], right[0] * left[1])
        return test(left, right)

    return compare


_at_most = _comparison("<=")


_POWERS = tuple(10**i for i in range(40))


def decimal_text(num: int, den: int, places: int) -> str:
    """:func:`luoshi.rules.render._decimal_text` of ``num / den`` (``den > 0``) on integers.

    That function divides in the default decimal context (28 significant digits, then
    half-even to ``places``).  The division's rounding can only matter when the exact value
    is within half a unit of the 28th digit of a tie, or has more than 26 digits before the
    cut; such values (never a figure in 0.01万元 or a ratio of two) go to it unchanged.
    """
    negative = num < 0
    if negative:
        num = -num
    q, r = divmod(num * _POWERS[places], den)
    twice = 2 * r
    if twice > den or (twice == den and q & 1):
        q += 1
    digits = str(q)
    if len(digits) > 26 or (r and twice != den and abs(twice - den) * _POWERS[28 - len(digits)] <= den):
        return _decimal_text(Fraction(-num if negative else num, den), places)
    if places:
        if len(digits) <= places:
            digits = digits.rjust(places + 1, "0")
        digits = f"{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")
    return "-" + digits if negative else digits


def show_value(value, kind: str, unit: str, places: int | None = None) -> str:
    """:func:`luoshi.rules.render.format_value` of a compiled expression's value."""
    if type(value) is not tuple:
        return format_value(value, kind, unit, places)  # a date
    num, den = value
    if places is None:
        places = 2
    if kind == "money":
        if num and abs(num) < den and num * 10000 % den == 0:
            return f"{num * 10000 // den}元"
        return decimal_text(num, den, places) + "万元"
    if kind == "percent":
        return decimal_text(num * 100, den, places) + "%"
    return decimal_text(num, den, places) + unit


def compile_expression(node: n.Node) -> Value:
    """A function ``(facts, ctx) -> value`` for an expression: ``(num, den)`` for a number, a date for a date.

    It reads and raises exactly as :meth:`luoshi.rules.reference.Values.value`: operands
    left to right, :class:`Missing` for the first value that cannot be known.
    """
    if isinstance(node, n.Num):
        value = (node.value.numerator, node.value.denominator)
        return lambda facts, ctx: value
    if isinstance(node, n.DateLit):
        day = node.value
        return lambda facts, ctx: day
    if isinstance(node, n.Var):
        return _variable(node)
    if isinstance(node, n.Neg):
        operand = compile_expression(node.operand)

        def negative(facts, ctx):
            num, den = operand(facts, ctx)
            return -num, den

        return negative
    if isinstance(node, n.Arith):
        return _arithmetic(node, compile_expression(node.left), compile_expression(node.right))
    if isinstance(node, n.Call):
        return _call(node.func, [compile_expression(arg) for arg in node.args])
    raise TypeError(type(node).__name__)


def _variable(var: n.Var) -> Value:
    variable = VARIABLES[var.name]
    name, label, offset = var.name, variable.label, var.offset
    if variable.formula:
        formula = compile_expression(n.expand(var))

        def derived(facts, ctx):
            try:
                return formula(facts, ctx)
            except Missing as exc:
                if exc.message.startswith("缺少"):
                    raise
                year = ctx.figure_year + offset
                reason = exc.message.removesuffix("，无法相除")
                raise Missing(f"无法计算{year}年{label}（{reason}）") from None

        return derived
    if variable.yearly:
        scale = 100 if name in MONEY_FIGURES else 1  # money is stored in 0.01万元

        def figure(facts, ctx):
            year = ctx.figure_year + offset
            units = facts.units.get((name, year))
            if units is None:
                raise Missing(f"缺少{year}年{label}数据")
            return units, scale

        return figure
    if name == "age":

        def age(facts, ctx):
            years = facts.age(ctx.as_of)
            if years is None:
                raise Missing("缺少成立日期数据")
            return years, 1

        return age

    def stored(facts, ctx):
        value = getattr(facts, name)
        if value is None:
            raise Missing(f"缺少{label}数据")
        return value

    return stored


def _arithmetic(node: n.Arith, left: Value, right: Value) -> Value:
    op = node.op
    if op == "+":

        def add(facts, ctx):
            (a, b), (c, d) = left(facts, ctx), right(facts, ctx)
            return (a + c, b) if b == d else (a * d + c * b, b * d)

        return add
    if op == "-":

        def subtract(facts, ctx):
            (a, b), (c, d) = left(facts, ctx), right(facts, ctx)
            return (a - c, b) if b == d else (a * d - c * b, b * d)

        return subtract
    if op == "*":

        def multiply(facts, ctx):
            (a, b), (c, d) = left(facts, ctx), right(facts, ctx)
            return a * c, b * d

        return multiply
    divisor, kind, unit = node.right, n.expr_type(node.right), node.right.unit

    def divide(facts, ctx):
        (a, b), (c, d) = left(facts, ctx), right(facts, ctx)
        if c <= 0:
            shown = format_value(Fraction(c, d), kind, unit)
            raise Missing(f"{render_node(divisor, ctx)}为{shown}，无法相除")
        return a * d, b * c

    return divide


def _call(func: str, args: list[Value]) -> Value:
    if func == "avg":

        def average(facts, ctx):
            num, den = args[0](facts, ctx)
            for arg in args[1:]:
                c, d = arg(facts, ctx)
                num, den = (num + c, den) if den == d else (num * d + c * den, den * d)
            return num, den * len(args)

        return average

    def choose(facts, ctx):
        values = [arg(facts, ctx) for arg in args]
        best = values[0]
        for value in values[1:]:
            if _less(value, best) if func == "min" else _less(best, value):
                best = value
        return best

    return choose


# Leaf conditions ---------------------------------------------------------------------------------------------------


def _main_variable(node: n.Node) -> str:
    found = n.variables_of(node)
    return found[0].name if found else ""


class _Display:
    """How a value of one expression node is shown (``_shown`` of :mod:`luoshi.rules.reference`)."""

    def __init__(self, node: n.Node):
        self.fixed = node.text if isinstance(node, n.Num) and node.text and node.type != "bare" else None
        self.kind, self.unit = n.expr_type(node), getattr(node, "unit", "")

    def show(self, value) -> str:
        if self.fixed is not None:
            return self.fixed
        return show_value(value, self.kind, self.unit)

    def show_near(self, value, near, near_texts=None) -> str:
        """The value, with decimals added until it no longer looks equal to the threshold ``near``.

        ``near_texts``: the threshold shown with 2, 4 and 6 decimals, when it is known beforehand.
        """
        if self.fixed is not None:
            return self.fixed
        kind, unit = self.kind, self.unit
        text = show_value(value, kind, unit)
        if type(value) is tuple:
            for step, places in enumerate((4, 6, 8)):
                if value[0] * near[1] == near[0] * value[1]:
                    break
                shown_near = near_texts[step] if near_texts else show_value(near, kind, unit, places - 2)
                if text != shown_near:
                    break
                text = show_value(value, kind, unit, places)
        return text


def _literal(node: n.Node):
    """The value of a literal (a number or a date), None for anything else."""
    return compile_expression(node)(None, None) if isinstance(node, n.Num | n.DateLit) else None


class Leaf:
    """One distinct leaf condition of a rule: ``passes`` without a trace, ``check`` with it.

    ``check`` takes the leaf's texts for the context's figure year from :meth:`texts`.
    """

    def __init__(self, node: n.Node):
        self.node = node
        self.variable = _main_variable(node)
        self.label = VARIABLES[self.variable].label if self.variable else ""

    def texts(self, ctx: Context) -> tuple:
        """The condition as text (years named for ``ctx``), and what a subclass adds."""
        return (render_node(self.node, ctx),)

    def passes(self, facts: Facts, ctx: Context) -> bool:
        raise NotImplementedError

    def check(self, facts: Facts, ctx: Context, texts: tuple) -> Check:
        raise NotImplementedError


class _Comparison(Leaf):
    """``Cmp`` or ``Between`` over numbers or dates."""

    def __init__(self, node: n.Cmp | n.Between):
        super().__init__(node)
        self.between = isinstance(node, n.Between)
        subject = node.expr if self.between else node.left
        self.subject_node = subject
        self.subject = compile_expression(subject)
        self.shown = _Display(subject)
        self.required = None  # when every enterprise is held to the same literal
        if self.between:
            self.negated = node.negated
            self.low, self.high = compile_expression(node.low), compile_expression(node.high)
            self.low_shown, self.high_shown = _Display(node.low), _Display(node.high)
            low, high = _literal(node.low), _literal(node.high)
            if low is not None and high is not None:
                span = f"在{self.low_shown.show(low)}至{self.high_shown.show(high)}之间"
                self.required = ("不" if self.negated else "") + span
            return
        self.op = node.op
        self.compare = _comparison(node.op)
        self.right = compile_expression(node.right)
        self.right_shown = _Display(node.right)
        style = _style(subject)
        self.sign = WORDS[style][node.op] if style == "date" else SIGNS[node.op]
        right = _literal(node.right)
        self.near_texts = None
        if right is not None:
            self.required = self.sign + self.right_shown.show(right)
            if type(right) is tuple:
                kind, unit = self.shown.kind, self.shown.unit
                self.near_texts = tuple(show_value(right, kind, unit, places) for places in (2, 4, 6))
                self.passes = self._against(right)

    def _against(self, right: tuple[int, int]) -> Callable[[Facts, Context], bool]:
        """:meth:`passes` for a number compared with a literal, the most common leaf."""
        subject, test, (p, q) = self.subject, _OPERATORS[self.op], right

        def passes(facts: Facts, ctx: Context) -> bool:
            try:
                num, den = subject(facts, ctx)
            except Missing:
                return False
            return test(num * q, p * den)

        return passes

    def texts(self, ctx: Context) -> tuple:
        """The condition, and its subject as a gap names it (a variable of the figure year by its label)."""
        subject = self.subject_node
        if isinstance(subject, n.Var) and subject.offset == 0:
            return render_node(self.node, ctx), VARIABLES[subject.name].label
        return render_node(self.node, ctx), render_node(subject, ctx)

    def passes(self, facts: Facts, ctx: Context) -> bool:
        try:
            actual = self.subject(facts, ctx)
            if self.between:
                low, high = self.low(facts, ctx), self.high(facts, ctx)
                return (_at_most(low, actual) and _at_most(actual, high)) != self.negated
            return self.compare(actual, self.right(facts, ctx))
        except Missing:
            return False

    def check(self, facts: Facts, ctx: Context, texts: tuple) -> Check:
        text, subject_text = texts
        try:
            actual = self.subject(facts, ctx)
            if self.between:
                low, high = self.low(facts, ctx), self.high(facts, ctx)
            else:
                right = self.right(facts, ctx)
        except Missing as missing:
            return _check(text, self.variable, self.label, "未填报", "", False, missing.message)
        if self.between:
            passed = (_at_most(low, actual) and _at_most(actual, high)) != self.negated
            required = self.required
            if required is None:
                span = f"在{self.low_shown.show(low)}至{self.high_shown.show(high)}之间"
                required = ("不" if self.negated else "") + span
            actual_text = self.shown.show(actual)
        else:
            passed = self.compare(actual, right)
            required = self.required or self.sign + self.right_shown.show(right)
            shown = self.shown
            actual_text = shown.show(actual) if passed else shown.show_near(actual, right, self.near_texts)
        if passed:
            return _check(text, self.variable, self.label, actual_text, required, True, None)
        gap = f"{subject_text}{actual_text}，需{required}"
        return _check(text, self.variable, self.label, actual_text, required, False, gap)


@functools.lru_cache(maxsize=4096)
def _industry_actual(code: str) -> str:
    """An enterprise's industry as a check shows it (a division also with its code)."""
    return f"{industry_name(code)}（{code}）" if len(code) < 3 else industry_name(code)


_KEPT = 32  # checks kept per leaf and figure year, by the one fact they read (a few KiB)
_KEYS = (str, bool, frozenset, type(None))  # the types Facts gives these attributes


class _OneFact(Leaf):
    """A leaf that reads one attribute of the facts (``industry``, ``tags``, …), so that its check
    depends on that value alone: checks are immutable, and the first ``_KEPT`` are kept by value."""

    attribute: str

    def texts(self, ctx: Context) -> tuple:
        return render_node(self.node, ctx), {}

    def check(self, facts: Facts, ctx: Context, texts: tuple) -> Check:
        text, kept = texts
        value = getattr(facts, self.attribute)
        if type(value) not in _KEYS:  # Facts does not type-check street or chain
            return self.build(facts, value, text)
        check = kept.get(value)
        if check is None:
            check = self.build(facts, value, text)
            if len(kept) < _KEPT:
                kept[value] = check
        return check

    def build(self, facts: Facts, value, text: str) -> Check:
        raise NotImplementedError


class _Industry(_OneFact):
    attribute = "industry"

    def __init__(self, node: n.InIndustry):
        super().__init__(node)
        self.negated = node.negated
        ranges = industry_ranges(node.codes)  # sorted and disjoint
        self.starts, self.ends = [lo for lo, _ in ranges], [hi for _, hi in ranges]
        verb = "不属于" if node.negated else "属于"
        self.required = verb + "或".join(industry_name(code) for code in node.codes)

    def _inside(self, code: int) -> bool:
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]

    def passes(self, facts: Facts, ctx: Context) -> bool:
        code = facts.industry_code  # 0: no industry
        if code == 0:
            return False
        i = bisect.bisect_right(self.starts, code) - 1
        return (i >= 0 and code <= self.ends[i]) != self.negated

    def build(self, facts: Facts, value, text: str) -> Check:
        label = self.label
        if value is None:
            return _check(text, self.variable, label, "未填报", "", False, "缺少行业代码数据")
        passed = self._inside(facts.industry_code) != self.negated
        actual = _industry_actual(value)
        gap = None if passed else f"{label}为{actual}，需{self.required}"
        return _check(text, self.variable, label, actual, self.required, passed, gap)


class _Text(_OneFact):
    def __init__(self, node: n.InText):
        super().__init__(node)
        self.attribute, self.negated = node.var.name, node.negated
        self.values = node.values
        self.required = ("不为" if node.negated else "为") + "或".join(node.values)

    def passes(self, facts: Facts, ctx: Context) -> bool:
        value = getattr(facts, self.attribute)
        return value is not None and (value in self.values) != self.negated

    def build(self, facts: Facts, value, text: str) -> Check:
        label = self.label
        if value is None:
            return _check(text, self.variable, label, "未填报", "", False, f"缺少{label}数据")
        passed = (value in self.values) != self.negated
        gap = None if passed else f"{label}为{value}，需{self.required}"
        return _check(text, self.variable, label, value, self.required, passed, gap)


class _Tag(_OneFact):
    attribute = "tags"

    def __init__(self, node: n.HasTag):
        super().__init__(node)
        self.tag, self.negated = node.tag, node.negated
        self.required = f"{'不具有' if node.negated else '具有'}“{node.tag}”标签"

    def passes(self, facts: Facts, ctx: Context) -> bool:
        return (self.tag in facts.tags) != self.negated

    def build(self, facts: Facts, value, text: str) -> Check:
        label = self.label
        passed = (self.tag in value) != self.negated
        actual = "、".join(sorted(value)) or "无"
        gap = None if passed else f"{label}为{actual}，需{self.required}"
        return _check(text, self.variable, label, actual, self.required, passed, gap)


class _Flag(_OneFact):
    def __init__(self, node: n.Flag):
        super().__init__(node)
        self.attribute, self.negated = node.name, node.negated
        self.required = "否" if node.negated else "是"

    def passes(self, facts: Facts, ctx: Context) -> bool:
        return getattr(facts, self.attribute) != self.negated

    def build(self, facts: Facts, value, text: str) -> Check:
        label = self.label
        actual = "是" if value else "否"
        if value != self.negated:
            return _check(text, self.variable, label, actual, self.required, True, None)
        # “不是规上企业” reads better than “规上企业为否，需是”
        return _check(text, self.variable, label, actual, self.required, False, f"{'是' if value else '不是'}{label}")


_LEAVES: dict[type, type[Leaf]] = {
    n.Cmp: _Comparison,
    n.Between: _Comparison,
    n.InIndustry: _Industry,
    n.InText: _Text,
    n.HasTag: _Tag,
    n.Flag: _Flag,
}


# The rule ----------------------------------------------------------------------------------------------------------

Tree = int | tuple[bool, tuple]  # a leaf index, or (is_and, items)


def _holds(tree: Tree, passed: list[bool]) -> bool:
    if type(tree) is int:
        return passed[tree]
    is_and, items = tree
    if is_and:
        return all(_holds(item, passed) for item in items)
    return any(_holds(item, passed) for item in items)


def _fixes(tree: Tree, passed: list[bool]) -> list[int]:
    """Failing leaves whose fulfilment makes ``tree`` true: in an ``or``, the branch needing the fewest."""
    if type(tree) is int:
        return [] if passed[tree] else [tree]
    is_and, items = tree
    if is_and:
        return list(dict.fromkeys(leaf for item in items for leaf in _fixes(item, passed)))
    return min((_fixes(item, passed) for item in items), key=len)


class Plan:
    """A rule prepared for evaluation: see the module's docstring."""

    def __init__(self, rule):
        self.kind = rule.kind
        if rule.kind != "condition":
            self.value = compile_expression(rule.ast)
            return
        index: dict[n.Node, int] = {}
        self.leaves: list[Leaf] = []
        self.tree = self._index(rule.nnf, index)
        # A single leaf or an "and" of leaves: the failing leaves are the gaps, no search needed.
        self.flat = type(self.tree) is int or (self.tree[0] and all(type(item) is int for item in self.tree[1]))
        self._texts: dict[int, list[tuple]] = {}

    def _index(self, node: n.Node, index: dict[n.Node, int]) -> Tree:
        if isinstance(node, n.And | n.Or):
            return isinstance(node, n.And), tuple(self._index(item, index) for item in node.items)
        found = index.get(node)
        if found is None:
            found = index[node] = len(self.leaves)
            self.leaves.append(_LEAVES[type(node)](node))
        return found

    def texts(self, ctx: Context) -> list[tuple]:
        """Every leaf's texts for the context's figure year (prepared on first use)."""
        texts = self._texts.get(ctx.figure_year)
        if texts is None:
            texts = self._texts[ctx.figure_year] = [leaf.texts(ctx) for leaf in self.leaves]
        return texts

    def trace(self, facts: Facts, ctx: Context) -> tuple[list[Check], list[int]]:
        """One check per distinct leaf, in order, and the gaps as indexes into them."""
        texts = self._texts.get(ctx.figure_year) or self.texts(ctx)
        checks = [leaf.check(facts, ctx, leaf_texts) for leaf, leaf_texts in zip(self.leaves, texts, strict=True)]
        if self.flat:
            return checks, [i for i, check in enumerate(checks) if not check.passed]
        return checks, self.gaps([check.passed for check in checks])

    def passes(self, facts: Facts, ctx: Context) -> list[bool]:
        """Whether each distinct leaf holds, in order."""
        return [leaf.passes(facts, ctx) for leaf in self.leaves]

    def verdict(self, facts: Facts, ctx: Context) -> int:
        """The verdict without a trace, as an index: 0 ineligible, 1 near miss, 2 eligible."""
        if self.flat:  # stop at the second failing leaf
            failing = 0
            for leaf in self.leaves:
                if not leaf.passes(facts, ctx):
                    if failing:
                        return 0
                    failing = 1
            return 2 - failing
        fixes = self.gaps(self.passes(facts, ctx))
        return 2 if not fixes else 1 if len(fixes) == 1 else 0

    def gaps(self, passed: list[bool]) -> list[int]:
        """The gaps as leaf indexes: [] when the rule holds; one when fulfilling it alone suffices (a near miss)."""
        if self.flat:
            return [i for i, ok in enumerate(passed) if not ok]
        if _holds(self.tree, passed):
            return []
        fixes = _fixes(self.tree, passed)
        if len(fixes) > 1:
            # A leaf written twice can be fulfilled once for both places: try each failing leaf alone.
            for i, ok in enumerate(passed):
                if not ok and _holds(self.tree, [*passed[:i], True, *passed[i + 1 :]]):
                    return [i]
        return fixes


def plan_of(rule) -> Plan:
    """The rule's plan, built on first use and kept on the rule object itself (so it goes with the rule,
    and finding it hashes nothing); :class:`~luoshi.rules.syntax.Rule` leaves it out when pickled or copied."""
    plan = rule.__dict__.get("_plan")
    if plan is None:
        plan = rule.__dict__["_plan"] = Plan(rule)  # the frozen dataclass refuses setattr, not its __dict__
    return plan
