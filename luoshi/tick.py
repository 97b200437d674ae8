"""``luoshi tick``: the periodic work, safe to run every minute.

Each job is idempotent: running tick twice in a row does nothing the second time.
Later modules (reminders, SLA escalation, window alerts, briefings) add their job here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from luoshi.notices.services import send_pending_emails
from luoshi.tracking import calendar


def _reload_calendar() -> str:
    calendar.load()
    return "工作日历已刷新"


def _retry_emails() -> str:
    return f"补发邮件 {send_pending_emails()} 封"


JOBS: list[tuple[str, Callable[[], str]]] = [
    ("calendar", _reload_calendar),
    ("emails", _retry_emails),
]


def run_once() -> Iterator[str]:
    for name, job in JOBS:
        yield f"[{name}] {job()}"
