"""Periodic work of cases, run by ``luoshi tick``: colours and escalation of late cases."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from luoshi.cases.choices import CaseState
from luoshi.cases.models import Case
from luoshi.cases.services import refresh_colours
from luoshi.notices.services import notify
from luoshi.org.choices import Role
from luoshi.org.queries import heads_of, users_with_role
from luoshi.tracking import calendar
from luoshi.tracking.choices import Stage
from luoshi.tracking.status import stage


def refresh(today: date | None = None) -> str:
    return f"刷新诉求时限颜色，变化 {refresh_colours(today)} 件"


def send_reminders(today: date | None = None) -> str:
    """Late first responses and resolutions: the unit's reporters, then its heads, then supervisors."""
    cal = calendar.current()
    today = today or timezone.localdate()
    sent = 0
    open_cases = Case.objects.filter(
        state__in=[CaseState.ASSIGNED, CaseState.IN_PROGRESS], unit__isnull=False
    ).select_related("unit")
    for case in open_cases.iterator(chunk_size=2000):
        obligations = [("resolution", "办结", case.resolution_due)]
        if case.first_response_at is None:
            obligations.append(("response", "首次响应", case.first_response_due))
        for key, what, due in obligations:
            current = stage(cal, due, today) if due else None
            if current is None:
                continue
            if current == Stage.SOON:
                recipients = list(users_with_role((Role.UNIT_REPORTER,), case.unit))
            elif current == Stage.OVERDUE:
                recipients = [*heads_of(case.unit), *users_with_role((Role.UNIT_REPORTER,), case.unit)]
            else:
                recipients = list(users_with_role((Role.SUPERVISOR,), case.unit))
            late = cal.workdays_between(due, today)
            title = (
                f"诉求{what}即将到期：{case.title[:40]}"
                if current == Stage.SOON
                else f"诉求{what}已逾期{late}个工作日：{case.title[:40]}"
            )
            sent += len(
                notify(
                    recipients, cause=f"cases:{case.pk}:{key}:{due}:{current}", title=title, link=f"/cases/{case.pk}/"
                )
            )
    return f"诉求提醒 {sent} 条"
