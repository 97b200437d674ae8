"""Periodic work of the ledger, run by ``luoshi tick``: status refresh, reminders, escalation.

Every job is idempotent: notices are keyed by their cause and supervision notices by theirs,
so running a job twice on one day sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.core.audit import stamp
from luoshi.ledger import status
from luoshi.ledger.choices import Cadence, ReportState
from luoshi.ledger.models import Milestone, ProgressReport, SupervisionNotice, Task
from luoshi.ledger.periods import owed_periods
from luoshi.notices.services import notify
from luoshi.org.choices import Role
from luoshi.org.queries import heads_of, users_with_role
from luoshi.tracking import calendar, timeline
from luoshi.tracking.choices import Stage
from luoshi.tracking.status import SOON_WORKDAYS, stage


def refresh_all_status(today: date | None = None) -> str:
    ids = list(Task.objects.filter(closed_on__isnull=True).values_list("pk", flat=True))
    changed = status.refresh(ids, today)
    return f"刷新任务状态 {len(ids)} 项，变化 {changed} 项"


def send_reminders(today: date | None = None) -> str:
    """Remind before things fall due, tell unit heads when they are late, escalate past the threshold."""
    cal = calendar.current()
    today = today or timezone.localdate()
    horizon = cal.add_workdays(today, SOON_WORKDAYS)
    sent = escalated = 0
    obligations = []  # (task, key, what, due)

    open_tasks = Task.objects.filter(done_on__isnull=True, closed_on__isnull=True, start_date__lte=horizon)
    for task in open_tasks.filter(due_date__lte=horizon).select_related("lead_unit"):
        obligations.append((task, f"task:{task.pk}", "任务完成时限", task.due_date))
    for m in Milestone.objects.filter(done_on__isnull=True, due_date__lte=horizon, task__in=open_tasks).select_related(
        "task__lead_unit"
    ):
        obligations.append((m.task, f"milestone:{m.pk}", f"里程碑“{m.title}”", m.due_date))

    # Reports: only the latest owed period of each task, so a long-silent task gets one reminder.
    reporting = list(open_tasks.exclude(cadence=Cadence.NONE).select_related("lead_unit"))
    reported = defaultdict(set)
    for task_id, period in (
        ProgressReport.objects.filter(task__in=reporting)
        .exclude(state=ReportState.RETURNED)
        .filter(unit_id=F("task__lead_unit"))
        .values_list("task_id", "period")
    ):
        reported[task_id].add(period)
    for task in reporting:
        owed = owed_periods(cal, task.cadence, task.start_date, min(horizon, task.due_date))
        if owed and owed[-1].key not in reported[task.pk]:
            p = owed[-1]
            obligations.append((task, f"report:{task.pk}:{p.key}", f"{p.label}进展报告", p.due))

    for task, key, what, due in obligations:
        current = stage(cal, due, today)
        if current is None:
            continue
        late = cal.workdays_between(due, today)
        if current == Stage.SOON:
            recipients = list(users_with_role((Role.UNIT_REPORTER,), task.lead_unit))
            title = f"【即将到期】{what}：{task.title[:40]}"
            body = f"{what}应于{due:%Y年%m月%d日}前完成，请及时办理。"
        elif current == Stage.OVERDUE:
            recipients = [*heads_of(task.lead_unit), *users_with_role((Role.UNIT_REPORTER,), task.lead_unit)]
            title = f"【已逾期】{what}：{task.title[:40]}"
            body = f"{what}已于{due:%Y年%m月%d日}到期，已逾期{late}个工作日，请单位负责人督促办理。"
        else:
            recipients = list(users_with_role((Role.SUPERVISOR, Role.LEADER), task.lead_unit))
            title = f"【督办】{what}逾期{late}个工作日：{task.title[:40]}"
            body = f"{task.lead_unit.display_name}牵头的{what}已逾期{late}个工作日，已生成督办单。"
            if _issue_supervision_notice(task, key, f"{what}已逾期{late}个工作日", today):
                escalated += 1
        sent += len(
            notify(
                recipients, cause=f"ledger:{key}:{current}", title=title, body=body, link=f"/ledger/tasks/{task.pk}/"
            )
        )
    return f"提醒 {sent} 条，新发督办单 {escalated} 份"


def _issue_supervision_notice(task: Task, key: str, reason: str, today: date) -> bool:
    """One 督办单 per overdue obligation; returns True when a new one was issued now."""
    cause = f"ledger:{key}:escalated"
    if SupervisionNotice.objects.filter(cause=cause).exists():
        return False
    from luoshi.ledger.documents import supervision_notice_docx

    cal = calendar.current()
    try:
        with transaction.atomic():
            seq = SupervisionNotice.objects.filter(issued_at__year=today.year).count() + 1
            number = f"永督办〔{today.year}〕{seq}号"
            data = supervision_notice_docx(
                number=number, task=task, reason=reason, issued_on=today, reply_by=cal.add_workdays(today, 3)
            )
            notice = SupervisionNotice(task=task, number=number, cause=cause, reason=reason[:500])
            notice.file.save(f"{task.pk}-{seq}.docx", ContentFile(data), save=False)
            stamp(notice, SYSTEM, "逾期督办")
            notice.save()
            timeline.record(task, SYSTEM, "escalated", f"签发督办单{number}：{reason}")
    except IntegrityError:
        return False  # another tick issued it (or took the number) first; the next run retries the number
    return True
