"""A project's derived status: this year's facts of one project, assessed by the shared tracking rule.

The year's investment is judged the way the district reads it: the share of the annual plan
completed (年度计划完成率) against the share of the planned window's working days gone by
(时序进度). The window runs from the first to the last month the monthly plan puts money in,
and never past the planned completion date. Missing monthly reports and late milestones count
as they do for a ledger task; a project past its planned completion and not finished is overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from luoshi.ledger.choices import Cadence
from luoshi.ledger.periods import Period, owed_periods, period_of
from luoshi.projects.choices import FINISHED, POOL, REPORTING, Stage
from luoshi.projects.models import MonthlyReport, MonthPlan, Project, ProjectMilestone, YearPlan
from luoshi.tracking import calendar
from luoshi.tracking.choices import Colour, Status
from luoshi.tracking.status import RED_AFTER_WORKDAYS, Assessment, MilestoneFact, ReportFact, assess
from luoshi.workdays import WorkCalendar

# Only the recent past matters for "reports not sent", as in the ledger.
REPORT_LOOKBACK = 6
# A month's figures close this many working days after its report was due (when a late report
# would be escalated anyway); after that only a supervisor's reopening lets the unit report it.
CLOSE_AFTER_WORKDAYS = RED_AFTER_WORKDAYS


def month_period(cal: WorkCalendar, year: int, month: int) -> Period:
    """The reporting period of a month: its report is due on the third working day after it ends."""
    return period_of(cal, Cadence.MONTHLY, date(year, month, 1))


def closes_on(cal: WorkCalendar, year: int, month: int) -> date:
    """The last day the lead unit may report (or correct) ``month`` without a reopening."""
    return cal.add_workdays(month_period(cal, year, month).due, CLOSE_AFTER_WORKDAYS)


@dataclass
class YearFacts:
    """What one project planned and did in one year."""

    plan: Decimal = Decimal(0)
    months: dict[int, Decimal] = field(default_factory=dict)  # month → planned amount
    done: Decimal = Decimal(0)
    reported: dict[int, date] = field(default_factory=dict)  # month → day first reported
    invested: Decimal = Decimal(0)  # cumulative, every year


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def window(project: Project, facts: YearFacts, year: int) -> tuple[date, date]:
    """The stretch of ``year`` the project's plan covers, cut at its planned completion."""
    planned = sorted(m for m, amount in facts.months.items() if amount > 0)
    start = date(year, planned[0], 1) if planned else date(year, 1, 1)
    due = month_end(year, planned[-1]) if planned else date(year, 12, 31)
    if project.end_date and project.end_date < due:
        due = project.end_date
    return min(start, due), due


def reporting_since(project: Project) -> date:
    """Reports are owed from the month the project entered implementation (or was registered in it)."""
    if project.promoted_on:
        return project.promoted_on
    return timezone.localdate(project.created_at) if project.created_at else date.min


