"""The plain one-record evaluation: what :func:`luoshi.rules.evaluate.evaluate` computes, written directly.

Values are :class:`~fractions.Fraction` (money in 万元), every leaf is
evaluated and displayed straight from the syntax tree.  This is the
definition the fast path (:mod:`luoshi.rules.plan`) must equal in every
verdict, amount, check and gap; ``tests/rules/test_plan.py`` compares the two.
It is slow (tens of µs per rule): use :func:`luoshi.rules.evaluate.evaluate`.

>>> from datetime import date
>>> from luoshi.rules.syntax import parse
>>> outcome = reference_evaluate(
...     parse("industry in C and rd_ratio >= 3%"),
...     Facts(industry="3911", figures={2024: {"revenue": 10000, "rd_expense": 210}}),
...     Context(2024, date(2025, 3, 1)),
... )
>>> outcome.verdict, [g.gap for g in outcome.gaps]
('near_miss', ['研发费用占营业收入比重2.1%，需≥3%'])
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from luoshi.rules import nodes as n
from luoshi.rules.evaluate import VERDICTS, Outcome, to_yuan
from luoshi.rules.facts import Context, Facts
from luoshi.rules.plan import Check, Missing, industry_ranges
from luoshi.rules.render import SIGNS, WORDS, _style, format_value, industry_name, render_node
from luoshi.rules.syntax import Rule
from luoshi.rules.variables import MONEY_FIGURES, VARIABLES

__all__ = ["Values", "check_leaf", "gaps_of", "leaf_passes", "reference_amount", "reference_evaluate"]


class Values:
    """Exact values of expressions for one enterprise."""

    def __init__(self, facts: Facts, ctx: Context):
        self.facts = facts
        self.ctx = ctx

    def value(self, node: n.Node):
        if isinstance(node, n.Num | n.DateLit):
            return node.value
        if isinstance(node, n.Var):
            return self.var(node)
        if isinstance(node, n.Neg):
            return -self.value(node.operand)
        if isinstance(node, n.Arith):
            left, right = self.value(node.left), self.value(node.right)
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if right <= 0:
                shown = format_value(right, n.expr_type(node.right), node.right.unit)
                raise Missing(f"{render_node(node.right, self.ctx)}为{shown}，无法相除")
            return left / right
        if isinstance(node, n.Call):
            args = [self.value(a) for a in node.args]
            return {"min": min, "max": max}[node.func](args) if node.func != "avg" else sum(args) / len(args)
        raise TypeError(type(node).__name__)

    def var(self, var: n.Var):
        variable = VARIABLES[var.name]
        year = self.ctx.figure_year + var.offset
        if variable.formula:
            try:
                return self.value(n.expand(var))
            except Missing as exc:
                if exc.message.startswith("缺少"):
                    raise
                raise Missing(f"无法计算{year}年{variable.label}（{exc.message.removesuffix('，无法相除')}）") from None
        if variable.yearly:
            units = self.facts.units.get((var.name, year))
            if units is None:
                raise Missing(f"缺少{year}年{variable.label}数据")
            return Fraction(units, 100) if var.name in MONEY_FIGURES else Fraction(units)
        if var.name == "age":
            value = self.facts.age(self.ctx.as_of)
            if value is None:
                raise Missing("缺少成立日期数据")
            return Fraction(value)
        value = getattr(self.facts, var.name)
        if value is None:
            raise Missing(f"缺少{variable.label}数据")
        return value


def _compare(left, op: str, right) -> bool:
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == "=":
        return left == right
    return left != right


def _shown(values: Values, node: n.Node, value, *, near=None) -> str:
    """Display a value; with ``near``, add decimals until it no longer looks equal to the threshold."""
    kind, unit = n.expr_type(node), getattr(node, "unit", "")
    if isinstance(node, n.Num) and node.text and node.type != "bare":
        return node.text
    text = format_value(value, kind, unit)
    if near is not None and isinstance(value, Fraction):
        for places in (4, 6, 8):
            if value == near or text != format_value(near, kind, unit, places=places - 2):
                break
            text = format_value(value, kind, unit, places=places)
    return text


def _subject(node: n.Node, ctx: Context) -> str:
    if isinstance(node, n.Var) and node.offset == 0:
        return VARIABLES[node.name].label
    return render_node(node, ctx)


def _main_variable(node: n.Node) -> str:
    found = n.variables_of(node)
    return found[0].name if found else ""


def leaf_passes(values: Values, leaf: n.Node) -> bool:
    """Whether one leaf condition holds (the path without a trace)."""
    if isinstance(leaf, n.Cmp | n.Between):
        try:
            if isinstance(leaf, n.Cmp):
                return _compare(values.value(leaf.left), leaf.op, values.value(leaf.right))
            low, high = values.value(leaf.low), values.value(leaf.high)
            return (low <= values.value(leaf.expr) <= high) != leaf.negated
        except Missing:
            return False
    facts = values.facts
    if isinstance(leaf, n.InIndustry):
        code = facts.industry_code
        return code != 0 and any(lo <= code <= hi for lo, hi in industry_ranges(leaf.codes)) != leaf.negated
    if isinstance(leaf, n.InText):
        value = getattr(facts, leaf.var.name)
        return value is not None and (value in leaf.values) != leaf.negated
    if isinstance(leaf, n.HasTag):
        return (leaf.tag in facts.tags) != leaf.negated
    return getattr(facts, leaf.name) != leaf.negated


def check_leaf(values: Values, leaf: n.Node) -> Check:
    """Evaluate one leaf condition with its display strings."""
    ctx = values.ctx
    text, name = render_node(leaf, ctx), _main_variable(leaf)
    label = VARIABLES[name].label if name else ""
    if isinstance(leaf, n.Cmp | n.Between):
        subject = leaf.left if isinstance(leaf, n.Cmp) else leaf.expr
        words = WORDS[_style(subject)]
        try:
            actual = values.value(subject)
            if isinstance(leaf, n.Cmp):
                right = values.value(leaf.right)
                passed = _compare(actual, leaf.op, right)
            else:
                low, high = values.value(leaf.low), values.value(leaf.high)
                passed = (low <= actual <= high) != leaf.negated
        except Missing as missing:
            return Check(text, name, label, "未填报", "", False, missing.message)
        if isinstance(leaf, n.Cmp):
            sign = words[leaf.op] if _style(subject) == "date" else SIGNS[leaf.op]
            required = sign + _shown(values, leaf.right, right)
            actual_text = _shown(values, subject, actual, near=None if passed else right)
        else:
            span = f"在{_shown(values, leaf.low, low)}至{_shown(values, leaf.high, high)}之间"
            required = ("不" if leaf.negated else "") + span
            actual_text = _shown(values, subject, actual)
        gap = None if passed else f"{_subject(subject, ctx)}{actual_text}，需{required}"
        return Check(text, name, label, actual_text, required, passed, gap)
    facts = values.facts
    if isinstance(leaf, n.InIndustry):
        if facts.industry is None:
            return Check(text, name, label, "未填报", "", False, "缺少行业代码数据")
        code = facts.industry_code
        inside = any(lo <= code <= hi for lo, hi in industry_ranges(leaf.codes))
        passed = inside != leaf.negated
        actual = (
            f"{industry_name(facts.industry)}（{facts.industry}）"
            if len(facts.industry) < 3
            else industry_name(facts.industry)
        )
        required = ("不属于" if leaf.negated else "属于") + "或".join(industry_name(c) for c in leaf.codes)
    elif isinstance(leaf, n.InText):
        value = getattr(facts, leaf.var.name)
        if value is None:
            return Check(text, name, label, "未填报", "", False, f"缺少{label}数据")
        passed = (value in leaf.values) != leaf.negated
        actual, required = value, ("不为" if leaf.negated else "为") + "或".join(leaf.values)
    elif isinstance(leaf, n.HasTag):
        passed = (leaf.tag in facts.tags) != leaf.negated
        actual = "、".join(sorted(facts.tags)) or "无"
        required = f"{'不具有' if leaf.negated else '具有'}“{leaf.tag}”标签"
    elif isinstance(leaf, n.Flag):
        value = getattr(facts, leaf.name)
        passed = value != leaf.negated
        actual, required = ("是" if value else "否"), ("否" if leaf.negated else "是")
        if not passed:  # “不是规上企业” reads better than “规上企业为否，需是”
            return Check(text, name, label, actual, required, False, f"{'是' if value else '不是'}{label}")
    else:
        raise TypeError(type(leaf).__name__)
    return Check(text, name, label, actual, required, passed, None if passed else f"{label}为{actual}，需{required}")


def _holds(node: n.Node, passed: Mapping[n.Node, bool]) -> bool:
    if isinstance(node, n.And):
        return all(_holds(item, passed) for item in node.items)
    if isinstance(node, n.Or):
        return any(_holds(item, passed) for item in node.items)
    return passed[node]


def _fixes(node: n.Node, passed: Mapping[n.Node, bool]) -> list[n.Node]:
    """Failing leaves whose fulfilment makes ``node`` true: in an ``or``, the branch needing the fewest."""
    if isinstance(node, n.And):
        return list(dict.fromkeys(leaf for item in node.items for leaf in _fixes(item, passed)))
    if isinstance(node, n.Or):
        return min((_fixes(item, passed) for item in node.items), key=len)
    return [] if passed[node] else [node]


def gaps_of(rule_nnf: n.Node, passed: Mapping[n.Node, bool]) -> list[n.Node]:
    """The gaps: [] when the rule holds; one leaf when fulfilling it alone suffices (a near miss)."""
    if _holds(rule_nnf, passed):
        return []
    fixes = _fixes(rule_nnf, passed)
    if len(fixes) > 1:
        # A leaf written twice can be fulfilled once for both places: try each failing leaf alone.
        for leaf, ok in passed.items():
            if not ok and _holds(rule_nnf, {**passed, leaf: True}):
                return [leaf]
    return fixes


def reference_amount(amount: Rule, facts: Facts, ctx: Context):
    """The amount formula's result in yuan (2 places), or None when its data is missing."""
    try:
        value = Values(facts, ctx).value(amount.ast)
    except Missing:
        return None
    return to_yuan(value)


