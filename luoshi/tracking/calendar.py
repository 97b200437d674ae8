"""The working-day calendar of this deployment: the kernel plus the admins' overrides.

Every process (web, worker, tick) reads the overrides from the database and installs them
as the kernel's default calendar. A change made in this process is installed at once; other
processes pick it up within ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import threading
import time

from django.dispatch import Signal

from luoshi import workdays
from luoshi.tracking.models import CalendarOverride, ConfirmedYear

REFRESH_SECONDS = 60

# Sent with ``year`` after an admin confirms a year's holidays: every app that stored
# provisional deadlines in that year recomputes them.
year_confirmed = Signal()

_lock = threading.Lock()
_loaded_at: float | None = None


def load() -> workdays.WorkCalendar:
    global _loaded_at
    cal = workdays.WorkCalendar(
        overrides=dict(CalendarOverride.objects.values_list("day", "is_workday")),
        confirmed_years=frozenset(ConfirmedYear.objects.values_list("year", flat=True)),
    )
    with _lock:
        workdays.set_calendar(cal)
        _loaded_at = time.monotonic()
    return cal


def current() -> workdays.WorkCalendar:
    """The calendar to count deadlines with, reloaded when it may be stale."""
    if _loaded_at is None or time.monotonic() - _loaded_at > REFRESH_SECONDS:
        return load()
    return workdays.get_calendar()


def invalidate() -> None:
    global _loaded_at
    _loaded_at = None


def provisional_years(*years: int) -> list[int]:
    """Those of ``years`` whose holidays nobody has entered yet (deadlines there are provisional)."""
    return current().uncovered_years(years)
