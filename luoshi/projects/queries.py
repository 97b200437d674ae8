"""Read side of the projects: what a user may see, filtered lists, the boards, the series behind the charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from luoshi.core.errors import NotFound
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.projects import status
from luoshi.projects.choices import POOL, REPORTING, Channel, FundState, Maturity, Stage
from luoshi.projects.models import (
    FundRequest,
    FundTarget,
    MonthlyReport,
    MonthPlan,
    MonthReopening,
    Project,
)
from luoshi.tracking import calendar
from luoshi.tracking.choices import Status

READERS = (Role.LEADER, Role.SUPERVISOR, Role.UNIT_REPORTER, Role.ADMIN)
ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    """A sum from the database in 万元 with two places (SQLite drops the scale of a SUM)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def can_use_projects(user) -> bool:
    return permissions.allowed(user, READERS)


def visible_projects(user) -> QuerySet[Project]:
    """Projects led by a unit ``user`` covers: everything for leaders and supervisors, its own for a reporter."""
    return permissions.restrict(Project.objects.all(), user, READERS, field="lead_unit")


def filter_projects(qs: QuerySet[Project], data: dict) -> QuerySet[Project]:
    """Apply the cleaned data of ``ProjectFilterForm``: the list, the board, the API and the export share this."""
    if data.get("q"):
        text = data["q"]
        qs = qs.filter(
            Q(name__contains=text) | Q(code=text) | Q(owner_name__contains=text) | Q(owner_enterprise__name=text)
        )
    if data.get("project_type"):
        qs = qs.filter(project_type=data["project_type"])
    if data.get("stage"):
        qs = qs.filter(stage=data["stage"])
    if data.get("key_level"):
        qs = qs.filter(key_level=data["key_level"])
    if data.get("unit"):
        qs = qs.filter(lead_unit__path__startswith=data["unit"].path)
    if data.get("town"):
        qs = qs.filter(town=data["town"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("colour"):
        qs = qs.filter(colour=data["colour"])
    if not data.get("include_withdrawn"):
        qs = qs.filter(withdrawn_on__isnull=True)
    return qs


def project_rows(user, data: dict) -> QuerySet[Project]:
    return (
        filter_projects(visible_projects(user), data)
        .select_related("lead_unit", "town", "owner_enterprise")
        .order_by("code", "id")
    )


def project_detail(user, project_id: int) -> Project:
    project = (
        visible_projects(user)
        .select_related("lead_unit", "town", "owner_enterprise")
        .prefetch_related("milestones")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        # Someone else's project looks exactly like a missing one.
        raise NotFound("没有找到该项目，或您无权查看。")
    return project


def status_counts(qs: QuerySet[Project]) -> list[dict]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return [{"value": value, "label": label, "n": counts.get(value, 0)} for value, label in Status.choices]


def totals(qs: QuerySet[Project]) -> dict:
    sums = qs.order_by().aggregate(
        n=Count("id"),
        total=Sum("total_investment"),
        plan=Sum("year_plan"),
        done=Sum("year_done"),
        invested=Sum("invested"),
    )
    for key in ("total", "plan", "done", "invested"):
        sums[key] = _money(sums[key])
    sums["rate"] = (100 * sums["done"] / sums["plan"]).quantize(Decimal("0.1")) if sums["plan"] else None
    return sums


# --- boards --------------------------------------------------------------------------------


@dataclass
class Column:
    value: str
    label: str
    projects: list[Project]

    @property
    def total(self) -> Decimal:
        return sum((p.total_investment for p in self.projects), ZERO)


def board(user, data: dict) -> list[Column]:
    """The pipeline by stage: one column per stage from 谋划 to 投产."""
    rows = project_rows(user, {**data, "stage": "", "include_withdrawn": False}).order_by("-total_investment", "id")
    by_stage: dict[str, list[Project]] = {s: [] for s in Stage.values}
    for project in rows:
        by_stage[project.stage].append(project)
    return [Column(value, label, by_stage[value]) for value, label in Stage.choices]


def pool_rows(user, data: dict) -> QuerySet[Project]:
    return project_rows(user, {**data, "stage": ""}).filter(stage__in=POOL)


def pool_board(user, data: dict) -> list[Column]:
    """The reserve pool (储备库) by maturity (前期工作深度), the most mature last."""
    rows = pool_rows(user, data).order_by("-total_investment", "id")
    by_maturity: dict[str, list[Project]] = {m: [] for m in ["", *Maturity.values]}
    for project in rows:
        by_maturity[project.maturity].append(project)
    columns = [Column(value, label, by_maturity[value]) for value, label in Maturity.choices]
    if by_maturity[""]:
        columns.insert(0, Column("", "未评估", by_maturity[""]))
    return columns


@dataclass
class Movement:
    month: int
    entered: int
    promoted: int
    exited: int
    in_pool: int


def pool_movement(user, year: int, today: date | None = None) -> list[Movement]:
    """Month by month: projects entering the pool, promoted to implementation, leaving it, and the pool's size."""
    today = today or timezone.localdate()
    qs = visible_projects(user).filter(entered_pool_on__isnull=False)
    rows = list(qs.values_list("entered_pool_on", "promoted_on", "withdrawn_on"))
    last = 12 if year < today.year else today.month
    result = []
    for month in range(1, last + 1):
        first_day = date(year, month, 1)
        end = status.month_end(year, month)

        def within(d, first_day=first_day, end=end) -> bool:
            return d is not None and first_day <= d <= end

        entered = sum(1 for e, _, _ in rows if within(e))
        promoted = sum(1 for _, p, _ in rows if within(p))
        exited = sum(1 for _, p, w in rows if within(w) and p is None)
        in_pool = sum(1 for e, p, w in rows if e <= end and (p is None or p > end) and (w is None or w > end))
        result.append(Movement(month, entered, promoted, exited, in_pool))
    return result


# --- one project ---------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: int
    plan: Decimal
    done: Decimal | None
    plan_cumulative: Decimal
    done_cumulative: Decimal | None
    report: MonthlyReport | None


def monthly_series(project: Project, year: int, today: date | None = None) -> list[MonthRow]:
    """Plan and completed investment of each month of ``year``, with running totals (万元)."""
    today = today or timezone.localdate()
    plans = dict(MonthPlan.objects.filter(plan__project=project, plan__year=year).values_list("month", "amount"))
    reports = {r.month: r for r in project.reports.filter(year=year).select_related("submitted_by")}
    rows = []
    plan_sum = done_sum = ZERO
    last_reported = max(reports, default=0)
    for month in range(1, 13):
        plan = plans.get(month, ZERO)
        plan_sum += plan
        report = reports.get(month)
        done = report.amount if report else None
        if done is not None:
            done_sum += done
        # The actual line runs up to the last month reported; later months have no figure yet.
        shown = month <= last_reported and date(year, month, 1) <= today
        rows.append(MonthRow(month, plan, done, plan_sum, done_sum if shown else None, report))
    return rows


def project_reports(project: Project) -> QuerySet[MonthlyReport]:
    return project.reports.select_related("unit", "submitted_by").order_by("-year", "-month")


def reportable_months(project: Project, today: date | None = None) -> list[tuple[int, int, str]]:
    """(year, month, label) the lead unit may report now: open months and months reopened for it."""
    today = today or timezone.localdate()
    if project.stage not in (*REPORTING, Stage.COMPLETED) or project.withdrawn_on is not None:
        return []
    cal = calendar.current()
    months = []
    year, month = today.year, today.month
    for _ in range(3):
        if today <= status.closes_on(cal, year, month):
            months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    reopened = set(MonthReopening.objects.filter(project=project, used_at__isnull=True).values_list("year", "month"))
    months.extend(ym for ym in reopened if ym not in months)
    months.sort(reverse=True)
    return [(y, m, f"{y}年{m}月" + ("（补报）" if (y, m) in reopened else "")) for y, m in months]


@dataclass
class OwedReport:
    project: Project
    year: int
    month: int
    due: date
    late: bool

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def owed_reports(user, today: date | None = None) -> list[OwedReport]:
    """Monthly reports the reporter's units owe now (last month's, once it has ended), nearest due first."""
    q = permissions.unit_q(user, (Role.UNIT_REPORTER,), field="lead_unit")
    if q is None:
        return []
    today = today or timezone.localdate()
    cal = calendar.current()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    period = status.month_period(cal, year, month)
    if today > status.closes_on(cal, year, month):
        return []
    projects = Project.objects.filter(q, stage__in=REPORTING, withdrawn_on__isnull=True, year_plan__gt=0)
    projects = projects.exclude(reports__year=year, reports__month=month).select_related("lead_unit")
    return [OwedReport(p, year, month, period.due, today > period.due) for p in projects.order_by("code", "id")]


# --- funds sought from higher levels -------------------------------------------------------


def visible_funds(user) -> QuerySet[FundRequest]:
    return permissions.restrict(FundRequest.objects.all(), user, READERS, field="applying_unit")


def filter_funds(qs: QuerySet[FundRequest], data: dict) -> QuerySet[FundRequest]:
    if data.get("q"):
        qs = qs.filter(Q(title__contains=data["q"]) | Q(project__name__contains=data["q"]))
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    for key in ("channel", "level", "state"):
        if data.get(key):
            qs = qs.filter(**{key: data[key]})
    if data.get("unit"):
        qs = qs.filter(applying_unit__path__startswith=data["unit"].path)
    return qs


def fund_rows(user, data: dict) -> QuerySet[FundRequest]:
    return (
        filter_funds(visible_funds(user), data)
        .select_related("applying_unit", "project")
        .order_by("-applied_on", "-id")
    )


def fund_detail(user, fund_id: int) -> FundRequest:
    fund = visible_funds(user).select_related("applying_unit", "project").filter(pk=fund_id).first()
    if fund is None:
        raise NotFound("没有找到该争取资金事项，或您无权查看。")
    return fund


@dataclass
class FundSummary:
    year: int
    target: FundTarget | None
    applied: Decimal
    approved: Decimal
    received: Decimal
    count: int
    by_channel: list[dict]
    by_unit: list[dict]

    @property
    def approved_rate(self) -> Decimal | None:
        """批复资金占年度目标的百分比。"""
        if not self.target or not self.target.amount:
            return None
        return (100 * self.approved / self.target.amount).quantize(Decimal("0.1"))


def fund_summary(user, year: int) -> FundSummary:
    """The year's funds sought: totals against the target, and by channel and by applying unit (万元)."""
    qs = visible_funds(user).filter(year=year).exclude(state=FundState.REJECTED).order_by()
    sums = {"applied": Sum("amount_applied"), "approved": Sum("amount_approved"), "received": Sum("amount_received")}
    overall = qs.aggregate(n=Count("id"), **sums)
    labels = dict(Channel.choices)
    by_channel = [
        {**row, "label": labels.get(row["channel"], row["channel"])}
        for row in qs.values("channel").annotate(n=Count("id"), **sums).order_by("channel")
    ]
    by_unit = list(
        qs.values("applying_unit", "applying_unit__name", "applying_unit__short_name")
        .annotate(n=Count("id"), **sums)
        .order_by("applying_unit")
    )
    for row in [*by_channel, *by_unit]:
        for key in sums:
            row[key] = _money(row[key])
    for row in by_unit:
        row["label"] = row["applying_unit__short_name"] or row["applying_unit__name"]
    # Largest approvals first; sorted here, where a sum of nothing is already 0 on every database.
    by_channel.sort(key=lambda r: (-r["approved"], -r["applied"], r["label"]))
    by_unit.sort(key=lambda r: (-r["approved"], -r["applied"], r["label"]))
    return FundSummary(
        year=year,
        target=FundTarget.objects.filter(year=year).first(),
        applied=_money(overall["applied"]),
        approved=_money(overall["approved"]),
        received=_money(overall["received"]),
        count=overall["n"],
        by_channel=by_channel,
        by_unit=by_unit,
    )
