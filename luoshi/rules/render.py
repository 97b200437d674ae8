"""Rules as Chinese sentences.

A year is named when it first appears and again only when it changes, as a
person would write it; with a :class:`~luoshi.rules.facts.Context` the years
are concrete (2024年) instead of relative (上年度).

>>> from luoshi.rules.syntax import parse
>>> render(parse("(revenue >= 1000万元 or revenue_growth >= 20%) and not tags has \\"外资\\""))
'（上年度营业收入不低于1000万元或营业收入增长率不低于20%），且不具有“外资”标签'
>>> render(parse("min(rd_expense * 10%, 50万元)", kind="amount"))
'按上年度研发费用的10%计算，最高50万元'
>>> render(parse("founded <= 2022-12-31 and size in [\\"小型\\", \\"微型\\"]"))
'成立日期不晚于2022年12月31日，且企业规模为小型或微型'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from luoshi.codes.industries import lookup
from luoshi.rules import nodes as n
from luoshi.rules.facts import Context
from luoshi.rules.variables import VARIABLES

__all__ = ["format_value", "render", "render_node"]

WORDS = {
    "plain": {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "=": "等于", "!=": "不等于"},
    "count": {">=": "不少于", ">": "多于", "<=": "不多于", "<": "少于", "=": "等于", "!=": "不等于"},
    "date": {">=": "不早于", ">": "晚于", "<=": "不晚于", "<": "早于", "=": "为", "!=": "不为"},
}
SIGNS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "＝", "!=": "≠"}
ARITH = {"+": "＋", "-": "−", "*": "×", "/": "÷"}
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _decimal_text(value: Fraction, places: int) -> str:
    """Exact when it fits in ``places`` decimals, else rounded; trailing zeros dropped."""
    shown = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{round(shown, places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: object, kind: str, unit: str = "", places: int | None = None) -> str:
    """A value as shown to people: 1200万元, 500元, 3%, 120人, 2020年1月1日.

    >>> format_value(Fraction(1, 20), "money"), format_value(Fraction(3, 100), "percent")
    ('500元', '3%')
    >>> format_value(Fraction(2, 3), "percent")
    '66.67%'
    """
    if value is None:
        return "未填报"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if kind == "money":
        if 0 < abs(value) < 1 and (value * 10000).denominator == 1:
            return f"{value * 10000}元"
        return f"{_decimal_text(value, 2 if places is None else places)}万元"
    if kind == "percent":
        return f"{_decimal_text(value * 100, 2 if places is None else places)}%"
    if isinstance(value, Fraction):
        return f"{_decimal_text(value, 2 if places is None else places)}{unit}"
    return str(value)


class _Renderer:
    def __init__(self, ctx: Context | None):
        self.ctx = ctx
        self.last_offset: int | None = None

    def year(self, offset: int) -> str:
        if offset == self.last_offset:
            return ""
        self.last_offset = offset
        if self.ctx is not None:
            return f"{self.ctx.figure_year + offset}年"
        return {0: "上年度", -1: "前年度"}.get(offset, f"{-offset}年前")

    def cond(self, node: n.Node, top: bool = True) -> str:
        if isinstance(node, n.And | n.Or):
            word = "且" if isinstance(node, n.And) else "或"
            parts = [self.cond(item, top=False) for item in node.items]
            if top:
                return f"，{word}".join(parts)
            return f"（{word.join(parts)}）"
        if isinstance(node, n.Not):
            return f"不满足“{self.cond(node.item)}”"
        return self.leaf(node)

    def leaf(self, node: n.Node) -> str:
        if isinstance(node, n.Cmp):
            left = self.expr(node.left)
            return f"{left}{WORDS[_style(node.left)][node.op]}{self.expr(node.right)}"
        if isinstance(node, n.Between):
            inside = f"在{self.expr(node.low)}至{self.expr(node.high)}之间"
            return self.expr(node.expr) + ("不" if node.negated else "") + inside
        if isinstance(node, n.InText):
            label = VARIABLES[node.var.name].label
            if len(node.values) == 1:
                return f"{label}{'不为' if node.negated else '为'}{node.values[0]}"
            if node.negated:
                return f"{label}不属于{'、'.join(node.values)}"
            return f"{label}为{'、'.join(node.values[:-1])}或{node.values[-1]}"
        if isinstance(node, n.InIndustry):
            names = [industry_name(code) for code in node.codes]
            if node.negated:
                return f"非{names[0]}企业" if len(names) == 1 else f"非（{'或'.join(names)}）企业"
            return f"{'或'.join(names)}企业"
        if isinstance(node, n.HasTag):
            return f"{'不具有' if node.negated else '具有'}“{node.tag}”标签"
        if isinstance(node, n.Flag):
            return f"{'非' if node.negated else '为'}{VARIABLES[node.name].label}"
        raise TypeError(type(node).__name__)

    def expr(self, node: n.Node, parent: int = 0) -> str:
        if isinstance(node, n.Var):
            variable = VARIABLES[node.name]
            return (self.year(node.offset) if variable.yearly else "") + variable.label
        if isinstance(node, n.Num):
            return node.text if node.text and node.type != "bare" else format_value(node.value, node.type, node.unit)
        if isinstance(node, n.DateLit):
            return format_value(node.value, "date")
        if isinstance(node, n.Str):
            return f"“{node.value}”"
        if isinstance(node, n.Neg):
            return f"−{self.expr(node.operand, 3)}"
        if isinstance(node, n.Arith):
            level = PRECEDENCE[node.op]
            right_level = level + 1 if node.op in "-/" else level
            text = f"{self.expr(node.left, level)}{ARITH[node.op]}{self.expr(node.right, right_level)}"
            return f"（{text}）" if level < parent else text
        if isinstance(node, n.Call):
            args = [self.expr(a) for a in node.args]
            joined = "、".join(args[:-1]) + "与" + args[-1] if len(args) > 1 else args[0]
            return {"min": f"{joined}中的较小者", "max": f"{joined}中的较大者", "avg": f"{joined}的平均值"}[node.func]
        raise TypeError(type(node).__name__)

    def amount(self, node: n.Node) -> str:
        if isinstance(node, n.Call) and node.func in ("min", "max") and isinstance(node.args[-1], n.Num):
            bound = "最高" if node.func == "min" else "最低"
            rest = node.args[0] if len(node.args) == 2 else n.Call(node.func, node.args[:-1], node.type, node.unit)
            return f"{self.amount(rest)}，{bound}{self.expr(node.args[-1])}"
        if isinstance(node, n.Arith) and node.op == "*":
            for base, rate in ((node.left, node.right), (node.right, node.left)):
                if isinstance(rate, n.Num) and rate.type == "percent":
                    shown = self.expr(base)
                    return f"按{f'（{shown}）' if isinstance(base, n.Arith | n.Neg) else shown}的{self.expr(rate)}计算"
        if isinstance(node, n.Num):
            return f"定额{self.expr(node)}"
        return f"按{self.expr(node)}计算"


def _style(node: n.Node) -> str:
    kind = n.expr_type(node)
    if kind == "date":
        return "date"
    return "count" if kind == "number" and node.unit in ("人", "年") else "plain"


def industry_name(code: str) -> str:
    industry = lookup(code)
    return industry.name if industry.level in ("门类", "大类") else f"{industry.name}（{code}）"


def render(rule, ctx: Context | None = None) -> str:
    """A rule (condition or amount) as one Chinese sentence."""
    renderer = _Renderer(ctx)
    if rule.kind == "amount":
        return renderer.amount(rule.ast)
    return renderer.cond(rule.nnf)


def render_node(node: n.Node, ctx: Context | None = None) -> str:
    """One leaf condition or expression on its own (years always named)."""
    renderer = _Renderer(ctx)
    if isinstance(node, n.LEAVES):
        return renderer.leaf(node)
    return renderer.expr(node)
