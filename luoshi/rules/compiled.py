"""Rules compiled to one Python function, for many rules on one enterprise at a time (no trace).

The function is generated from the validated tree only: its source holds
generated names (``a0``, ``k3``, ``l7``) and operators, never text from the
rule; every literal (a threshold, a code range, a tag) is bound as a constant
in the function's namespace, which has no builtins.  Numbers are compared
exactly on Python integers through :mod:`luoshi.rules.algebra`, so the
verdicts equal :func:`luoshi.rules.evaluate.evaluate`'s ``eligible``.

>>> from datetime import date
>>> from luoshi.rules.syntax import parse
>>> check = compile_one([parse("industry in C and rd_ratio >= 3%"), parse("tags has \\"外资\\" or above_scale")])
>>> check(Facts(industry="3911", figures={2024: {"revenue": 2000, "rd_expense": 60}}), Context(2024, date(2025, 1, 1)))
[True, False]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from luoshi.rules import nodes as n
from luoshi.rules.algebra import Algebra, int_threshold
from luoshi.rules.facts import Context, Facts
from luoshi.rules.plan import industry_ranges
from luoshi.rules.syntax import Rule

__all__ = ["compile_one"]

PY_OPS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "=": "==", "!=": "!="}


class _SourceBackend:
    """Integer expressions as Python source over generated names."""

    def __init__(self):
        self.constants: dict[str, object] = {}
        self.by_value: dict[tuple[type, object], str] = {}
        self.atoms: dict[tuple[str, int], str] = {}
        self.prologue: list[str] = []

    def const(self, value) -> str:
        key = (type(value), value)
        name = self.by_value.get(key)
        if name is None:
            name = self.by_value[key] = f"k{len(self.by_value)}"
            self.constants[name] = value
        return name

    def _s(self, x) -> str:
        return self.const(x) if isinstance(x, int) else x

    def atom(self, var: n.Var):
        key = (var.name, var.offset)
        name = self.atoms.get(key)
        if name is None:
            name = self.atoms[key] = f"a{len(self.atoms)}"
            if var.name == "age":
                self.prologue.append(f"{name} = facts.age(ctx.as_of)")
            else:
                self.prologue.append(f"{name} = units.get(({self.const(var.name)}, fy + {self.const(var.offset)}))")
        return name, f"{name} is not None"

    def mul(self, x, y) -> str:
        return f"({self._s(x)} * {self._s(y)})"

    def add(self, x, y) -> str:
        return f"({self._s(x)} + {self._s(y)})"

    def neg(self, x) -> str:
        return f"(-{self._s(x)})"

    def where(self, cond, x, y) -> str:
        return f"({self._s(x)} if {cond} else {self._s(y)})"

    def cmp(self, op: str, x, y):
        if isinstance(x, int) and isinstance(y, int):
            return self.const_bool(eval_op(op, x, y))
        return f"({self._s(x)} {PY_OPS[op]} {self._s(y)})"

    def gt0(self, x) -> str:
        return f"({self._s(x)} > 0)"

    def const_bool(self, value: bool) -> str:
        return "True" if value else "False"

    def threshold(self, op: str, num, den, t):
        if den is None:
            found = int_threshold(op, t)
            return self.const_bool(found) if isinstance(found, bool) else self.cmp(found[0], num, found[1])
        return self.cmp(op, num if t.denominator == 1 else self.mul(t.denominator, num), self.mul(t.numerator, den))


def eval_op(op: str, x, y) -> bool:
    return {">=": x >= y, ">": x > y, "<=": x <= y, "<": x < y, "=": x == y, "!=": x != y}[op]


class _Compiler:
    def __init__(self):
        self.backend = _SourceBackend()
        self.algebra = Algebra(self.backend)
        self.leaf_names: dict[n.Node, str] = {}
        self.lines: list[str] = []

    def all_of(self, parts: list[str]) -> str:
        parts = [p for p in parts if p != "True"]
        if "False" in parts:
            return "False"
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def condition(self, node: n.Node) -> str:
        if isinstance(node, n.And):
            return "(" + " and ".join(self.condition(item) for item in node.items) + ")"
        if isinstance(node, n.Or):
            return "(" + " or ".join(self.condition(item) for item in node.items) + ")"
        name = self.leaf_names.get(node)
        if name is None:
            name = self.leaf_names[node] = f"l{len(self.leaf_names)}"
            self.lines.append(f"{name} = {self.leaf(node)}")
        return name

    def leaf(self, node: n.Node) -> str:
        b, alg = self.backend, self.algebra
        if isinstance(node, n.Cmp | n.Between):
            subject = node.left if isinstance(node, n.Cmp) else node.expr
            if n.expr_type(subject) == "date":
                founded = "facts.founded"
                if isinstance(node, n.Cmp):
                    test = f"{founded} {PY_OPS[node.op]} {b.const(node.right.value)}"
                else:
                    test = f"{b.const(node.low.value)} <= {founded} <= {b.const(node.high.value)}"
                    test = f"not ({test})" if node.negated else test
                return f"({founded} is not None and {test})"
            valid: list[str] = []
            value = alg.value(subject, valid)
            if isinstance(node, n.Cmp):
                test = alg.compare(node.op, value, alg.value(node.right, valid))
            else:
                low, high = alg.value(node.low, valid), alg.value(node.high, valid)
                test = self.all_of([alg.compare(">=", value, low), alg.compare("<=", value, high)])
                test = f"(not {test})" if node.negated else test
            return self.all_of([*valid, test])
        if isinstance(node, n.InIndustry):
            tests = [f"{b.const(lo)} <= code <= {b.const(hi)}" for lo, hi in industry_ranges(node.codes)]
            inside = " or ".join(tests)
            return f"(code != 0 and not ({inside}))" if node.negated else f"({inside})"
        if isinstance(node, n.InText):
            field = f"facts.{node.var.name}"  # a registry name, checked by the parser
            test = "not in" if node.negated else "in"
            return f"({field} is not None and {field} {test} {b.const(frozenset(node.values))})"
        if isinstance(node, n.HasTag):
            return f"({b.const(node.tag)} {'not in' if node.negated else 'in'} facts.tags)"
        if isinstance(node, n.Flag):
            return f"({'not ' if node.negated else ''}facts.{node.name})"
        raise TypeError(type(node).__name__)


def compile_one(rules: Sequence[Rule]) -> Callable[[Facts | Mapping, Context], list[bool]]:
    """One function ``f(facts, ctx) -> [eligible per rule]`` for the given condition rules."""
    rules = [rules] if isinstance(rules, Rule) else list(rules)
    compiler = _Compiler()
    results = []
    for rule in rules:
        if rule.kind != "condition":
            raise ValueError("compile_one() takes condition rules")
        results.append(compiler.condition(rule.nnf))
    backend = compiler.backend
    body = [
        "def _rules(facts, ctx):",
        "    fy = ctx.figure_year",
        "    units = facts.units",
        "    code = facts.industry_code",
        *(f"    {line}" for line in backend.prologue),
        *(f"    {line}" for line in compiler.lines),
        f"    return [{', '.join(f'bool({r})' if r in ('True', 'False') else r for r in results)}]",
    ]
    namespace: dict = {"__builtins__": {"bool": bool}, **backend.constants}
    # The source is generated from the validated tree: names we made, operators, no user text.
    exec(compile("\n".join(body), "<luoshi.rules>", "exec"), namespace)  # noqa: S102
    function = namespace["_rules"]

    def run(facts: Facts | Mapping, ctx: Context) -> list[bool]:
        if not isinstance(facts, Facts):
            facts = Facts.from_mapping(facts)
        return function(facts, ctx)

    run.source = "\n".join(body)  # for debugging and the docs
    return run
