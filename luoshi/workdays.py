"""Working-day arithmetic on the Chinese statutory calendar (法定工作日).

Deadlines in government work are counted in working days, and working days in
China are not simply Monday to Friday: statutory holidays fall on weekdays and
some weekends become working days (调休).  Whether a day is a working day is
decided in this order:

1. an admin-entered override (``True`` working, ``False`` rest day), e.g. from
   the State Council's holiday notice for a year the library does not know yet;
2. the ``chinese_calendar`` package, for the years it covers (2004–2026 in
   chinesecalendar 1.11.0);
3. otherwise weekends only: Monday to Friday are working days.

A year that is neither covered by ``chinese_calendar`` nor confirmed by an admin
is *provisional*: answers for it were computed on weekends only and are shown to
users as “暂按双休日计算”.

Counting conventions:

* ``add_workdays(start, n)`` with ``n > 0`` is the n-th working day strictly after
  ``start``; ``n < 0`` is the |n|-th working day strictly before ``start``;
  ``n == 0`` is ``start`` itself if it is a working day, else the next one.
* ``workdays_between(a, b)`` counts the working days in ``(a, b]``, and is
  antisymmetric when ``b < a``.

Sunday 2025-09-28 is a 调休 working day before the National Day holiday, so
three working days after Friday 2025-09-26 is Tuesday 2025-09-30:

>>> from datetime import date
>>> cal = WorkCalendar()
>>> cal.add_workdays(date(2025, 9, 26), 3)
datetime.date(2025, 9, 30)
>>> cal.workdays_between(date(2025, 9, 26), date(2025, 9, 30))
3
>>> cal.workdays_between(date(2025, 9, 30), date(2025, 9, 26))
-3
>>> cal.add_workdays(date(2025, 10, 1), 0)
datetime.date(2025, 10, 9)
>>> cal.add_workdays(date(2025, 10, 9), -2)
datetime.date(2025, 9, 29)

Years the library does not cover fall back to weekends and are provisional
until an admin confirms them (here 2027-01-01 counts as a working day because
no override says otherwise):

>>> cal.deadline(date(2026, 12, 30), 5)
Deadline(date=datetime.date(2027, 1, 6), provisional=True)
>>> cal.uncovered_years([2025, 2026, 2027])
[2027]
>>> WorkCalendar(confirmed_years=frozenset({2027})).deadline(date(2026, 12, 30), 5).provisional
False

Only ``datetime.date`` is accepted; a ``datetime.datetime`` is rejected because
its time part and time zone would be silently dropped:

>>> from datetime import datetime
>>> cal.is_workday(datetime(2025, 9, 28, 9, 0))  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
TypeError: d must be a datetime.date, not a datetime.datetime; ...
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "Deadline",
    "WorkCalendar",
    "add_workdays",
    "deadline",
    "get_calendar",
    "is_provisional",
    "is_workday",
    "next_workday",
    "set_calendar",
    "uncovered_years",
    "workdays_between",
]

_ONE_DAY = timedelta(days=1)


def _check_date(value: object, name: str) -> date:
    # datetime subclasses date, so without this check it would slip through and
    # compare or hash differently from the date it stands for.
    if isinstance(value, datetime):
        raise TypeError(
            f"{name} must be a datetime.date, not a datetime.datetime; "
            "convert it explicitly (e.g. timezone.localdate(value))"
        )
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    return n


def _check_year(year: int) -> int:
    if not MINYEAR <= year <= MAXYEAR:
        raise OverflowError("working-day arithmetic went beyond the supported date range")
    return year


@functools.cache
def _statutory_covers(year: int) -> bool:
    # Probe rather than read the package's private tables, so a newer
    # chinesecalendar release extends coverage without code changes here.
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _base_year(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the working days of ``year``, before admin overrides."""
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    if _statutory_covers(year):
        return tuple(o for o in range(first, last + 1) if chinese_calendar.is_workday(date.fromordinal(o)))
    # Ordinal 1 (0001-01-01) is a Monday, so (o - 1) % 7 is the weekday.
    return tuple(o for o in range(first, last + 1) if (o - 1) % 7 < 5)


