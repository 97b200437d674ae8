"""``luoshi tick``: the periodic work, safe to run every minute.

Frequent jobs run on every tick; daily jobs run on the first tick of a day (or with
``--force``). Each job is idempotent: running tick twice in a row does nothing the second time.
Modules add their jobs to ``JOBS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.benefits import tasks as benefit_tasks
from luoshi.cases import tasks as case_tasks
from luoshi.dashboard import briefings as dashboard_briefings
from luoshi.dashboard import services as dashboard_services
from luoshi.ledger import tasks as ledger_tasks
from luoshi.notices.services import send_pending_emails
from luoshi.policies import tasks as policy_tasks
from luoshi.projects import tasks as project_tasks
from luoshi.tracking import calendar
from luoshi.tracking.models import JobRun


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]
    daily: bool = False


def _reload_calendar() -> str:
    calendar.load()
    return "工作日历已刷新"


def _retry_emails() -> str:
    return f"补发邮件 {send_pending_emails()} 封"


JOBS: list[Job] = [
    Job("calendar", _reload_calendar),
    Job("emails", _retry_emails),
    Job("ledger.status", ledger_tasks.refresh_all_status, daily=True),
    Job("ledger.reminders", ledger_tasks.send_reminders, daily=True),
    Job("cases.colours", case_tasks.refresh, daily=True),
    Job("cases.reminders", case_tasks.send_reminders, daily=True),
    Job("policies.windows", policy_tasks.send_window_alerts, daily=True),
    Job("benefits.publicity", benefit_tasks.close_publicities, daily=True),
    Job("benefits.overdue", benefit_tasks.remind_overdue, daily=True),
    Job("benefits.rebuild", benefit_tasks.rebuild_matches, daily=True),
    Job("projects.status", project_tasks.refresh_all_status, daily=True),
    Job("projects.reminders", project_tasks.send_reminders, daily=True),
    # Last: the snapshot and the briefing read what the jobs above have just refreshed.
    Job("dashboard.snapshot", dashboard_services.refresh_job, daily=True),
    Job("dashboard.briefing", dashboard_briefings.weekly_job, daily=True),
]


def _claim_today(name: str) -> bool:
    """True if this tick is the first today to run daily job ``name`` (and records that it is)."""
    today, now = timezone.localdate(), timezone.now()
    with transaction.atomic():
        # The row lock makes two overlapping ticks agree on which of them runs the job.
        run = JobRun.objects.select_for_update().filter(name=name).first()
        if run is None:
            try:
                with transaction.atomic():
                    JobRun.objects.create(name=name, last_day=today, last_at=now)
            except IntegrityError:  # a concurrent tick created it first and runs the job
                return False
            return True
        if run.last_day == today:
            return False
        JobRun.objects.filter(pk=run.pk).update(last_day=today, last_at=now)
        return True


def run_once(*, force: bool = False) -> Iterator[str]:
    for job in JOBS:
        if job.daily and not force and not _claim_today(job.name):
            yield f"[{job.name}] 今日已运行，跳过"
            continue
        result = job.run()
        JobRun.objects.filter(name=job.name).update(last_result=result[:300])
        yield f"[{job.name}] {result}"
