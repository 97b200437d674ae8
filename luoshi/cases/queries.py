"""Read side of cases: who sees which, queues with deadline countdowns."""

from __future__ import annotations

from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from luoshi.cases.choices import CaseState
from luoshi.cases.models import Case
from luoshi.core.errors import NotFound
from luoshi.enterprises.queries import visibility_q as enterprise_q
from luoshi.org import permissions
from luoshi.org.choices import Role

OVERSEERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def visibility_q(user) -> Q | None:
    """Leaders and supervisors see all; a unit sees cases assigned to it; a commissioner and an
    enterprise user see the cases of the enterprises they may see."""
    if permissions.allowed(user, OVERSEERS):
        return Q()
    parts = []
    unit = permissions.unit_q(user, (Role.UNIT_REPORTER,), field="unit")
    if unit is not None:
        parts.append(unit)
    if permissions.allowed(user, (Role.COMMISSIONER, Role.ENTERPRISE_USER)):
        ent = enterprise_q(user)
        if ent is not None and ent != Q():
            from luoshi.enterprises.models import Enterprise

            parts.append(Q(enterprise__in=Enterprise.objects.filter(ent).values("pk")))
    return permissions.any_of(parts)


def visible_cases(user) -> QuerySet[Case]:
    q = visibility_q(user)
    return Case.objects.none() if q is None else Case.objects.filter(q)


def case_list(user, data: dict) -> QuerySet[Case]:
    qs = visible_cases(user)
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("case_type"):
        qs = qs.filter(case_type=data["case_type"])
    if data.get("unit"):
        qs = qs.filter(unit=data["unit"])
    if data.get("colour"):
        qs = qs.filter(colour=data["colour"])
    if data.get("open_only"):
        qs = qs.exclude(state__in=[CaseState.RESOLVED, CaseState.FOLLOWED_UP])
    if data.get("q"):
        qs = qs.filter(Q(title__contains=data["q"]) | Q(number=data["q"]) | Q(enterprise__name__contains=data["q"]))
    return qs.select_related("case_type", "unit", "enterprise").order_by("-submitted_at", "-id")


QUEUE_STATES = (CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.SUSPENDED)
# The condition of the partial index case_open_queue, written with constants: SQLite uses a
# partial index only when the query states its condition the same way, and a bound parameter
# (what state__in=[…] becomes) is not a constant to its planner. The values are our own choices.
IN_QUEUE = RawSQL(  # noqa: S611 (constants of CaseState, no input)
    '"cases_case"."state" IN (' + ", ".join(f"'{state.value}'" for state in QUEUE_STATES) + ")",
    [],
    output_field=BooleanField(),
)


def unit_queue(user) -> QuerySet[Case]:
    """Open cases assigned to the user's units, nearest deadline first (the unit's 待我办理).

    Served by the partial index case_open_queue (unit, resolution_due, id over open cases only):
    one unit's queue comes out of it already in order, however many closed cases the unit has.
    """
    q = permissions.unit_q(user, (Role.UNIT_REPORTER,), field="unit")
    if q is None:
        return Case.objects.none()
    return (
        Case.objects.filter(q)
        .filter(IN_QUEUE)
        .select_related("case_type", "enterprise", "unit")
        .order_by("resolution_due", "id")
    )


def dispatch_queue(user) -> QuerySet[Case]:
    if not permissions.allowed(user, (Role.SUPERVISOR, Role.ADMIN)):
        return Case.objects.none()
    return (
        Case.objects.filter(state__in=[CaseState.SUBMITTED, CaseState.ACCEPTED])
        .select_related("case_type", "enterprise")
        .order_by("submitted_at", "id")
    )


def case_detail(user, case_id: int) -> Case:
    case = (
        visible_cases(user)
        .select_related("case_type", "unit", "enterprise__town", "visit", "submitted_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("没有找到该诉求，或您无权查看。")
    return case
