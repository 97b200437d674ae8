"""问效 and 全链条: what a clause's money bought, and a policy's road from paper to payment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from luoshi import rules
from luoshi.benefits.choices import State, Verdict
from luoshi.benefits.effect import EffectReport, Unit, evaluate_effect
from luoshi.benefits.models import Application, Match
from luoshi.enterprises.facts import load_base
from luoshi.enterprises.models import Enterprise, YearFigure
from luoshi.policies.models import Clause, PolicyDocument

OUTCOME_FIGURES = ("revenue", "rd_expense", "employees", "tax_paid")
APPROVED = (State.PUBLICITY, State.DISBURSING, State.PAID)


@dataclass
class Effect:
    clause: Clause
    report: EffectReport | None
    reason: str = ""  # why there is no report
    paid_year: int | None = None
    before_year: int | None = None
    after_year: int | None = None
    treated: int = 0
    candidates: int = 0


def _units(ids, before_year: int, after_year: int) -> list[Unit]:
    figures: dict[tuple[int, int], dict] = {}
    for row in YearFigure.objects.filter(enterprise_id__in=ids, year__in=[before_year, after_year]).values(
        "enterprise_id", "year", *OUTCOME_FIGURES
    ):
        figures[row["enterprise_id"], row["year"]] = {k: row[k] for k in OUTCOME_FIGURES}
    firms = Enterprise.objects.filter(pk__in=ids).values_list("pk", "industry_code", "size_class")
    return [
        Unit(pk, code, size or "", figures.get((pk, before_year), {}), figures.get((pk, after_year), {}))
        for pk, code, size in firms
    ]


def effect_of(clause: Clause, today: date) -> Effect:
    """Funded enterprises of ``clause`` paid a year or more ago against eligible, unfunded peers."""
    paid = Application.objects.filter(clause=clause, state=State.PAID, paid_at__date__lte=today - timedelta(days=365))
    years = Counter(d.year for d in paid.values_list("paid_at", flat=True))
    if not years:
        return Effect(clause, None, "这项政策还没有拨付满一年的企业，暂不能评估效果。")
    paid_year = years.most_common(1)[0][0]
    before_year, after_year = paid_year - 1, today.year - 1
    if after_year <= paid_year - 1:
        return Effect(clause, None, "拨付后还没有完整年度的企业数据。", paid_year=paid_year)
    treated_ids = set(paid.filter(paid_at__year=paid_year).values_list("enterprise_id", flat=True))
    # The control group: enterprises the clause's rule admitted on the same data, never funded by it.
    ctx = rules.Context(figure_year=clause.figure_year or before_year, as_of=date(paid_year, 1, 1))
    base = load_base(ctx)
    eligible = rules.compile_batch([rules.parse(clause.rule)]).eligible(base.table)[0]
    funded = set(Application.objects.filter(clause=clause, state__in=APPROVED).values_list("enterprise_id", flat=True))
    candidate_ids = [int(i) for i in base.ids[eligible] if int(i) not in funded]
    report = evaluate_effect(
        _units(treated_ids, before_year, after_year), _units(candidate_ids, before_year, after_year), seed=clause.pk
    )
    return Effect(
        clause,
        report,
        paid_year=paid_year,
        before_year=before_year,
        after_year=after_year,
        treated=len(treated_ids),
        candidates=len(candidate_ids),
    )


def chain_of(document: PolicyDocument) -> dict:
    """上级政策 → 本级措施 → 条款 → 匹配 → 申报 → 核定 → 拨付, with the count at each step."""
    clauses = list(document.clauses.select_related("department").order_by("position", "id"))
    ids = [c.pk for c in clauses]
    matched = dict(
        Match.objects.filter(clause_id__in=ids, verdict=Verdict.ELIGIBLE)
        .values("clause")
        .annotate(n=Count("pk"))
        .values_list("clause", "n")
    )
    apps = (
        Application.objects.filter(clause_id__in=ids)
        .values("clause")
        .annotate(
            applied=Count("pk", filter=~Q(state__in=[State.DRAFT, State.CONFIRMING])),
            approved=Count("pk", filter=Q(state__in=APPROVED)),
            approved_amount=Sum("amount_approved", filter=Q(state__in=APPROVED)),
            paid=Count("pk", filter=Q(state=State.PAID)),
            paid_amount=Sum("amount_approved", filter=Q(state=State.PAID)),
        )
    )
    by_clause = {row["clause"]: row for row in apps}
    rows = []
    for c in clauses:
        row = by_clause.get(c.pk, {})
        rows.append(
            {
                "clause": c,
                "matched": matched.get(c.pk, 0),
                "applied": row.get("applied", 0),
                "approved": row.get("approved", 0),
                "approved_amount": row.get("approved_amount"),
                "paid": row.get("paid", 0),
                "paid_amount": row.get("paid_amount"),
            }
        )
    totals = {
        key: sum((r[key] or 0) for r in rows)
        for key in ("matched", "applied", "approved", "approved_amount", "paid", "paid_amount")
    }
    uppers = [link.upper for link in document.implements.select_related("upper")]
    return {"document": document, "uppers": uppers, "rows": rows, "totals": totals}
