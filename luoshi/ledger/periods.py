"""Reporting periods: which report a task owes, and by when.

A report for a period is due on the third working day after the period ends (报送时限：
期末后3个工作日内), counted on the statutory calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.ledger.choices import Cadence
from luoshi.workdays import WorkCalendar

GRACE_WORKDAYS = 3


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    due: date

    @property
    def label(self) -> str:
        if "-W" in self.key:
            year, week = self.key.split("-W")
            return f"{year}年第{int(week)}周"
        if "-Q" in self.key:
            year, q = self.key.split("-Q")
            return f"{year}年第{q}季度"
        if "-F" in self.key:
            return f"{self.start.month}月{self.start.day}日至{self.end.month}月{self.end.day}日"
        year, month = self.key.split("-")
        return f"{year}年{int(month)}月"


def _bounds(cadence: str, day: date) -> tuple[str, date, date]:
    if cadence == Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", start, start + timedelta(days=6)
    if cadence == Cadence.FORTNIGHTLY:
        # Fortnights counted from the ISO week 1 of the year, so every task shares them.
        start = day - timedelta(days=day.weekday())
        iso = start.isocalendar()
        if (iso.week - 1) % 2:
            start -= timedelta(days=7)
        iso = start.isocalendar()
        return f"{iso.year}-F{(iso.week + 1) // 2:02d}", start, start + timedelta(days=13)
    if cadence == Cadence.QUARTERLY:
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        end = date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - timedelta(days=1)
        return f"{day.year}-Q{q + 1}", start, end
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return f"{day.year}-{day.month:02d}", start, end


def period_of(cal: WorkCalendar, cadence: str, day: date) -> Period | None:
    if cadence == Cadence.NONE:
        return None
    key, start, end = _bounds(cadence, day)
    return Period(key, start, end, cal.add_workdays(end, GRACE_WORKDAYS))


def owed_periods(cal: WorkCalendar, cadence: str, start: date, until: date) -> list[Period]:
    """Every period of a task running from ``start`` whose report is due on or before ``until``.

    >>> from luoshi.workdays import WorkCalendar
    >>> [p.key for p in owed_periods(WorkCalendar(), "monthly", date(2025, 1, 10), date(2025, 4, 8))]
    ['2025-01', '2025-02', '2025-03']
    """
    periods: list[Period] = []
    first = period_of(cal, cadence, start)
    if first is None:
        return periods
    current = first
    while current.due <= until:
        periods.append(current)
        current = period_of(cal, cadence, current.end + timedelta(days=1))
    return periods


def latest_owed(cal: WorkCalendar, cadence: str, start: date, until: date) -> Period | None:
    """The last of ``owed_periods(cal, cadence, start, until)``, found by stepping back from ``until``
    instead of forward from ``start`` (a weekly task running for years owes hundreds of periods).

    >>> from luoshi.workdays import WorkCalendar
    >>> latest_owed(WorkCalendar(), "monthly", date(2025, 1, 10), date(2025, 4, 8)).key
    '2025-03'
    >>> latest_owed(WorkCalendar(), "monthly", date(2025, 1, 10), date(2025, 2, 3)) is None
    True
    """
    first = period_of(cal, cadence, start)
    if first is None:
        return None
    period = period_of(cal, cadence, max(until, start))
    while period.due > until:
        if period.start <= first.start:
            return None
        period = period_of(cal, cadence, period.start - timedelta(days=1))
    return period if period.start >= first.start else None