def assess_project(
    cal: WorkCalendar, project: Project, today: date, milestones: Iterable[ProjectMilestone], facts: YearFacts
) -> Assessment:
    if project.withdrawn_on is not None:
        return Assessment(Status.CLOSED, Colour.GREEN, f"已于{_fmt(project.withdrawn_on)}出库")
    ms = [MilestoneFact(m.title, m.due_date, m.done_on) for m in milestones]
    if project.stage in FINISHED:
        done_on = project.completed_on or today
        late = cal.workdays_between(project.end_date, done_on) if project.end_date else 0
        suffix = f"，较计划竣工推迟{late}个工作日" if late > 0 else ""
        stage = "投产" if project.stage == Stage.OPERATING else "竣工"
        return Assessment(Status.DONE, Colour.GREEN, f"已于{_fmt(done_on)}{stage}{suffix}")
    year = today.year
    if project.stage in POOL:
        # A reserve project has no schedule of investment yet: only its preliminary steps are tracked.
        first = min((m.due for m in ms), default=today)
        a = assess(
            cal,
            today=today,
            start=min(first, today),
            due=max(today, date(year, 12, 31)),
            milestones=ms,
            judge_progress=False,
        )
        if a.status == Status.ON_TRACK:
            return Assessment(Status.NOT_STARTED, Colour.GREEN, f"{Stage(project.stage).label}中，前期工作按计划推进")
        return a
    start, due = window(project, facts, year)
    reports: list[ReportFact] = []
    # Monthly reports are owed once the year's plan is set: the plan is what they are read against.
    if project.stage in REPORTING and facts.plan > 0:
        since = max(start, reporting_since(project).replace(day=1))
        owed = owed_periods(cal, Cadence.MONTHLY, since, min(today, due)) if since <= due else []
        for p in owed[-REPORT_LOOKBACK:]:
            reports.append(ReportFact(p.label, p.due, facts.reported.get(p.start.month)))
    a = assess(
        cal,
        today=today,
        start=start,
        due=due,
        percent=_percent(facts),
        milestones=ms,
        reports=reports,
        judge_progress=facts.plan > 0 and bool(reports),
    )
    if facts.plan <= 0 and a.status == Status.ON_TRACK:
        return Assessment(a.status, a.colour, f"{year}年尚未下达投资计划", a.expected_percent)
    return a


def _percent(facts: YearFacts) -> int:
    if facts.plan <= 0:
        return 0
    return min(999, round(100 * facts.done / facts.plan))


def year_facts(project_ids: list[int], year: int) -> dict[int, YearFacts]:
    """Plans, reports and cumulative investment of these projects, in four queries."""
    facts: dict[int, YearFacts] = defaultdict(YearFacts)
    for plan in YearPlan.objects.filter(project_id__in=project_ids, year=year):
        facts[plan.project_id].plan = plan.amount
    for project_id, month, amount in MonthPlan.objects.filter(
        plan__project_id__in=project_ids, plan__year=year
    ).values_list("plan__project_id", "month", "amount"):
        facts[project_id].months[month] = amount
    for project_id, month, amount, submitted_at in MonthlyReport.objects.filter(
        project_id__in=project_ids, year=year
    ).values_list("project_id", "month", "amount", "submitted_at"):
        f = facts[project_id]
        f.done += amount
        f.reported[month] = timezone.localdate(submitted_at)
    totals = (
        MonthlyReport.objects.filter(project_id__in=project_ids)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
    )
    for row in totals:
        facts[row["project_id"]].invested = Decimal(row["total"] or 0).quantize(Decimal("0.01"))
    return facts


def refresh(project_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute and store the status and investment figures of these projects; returns how many changed."""
    ids = list(project_ids)
    if not ids:
        return 0
    cal = calendar.current()
    today = today or timezone.localdate()
    now = timezone.now()
    changed = 0
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset : offset + 1000]
        projects = list(Project.objects.filter(pk__in=chunk))
        milestones = defaultdict(list)
        for m in ProjectMilestone.objects.filter(project_id__in=chunk):
            milestones[m.project_id].append(m)
        facts = year_facts(chunk, today.year)
        for project in projects:
            f = facts[project.pk]
            a = assess_project(cal, project, today, milestones[project.pk], f)
            new = (
                a.status,
                a.colour,
                a.reason[:500],
                a.expected_percent,
                _percent(f),
                f.plan,
                f.done,
                project.invested_before + f.invested,
            )
            old = (
                project.status,
                project.colour,
                project.status_reason,
                project.expected_percent,
                project.percent,
                project.year_plan,
                project.year_done,
                project.invested,
            )
            if new != old:
                changed += 1
            (
                project.status,
                project.colour,
                project.status_reason,
                project.expected_percent,
                project.percent,
                project.year_plan,
                project.year_done,
                project.invested,
            ) = new
            project.status_at = now
        # bulk_update writes no history rows: derived columns are not part of a project's story.
        Project.objects.bulk_update(
            projects,
            [
                "status",
                "colour",
                "status_reason",
                "expected_percent",
                "percent",
                "year_plan",
                "year_done",
                "invested",
                "status_at",
            ],
        )
    return changed
