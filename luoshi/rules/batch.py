"""Many rules over many enterprises in one vectorised pass.

:func:`compile_batch` takes rules once; :meth:`Batch.eligible`,
:meth:`Batch.verdicts` and :meth:`Batch.amounts` evaluate them over a
:class:`~luoshi.rules.table.Table` with NumPy.  A leaf condition, an integer
subexpression (``100 * rd_expense``), a ratio or a validity mask that several
rules share is computed once per call.

Exactness (see :mod:`luoshi.rules.algebra`): money is int64 of 0.01万元 and
comparisons are integer comparisons.  A ratio against a constant (``rd_ratio
>= 3%``) is compared in float64 only when the table's magnitudes prove it
safe: two different values ``N/D`` and ``p/q`` differ by at least ``1/(D*q)``,
more than two float64 steps while ``D*p < 2**50``, so rounding can neither
merge nor swap them.  Otherwise the comparison is cross-multiplied on int64,
or on Python integers where int64 could overflow.

>>> from datetime import date
>>> from luoshi.rules.syntax import parse
>>> ctx = Context(2024, date(2025, 3, 1))
>>> facts = [Facts(industry="3911", figures={2024: {"revenue": r, "rd_expense": 60}}) for r in (2000, 2000.01, 1999)]
>>> batch = compile_batch([parse("industry in C and revenue >= 2000万元 and rd_ratio >= 3%")])
>>> batch.verdicts(Table.from_facts(facts, ctx)).tolist()
[[2, 1, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

import numpy as np

from luoshi.rules import nodes as n
from luoshi.rules.algebra import Algebra, int_threshold
from luoshi.rules.facts import Context, Facts  # noqa: F401 (the doctest uses them)
from luoshi.rules.plan import Leaf, industry_ranges, plan_of
from luoshi.rules.syntax import Rule
from luoshi.rules.table import EPOCH, Table
from luoshi.rules.variables import VARIABLES

__all__ = ["Batch", "compile_batch", "figure_keys", "near_miss_gaps", "reads_current_figures", "relaxed"]

LIMIT = 1 << 62  # int64 products beyond this go to Python integers
FLOAT_SAFE = 1 << 50
OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "=": np.equal, "!=": np.not_equal}


class _Ints:
    """An integer column with a bound on its magnitude and a structural key (for sharing)."""

    __slots__ = ("arr", "bound", "key")

    def __init__(self, arr, bound: int, key):
        self.arr, self.bound, self.key = arr, bound, key

    def __eq__(self, other) -> bool:
        return isinstance(other, _Ints) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def _parts(x):
    if isinstance(x, _Ints):
        return x.arr, x.bound, x.key
    return x, abs(x), x


class _NumpyBackend:
    def __init__(self, table: Table):
        self.table = table
        self.cache: dict = {}

    def _memo(self, key, build):
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = build()
        return found

    def atom(self, var: n.Var):
        if var.name == "age":
            years, present = self.table.age()
            bound = int(np.abs(years).max()) if len(years) else 0
            return _Ints(years, bound, ("age",)), present
        fig = self.table.figure_parts(var.name, self.table.ctx.figure_year + var.offset)
        return _Ints(fig.units, fig.bound, (var.name, var.offset)), fig.present

    def _op(self, symbol: str, x, y, bound: int, compute):
        ax, _, kx = _parts(x)
        ay, _, ky = _parts(y)
        key = (symbol, kx, ky)

        def build():
            a, b = ax, ay
            if bound >= LIMIT:
                a = a.astype(object) if isinstance(a, np.ndarray) else a
                b = b.astype(object) if isinstance(b, np.ndarray) else b
            return _Ints(compute(a, b), bound, key)

        return self._memo(key, build)

    def mul(self, x, y):
        return self._op("*", x, y, _parts(x)[1] * _parts(y)[1], np.multiply)

    def add(self, x, y):
        return self._op("+", x, y, _parts(x)[1] + _parts(y)[1], np.add)

    def neg(self, x):
        return self._op("-", 0, x, _parts(x)[1], np.subtract)

    def where(self, cond, x, y):
        if isinstance(cond, bool):
            return x if cond else y
        ax, bx, kx = _parts(x)
        ay, by, ky = _parts(y)
        return _Ints(np.where(cond, ax, ay), max(bx, by), ("where", id(cond), kx, ky))

    def cmp(self, op: str, x, y):
        ax, _, kx = _parts(x)
        ay, _, ky = _parts(y)
        if not isinstance(ax, np.ndarray) and not isinstance(ay, np.ndarray):
            return bool(OPS[op](ax, ay))

        def build():
            result = OPS[op](ax, ay)
            return result.astype(bool) if result.dtype == object else result

        return self._memo(("cmp", op, kx, ky), build)

    def gt0(self, x):
        return self.cmp(">", x, 0)

    def const_bool(self, value: bool) -> bool:
        return value

    def threshold(self, op: str, num, den, t):
        """``num / den op t`` with ``den > 0`` on valid rows."""
        if den is None or t == 0:
            found = int_threshold(op, t)
            return found if isinstance(found, bool) else self.cmp(found[0], num, found[1])
        if isinstance(den, int):
            return self.threshold(op, num, None, t * den)
        if num.bound < FLOAT_SAFE and den.bound * abs(t.numerator) < FLOAT_SAFE:

            def ratio():
                with np.errstate(divide="ignore", invalid="ignore"):
                    return num.arr.astype(np.float64) / den.arr

            quotient = self._memo(("ratio", num.key, den.key), ratio)
            return self._memo(("ratio", op, num.key, den.key, t), lambda: OPS[op](quotient, float(t)))
        q, p = t.denominator, t.numerator
        return self.cmp(op, num if q == 1 else self.mul(q, num), self.mul(p, den))

    def round_fen(self, num, den):
        a, _, _ = _parts(self.add(self.mul(2, num), den) if not isinstance(num, int) else 2 * num)
        b, _, _ = _parts(self.mul(2, den) if not isinstance(den, int) else 2 * den)
        positive = _parts(num)[0] > 0
        safe = np.where(b > 0, b, 1)  # rows dividing by zero are invalid and masked by the caller
        return np.where(positive, a // safe, 0)


class _Run:
    """One evaluation of a batch over one table, with the shared caches."""

    def __init__(self, table: Table):
        self.table = table
        self.size = len(table)
        self.backend = _NumpyBackend(table)
        self.algebra = Algebra(self.backend)
        self.truths: dict[n.Node, np.ndarray] = {}

    def valid(self, conditions: list) -> np.ndarray | bool:
        """The conjunction of validity conditions, computed once per distinct set."""
        arrays = [c for c in conditions if c is not None and c is not True]
        if any(c is False for c in arrays):
            return False
        if len(arrays) <= 1:
            return arrays[0] if arrays else True
        key = ("valid", *sorted({id(a) for a in arrays}))  # the arrays live in caches for the whole run
        return self.backend._memo(key, lambda: self.all_of(arrays))

    def all_of(self, conditions) -> np.ndarray:
        arrays = [c for c in conditions if c is not None and c is not True]
        if any(c is False for c in arrays):
            return np.zeros(self.size, bool)
        if not arrays:
            return np.ones(self.size, bool)
        if len(arrays) == 1:
            return arrays[0]
        result = np.logical_and(arrays[0], arrays[1])
        for a in arrays[2:]:
            np.logical_and(result, a, out=result)
        return result

    def truth(self, node: n.Node, out: np.ndarray | None = None) -> np.ndarray:
        """Where ``node`` holds; with ``out``, the result is written there (saving a copy)."""
        found = self.truths.get(node)
        if found is None:
            if isinstance(node, n.And | n.Or):
                parts = [self.truth(item) for item in node.items]
                combine = np.logical_and if isinstance(node, n.And) else np.logical_or
                found = combine(parts[0], parts[1], out=out)
                for part in parts[2:]:
                    combine(found, part, out=found)
            else:
                found = self.leaf(node)
            self.truths[node] = found
        if out is not None and found is not out:
            out[:] = found
        return found

    def near(self, node: n.Node):
        """Rows where fulfilling at most one failing leaf makes ``node`` true (True: every row)."""
        distinct = n.leaves(node)
        if len(set(distinct)) < len(distinct):
            parts = [self.forced(node, leaf) for leaf in dict.fromkeys(distinct)]
            return True if any(p is True for p in parts) else np.logical_or.reduce(parts)
        # Each leaf appears once: count the failing parts of every ``and``.
        if isinstance(node, n.Or):
            parts = [self.near(item) for item in node.items]
            if any(p is True for p in parts):
                return True
            return np.logical_or.reduce(parts)
        if isinstance(node, n.And):
            failing = np.zeros(self.size, np.uint8)
            ok = [self.near(item) for item in node.items]
            for item in node.items:
                failing += ~self.truth(item)
            return self.all_of([failing <= 1, *ok])
        return True

    def forced(self, node: n.Node, leaf: n.Node):
        """Where ``node`` would hold if ``leaf`` did."""
        if node == leaf:
            return True
        if isinstance(node, n.And | n.Or):
            parts = [self.forced(item, leaf) for item in node.items]
            if isinstance(node, n.And):
                return self.all_of(parts)
            return True if any(p is True for p in parts) else np.logical_or.reduce(parts)
        return self.truth(node)

    def leaf(self, node: n.Node) -> np.ndarray:
        table, alg = self.table, self.algebra
        if isinstance(node, n.Cmp | n.Between):
            subject = node.left if isinstance(node, n.Cmp) else node.expr
            if n.expr_type(subject) == "date":
                return self.date_leaf(node)
            valid: list = []
            value = alg.value(subject, valid)
            if isinstance(node, n.Cmp):
                return self.all_of([alg.compare(node.op, value, alg.value(node.right, valid)), self.valid(valid)])
            low, high = alg.value(node.low, valid), alg.value(node.high, valid)
            inside = self.all_of([alg.compare(">=", value, low), alg.compare("<=", value, high)])
            return self.all_of([~inside if node.negated else inside, self.valid(valid)])
        if isinstance(node, n.InIndustry):
            codes = table.industry
            parts = [
                (codes == lo) if lo == hi else (codes >= lo) & (codes <= hi) for lo, hi in industry_ranges(node.codes)
            ]
            inside = np.logical_or.reduce(parts) if len(parts) > 1 else parts[0]
            return (~inside & (codes != 0)) if node.negated else inside
        if isinstance(node, n.InText):
            inside, present = table.text_in(node.var.name, node.values)
            return (~inside & present) if node.negated else inside
        if isinstance(node, n.HasTag):
            mask = table.tag(node.tag)
            return ~mask if node.negated else mask
        if isinstance(node, n.Flag):
            return ~table.above_scale if node.negated else table.above_scale
        raise TypeError(type(node).__name__)

    def date_leaf(self, node: n.Node) -> np.ndarray:
        days, present = self.table.founded()

        def when(lit: n.DateLit) -> int:
            return (lit.value - EPOCH).days

        if isinstance(node, n.Cmp):
            return self.all_of([OPS[node.op](days, when(node.right)), present])
        inside = (days >= when(node.low)) & (days <= when(node.high))
        return self.all_of([~inside if node.negated else inside, present])


class Batch:
    """Rules compiled for vectorised evaluation; results are per rule (rows) and per enterprise (columns)."""

    def __init__(self, rules: Sequence[Rule]):
        for rule in rules:
            if rule.kind != "condition":
                raise ValueError("compile_batch() takes condition rules; amounts go to Batch.amounts()")
        self.rules = list(rules)

    def eligible(self, table: Table) -> np.ndarray:
        """Bool array (rules × enterprises): whether each rule holds."""
        run = _Run(table)
        out = np.empty((len(self.rules), len(table)), bool)
        for i, rule in enumerate(self.rules):
            run.truth(rule.nnf, out=out[i])
        return out

    def verdicts(self, table: Table) -> np.ndarray:
        """Int8 array (rules × enterprises): 0 ineligible, 1 near miss, 2 eligible."""
        run = _Run(table)
        out = np.empty((len(self.rules), len(table)), np.int8)
        for i, rule in enumerate(self.rules):
            # An eligible row is also within one leaf of eligibility, so the verdict is near + eligible.
            near = run.near(rule.nnf)
            truth = run.truth(rule.nnf).view(np.int8)
            if near is True:
                np.add(truth, 1, out=out[i])
            else:
                np.add(near.view(np.int8), truth, out=out[i])
        return out

    def amounts(self, amount: Rule, table: Table) -> np.ndarray:
        """Float64 yuan per enterprise (exact to the fen, NaN where the data is missing), eligible or not."""
        if amount.kind != "amount":
            raise ValueError("amounts() takes a rule parsed with kind='amount'")
        run = _Run(table)
        valid: list = []
        fen = run.algebra.fen(run.algebra.value(amount.ast, valid))
        fen = np.broadcast_to(np.asarray(fen), (len(table),)).astype(np.float64)
        return np.where(run.all_of(valid), fen / 100, np.nan)


def compile_batch(rules: Sequence[Rule]) -> Batch:
    """Prepare condition rules for :meth:`Batch.eligible` / :meth:`Batch.verdicts` over tables."""
    return Batch(rules)


# Near misses, explained from the masks ---------------------------------------------------------------------------


def figure_keys(node: n.Node, ctx: Context) -> tuple[tuple[str, int], ...] | None:
    """The yearly figures ``(name, year)`` a leaf reads, derived variables expanded; None when it reads
    anything else (industry, town, tags, founding date, ...)."""
    keys: dict[tuple[str, int], None] = {}
    for var in n.variables_of(node):
        variable = VARIABLES[var.name]
        if variable.formula:
            continue  # variables_of lists its expansion too
        if not variable.yearly:
            return None
        keys[var.name, ctx.figure_year + var.offset] = None
    return tuple(keys)


def reads_current_figures(node: n.Node) -> bool:
    """Whether a leaf reads yearly figures of the figure year only (its own numbers the enterprise can
    still change), not earlier years (history) nor anything else (industry, town, tags, founding date).

    >>> from luoshi.rules.syntax import parse
    >>> [reads_current_figures(leaf) for leaf in n.leaves(parse("rd_ratio >= 3% and revenue[-1] < 2000万元").nnf)]
    [True, False]
    """
    stored = [var for var in n.variables_of(node) if not VARIABLES[var.name].formula]
    return bool(stored) and all(VARIABLES[var.name].yearly and var.offset == 0 for var in stored)


class _Row:
    """One row's figures, all a figure leaf's :meth:`~luoshi.rules.plan.Leaf.check` reads of a Facts."""

    __slots__ = ("units",)

    def __init__(self, units: dict):
        self.units = units


def relaxed(node: n.Node, within: Fraction) -> n.Node | None:
    """A comparison of an amount or a count with a positive constant, its constant moved by ``within``
    towards the rows that fail it (``revenue >= 2000万元`` within 1/2: ``revenue >= 1000万元``; ``<=``
    the other way); None for any other leaf (a percentage, a date, an equality, a constant ≤ 0, …).

    >>> from luoshi.rules.render import render_node
    >>> from luoshi.rules.syntax import parse
    >>> render_node(relaxed(parse("revenue >= 2000万元").nnf, Fraction(1, 2)))
    '上年度营业收入不低于1000万元'
    >>> relaxed(parse("rd_ratio >= 3%").nnf, Fraction(1, 2)) is None
    True
    """
    if not isinstance(node, n.Cmp) or not isinstance(node.right, n.Num) or node.right.value <= 0:
        return None
    if n.expr_type(node.left) not in ("money", "number"):
        return None
    if node.op in (">=", ">"):
        value = node.right.value * within
    elif node.op in ("<=", "<"):
        value = node.right.value / within
    else:
        return None
    return replace(node, right=replace(node.right, value=value, text=""))


def near_miss_gaps(
    rule: Rule, table: Table, rows: np.ndarray, *, keep=None, within: Fraction | None = None
) -> tuple[np.ndarray, list[str]]:
    """The gap of each near-miss row, worded as :func:`~luoshi.rules.evaluate.evaluate` words it, from the
    per-leaf truth masks instead of one evaluation per row.

    ``rows`` are near misses of ``rule`` over ``table`` (verdict 1). Rows sharing a pattern of passed and
    failed leaves share the gap leaf, so :meth:`Plan.gaps` runs once per pattern; only the gap's sentence
    (it states the row's actual value) is worded per row, and only for the rows kept. ``keep(leaf) -> bool``
    drops rows whose gap leaf is not wanted (one the enterprise cannot close); ``within`` keeps, of the rows
    whose gap is an amount or a count short of a constant, only those within that fraction of it
    (:func:`relaxed`). A gap leaf over anything but
    yearly figures is worded without the row's value (“不满足：…”).
    Returns the kept rows (in the given order) and their gap sentences.

    >>> from datetime import date
    >>> from luoshi.rules.syntax import parse
    >>> ctx = Context(2024, date(2025, 3, 1))
    >>> facts = [Facts(industry="3911", figures={2024: {"revenue": 10000, "rd_expense": v}}) for v in (210, 400, 5)]
    >>> facts.append(Facts(industry="5211", figures={2024: {"revenue": 10000, "rd_expense": 400}}))
    >>> rule = parse("industry in C and rd_ratio >= 3%")
    >>> table = Table.from_facts(facts, ctx)
    >>> near = np.flatnonzero(compile_batch([rule]).verdicts(table)[0] == 1)
    >>> near.tolist()
    [0, 2, 3]
    >>> near_miss_gaps(rule, table, near, keep=lambda leaf: leaf.variable != "industry")
    (array([0, 2]), ['研发费用占营业收入比重2.1%，需≥3%', '研发费用占营业收入比重0.05%，需≥3%'])
    """
    rows = np.asarray(rows, np.int64)
    if not len(rows):
        return rows, []
    plan = plan_of(rule)
    leaves: list[Leaf] = plan.leaves
    run = _Run(table)
    passed = np.column_stack([run.truth(leaf.node)[rows] for leaf in leaves])
    if len(rows) == 1:  # one enterprise re-matched against every open clause: no grouping to do
        patterns, inverse = [passed[0].tolist()], np.zeros(1, np.int64)
    elif len(leaves) <= 62:  # each row's pattern as the bits of one integer: np.unique on rows is slow
        keys = passed.astype(np.int64) @ (np.int64(1) << np.arange(len(leaves), dtype=np.int64))
        codes, inverse = np.unique(keys, return_inverse=True)
        patterns = [[bool(code >> j & 1) for j in range(len(leaves))] for code in codes.tolist()]
    else:
        unique_rows, inverse = np.unique(passed, axis=0, return_inverse=True)
        patterns = unique_rows.tolist()
    gap_of = np.full(len(patterns), -1, np.int64)
    for p, pattern in enumerate(patterns):
        fixes = plan.gaps(pattern)
        if len(fixes) == 1 and (keep is None or keep(leaves[fixes[0]])):
            gap_of[p] = fixes[0]
    gap = gap_of[np.asarray(inverse).ravel()]
    kept = gap >= 0
    if within is not None:
        for j in np.unique(gap[kept]).tolist():
            near = relaxed(leaves[j].node, within)
            if near is not None:
                group = gap == j
                kept[group] = run.truth(near)[rows[group]]
    rows, gap = rows[kept], gap[kept]
    texts = np.empty(len(rows), object)
    ctx = table.ctx
    leaf_texts = plan.texts(ctx)
    for j in np.unique(gap).tolist():
        leaf, where = leaves[j], np.flatnonzero(gap == j)
        keys = figure_keys(leaf.node, ctx)
        if keys is None:
            texts[where] = f"不满足：{leaf_texts[j][0]}"
            continue
        columns = []
        for key in keys:
            fig = table.figure_parts(*key)
            units = fig.units[rows[where]].tolist()
            present = [True] * len(where) if fig.present is None else fig.present[rows[where]].tolist()
            columns.append([u if p else None for u, p in zip(units, present, strict=True)])
        said: dict[tuple, str] = {}
        words = []
        for values in zip(*columns, strict=True):
            text = said.get(values)
            if text is None:
                units = {key: v for key, v in zip(keys, values, strict=True) if v is not None}
                text = said[values] = leaf.check(_Row(units), ctx, leaf_texts[j]).gap or ""
            words.append(text)
        texts[where] = words
    return rows, texts.tolist()
