"""Derived status with its colour and the sentence that explains it.

Shared by everything luoshi tracks to a date (ledger tasks, cases, applications, projects):
a status is never typed by hand; it follows from dates, milestones, reports and progress,
counted in working days. The function is pure: callers pass facts, not models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from luoshi.tracking.choices import Colour, Stage, Status
from luoshi.workdays import WorkCalendar

# A slip this many working days long turns yellow into red and a reminder into escalation.
RED_AFTER_WORKDAYS = 5
SOON_WORKDAYS = 2
LAG_YELLOW_POINTS = 15
LAG_RED_POINTS = 30


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    due: date
    done_on: date | None = None


@dataclass(frozen=True)
class ReportFact:
    """A report that was expected by ``due``; ``submitted_on`` None if it has not come."""

    period: str
    due: date
    submitted_on: date | None = None


@dataclass(frozen=True)
class Assessment:
    status: str
    colour: str
    reason: str
    expected_percent: int | None = None
    signals: tuple[tuple[int, str], ...] = field(default=())

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def expected_percent(cal: WorkCalendar, start: date, due: date, today: date) -> int:
    """Where progress should be today if work ran evenly over the working days (时序进度)."""
    total = cal.workdays_between(start, due)
    if total <= 0 or today >= due:
        return 100
    if today <= start:
        return 0
    return round(100 * cal.workdays_between(start, today) / total)


def stage(cal: WorkCalendar, due: date, today: date, *, done: bool = False) -> str | None:
    """Which reminder an obligation due on ``due`` calls for today (None: none yet, or done)."""
    if done:
        return None
    if today > due:
        late = cal.workdays_between(due, today)
        return Stage.ESCALATED if late > RED_AFTER_WORKDAYS else Stage.OVERDUE
    if cal.workdays_between(today, due) <= SOON_WORKDAYS:
        return Stage.SOON
    return None


def assess(
    cal: WorkCalendar,
    *,
    today: date,
    start: date,
    due: date,
    percent: int = 0,
    done_on: date | None = None,
    closed_on: date | None = None,
    milestones: tuple[MilestoneFact, ...] | list[MilestoneFact] = (),
    reports: tuple[ReportFact, ...] | list[ReportFact] = (),
    judge_progress: bool = True,
) -> Assessment:
    """The status of one tracked obligation on ``today``.

    ``judge_progress`` False skips the comparison with the time path (no report owed yet).

    >>> from luoshi.workdays import WorkCalendar
    >>> a = assess(WorkCalendar(), today=date(2025, 3, 10), start=date(2025, 1, 2), due=date(2025, 3, 5), percent=80)
    >>> a.status == "overdue", a.colour == "red"
    (True, True)
    >>> a.reason
    '已超过完成期限（2025年3月5日）3个工作日，完成进度80%'
    """
    if closed_on is not None:
        return Assessment(Status.CLOSED, Colour.GREEN, f"已于{_fmt(closed_on)}销号")
    if done_on is not None:
        late = cal.workdays_between(due, done_on)
        suffix = f"，超期{late}个工作日" if late > 0 else ""
        return Assessment(Status.DONE, Colour.GREEN, f"已于{_fmt(done_on)}完成{suffix}")
    if today < start and not any(m.done_on for m in milestones):
        return Assessment(Status.NOT_STARTED, Colour.GREEN, f"计划于{_fmt(start)}开始")

    signals: list[tuple[int, str]] = []
    if today > due:
        late = cal.workdays_between(due, today)
        signals.append((3, f"已超过完成期限（{_fmt(due)}）{late}个工作日，完成进度{percent}%"))
    for m in milestones:
        if m.done_on is None and today > m.due:
            late = cal.workdays_between(m.due, today)
            signals.append((2 if late > RED_AFTER_WORKDAYS else 1, f"里程碑“{m.title}”已逾期{late}个工作日"))
    for r in reports:
        if r.submitted_on is None and today > r.due:
            late = cal.workdays_between(r.due, today)
            signals.append((2 if late > RED_AFTER_WORKDAYS else 1, f"{r.period}进展未按期报送，已逾期{late}个工作日"))
    expected = expected_percent(cal, start, due, today)
    lag = expected - percent
    # Progress is only known from reports: before the first one falls due, 0% is no news.
    if judge_progress and lag >= LAG_YELLOW_POINTS and today <= due:
        signals.append((2 if lag >= LAG_RED_POINTS else 1, f"进度{percent}%，落后时序进度（{expected}%）{lag}个百分点"))

    if not signals:
        return Assessment(Status.ON_TRACK, Colour.GREEN, f"按计划推进：进度{percent}%，时序进度{expected}%", expected)
    signals.sort(key=lambda s: -s[0])
    worst = signals[0][0]
    status = Status.OVERDUE if worst == 3 else Status.LAGGING
    colour = Colour.RED if worst >= 2 else Colour.YELLOW
    reason = "；".join(text for _, text in signals[:3])
    if len(signals) > 3:
        reason += f"等{len(signals)}项问题"
    return Assessment(status, colour, reason, expected, tuple(signals))
