"""Periodic work of the projects, run by ``luoshi tick``: status refresh, reminders and escalation.

Every job is idempotent: notices are keyed by their cause (the obligation, its due date and the
reminder stage), so running a job twice on one day sends nothing twice.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from luoshi.notices.services import notify
from luoshi.org.choices import Role
from luoshi.org.queries import heads_of, users_with_role
from luoshi.projects import services, status
from luoshi.projects.choices import REPORTING
from luoshi.projects.models import MonthlyReport, Project, ProjectMilestone
from luoshi.tracking import calendar
from luoshi.tracking.choices import Stage as ReminderStage
from luoshi.tracking.status import SOON_WORKDAYS, stage


def refresh_all_status(today: date | None = None) -> str:
    today = today or timezone.localdate()
    rolled = services.roll_new_starts(today)
    synced = services.sync_problems_from_cases()
    ids = list(Project.objects.filter(withdrawn_on__isnull=True).values_list("pk", flat=True))
    changed = status.refresh(ids, today)
    extra = (f"，新开工转续建 {rolled} 个" if rolled else "") + (f"，问题随诉求办结 {synced} 个" if synced else "")
    return f"刷新项目状态 {len(ids)} 个，变化 {changed} 个{extra}"


def send_reminders(today: date | None = None) -> str:
    """Remind the lead unit before a milestone or a monthly report falls due, tell its heads when it is
    late, and tell the supervisors and leaders once it is late past the escalation threshold."""
    cal = calendar.current()
    today = today or timezone.localdate()
    horizon = cal.add_workdays(today, SOON_WORKDAYS)
    obligations = []  # (project, key, what, due)

    active = Project.objects.filter(withdrawn_on__isnull=True).exclude(stage__in=["completed", "operating"])
    for m in ProjectMilestone.objects.filter(
        done_on__isnull=True, due_date__lte=horizon, project__in=active
    ).select_related("project__lead_unit"):
        obligations.append((m.project, f"milestone:{m.pk}", f"节点“{m.title}”", m.due_date))

    # Reports: last month's, for projects in implementation with a plan this year.
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    period = status.month_period(cal, year, month)
    reporting = active.filter(stage__in=REPORTING, year_plan__gt=0).select_related("lead_unit")
    reported = set(MonthlyReport.objects.filter(year=year, month=month).values_list("project_id", flat=True))
    for project in reporting:
        since = status.reporting_since(project)
        if project.pk not in reported and since <= period.end:
            obligations.append((project, f"report:{project.pk}:{period.key}", f"{period.label}投资月报", period.due))

    sent = 0
    for project, key, what, due in obligations:
        current = stage(cal, due, today)
        if current is None:
            continue
        late = cal.workdays_between(due, today)
        name = project.name[:40]
        if current == ReminderStage.SOON:
            recipients = list(users_with_role((Role.UNIT_REPORTER,), project.lead_unit))
            title = f"【即将到期】{what}：{name}"
            body = f"{what}应于{due:%Y年%m月%d日}前完成，请及时办理。"
        elif current == ReminderStage.OVERDUE:
            recipients = [*heads_of(project.lead_unit), *users_with_role((Role.UNIT_REPORTER,), project.lead_unit)]
            title = f"【已逾期】{what}：{name}"
            body = f"{what}已于{due:%Y年%m月%d日}到期，已逾期{late}个工作日，请单位负责人督促办理。"
        else:
            recipients = list(users_with_role((Role.SUPERVISOR, Role.LEADER), project.lead_unit))
            title = f"【督办】{what}逾期{late}个工作日：{name}"
            body = f"{project.lead_unit.display_name}牵头的{what}已逾期{late}个工作日，请督促办理。"
        sent += len(
            notify(
                recipients,
                cause=f"projects:{key}:{due.isoformat()}:{current}",
                title=title,
                body=body,
                link=f"/projects/{project.pk}/",
            )
        )
    return f"项目提醒 {sent} 条"
