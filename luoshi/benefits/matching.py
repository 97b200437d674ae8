"""Matching: every enterprise against every open clause, stored and kept current.

Three entry points, all idempotent: :func:`match_clause` (a clause published or changed: that
clause against the whole base, one vectorised pass), :func:`match_enterprise` (an enterprise's
data changed: it against every open clause in one batch) and :func:`rebuild` (the nightly safety
net). Each writes only what changed, notifies enterprises and their commissioners once when a new
eligible match appears, and offers 免申即享 clauses to newly eligible enterprises.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luoshi import rules
from luoshi.benefits.choices import Verdict
from luoshi.benefits.models import Match, MatchRun
from luoshi.enterprises.facts import Base, load_base
from luoshi.enterprises.models import CommissionerAssignment, Enterprise
from luoshi.notices.services import notify
from luoshi.org.choices import Role
from luoshi.org.models import RoleGrant
from luoshi.policies.choices import ClauseStatus, DocumentStatus, Mode, WindowKind
from luoshi.policies.models import Clause

CENT = Decimal("0.01")
VERDICTS = {2: Verdict.ELIGIBLE, 1: Verdict.NEAR_MISS}
# A "near miss" an enterprise cannot act on is no near miss: it will not change its industry,
# move its registered town or be founded earlier to qualify. Such pairs are kept as not eligible.
FIXED = frozenset({"industry", "street", "chain", "founded", "age"})


def matchable(today: date):
    """Clauses worth matching: published, in a document in force, with a rule, window not yet closed."""
    in_force = (
        Q(document__status=DocumentStatus.PUBLISHED)
        & (Q(document__effective_on__isnull=True) | Q(document__effective_on__lte=today))
        & (Q(document__expires_on__isnull=True) | Q(document__expires_on__gte=today))
    )
    window = Q(window_kind=WindowKind.ROLLING) | Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    return Clause.objects.filter(in_force & window, status=ClauseStatus.PUBLISHED).exclude(rule="")


def context_for(clause: Clause, today: date) -> rules.Context:
    return rules.Context(figure_year=clause.figure_year or today.year - 1, as_of=today)


@dataclass
class Found:
    verdict: str
    amount: Decimal | None
    gap: str


def _yuan(value: float) -> Decimal | None:
    if value is None or np.isnan(value):
        return None
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _judge(base: Base, rows: np.ndarray, codes: np.ndarray, amounts, rule, ctx) -> dict[int, Found]:
    """enterprise id → what was found, for the rows that are eligible or a near miss."""
    found: dict[int, Found] = {}
    for i in rows.tolist():
        verdict = VERDICTS[int(codes[i])]
        gap = ""
        if verdict == Verdict.NEAR_MISS:
            outcome = rules.evaluate(rule, base.facts(i), ctx)
            if all(c.variable in FIXED for c in outcome.gaps):
                continue
            gap = "；".join(c.gap or c.text for c in outcome.gaps)[:300]
        amount = _yuan(amounts[i]) if amounts is not None and verdict == Verdict.ELIGIBLE else None
        found[int(base.ids[i])] = Found(verdict, amount, gap)
    return found


FIELDS = ["verdict", "amount", "gap", "figure_year", "clause_version", "computed_at", "eligible_since"]


@dataclass
class _Changes:
    """The writes one matching pass makes, gathered so that they go out in three statements."""

    now: object
    create: list[Match] = field(default_factory=list)
    update: list[Match] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)

    def merge(self, old: Match | None, f: Found, *, clause: Clause, ctx: rules.Context, enterprise_id: int) -> bool:
        """Record what ``f`` changes against ``old``; True when the pair has just become eligible."""
        eligible = f.verdict == Verdict.ELIGIBLE
        if old is None:
            self.create.append(
                Match(
                    enterprise_id=enterprise_id,
                    clause=clause,
                    verdict=f.verdict,
                    amount=f.amount,
                    gap=f.gap,
                    figure_year=ctx.figure_year,
                    clause_version=clause.version,
                    computed_at=self.now,
                    eligible_since=self.now if eligible else None,
                )
            )
            return eligible
        newly = eligible and old.verdict != Verdict.ELIGIBLE
        if newly:
            old.eligible_since = self.now
        elif not eligible:
            old.eligible_since = None
        old.verdict, old.amount, old.gap = f.verdict, f.amount, f.gap
        old.figure_year, old.clause_version, old.computed_at = ctx.figure_year, clause.version, self.now
        self.update.append(old)
        return newly

    def write(self) -> None:
        with transaction.atomic():
            Match.objects.bulk_create(self.create, batch_size=2000)
            Match.objects.bulk_update(self.update, FIELDS, batch_size=2000)
            if self.delete:
                Match.objects.filter(pk__in=self.delete).delete()


def _store(clause: Clause, ctx: rules.Context, found: dict[int, Found]) -> list[int]:
    """Replace every stored match of ``clause`` by ``found``; the newly eligible enterprise ids."""
    changes = _Changes(timezone.now())
    existing = {m.enterprise_id: m for m in Match.objects.filter(clause=clause)}
    newly = [
        eid
        for eid, f in found.items()
        if changes.merge(existing.pop(eid, None), f, clause=clause, ctx=ctx, enterprise_id=eid)
    ]
    changes.delete = [m.pk for m in existing.values()]
    changes.write()
    return newly


def match_clause(clause: Clause, today: date | None = None, *, announce: bool = True) -> MatchRun:
    """The clause against every enterprise: one vectorised pass, explained gaps for near misses."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    clause = Clause.objects.select_related("document").get(pk=clause.pk)
    ctx = context_for(clause, today)
    base = load_base(ctx)
    rule = rules.parse(clause.rule)
    amount = rules.parse(clause.amount_formula, kind="amount") if clause.amount_formula else None
    batch = rules.compile_batch([rule])
    codes = batch.verdicts(base.table)[0]
    amounts = batch.amounts(amount, base.table) if amount is not None else None
    found = _judge(base, np.flatnonzero(codes > 0), codes, amounts, rule, ctx)
    newly = _store(clause, ctx, found)
    eligible = sum(f.verdict == Verdict.ELIGIBLE for f in found.values())
    run, _ = MatchRun.objects.update_or_create(
        clause=clause,
        defaults={
            "clause_version": clause.version,
            "figure_year": ctx.figure_year,
            "enterprises": len(base),
            "eligible": eligible,
            "near_miss": len(found) - eligible,
            "finished_at": timezone.now(),
            "seconds": time.perf_counter() - started,
        },
    )
    if announce:
        _announce(clause, newly, [eid for eid, f in found.items() if f.verdict == Verdict.ELIGIBLE])
    return run


