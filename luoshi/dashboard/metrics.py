"""The cockpit's numbers: the 早·干·实·问效 chain for what one user may see.

Every tile carries the link that opens the rows behind it, and its number is computed through
the very query that page runs with those parameters (the ledger's ``ledger_rows``, the case
list's ``case_list``, the library's ``search``, the disbursement ledger), so a number and its
rows cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q, Sum
from django.urls import reverse

from luoshi.benefits import queries as benefit_queries
from luoshi.benefits.choices import State
from luoshi.cases import queries as case_queries
from luoshi.cases.choices import CaseState
from luoshi.ledger import charts as ledger_charts
from luoshi.ledger import queries as ledger_queries
from luoshi.org.models import Unit
from luoshi.policies import queries as policy_queries
from luoshi.tracking.choices import Colour, Status


@dataclass
class Tile:
    key: str
    label: str
    value: float | int | str
    unit: str = ""
    link: str = ""
    tone: str = ""  # green / yellow / red, or "" for neutral
    note: str = ""


@dataclass
class Section:
    key: str  # zao / gan / shi / wenxiao
    title: str
    tiles: list[Tile] = field(default_factory=list)


@dataclass
class Cockpit:
    year: int
    today: date
    sections: list[Section]
    indicators: list[dict]
    units: list[dict]  # tasks by status per unit
    money_by_department: list[dict]

    def tile(self, key: str) -> Tile:
        return next(t for s in self.sections for t in s.tiles if t.key == key)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data


def _link(name: str, **params) -> str:
    url = reverse(name)
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _wan(value) -> float:
    return float((Decimal(value or 0) / 10000).quantize(Decimal("0.01")))


def _tasks(user) -> Section:
    section = Section("shi", "实 · 督办落实")
    count = lambda **data: ledger_queries.ledger_rows(user, data).count()  # noqa: E731 -- a local shorthand
    section.tiles += [
        Tile("tasks_open", "在办任务", count(open_only=True), "项", _link("ledger:tasks", open_only="on")),
        Tile(
            "tasks_overdue",
            "已逾期",
            count(status=Status.OVERDUE),
            "项",
            _link("ledger:tasks", status=Status.OVERDUE),
            "red",
        ),
        Tile(
            "tasks_lagging",
            "进度滞后",
            count(status=Status.LAGGING),
            "项",
            _link("ledger:tasks", status=Status.LAGGING),
            "yellow",
        ),
        Tile("tasks_red", "红灯任务", count(colour=Colour.RED), "项", _link("ledger:tasks", colour=Colour.RED), "red"),
    ]
    cases = lambda **data: case_queries.case_list(user, data).count()  # noqa: E731
    section.tiles += [
        Tile("cases_open", "未办结诉求", cases(open_only=True), "件", _link("cases:list", open_only="on")),
        Tile(
            "cases_red",
            "红色预警诉求",
            cases(colour=Colour.RED, open_only=True),
            "件",
            _link("cases:list", colour=Colour.RED, open_only="on"),
            "red",
        ),
    ]
    return section


def _case_quality(user, year: int) -> list[Tile]:
    done = case_queries.visible_cases(user).filter(resolved_at__year=year)
    counts = done.aggregate(
        n=Count("pk"),
        on_time=Count("pk", filter=Q(resolution_due__isnull=True) | Q(resolved_at__date__lte=F("resolution_due"))),
        average=Avg("rating"),
        rated=Count("rating"),
    )
    rate = round(100 * counts["on_time"] / counts["n"], 1) if counts["n"] else 0.0
    rating = round(float(counts["average"]), 2) if counts["average"] is not None else "—"
    return [
        Tile(
            "cases_on_time",
            f"{year}年诉求按期办结率",
            rate,
            "%",
            _link("cases:list", state=CaseState.FOLLOWED_UP),
            "green" if rate >= 90 else "yellow" if rate >= 75 else "red",
            f"{counts['on_time']}/{counts['n']}件",
        ),
        Tile("cases_rating", "企业满意度", rating, "分（5分制）", "", "", f"{counts['rated']}件已评价"),
    ]


def _policies(user, today: date) -> Section:
    section = Section("zao", "早 · 政策与窗口")
    _, open_now = policy_queries.search(user, {"open_now": True}, today)
    _, measures = policy_queries.search(user, {"level": "district", "status": "published"}, today)
    section.tiles += [
        Tile("clauses_open", "正在申报的政策条款", open_now, "项", _link("policies:library", open_now="on")),
        Tile(
            "measures",
            "本区现行措施文件",
            measures,
            "份",
            _link("policies:library", level="district", status="published"),
        ),
        Tile(
            "flagged",
            "上级政策修订待复核",
            policy_queries.flagged_count(user),
            "处",
            _link("policies:crosswalk", flagged=1),
            "yellow",
        ),
    ]
    return section


def _money(user, year: int) -> tuple[Section, list[dict]]:
    section = Section("gan", "干 · 兑现到企业")
    rows = benefit_queries.ledger(user, {"year": year})
    totals = rows.aggregate(approved=Sum("amount_approved"), count=Count("pk"))
    paid = rows.filter(state=State.PAID).aggregate(paid=Sum("amount_approved"), n=Count("pk"))
    waiting = (
        benefit_queries.visible_applications(user)
        .filter(state__in=[State.SUBMITTED, State.FIRST_REVIEW, State.SECOND_REVIEW])
        .count()
    )
    section.tiles += [
        Tile(
            "money_approved",
            f"{year}年核定资金",
            _wan(totals["approved"]),
            "万元",
            _link("benefits:ledger", year=year),
            note=f"{totals['count']}件",
        ),
        Tile(
            "money_paid",
            f"{year}年已兑现",
            _wan(paid["paid"]),
            "万元",
            _link("benefits:ledger", year=year),
            "green",
            f"{paid['n']}件",
        ),
        Tile("applications_waiting", "待审核申报", waiting, "件", ""),
    ]
    by_department = [
        {
            "name": r["clause__department__short_name"] or r["clause__department__name"] or "未指定",
            "approved": _wan(r["approved"]),
            "paid": _wan(r["paid"]),
        }
        for r in rows.values("clause__department__short_name", "clause__department__name")
        .annotate(approved=Sum("amount_approved"), paid=Sum("amount_approved", filter=Q(state=State.PAID)))
        .order_by("-approved")
    ]
    return section, by_department


def _projects(user, year: int) -> Section:
    from luoshi.projects import queries as project_queries

    section = Section("wenxiao", "问效 · 重点项目与争取资金")
    if not project_queries.can_use_projects(user):
        return section
    projects = project_queries.project_rows(user, {})
    sums = project_queries.totals(projects)
    rate = float(sums["rate"]) if sums["rate"] is not None else 0.0
    funds = project_queries.fund_summary(user, year)
    won = float(funds.approved)
    target = float(funds.target.amount) if funds.target else None
    section.tiles += [
        Tile("projects", "重点项目", projects.count(), "个", _link("projects:list")),
        Tile(
            "projects_red",
            "红灯项目",
            project_queries.project_rows(user, {"colour": Colour.RED}).count(),
            "个",
            _link("projects:list", colour=Colour.RED),
            "red",
        ),
        Tile(
            "investment",
            f"{year}年投资完成率",
            rate,
            "%",
            _link("projects:list"),
            "green" if rate >= 90 else "yellow" if rate >= 70 else "red",
            f"完成{sums['done']}万元 / 计划{sums['plan']}万元",
        ),
        Tile(
            "funds_won",
            f"{year}年争取上级资金",
            won,
            "万元",
            _link("projects:funds", year=year),
            "" if target is None else "green" if won >= target else "yellow",
            f"年度目标{target}万元" if target is not None else "未设年度目标",
        ),
    ]
    return section


def _indicators(user, today: date, year: int) -> list[dict]:
    out = []
    for indicator in ledger_queries.visible_indicators(user).filter(year=year).prefetch_related("values"):
        progress = ledger_charts.indicator_progress(indicator, today)
        out.append(
            {
                "name": indicator.name,
                "target": f"{indicator.get_target_kind_display()[:2]}{indicator.target}{indicator.measure}",
                "colour": progress.colour,
                "reason": progress.reason,
                "link": reverse("ledger:indicator", args=[indicator.pk]),
            }
        )
    return out


def _units(user, limit: int = 12) -> list[dict]:
    """Tasks by status for the units leading most open tasks; each count opens its rows."""
    leading = (
        ledger_queries.visible_tasks(user)
        .filter(closed_on__isnull=True)
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")[:limit]
    )
    units = Unit.objects.in_bulk([r["lead_unit"] for r in leading])
    rows = []
    for r in leading:
        unit = units[r["lead_unit"]]
        counts = dict(
            ledger_queries.ledger_rows(user, {"unit": unit, "open_only": True})
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        rows.append(
            {
                "name": unit.display_name,
                "cells": [
                    (
                        status.label,
                        counts.get(status.value, 0),
                        _link("ledger:tasks", unit=unit.pk, status=status.value, open_only="on"),
                    )
                    for status in (Status.OVERDUE, Status.LAGGING, Status.ON_TRACK, Status.NOT_STARTED)
                ],
            }
        )
    return rows


def cockpit(user, today: date, year: int | None = None) -> Cockpit:
    year = year or today.year
    tasks = _tasks(user)
    tasks.tiles += _case_quality(user, year)
    money, by_department = _money(user, year)
    sections = [_policies(user, today), money, tasks, _projects(user, year)]
    return Cockpit(
        year=year,
        today=today,
        sections=sections,
        indicators=_indicators(user, today, year),
        units=_units(user),
        money_by_department=by_department,
    )
