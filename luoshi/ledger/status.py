"""A task's derived status: the facts of one task, assessed by the shared tracking rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from luoshi.ledger.choices import Cadence, ReportState
from luoshi.ledger.models import Milestone, ProgressReport, Task
from luoshi.ledger.periods import owed_periods
from luoshi.tracking import calendar
from luoshi.tracking.status import Assessment, MilestoneFact, ReportFact, assess
from luoshi.workdays import WorkCalendar

# Only the recent past matters for "reports not sent": a task running for years with one
# missing report from long ago should not stay red for it forever.
REPORT_LOOKBACK = 6


def assess_task(
    cal: WorkCalendar,
    task: Task,
    today: date,
    milestones: Iterable[Milestone],
    first_report_on: dict[str, date],
) -> Assessment:
    """``first_report_on``: period key → date of the lead unit's first report not returned."""
    owed = owed_periods(cal, task.cadence, task.start_date, min(today, task.due_date)) if task.is_open else []
    reports = [ReportFact(p.label, p.due, first_report_on.get(p.key)) for p in owed[-REPORT_LOOKBACK:]]
    return assess(
        cal,
        today=today,
        start=task.start_date,
        due=task.due_date,
        percent=task.percent,
        done_on=task.done_on,
        closed_on=task.closed_on,
        milestones=[MilestoneFact(m.title, m.due_date, m.done_on) for m in milestones],
        reports=reports,
        judge_progress=bool(owed) or task.cadence == Cadence.NONE or task.percent > 0,
    )


def refresh(task_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute and store the status of these tasks; returns how many changed."""
    ids = list(task_ids)
    if not ids:
        return 0
    cal = calendar.current()
    today = today or timezone.localdate()
    now = timezone.now()
    changed = 0
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset : offset + 1000]
        tasks = list(Task.objects.filter(pk__in=chunk))
        milestones = defaultdict(list)
        for m in Milestone.objects.filter(task_id__in=chunk):
            milestones[m.task_id].append(m)
        first_report: dict[int, dict[str, date]] = defaultdict(dict)
        rows = (
            ProgressReport.objects.filter(task_id__in=chunk)
            .exclude(state=ReportState.RETURNED)
            .values_list("task_id", "unit_id", "period", "submitted_at")
        )
        lead_of = {t.pk: t.lead_unit_id for t in tasks}
        for task_id, unit_id, period, submitted_at in rows:
            if unit_id != lead_of[task_id]:
                continue
            day = timezone.localtime(submitted_at).date()
            known = first_report[task_id].get(period)
            if known is None or day < known:
                first_report[task_id][period] = day
        updates = []
        for task in tasks:
            a = assess_task(cal, task, today, milestones[task.pk], first_report[task.pk])
            new = (a.status, a.colour, a.reason[:500], a.expected_percent)
            if new != (task.status, task.colour, task.status_reason, task.expected_percent):
                changed += 1
            task.status, task.colour, task.status_reason, task.expected_percent = new
            task.status_at = now
            updates.append(task)
        # bulk_update writes no history rows: derived columns are not part of a task's story.
        Task.objects.bulk_update(updates, ["status", "colour", "status_reason", "expected_percent", "status_at"])
    return changed
