"""Reporting periods: the latest owed period found backwards equals the last of all owed periods."""

from datetime import date, timedelta

import pytest

from luoshi.ledger.choices import Cadence
from luoshi.ledger.periods import latest_owed, owed_periods
from luoshi.workdays import WorkCalendar


@pytest.mark.parametrize("cadence", [Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY, Cadence.QUARTERLY])
def test_latest_owed_is_the_last_owed_period(cadence):
    # 2025 has the Spring Festival and National Day weeks, where 3 working days span more than a week.
    cal = WorkCalendar()  # the statutory calendar (chinese-calendar)
    starts = [date(2024, 12, 30), date(2025, 1, 1), date(2025, 1, 27), date(2025, 9, 29), date(2025, 10, 8)]
    for start in starts:
        for offset in range(0, 420, 3):
            until = start + timedelta(days=offset)
            owed = owed_periods(cal, cadence, start, until)
            found = latest_owed(cal, cadence, start, until)
            assert found == (owed[-1] if owed else None), (start, until)


def test_a_task_without_cadence_owes_nothing():
    assert latest_owed(WorkCalendar(), Cadence.NONE, date(2025, 1, 1), date(2025, 6, 1)) is None
