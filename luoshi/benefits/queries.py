"""Read side of redemption: checkups, applications by who may see them, queues, the disbursement ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from luoshi.benefits.choices import EntryKind, State, Verdict
from luoshi.benefits.matching import matchable
from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry, Match
from luoshi.core.errors import NotFound
from luoshi.enterprises import queries as enterprise_queries
from luoshi.enterprises.models import Enterprise
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.policies.models import Clause

OVERSEERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.ADMIN)


# --- 政策体检 ------------------------------------------------------------------------------------


@dataclass
class Checkup:
    enterprise: Enterprise
    claimable: list[Match] = field(default_factory=list)  # eligible, window open now
    upcoming: list[Match] = field(default_factory=list)  # eligible, window opens later
    near: list[Match] = field(default_factory=list)  # one condition short
    missed: list[Match] = field(default_factory=list)  # eligible, but the window has closed
    applications: dict[int, Application] = field(default_factory=dict)  # clause id → live application

    @property
    def claimable_total(self) -> Decimal:
        return sum((m.amount or Decimal(0) for m in self.claimable), Decimal(0))


def checkup_enterprise(user, enterprise_id: int) -> Enterprise:
    """The enterprise, if ``user`` may see its checkup (itself, its commissioner, government readers)."""
    return enterprise_queries.enterprise_detail(user, enterprise_id)


def checkup(enterprise: Enterprise, today: date) -> Checkup:
    result = Checkup(enterprise)
    open_ids = set(matchable(today).values_list("pk", flat=True))
    matches = (
        Match.objects.filter(enterprise=enterprise)
        .select_related("clause__document", "clause__department")
        .order_by("-amount", "clause__closes_on")
    )
    for match in matches:
        clause = match.clause
        if match.verdict == Verdict.NEAR_MISS:
            if clause.pk in open_ids:
                result.near.append(match)
        elif clause.pk not in open_ids:
            result.missed.append(match)
        elif clause.opens_on and clause.opens_on > today and clause.window_kind == "dates":
            result.upcoming.append(match)
        else:
            result.claimable.append(match)
    live = Application.objects.filter(enterprise=enterprise).exclude(state=State.REJECTED)
    result.applications = {a.clause_id: a for a in live}
    for match in result.claimable:
        match.application = result.applications.get(match.clause_id)
    return result


# --- applications --------------------------------------------------------------------------------


def visible_applications(user) -> QuerySet[Application]:
    """Overseers see all; reviewers their departments' clauses; commissioners their enterprises';
    enterprise users their own."""
    qs = Application.objects.select_related("enterprise", "clause__document", "clause__department")
    if permissions.allowed(user, OVERSEERS):
        return qs
    parts = []
    reviewer = permissions.unit_q(user, (Role.REVIEWER,), field="clause__department")
    if reviewer is not None:
        parts.append(reviewer)
    if permissions.allowed(user, (Role.COMMISSIONER,)):
        parts.append(
            Q(enterprise__assignments__commissioner_id=user.pk, enterprise__assignments__ended_on__isnull=True)
        )
    own = permissions.unit_q(user, (Role.ENTERPRISE_USER,), field="enterprise__unit")
    if own is not None:
        parts.append(own)
    q = permissions.any_of(parts)
    if q is None:
        return qs.none()
    return qs.filter(q).distinct()


def application_detail(user, application_id: int) -> Application:
    app = visible_applications(user).filter(pk=application_id).first()
    if app is None:
        raise NotFound("没有找到这项申报，或者您无权查看。")
    return app


def review_queue(user) -> QuerySet[Application]:
    """What the reviewer's departments must act on, the most urgent first."""
    q = permissions.unit_q(user, REVIEWERS, field="clause__department")
    if q is None:
        return Application.objects.none()
    waiting = [State.SUBMITTED, State.FIRST_REVIEW, State.SECOND_REVIEW, State.PUBLICITY, State.DISBURSING]
    return (
        Application.objects.filter(q, state__in=waiting)
        .select_related("enterprise", "clause__document", "clause__department")
        .annotate(open_objections=Count("objections", filter=Q(objections__resolved_at__isnull=True)))
        .order_by("step_due", "submitted_at")
    )


def on_public_notice(today: date) -> QuerySet[Application]:
    """The public notice: applications in their notice period, without account or contact details."""
    return (
        Application.objects.filter(state=State.PUBLICITY, publicity_until__gte=today)
        .select_related("enterprise", "clause__document")
        .only(
            "pk",
            "amount_approved",
            "publicity_from",
            "publicity_until",
            "enterprise__name",
            "enterprise__uscc",
            "clause__title",
            "clause__number",
            "clause__document__title",
        )
        .order_by("clause__document__title", "clause__title", "enterprise__name")
    )


# --- clauses and money ---------------------------------------------------------------------------


def can_see_clause_matches(user, clause: Clause) -> bool:
    if permissions.allowed(user, OVERSEERS):
        return True
    return clause.department_id is not None and permissions.allowed(user, REVIEWERS, clause.department)


def clause_matches(clause: Clause, verdict: str | None = None) -> QuerySet[Match]:
    qs = Match.objects.filter(clause=clause).select_related("enterprise__town")
    if verdict:
        qs = qs.filter(verdict=verdict)
    return qs.order_by("verdict", "-amount", "enterprise__name")


def ledger(user, data: dict) -> QuerySet[Application]:
    """The disbursement ledger: approved and paid applications, filtered (cleaned ``LedgerFilterForm``)."""
    qs = visible_applications(user).filter(state__in=[State.PUBLICITY, State.DISBURSING, State.PAID])
    if data.get("year"):
        qs = qs.filter(approved_at__year=data["year"])
    if data.get("department"):
        qs = qs.filter(clause__department=data["department"])
    if data.get("town"):
        qs = qs.filter(enterprise__town=data["town"])
    if data.get("clause"):
        qs = qs.filter(clause_id=data["clause"])
    if data.get("q"):
        qs = qs.filter(enterprise__name__contains=data["q"])
    return qs.select_related("enterprise__town").order_by("-approved_at")


def budgets(user) -> list[dict]:
    """Each clause's budget with what is reserved and paid, and whether the entries add up."""
    accounts = BudgetAccount.objects.select_related("clause__document", "clause__department", "document").order_by(
        "document__title", "clause__document__title", "clause__position"
    )
    if not permissions.allowed(user, OVERSEERS):
        q = permissions.unit_q(user, REVIEWERS, field="clause__department")
        accounts = accounts.none() if q is None else accounts.filter(q)
    sums = {
        (row["account"], row["kind"]): row["total"]
        for row in BudgetEntry.objects.filter(account__in=accounts)
        .values("account", "kind")
        .annotate(total=Sum("amount"))
    }
    rows = []
    for a in accounts:
        reserve = sums.get((a.pk, EntryKind.RESERVE), Decimal(0))
        consume = sums.get((a.pk, EntryKind.CONSUME), Decimal(0))
        release = sums.get((a.pk, EntryKind.RELEASE), Decimal(0))
        rows.append(
            {
                "account": a,
                "use": float((a.reserved + a.paid) / a.total * 100) if a.total else 0.0,
                # The balances must equal what the entries say: reserved = reserve − consume − release.
                "reconciled": a.reserved == reserve - consume - release and a.paid == consume,
            }
        )
    return rows