def reference_evaluate(
    rule: Rule, facts: Facts | Mapping, ctx: Context, *, amount: Rule | None = None, trace: bool = True
) -> Outcome:
    """:func:`luoshi.rules.evaluate.evaluate`, computed the plain way."""
    if not isinstance(facts, Facts):
        facts = Facts.from_mapping(facts)
    if rule.kind != "condition":
        raise ValueError("evaluate() takes a condition rule; pass the amount formula as amount=")
    values = Values(facts, ctx)
    checks: dict[n.Node, Check] = {}
    passed: dict[n.Node, bool] = {}
    for leaf in n.leaves(rule.nnf):
        if leaf not in passed:
            if trace:
                checks[leaf] = check_leaf(values, leaf)
                passed[leaf] = checks[leaf].passed
            else:
                passed[leaf] = leaf_passes(values, leaf)
    fixes = gaps_of(rule.nnf, passed)
    verdict = VERDICTS[2] if not fixes else VERDICTS[1] if len(fixes) == 1 else VERDICTS[0]
    money = None
    if amount is not None and not fixes:
        if amount.kind != "amount":
            raise ValueError("amount must be a rule parsed with kind='amount'")
        money = reference_amount(amount, facts, ctx)
    if not trace:
        return Outcome(verdict, money)
    return Outcome(verdict, money, list(checks.values()), [checks[leaf] for leaf in fixes])
