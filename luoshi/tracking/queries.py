"""The working-day calendar as people look at it: a year of month grids."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date

from luoshi.tracking import calendar
from luoshi.tracking.models import CalendarOverride, ConfirmedYear


def year_view(year: int) -> dict:
    cal = calendar.current()
    overrides = {o.day: o for o in CalendarOverride.objects.filter(day__year=year)}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                workday = cal.is_workday(day)
                weekend = day.weekday() >= 5
                override = overrides.get(day)
                cells.append(
                    {
                        "day": day,
                        "workday": workday,
                        # Shown differently: a weekday off (holiday) and a weekend at work (调休).
                        "holiday": not workday and not weekend,
                        "adjusted": workday and weekend,
                        "note": override.note if override else "",
                        "override": override is not None,
                    }
                )
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return {
        "year": year,
        "months": months,
        "provisional": cal.year_is_provisional(year),
        "confirmed": ConfirmedYear.objects.filter(year=year).select_related("confirmed_by").first(),
        "overrides": sorted(overrides.values(), key=lambda o: o.day),
        "workday_count": cal.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)),
    }
