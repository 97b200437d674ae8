"""The typed syntax tree of a rule, and the rewrites every evaluator shares.

Nodes are frozen dataclasses compared by structure (positions are left out),
so the same condition written in two rules is the same key: the batch path
computes it once.  Expression nodes carry their type (see
:mod:`luoshi.rules.variables`; ``bare`` is a number written without a unit).

Conditions are evaluated in negation normal form (:func:`nnf`): ``not`` is
pushed down to the leaves, where it turns ``>=`` into ``<`` or sets
``negated``.  A leaf whose data is missing is false either way, so missing
data never makes an enterprise eligible.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields, replace
from datetime import date
from fractions import Fraction

from luoshi.rules.variables import VARIABLES

Pos = tuple[int, int]
NUMERIC = frozenset({"money", "number", "percent", "bare"})
NEGATE = {">=": "<", "<": ">=", ">": "<=", "<=": ">", "=": "!=", "!=": "="}
FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "=", "!=": "!="}


@dataclass(frozen=True)
class Node:
    pos: Pos = field(default=(1, 1), compare=False, repr=False, kw_only=True)

    def to_dict(self) -> dict:
        """A JSON-safe tree for the UI: ``{"node": "Cmp", "op": ">=", ...}``."""
        out: dict = {"node": type(self).__name__}
        for f in fields(self):
            if f.name in ("pos", "text"):
                continue
            out[f.name] = _plain(getattr(self, f.name))
        return out


def _plain(value):
    if isinstance(value, Node):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction | date):
        return str(value) if isinstance(value, date) else f"{value.numerator}/{value.denominator}"
    return value


# Expressions ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num(Node):
    """A number literal; ``value`` in 万元 for money, as a ratio for percent (3% is 3/100)."""

    value: Fraction
    type: str
    unit: str = ""
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class DateLit(Node):
    value: date


@dataclass(frozen=True)
class Str(Node):
    value: str


@dataclass(frozen=True)
class Var(Node):
    """A variable; for a yearly one, ``offset`` 0 is the figure year and -1 the year before."""

    name: str
    offset: int = 0

    @property
    def type(self) -> str:
        return VARIABLES[self.name].type

    @property
    def unit(self) -> str:
        return VARIABLES[self.name].unit


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * /
    left: Node
    right: Node
    type: str
    unit: str = ""


@dataclass(frozen=True)
class Neg(Node):
    operand: Node
    type: str
    unit: str = ""


@dataclass(frozen=True)
class Call(Node):
    func: str  # min max avg
    args: tuple[Node, ...]
    type: str
    unit: str = ""


# Conditions ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cmp(Node):
    """``left op right`` on numbers or dates; a constant is always on the right."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Between(Node):
    """``expr between low and high``, both ends included."""

    expr: Node
    low: Node
    high: Node
    negated: bool = False


@dataclass(frozen=True)
class InText(Node):
    var: Var
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class InIndustry(Node):
    """Membership of GB/T 4754-2017 sections, divisions, groups or classes (normalised codes)."""

    codes: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class HasTag(Node):
    tag: str
    negated: bool = False


@dataclass(frozen=True)
class Flag(Node):
    """A bool variable used as a condition (``above_scale``)."""

    name: str
    negated: bool = False


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    item: Node


LEAVES = (Cmp, Between, InText, InIndustry, HasTag, Flag)


def expr_type(node: Node) -> str:
    """The type of an expression node or literal."""
    if isinstance(node, DateLit):
        return "date"
    if isinstance(node, Str):
        return "text"
    if isinstance(node, (*LEAVES, And, Or, Not)):
        return "bool"
    return node.type


def nnf(node: Node, negate: bool = False) -> Node:
    """Push ``not`` down to the leaves and flatten nested and/or.

    >>> from luoshi.rules.syntax import parse
    >>> tree = nnf(parse("not (revenue >= 100 and above_scale)").ast)
    >>> type(tree).__name__, [leaf.op if isinstance(leaf, Cmp) else leaf.negated for leaf in tree.items]
    ('Or', ['<', True])
    """
    if isinstance(node, Not):
        return nnf(node.item, not negate)
    if isinstance(node, And | Or):
        kind = type(node) if not negate else (Or if isinstance(node, And) else And)
        items: list[Node] = []
        for item in node.items:
            item = nnf(item, negate)
            items.extend(item.items if isinstance(item, kind) else (item,))
        return kind(tuple(items), pos=node.pos)
    if not negate:
        return node
    if isinstance(node, Cmp):
        return replace(node, op=NEGATE[node.op])
    return replace(node, negated=not node.negated)


def leaves(node: Node) -> list[Node]:
    """The leaf conditions of an nnf tree, in reading order."""
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in leaves(item)]
    return [node]


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Arith):
        return (node.left, node.right)
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Cmp):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.expr, node.low, node.high)
    if isinstance(node, InText):
        return (node.var,)
    if isinstance(node, And | Or):
        return node.items
    if isinstance(node, Not):
        return (node.item,)
    return ()


def variables_of(node: Node) -> list[Var]:
    """Every variable read, derived ones expanded too (for dependencies)."""
    found: list[Var] = []
    if isinstance(node, Var):
        found.append(node)
        if VARIABLES[node.name].formula:
            found.extend(variables_of(expand(node)))
        elif node.name == "age":
            found.append(Var("founded"))
    elif isinstance(node, InIndustry):
        found.append(Var("industry"))
    elif isinstance(node, HasTag):
        found.append(Var("tags"))
    elif isinstance(node, Flag):
        found.append(Var(node.name))
    for child in children(node):
        found.extend(variables_of(child))
    return found


@functools.cache
def _formula(name: str) -> Node:
    from luoshi.rules.syntax import parse_expression  # the formulas are written in the language itself

    return parse_expression(VARIABLES[name].formula)


def expand(var: Var) -> Node:
    """A derived variable as its formula over stored figures of the same year offset."""
    return shift(_formula(var.name), var.offset)


def shift(node: Node, offset: int) -> Node:
    if offset == 0:
        return node
    if isinstance(node, Var):
        return replace(node, offset=node.offset + offset)
    if isinstance(node, Arith):
        return replace(node, left=shift(node.left, offset), right=shift(node.right, offset))
    if isinstance(node, Neg):
        return replace(node, operand=shift(node.operand, offset))
    if isinstance(node, Call):
        return replace(node, args=tuple(shift(a, offset) for a in node.args))
    return node