def match_enterprise(enterprise_id: int, today: date | None = None, *, announce: bool = True) -> int:
    """One enterprise against every matchable clause: one batch per figure year, one read of its
    stored matches and one write of what changed, however many clauses are open."""
    today = today or timezone.localdate()
    clauses = list(matchable(today).select_related("document"))
    by_year: dict[int, list[Clause]] = defaultdict(list)
    for clause in clauses:
        by_year[context_for(clause, today).figure_year].append(clause)
    existing = {m.clause_id: m for m in Match.objects.filter(enterprise_id=enterprise_id, clause__in=clauses)}
    changes = _Changes(timezone.now())
    newly: list[Clause] = []
    eligible: list[Clause] = []
    for year, group in by_year.items():
        ctx = rules.Context(figure_year=year, as_of=today)
        base = load_base(ctx, enterprises=[enterprise_id])
        if not len(base):
            return 0
        parsed = [rules.parse(c.rule) for c in group]
        codes = rules.compile_batch(parsed).verdicts(base.table)
        for k, clause in enumerate(group):
            old = existing.pop(clause.pk, None)
            amounts = None
            if codes[k][0] == 2 and clause.amount_formula:
                amount_rule = rules.parse(clause.amount_formula, kind="amount")
                amounts = rules.compile_batch([parsed[k]]).amounts(amount_rule, base.table)
            found = _judge(base, np.flatnonzero(codes[k] > 0), codes[k], amounts, parsed[k], ctx).get(enterprise_id)
            if found is None:
                if old is not None:
                    changes.delete.append(old.pk)
                continue
            if changes.merge(old, found, clause=clause, ctx=ctx, enterprise_id=enterprise_id):
                newly.append(clause)
            if found.verdict == Verdict.ELIGIBLE:
                eligible.append(clause)
    changes.write()
    if announce:
        for clause in eligible:
            _announce(clause, [enterprise_id] if clause in newly else [], [enterprise_id])
    return len(newly)


def rebuild(today: date | None = None) -> str:
    """Every matchable clause against every enterprise (the nightly safety net)."""
    today = today or timezone.localdate()
    runs = [match_clause(clause, today) for clause in matchable(today)]
    eligible = sum(r.eligible for r in runs)
    return f"重新匹配条款 {len(runs)} 项，符合条件 {eligible} 家次"


# --- telling people ----------------------------------------------------------------------------


def recipients(enterprise_ids: list[int]) -> dict[int, list]:
    """enterprise id → its own users and its current commissioner, in three queries."""
    units = dict(Enterprise.objects.filter(pk__in=enterprise_ids, unit__isnull=False).values_list("unit_id", "pk"))
    out: dict[int, list] = defaultdict(list)
    grants = RoleGrant.objects.filter(
        role=Role.ENTERPRISE_USER, unit_id__in=list(units), revoked_at__isnull=True, user__is_active=True
    ).select_related("user")
    for grant in grants:
        out[units[grant.unit_id]].append(grant.user)
    serving = CommissionerAssignment.objects.filter(enterprise_id__in=enterprise_ids, ended_on__isnull=True)
    for assignment in serving.select_related("commissioner"):
        out[assignment.enterprise_id].append(assignment.commissioner)
    return out


def _announce(clause: Clause, enterprise_ids: list[int], eligible: list[int]) -> None:
    """Tell each newly eligible enterprise and its commissioner once. A 免申即享 clause instead
    offers an application to every eligible enterprise that has none yet (its data may have been
    verified since it first qualified)."""
    if clause.mode == Mode.AUTOMATIC:
        from luoshi.benefits.services import offer_automatic

        if eligible:
            offer_automatic(clause, eligible)
        return
    if not enterprise_ids:
        return
    people = recipients(enterprise_ids)
    names = dict(Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", "name"))
    for enterprise_id in enterprise_ids:
        notify(
            people.get(enterprise_id, []),
            cause=f"benefits.match:{clause.pk}:{enterprise_id}",
            title=f"{names.get(enterprise_id, '企业')}符合“{clause.title}”的申报条件",
            body=f"《{clause.document.title}》{clause.title}：{clause.rule_sentence}",
            link=f"/benefits/checkup/{enterprise_id}/",
        )
