"""One enterprise, one rule: the verdict, the amount and why (the trace of every leaf condition).

Numbers are exact here: figures become :class:`~fractions.Fraction` (money in
万元), thresholds are fractions too, so 3.00% against ``>= 3%`` is eligible.
A leaf whose data is missing, or whose ratio divides by zero or a negative
number, fails and says what is missing.

The verdict is *near miss* when the rule fails but fulfilling one failing leaf
would make it pass; ``gaps`` is then that one leaf; otherwise it is a set of failing
leaves whose fulfilment makes the enterprise eligible (in an ``or``, the
branch that needs the fewest changes).

Each rule is prepared once, on its first evaluation, into a plan
(:mod:`luoshi.rules.plan`: compiled expressions on integers, the display
texts rendered once); the plain definition of the same results is
:mod:`luoshi.rules.reference`.

>>> from datetime import date
>>> from luoshi.rules.syntax import parse
>>> rule = parse("industry in C and revenue >= 2000万元 and rd_ratio >= 3%")
>>> facts = Facts(industry="3911", figures={2024: {"revenue": 10000, "rd_expense": 210}})
>>> ctx = Context(2024, date(2025, 3, 1))
>>> outcome = evaluate(rule, facts, ctx)
>>> outcome.verdict, [g.gap for g in outcome.gaps]
('near_miss', ['研发费用占营业收入比重2.1%，需≥3%'])
>>> facts = Facts(industry="3911", figures={2024: {"revenue": 10000, "rd_expense": 300}})
>>> evaluate(rule, facts, ctx, amount=parse("min(rd_expense * 10%, 50万元)", kind="amount")).amount
Decimal('300000.00')
>>> [c.gap for c in evaluate(rule, Facts(industry="3911"), ctx).checks if not c.passed]
['缺少2024年营业收入数据', '缺少2024年研发费用数据']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from luoshi.rules import nodes as n
from luoshi.rules.facts import Context, Facts
from luoshi.rules.plan import Check, Missing, compile_expression, plan_of
from luoshi.rules.syntax import Rule

__all__ = ["Check", "Outcome", "evaluate", "exact_value", "to_yuan"]

VERDICTS = ("ineligible", "near_miss", "eligible")


@dataclass(frozen=True)
class Outcome:
    """The result for one enterprise: verdict, amount (yuan) and the trace."""

    verdict: str
    amount: Decimal | None = None
    checks: list[Check] = field(default_factory=list)
    gaps: list[Check] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.verdict == "eligible"

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "amount": None if self.amount is None else str(self.amount),
            "checks": [c.to_dict() for c in self.checks],
            "gaps": [c.to_dict() for c in self.gaps],
        }


_new = object.__new__


def _outcome(verdict: str, amount: Decimal | None, checks: list[Check], gaps: list[Check]) -> Outcome:
    """``Outcome(...)`` without the frozen dataclass's ``__init__``, which sets each field through
    ``object.__setattr__`` and costs twice as much (a sixth of an untraced evaluation); the instance is the same."""
    outcome = _new(Outcome)
    fields = outcome.__dict__
    fields["verdict"] = verdict
    fields["amount"] = amount
    fields["checks"] = checks
    fields["gaps"] = gaps
    return outcome


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves away from zero (ROUND_HALF_UP)."""
    whole = (2 * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    return whole if value >= 0 else -whole


def to_yuan(value: Fraction) -> Decimal:
    """万元 to yuan, 2 places, ROUND_HALF_UP; a negative amount pays nothing."""
    fen = max(round_half_up(value * 1_000_000), 0)
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def evaluate(
    rule: Rule, facts: Facts | Mapping, ctx: Context, *, amount: Rule | None = None, trace: bool = True
) -> Outcome:
    """Evaluate one condition for one enterprise (and the amount formula when it is eligible)."""
    if not isinstance(facts, Facts):
        facts = Facts.from_mapping(facts)
    if rule.kind != "condition":
        raise ValueError("evaluate() takes a condition rule; pass the amount formula as amount=")
    plan = plan_of(rule)
    if not trace:
        verdict = plan.verdict(facts, ctx)
        money = None if amount is None or verdict != 2 else amount_of(amount, facts, ctx)
        return _outcome(VERDICTS[verdict], money, [], [])
    checks, fixes = plan.trace(facts, ctx)
    verdict = VERDICTS[2] if not fixes else VERDICTS[1] if len(fixes) == 1 else VERDICTS[0]
    money = None if amount is None or fixes else amount_of(amount, facts, ctx)
    return _outcome(verdict, money, checks, [checks[i] for i in fixes])


def exact_value(node: n.Node, facts: Facts, ctx: Context) -> Fraction | None:
    """The exact value of an expression for one enterprise; None when it cannot be known."""
    try:
        value = compile_expression(node)(facts, ctx)
    except Missing:
        return None
    return Fraction(*value) if type(value) is tuple else value


def amount_of(amount: Rule, facts: Facts, ctx: Context) -> Decimal | None:
    """The amount formula's result in yuan (2 places), or None when its data is missing."""
    if amount.kind != "amount":
        raise ValueError("amount must be a rule parsed with kind='amount'")
    try:
        num, den = plan_of(amount).value(facts, ctx)
    except Missing:
        return None
    # to_yuan without building a Fraction: fen = 万元 × 1,000,000, halves up; a negative amount pays nothing.
    fen = max((2 * num * 1_000_000 + den) // (2 * den), 0)
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))