@dataclass(frozen=True)
class Deadline:
    """A computed due date; ``provisional`` if any day counted fell in a provisional year."""

    date: date
    provisional: bool


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working-day calendar: statutory calendar plus admin overrides.

    Instances are never mutated after construction, so one can be shared freely
    between threads; to change overrides, build a new calendar.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()
    # Years touched by an override get their merged working-day list built once
    # here; all other years share the process-wide cache in _base_year.
    _override_years: Mapping[int, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Copy so that later changes to the caller's dict cannot leak into a
        # calendar that other threads may be using.
        overrides = {_check_date(d, "override key"): bool(v) for d, v in self.overrides.items()}
        confirmed = frozenset(self.confirmed_years)
        if not all(isinstance(y, int) and not isinstance(y, bool) for y in confirmed):
            raise TypeError("confirmed_years must contain ints")

        by_year: dict[int, set[int]] = {}
        for d, working in overrides.items():
            days = by_year.setdefault(d.year, set(_base_year(d.year)))
            if working:
                days.add(d.toordinal())
            else:
                days.discard(d.toordinal())

        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        object.__setattr__(self, "confirmed_years", confirmed)
        object.__setattr__(self, "_override_years", MappingProxyType({y: tuple(sorted(s)) for y, s in by_year.items()}))

    def __hash__(self) -> int:
        return hash((frozenset(self.overrides.items()), self.confirmed_years))

    def _year(self, year: int) -> tuple[int, ...]:
        days = self._override_years.get(year)
        return days if days is not None else _base_year(_check_year(year))

    def is_workday(self, d: date) -> bool:
        d = _check_date(d, "d")
        days = self._year(d.year)
        i = bisect_left(days, d.toordinal())
        return i < len(days) and days[i] == d.toordinal()

    def year_is_provisional(self, year: int) -> bool:
        return not (_statutory_covers(year) or year in self.confirmed_years)

    def is_provisional(self, d: date) -> bool:
        return self.year_is_provisional(_check_date(d, "d").year)

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """The given years that are provisional, sorted and without duplicates."""
        return sorted({y for y in years if self.year_is_provisional(y)})

    def next_workday(self, d: date) -> date:
        return self.add_workdays(d, 1)

    def add_workdays(self, start: date, n: int) -> date:
        start, n = _check_date(start, "start"), _check_count(n)
        if n == 0:
            return start if self.is_workday(start) else self.add_workdays(start, 1)

        # Walk whole years via their sorted working-day lists, so the cost is
        # one bisect plus one step per year crossed, whatever the size of n.
        year = start.year
        days = self._year(year)
        if n > 0:
            # bisect_right counts working days <= start; the first one after
            # start sits at that index.
            i = bisect_right(days, start.toordinal()) + n - 1
            while i >= len(days):
                i -= len(days)
                year += 1
                days = self._year(year)
        else:
            # bisect_left counts working days < start; the last one before
            # start sits just below that index.
            i = bisect_left(days, start.toordinal()) + n
            while i < 0:
                year -= 1
                days = self._year(year)
                i += len(days)
        return date.fromordinal(days[i])

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative (antisymmetric) when ``b < a``."""
        a, b = _check_date(a, "a"), _check_date(b, "b")
        if b < a:
            return -self.workdays_between(b, a)
        full_years = sum(len(self._year(y)) for y in range(a.year, b.year))
        return (
            full_years
            + bisect_right(self._year(b.year), b.toordinal())
            - bisect_right(self._year(a.year), a.toordinal())
        )

    def deadline(self, start: date, n: int) -> Deadline:
        """``add_workdays`` plus whether any day it examined lies in a provisional year."""
        result = self.add_workdays(start, n)
        # The days examined are (start, result] going forward, [result, start)
        # going back, and for n == 0 start itself up to result.
        if n > 0:
            first, last = start + _ONE_DAY, result
        elif n < 0:
            first, last = result, start - _ONE_DAY
        else:
            first, last = start, result
        provisional = any(self.year_is_provisional(y) for y in range(first.year, last.year + 1))
        return Deadline(result, provisional)


# Replaced wholesale (never mutated) by set_calendar, so readers always see one
# consistent calendar without locking.
_calendar = WorkCalendar()


def get_calendar() -> WorkCalendar:
    """The process-wide calendar used by the module-level functions."""
    return _calendar


def set_calendar(cal: WorkCalendar) -> None:
    """Install ``cal`` as the process-wide calendar (e.g. after admins edit overrides)."""
    global _calendar
    if not isinstance(cal, WorkCalendar):
        raise TypeError(f"cal must be a WorkCalendar, not {type(cal).__name__}")
    _calendar = cal


def is_workday(d: date) -> bool:
    return _calendar.is_workday(d)


def is_provisional(d: date) -> bool:
    return _calendar.is_provisional(d)


def next_workday(d: date) -> date:
    return _calendar.next_workday(d)


def add_workdays(start: date, n: int) -> date:
    return _calendar.add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    return _calendar.workdays_between(a, b)


def deadline(start: date, n: int) -> Deadline:
    return _calendar.deadline(start, n)


def uncovered_years(years: Iterable[int]) -> list[int]:
    return _calendar.uncovered_years(years)
