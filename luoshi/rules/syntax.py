"""Text to typed tree: the lexer, the parser and the type checks, and :class:`Rule`.

The parser is a small precedence climber over tokens; it never evaluates or
imports anything the text names.  Every node is type-checked as it is built,
so an error points at the operator or operand at fault.

>>> parse("industry in C and revenue >= 2000万元 and rd_ratio >= 3%").render()
'制造业企业，且上年度营业收入不低于2000万元，且研发费用占营业收入比重不低于3%'
>>> parse("营业收入 >= 2000 且 研发费用占营业收入比重 >= 3%").variables == {"revenue", "rd_expense", "rd_ratio"}
True
>>> parse("revenue_growth > 10%").years
frozenset({0, -1})
>>> parse("revenu >= 100")
Traceback (most recent call last):
    ...
luoshi.rules.errors.RuleError: 第1行第1列：未知变量“revenu”。是否要写：revenue（营业收入）？
>>> parse("rd_ratio >= 3")
Traceback (most recent call last):
    ...
luoshi.rules.errors.RuleError: 第1行第13列：研发费用占营业收入比重是百分比，请写成3%
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from luoshi.codes.industries import UnknownIndustry, lookup, sections
from luoshi.rules import nodes as n
from luoshi.rules.errors import RuleError
from luoshi.rules.variables import VARIABLES, all_names, resolve_name

__all__ = ["Rule", "parse", "parse_expression"]

TYPE_NAMES = {
    "money": "金额",
    "number": "数值",
    "percent": "百分比",
    "bare": "数值",
    "date": "日期",
    "text": "文本",
    "tags": "标签",
    "industry": "行业",
    "bool": "条件",
}
FUNCTIONS = {"min": "最小值", "max": "最大值", "avg": "平均值"}
MAX_YEARS_BACK = 10

# (unit text, type, factor to the stored unit: 万元 for money, a ratio for percent)
UNITS = {
    "万元": ("money", Fraction(1)),
    "亿元": ("money", Fraction(10000)),
    "元": ("money", Fraction(1, 10000)),
    "万": ("money", Fraction(1)),
    "亿": ("money", Fraction(10000)),
    "%": ("percent", Fraction(1, 100)),
    "％": ("percent", Fraction(1, 100)),
    "人": ("number", Fraction(1)),
    "年": ("number", Fraction(1)),
}
KEYWORDS = {"and": "and", "or": "or", "not": "not", "in": "in", "between": "between", "has": "has"}
KEYWORDS |= {"且": "and", "或": "or", "非": "not"}
SYMBOLS = {
    ">=": ">=",
    "<=": "<=",
    "!=": "!=",
    "==": "=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "（": "(",
    "）": ")",
    "，": ",",
    "×": "*",
    "÷": "/",
}
SYMBOLS |= {c: c for c in "><=+-*/()[],"}
CMP_OPS = frozenset({">=", "<=", ">", "<", "=", "!="})

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\u3000]+) | (?P<newline>\n) | (?P<comment>\#[^\n]*)
  | (?P<date>\d{4}-\d{1,2}-\d{1,2})(?![\d.])
  | (?P<num>\d+(?:\.\d+)?)(?P<unit>万元|亿元|元|万|亿|%|％|人|年)?
  | (?P<str>"[^"\n]*"|'[^'\n]*'|“[^”\n]*”)
  | (?P<kw>[且或非])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*|[\u4e00-\u9fff]+?(?=[且或非]|[^\u4e00-\u9fff]|$))
  | (?P<sym>>=|<=|!=|==|[≥≤≠＞＜＝（），×÷><=+\-*/()\[\],])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # num date str ident kw sym eof
    value: object
    text: str
    line: int
    column: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    line, line_start, i = 1, 0, 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        column = i - line_start + 1
        if m is None:
            raise RuleError(f"无法识别的字符“{text[i]}”", line=line, column=column)
        kind, raw = m.lastgroup, m.group()
        if kind == "unit":
            kind = "num"
        i = m.end()
        if kind == "newline":
            line, line_start = line + 1, i
            continue
        if kind in ("space", "comment"):
            continue
        value: object = raw
        if kind == "num":
            unit = m.group("unit") or ""
            value = (Fraction(Decimal(m.group("num"))), unit)
        elif kind == "date":
            try:
                value = date(*map(int, raw.split("-")))
            except ValueError:
                raise RuleError(f"日期“{raw}”不存在", line=line, column=column, code="bad_literal") from None
        elif kind == "str":
            value = raw[1:-1]
        elif kind == "ident" and raw.lower() in KEYWORDS:
            kind, value = "kw", KEYWORDS[raw.lower()]
        elif kind == "kw":
            value = KEYWORDS[raw]
        elif kind == "sym":
            value = SYMBOLS[raw]
        tokens.append(Token(kind, value, raw, line, column))
    tokens.append(Token("eof", None, "", line, len(text) - line_start + 1))
    return tokens


def _describe(node: n.Node) -> str:
    kind = TYPE_NAMES[n.expr_type(node)]
    if isinstance(node, n.Var):
        return f"{VARIABLES[node.name].label}（{kind}）"
    if isinstance(node, n.Num) and node.text:
        return f"{node.text}（{kind}）"
    return kind


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

    # Token helpers

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def at(self, kind: str, value: object = None, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok.kind == kind and (value is None or tok.value == value)

    def expect_sym(self, value: str, what: str) -> Token:
        if not self.at("sym", value):
            self.fail_here(f"此处应为{what}")
        return self.take()

    def fail(self, message: str, tok: Token | n.Node, code: str = "syntax"):
        line, column = (tok.line, tok.column) if isinstance(tok, Token) else tok.pos
        raise RuleError(message, line=line, column=column, code=code)

    def fail_here(self, message: str):
        tok = self.peek()
        found = "规则结尾" if tok.kind == "eof" else f"“{tok.text}”"
        self.fail(f"{message}，却是{found}", tok)

    @staticmethod
    def pos(tok: Token) -> n.Pos:
        return (tok.line, tok.column)

    # Grammar, loosest first

    def parse(self) -> n.Node:
        if self.at("eof"):
            self.fail("规则为空，请写出条件", self.peek())
        node = self.parse_or()
        if not self.at("eof"):
            tok = self.peek()
            hint = "（两个条件之间请用 and 或 or 连接）" if tok.kind in ("ident", "num", "str") else ""
            self.fail(f"多余的“{tok.text}”{hint}", tok)
        return node

    def parse_or(self) -> n.Node:
        return self._chain("or", self.parse_and, n.Or)

    def parse_and(self) -> n.Node:
        return self._chain("and", self.parse_not, n.And)

    def _chain(self, word: str, parse_item, kind) -> n.Node:
        first = parse_item()
        items = [first]
        while self.at("kw", word):
            tok = self.take()
            items.append(parse_item())
            for item in items[-2:]:
                self.need_bool(item, f"“{tok.text}”两边必须是条件")
        return first if len(items) == 1 else kind(tuple(items), pos=first.pos)

    def parse_not(self) -> n.Node:
        if self.at("kw", "not"):
            tok = self.take()
            item = self.parse_not()
            self.need_bool(item, f"“{tok.text}”后面必须是条件")
            return n.Not(item, pos=self.pos(tok))
        return self.parse_condition()

    def parse_condition(self) -> n.Node:
        left = self.parse_sum()
        tok = self.peek()
        if tok.kind == "sym" and tok.value in CMP_OPS:
            self.take()
            right = self.parse_sum()
            if self.at("sym") and self.peek().value in CMP_OPS:
                self.fail("不能连续比较，请用 between 或 and 连接两个比较", self.peek())
            return self.compare(tok, left, right)
        if self.at("kw", "between"):
            self.take()
            low = self.parse_sum()
            if not self.at("kw", "and"):
                self.fail_here("between 的上下限之间应为 and")
            self.take()
            high = self.parse_sum()
            return self.between(tok, left, low, high)
        if self.at("kw", "in") or (self.at("kw", "not") and self.at("kw", "in", ahead=1)):
            negated = self.take().value == "not"
            if negated:
                self.take()
            return self.membership(tok, left, negated)
        if self.at("kw", "has"):
            self.take()
            if not self.at("str"):
                self.fail_here('has 后面应为带引号的标签名，如 "专精特新"')
            value = self.take().value
            if not (isinstance(left, n.Var) and left.type == "tags"):
                self.fail(f"has 只能用于企业标签（tags），不能用于{_describe(left)}", tok, "type_mismatch")
            return n.HasTag(value, pos=left.pos)
        if isinstance(left, n.Var) and left.type == "bool":
            return n.Flag(left.name, pos=left.pos)
        return left

    def parse_sum(self) -> n.Node:
        left = self.parse_term()
        while self.at("sym", "+") or self.at("sym", "-"):
            tok = self.take()
            left = self.arith(tok, left, self.parse_term())
        return left

    def parse_term(self) -> n.Node:
        left = self.parse_unary()
        while self.at("sym", "*") or self.at("sym", "/"):
            tok = self.take()
            left = self.arith(tok, left, self.parse_unary())
        return left

    def parse_unary(self) -> n.Node:
        if self.at("sym", "-"):
            tok = self.take()
            operand = self.parse_unary()
            self.need_number(operand, tok)
            if isinstance(operand, n.Num):
                return n.Num(-operand.value, operand.type, operand.unit, "-" + operand.text, pos=self.pos(tok))
            return n.Neg(operand, operand.type, operand.unit, pos=self.pos(tok))
        return self.parse_primary()

    def parse_primary(self) -> n.Node:
        tok = self.peek()
        if tok.kind == "num":
            self.take()
            number, unit = tok.value
            if not unit:
                return n.Num(number, "bare", "", tok.text, pos=self.pos(tok))
            kind, factor = UNITS[unit]
            unit_name = "万元" if kind == "money" else unit
            return n.Num(number * factor, kind, unit_name, tok.text, pos=self.pos(tok))
        if tok.kind == "date":
            self.take()
            return n.DateLit(tok.value, pos=self.pos(tok))
        if tok.kind == "str":
            self.take()
            return n.Str(tok.value, pos=self.pos(tok))
        if tok.kind == "sym" and tok.value == "(":
            self.take()
            inner = self.parse_or()
            self.expect_sym(")", "右括号“)”")
            return inner
        if tok.kind == "ident":
            self.take()
            if self.at("sym", "("):
                return self.call(tok)
            return self.variable(tok)
        if tok.kind == "eof":
            self.fail("规则不完整，此处还缺少内容", tok)
        if tok.kind == "sym" and tok.value == "[":
            self.fail('列表只能用在 in 后面，如 street in ["中山路街道"]', tok)
        self.fail(f"此处不应出现“{tok.text}”", tok)

    def variable(self, tok: Token) -> n.Node:
        name = resolve_name(tok.text)
        if name is None:
            if tok.text in FUNCTIONS:
                self.fail(f"函数{tok.text}后面应有括号，如 {tok.text}(a, b)", tok, "unknown_function")
            close = difflib.get_close_matches(tok.text, all_names(), n=3, cutoff=0.7)
            hint = "、".join(f"{c}（{VARIABLES[resolve_name(c)].label}）" for c in close)
            message = f"未知变量“{tok.text}”。" + (f"是否要写：{hint}？" if hint else "可用变量见规则语言说明")
            self.fail(message, tok, "unknown_variable")
        var = n.Var(name, pos=self.pos(tok))
        if self.at("sym", "["):
            bracket = self.take()
            sign = -1 if self.at("sym", "-") and self.take() else 1
            number = self.peek()
            if number.kind != "num" or number.value[1] or number.value[0].denominator != 1:
                self.fail_here("方括号中应为年份偏移，如 revenue[-1] 表示上一年")
            self.take()
            self.expect_sym("]", "右方括号“]”")
            offset = sign * int(number.value[0])
            if not VARIABLES[name].yearly:
                self.fail(f"{VARIABLES[name].label}不是年度数据，不能指定年份", bracket, "bad_literal")
            if offset > 0:
                self.fail("只能读取数据年度及以前年度的数据，偏移应为0或负数，如 [-1]", number, "bad_literal")
            if offset < -MAX_YEARS_BACK:
                self.fail(f"最多读取前{MAX_YEARS_BACK}年的数据", number, "bad_literal")
            var = n.Var(name, offset, pos=var.pos)
        return var

    def call(self, tok: Token) -> n.Node:
        name = tok.text.lower()
        if name not in FUNCTIONS:
            self.fail(f"未知函数“{tok.text}”，可用函数：min、max、avg", tok, "unknown_function")
        self.take()
        args = [self.parse_sum()]
        while self.at("sym", ","):
            self.take()
            args.append(self.parse_sum())
        self.expect_sym(")", "右括号“)”")
        if name != "avg" and len(args) < 2:
            self.fail(f"{name} 至少需要两个参数", tok)
        for arg in args:
            self.need_number(arg, tok)
        kind, unit = self.unify(tok, args)
        args = [self.coerce(a, kind, unit) for a in args]
        if all(isinstance(a, n.Num) for a in args):
            values = [a.value for a in args]
            value = {"min": min, "max": max}[name](values) if name != "avg" else sum(values) / len(values)
            return n.Num(value, kind, unit, pos=self.pos(tok))
        return n.Call(name, tuple(args), kind, unit, pos=self.pos(tok))

    # Typed constructors

    def need_bool(self, node: n.Node, message: str):
        if n.expr_type(node) != "bool":
            self.fail(f"{message}，而这里是{_describe(node)}", node, "type_mismatch")

    def need_number(self, node: n.Node, tok: Token):
        if n.expr_type(node) not in n.NUMERIC:
            self.fail(f"“{tok.text}”只能用于数值，不能用于{_describe(node)}", tok, "type_mismatch")

    def arith(self, tok: Token, left: n.Node, right: n.Node) -> n.Node:
        self.need_number(left, tok)
        self.need_number(right, tok)
        op, a, b = tok.value, n.expr_type(left), n.expr_type(right)
        kind = _arith_type(op, a, b)
        if kind is None:
            self.fail(f"不能对{_describe(left)}和{_describe(right)}做“{tok.text}”运算", tok, "type_mismatch")
        unit = next((x.unit for x in (left, right) if n.expr_type(x) == kind and x.unit), "")
        if kind == "money":
            unit = "万元"
        if op in "+-":
            left, right = self.coerce(left, kind, unit), self.coerce(right, kind, unit)
        if op == "/" and isinstance(right, n.Num) and right.value <= 0:
            self.fail("除数必须是正数", right, "bad_literal")
        if isinstance(left, n.Num) and isinstance(right, n.Num):
            x, y = left.value, right.value
            value = {"+": x + y, "-": x - y, "*": x * y}[op] if op != "/" else x / y
            return n.Num(value, kind, unit, pos=left.pos)
        return n.Arith(op, left, right, kind, unit, pos=left.pos)

    def unify(self, tok: Token, nodes: list[n.Node]) -> tuple[str, str]:
        """The common numeric type of operands that are compared or chosen between."""
        typed = [x for x in nodes if n.expr_type(x) != "bare"]
        if not typed:
            return "bare", ""
        kind, unit = n.expr_type(typed[0]), typed[0].unit
        for other in typed[1:]:
            other_unit = other.unit
            if n.expr_type(other) != kind or (kind == "number" and unit and other_unit and unit != other_unit):
                self.fail(f"不能将{_describe(typed[0])}与{_describe(other)}比较", tok, "type_mismatch")
            unit = unit or other_unit
        return kind, unit

    def coerce(self, node: n.Node, kind: str, unit: str) -> n.Node:
        """A unit-less number takes the type it meets: 万元 next to money, 人 next to 从业人员."""
        if n.expr_type(node) != "bare" or kind == "bare":
            return node
        if kind == "percent" and node.value != 0:
            shown = f"{node.text}%" if node.text else "百分数（如3%）"
            self.fail(f"{self.subject}是百分比，请写成{shown}", node, "type_mismatch")
        return n.Num(node.value, kind, unit, pos=node.pos)

    subject = "比较对象"

    def compare(self, tok: Token, left: n.Node, right: n.Node) -> n.Node:
        op = tok.value
        if isinstance(left, n.Var) and left.type in ("text", "industry") and op in ("=", "!="):
            if not isinstance(right, n.Str):
                self.fail(f'{_describe(left)}只能与带引号的文字比较，如 "中山路街道"', right, "type_mismatch")
            return self.members(tok, left, [right.value], op == "!=", [right])
        ta, tb = n.expr_type(left), n.expr_type(right)
        if ta == "date" or tb == "date":
            if ta != tb:
                self.fail(f"不能将{_describe(left)}与{_describe(right)}比较", tok, "type_mismatch")
            if isinstance(left, n.DateLit):
                left, right, op = right, left, n.FLIP[op]
            if isinstance(right, n.Var) or isinstance(left, n.DateLit):
                self.fail("日期比较的一边应为成立日期，另一边为日期，如 founded <= 2022-12-31", tok, "type_mismatch")
            return n.Cmp(op, left, right, pos=left.pos)
        if n.expr_type(left) not in n.NUMERIC or n.expr_type(right) not in n.NUMERIC:
            self.fail(f"不能将{_describe(left)}与{_describe(right)}比较", tok, "type_mismatch")
        if isinstance(left, n.Num) and isinstance(right, n.Num):
            self.fail("比较的两边都是常数，请写出要比较的变量", tok)
        if isinstance(left, n.Num):
            left, right, op = right, left, n.FLIP[op]
        kind, unit = self.unify(tok, [left, right])
        self.subject = _subject(left)
        return n.Cmp(op, self.coerce(left, kind, unit), self.coerce(right, kind, unit), pos=left.pos)

    def between(self, tok: Token, expr: n.Node, low: n.Node, high: n.Node) -> n.Node:
        ta = n.expr_type(expr)
        if ta == "date":
            if not (isinstance(expr, n.Var) and isinstance(low, n.DateLit) and isinstance(high, n.DateLit)):
                self.fail("日期区间应写成 founded between 2020-01-01 and 2022-12-31", tok, "type_mismatch")
            return n.Between(expr, low, high, pos=expr.pos)
        for side in (expr, low, high):
            if n.expr_type(side) not in n.NUMERIC:
                self.fail(f"between 只能用于数值或日期，不能用于{_describe(side)}", side, "type_mismatch")
        kind, unit = self.unify(tok, [expr, low, high])
        self.subject = _subject(expr)
        expr, low, high = (self.coerce(x, kind, unit) for x in (expr, low, high))
        return n.Between(expr, low, high, pos=expr.pos)

    def membership(self, tok: Token, left: n.Node, negated: bool) -> n.Node:
        if isinstance(left, n.Var) and left.type == "tags":
            self.fail('判断企业标签请用 has，如 tags has "专精特新"', tok, "type_mismatch")
        if not (isinstance(left, n.Var) and left.type in ("text", "industry")):
            self.fail(f"in 只能用于行业、镇街、产业链、企业规模，不能用于{_describe(left)}", tok, "type_mismatch")
        items: list[Token] = []
        if self.at("sym", "["):
            self.take()
            while not self.at("sym", "]"):
                if items:
                    self.expect_sym(",", "逗号或右方括号“]”")
                if self.peek().kind not in ("str", "num", "ident"):
                    self.fail_here("列表中应为带引号的文字或行业代码")
                items.append(self.take())
            self.take()
            if not items:
                self.fail("列表不能为空", tok, "bad_literal")
        elif self.peek().kind in ("str", "num", "ident"):
            items.append(self.take())
        else:
            self.fail_here('in 后面应为列表，如 ["中山路街道", "胜利路街道"]')
        if left.type == "text" and any(t.kind != "str" for t in items):
            bad = next(t for t in items if t.kind != "str")
            self.fail(f'“{bad.text}”应加引号，如 "{bad.text}"', bad, "bad_literal")
        values = [t.value if t.kind == "str" else t.text for t in items]
        return self.members(tok, left, values, negated, items)

    def members(self, tok: Token, var: n.Var, values: list[str], negated: bool, where: list) -> n.Node:
        if var.type == "industry":
            codes = []
            for value, at in zip(values, where, strict=True):
                codes.append(_industry_code(value, lambda message, at=at: self.fail(message, at, "bad_literal")))
            return n.InIndustry(tuple(dict.fromkeys(codes)), negated, pos=var.pos)
        choices = VARIABLES[var.name].choices
        for value, at in zip(values, where, strict=True):
            if choices and value not in choices:
                label = VARIABLES[var.name].label
                self.fail(f"{label}“{value}”无效，应为{'、'.join(choices)}之一", at, "bad_literal")
        return n.InText(var, tuple(dict.fromkeys(values)), negated, pos=var.pos)


def _subject(node: n.Node) -> str:
    return VARIABLES[node.name].label if isinstance(node, n.Var) else "比较对象"


def _arith_type(op: str, a: str, b: str) -> str | None:
    if op in "+-":
        if a == b:
            return a
        pair = {a, b}
        return (pair - {"bare"}).pop() if "bare" in pair and pair & {"money", "number"} else None
    if op == "*":
        if a == b:
            return None if a == "money" else a
        for kind in ("money", "number", "percent"):
            if kind in (a, b):
                return kind
    if a == b:
        return "bare" if a == "bare" else "percent"
    if b == "money":
        return None
    return {"money": "money", "number": "number", "percent": "percent"}.get(a)


def _industry_code(value: str, fail) -> str:
    """A normalised GB/T 4754-2017 code from a code (“C”, “39”, “C3911”) or an exact section/division name."""
    try:
        return lookup(value).code
    except (UnknownIndustry, KeyError) as exc:
        for section in sections():
            if section.name == value:
                return section.code
        matches = [code for code in _division_names() if _division_names()[code] == value]
        if matches:
            return matches[0]
        fail(f"行业“{value}”无效：{exc}")


def _division_names() -> dict[str, str]:
    return {code: lookup(code).name for s in sections() for code in s.divisions}


@dataclass(frozen=True)
class Rule:
    """A parsed, type-checked rule: a condition (kind ``condition``) or an amount formula (kind ``amount``)."""

    text: str
    kind: str
    ast: n.Node = field(repr=False)
    variables: frozenset[str] = field(repr=False)
    years: frozenset[int] = field(repr=False)
    nnf: n.Node = field(repr=False, compare=False)

    def __getstate__(self) -> dict:
        """The fields, for pickle and copy: not the evaluation plan :func:`luoshi.rules.plan.plan_of` keeps
        here (functions; the copy builds its own on first use)."""
        return {name: value for name, value in self.__dict__.items() if name != "_plan"}

    def render(self) -> str:
        """The rule as a Chinese sentence."""
        from luoshi.rules.render import render

        return render(self)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "variables": sorted(self.variables),
            "years": sorted(self.years),
            "rendered": self.render(),
            "ast": self.ast.to_dict(),
        }


def parse(text: str, *, kind: str = "condition") -> Rule:
    """Parse and type-check a rule; raise :class:`RuleError` with line and column on any fault."""
    if kind not in ("condition", "amount"):
        raise ValueError(f"kind must be 'condition' or 'amount', not {kind!r}")
    if not isinstance(text, str):
        raise RuleError("规则应为文字", code="syntax")
    parser = _Parser(text)
    root = parser.parse()
    found = n.expr_type(root)
    if kind == "condition" and found != "bool":
        parser.fail(
            f"规则的结果必须是条件（是/否），而这里是{_describe(root)}；请写出比较，如 revenue >= 2000万元",
            root,
            "type_mismatch",
        )
    if kind == "amount" and found != "money":
        hint = "，请写明单位，如50万元" if found == "bare" else ""
        parser.fail(f"金额公式的结果必须是金额，而这里是{_describe(root)}{hint}", root, "type_mismatch")
    used = n.variables_of(root)
    return Rule(
        text=text,
        kind=kind,
        ast=root,
        variables=frozenset(v.name for v in used),
        years=frozenset(v.offset for v in used if VARIABLES[v.name].yearly),
        nnf=n.nnf(root) if kind == "condition" else root,
    )


def parse_expression(text: str) -> n.Node:
    """A numeric expression of any type (used for the derived variables' formulas)."""
    parser = _Parser(text)
    root = parser.parse()
    if n.expr_type(root) not in n.NUMERIC:
        parser.fail("这里应为数值表达式", root, "type_mismatch")
    return root
