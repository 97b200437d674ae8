"""Read side of the enterprise registry: who sees which enterprises, search, coverage, workload."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from luoshi import codes
from luoshi.core.errors import NotFound
from luoshi.enterprises.choices import VisitStatus
from luoshi.enterprises.models import CommissionerAssignment, Enterprise, Visit
from luoshi.enterprises.namesearch import name_contains
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit, User

# Government readers see the whole registry; a commissioner sees the enterprises he serves;
# an enterprise user sees its own enterprise.
REGISTRY_READERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.UNIT_REPORTER, Role.REVIEWER)


def visibility_q(user) -> Q | None:
    parts = []
    if permissions.allowed(user, REGISTRY_READERS):
        return Q()
    if permissions.allowed(user, (Role.COMMISSIONER,)):
        served = CommissionerAssignment.objects.filter(
            enterprise=OuterRef("pk"), ended_on__isnull=True, commissioner_id=user.pk
        )
        parts.append(Q(Exists(served)))
    own = permissions.unit_q(user, (Role.ENTERPRISE_USER,), field="unit")
    if own is not None:
        parts.append(own)
    return permissions.any_of(parts)


def visible_enterprises(user) -> QuerySet[Enterprise]:
    q = visibility_q(user)
    return Enterprise.objects.none() if q is None else Enterprise.objects.filter(q)


def can_browse(user) -> bool:
    return visibility_q(user) is not None


SIZES = ("大型", "中型", "小型", "微型")
# The industry column holds digits only, so "< prefix + ':'" (':' follows '9') bounds every code
# that starts with the prefix.
AFTER_DIGITS = ":"


def search(user, data: dict, *, for_totals: bool = False) -> QuerySet[Enterprise]:
    """The directory list: the cleaned data of ``EnterpriseFilterForm`` (page, API and export share it),
    in name order. ``for_totals``: the same rows, filtered for counting (see :func:`totals`)."""
    qs = visible_enterprises(user)
    text = (data.get("q") or "").strip()
    if text:
        # A full 18-character code is an exact lookup on the unique index; otherwise the name.
        qs = qs.filter(uscc=text.upper()) if len(text) == 18 and text.isalnum() else qs.filter(name_contains(text))
    if data.get("town"):
        qs = qs.filter(town=data["town"])
    industry = (data.get("industry") or "").strip().upper()
    if industry.isalpha():
        # A section letter (门类) selects its divisions, which are consecutive numbers: one range
        # comparison that an index can serve, where LIKE '13%' OR … OR '43%' scans the table.
        section = next((s for s in codes.sections() if s.code == industry), None)
        if section is None:
            qs = qs.none()
        else:
            qs = _industry_range(qs, section.divisions[0], section.divisions[-1] + AFTER_DIGITS, broad=not for_totals)
    elif industry:
        # A division or class: a range too (SQLite's LIKE 'x%' uses no index).
        qs = _industry_range(qs, industry, industry + AFTER_DIGITS, broad=False)
    if data.get("tag"):
        qs = qs.filter(tags=data["tag"])
    if data.get("chain"):
        qs = qs.filter(chain=data["chain"])
    if data.get("size"):
        qs = qs.filter(size_class=data["size"])
    if data.get("above_scale"):
        # "IN (true)", not the bare column Django writes for "= true": SQLite takes only the former
        # as an equality, which lets town + 规上 + name order come from enterprise_town_scale_name.
        qs = qs.filter(above_scale__in=[True])
    if for_totals:
        return qs.order_by()
    return qs.select_related("town", "chain").order_by("name", "id")


def _industry_range(qs, lower: str, upper: str, *, broad: bool):
    if broad and connection.vendor == "sqlite":
        # A section is half the registry or so. SQLite, without statistics on the spread of codes,
        # would read the range from enterprise_industry_totals and sort it all by name; in name
        # order from the name index, 50 rows of a page are found at once. "+column" tells SQLite
        # not to use an index for the condition (PostgreSQL has statistics and chooses well).
        return qs.filter(
            RawSQL(
                '+"enterprises_enterprise"."industry_code" >= %s AND +"enterprises_enterprise"."industry_code" < %s',
                [lower, upper],
                output_field=BooleanField(),
            )
        )
    return qs.filter(industry_code__gte=lower, industry_code__lt=upper)


def totals(user, data: dict) -> dict[str, int]:
    """How many enterprises the directory's filters select: in all, 规上, and of each size.

    One pass, from the covering index enterprise_industry_totals where an industry is chosen.
    """
    rows = search(user, data, for_totals=True)
    return rows.aggregate(
        total=Count("id"),
        above=Count("id", filter=Q(above_scale=True)),
        **{f"size{i}": Count("id", filter=Q(size_class=size)) for i, size in enumerate(SIZES)},
    )


def enterprise_detail(user, enterprise_id: int) -> Enterprise:
    enterprise = (
        visible_enterprises(user)
        .select_related("town", "chain", "unit")
        .prefetch_related("tags", "figures")
        .filter(pk=enterprise_id)
        .first()
    )
    if enterprise is None:
        raise NotFound("没有找到该企业，或您无权查看。")
    return enterprise


def current_commissioner(enterprise: Enterprise) -> CommissionerAssignment | None:
    return enterprise.assignments.filter(ended_on__isnull=True).select_related("commissioner").first()


def served_by(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(assignments__ended_on__isnull=True, assignments__commissioner=user)


def workload() -> list[dict]:
    """Enterprises per commissioner, busiest first."""
    rows = (
        CommissionerAssignment.objects.filter(ended_on__isnull=True)
        .values("commissioner")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    users = User.objects.in_bulk([r["commissioner"] for r in rows])
    return [{"commissioner": users[r["commissioner"]], "enterprises": r["n"]} for r in rows]


def visit_coverage(year: int, *, by: str = "town") -> list[dict]:
    """Share of enterprises visited this year, by town (镇街) or by commissioner."""
    visited = Visit.objects.filter(status=VisitStatus.DONE, visited_on__year=year, enterprise=OuterRef("pk"))
    if by == "town":
        rows = (
            Enterprise.objects.values("town")
            .annotate(total=Count("id"), visited=Count("id", filter=Q(Exists(visited))))
            .order_by("town")
        )
        names = Unit.objects.in_bulk([r["town"] for r in rows if r["town"]])
        return [
            {
                "name": names[r["town"]].display_name if r["town"] else "未填镇街",
                "total": r["total"],
                "visited": r["visited"],
                "share": round(100 * r["visited"] / r["total"], 1) if r["total"] else 0,
            }
            for r in rows
        ]
    rows = (
        CommissionerAssignment.objects.filter(ended_on__isnull=True)
        .values("commissioner")
        .annotate(
            total=Count("enterprise", distinct=True),
            visited=Count(
                "enterprise",
                distinct=True,
                filter=Q(enterprise__visits__status=VisitStatus.DONE, enterprise__visits__visited_on__year=year),
            ),
        )
        .order_by("-total")
    )
    users = User.objects.in_bulk([r["commissioner"] for r in rows])
    return [
        {
            "name": str(users[r["commissioner"]]),
            "total": r["total"],
            "visited": r["visited"],
            "share": round(100 * r["visited"] / r["total"], 1) if r["total"] else 0,
        }
        for r in rows
    ]


def year_of(day: date | None = None) -> int:
    from django.utils import timezone

    return (day or timezone.localdate()).year
