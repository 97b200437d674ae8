"""The deployment's working-day calendar: admins' overrides feed the kernel."""

from datetime import date

import pytest

from luoshi import workdays
from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.tracking import calendar, services
from luoshi.tracking.models import ConfirmedYear

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.invalidate()
    yield
    workdays.set_calendar(workdays.WorkCalendar())
    calendar.invalidate()


def test_2027_counts_weekends_only_until_its_holidays_are_entered(world):
    cal = calendar.current()
    assert cal.year_is_provisional(2027)
    assert cal.is_workday(date(2027, 1, 1))  # a Friday, assumed working until entered


def test_an_entered_holiday_changes_deadlines_at_once(world):
    services.set_day(world.admin, day=date(2027, 1, 1), is_workday=False, note="元旦")
    cal = calendar.current()
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_confirming_a_year_ends_provisional_deadlines_and_announces_it(world):
    heard = []

    def receiver(sender, year, **kwargs):
        heard.append(year)

    calendar.year_confirmed.connect(receiver)
    try:
        services.set_day(world.admin, day=date(2027, 1, 1), is_workday=False, note="元旦")
        services.confirm_year(world.admin, year=2027)
        services.confirm_year(world.admin, year=2027)  # twice: announced once
    finally:
        calendar.year_confirmed.disconnect(receiver)
    assert heard == [2027]
    assert not calendar.current().deadline(date(2026, 12, 30), 5).provisional


def test_a_year_with_nothing_entered_cannot_be_confirmed(world):
    with pytest.raises(ValidationFailed, match="还没有录入"):
        services.confirm_year(world.admin, year=2028)
    assert not ConfirmedYear.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "supervisor", "jxw_reporter", "enterprise_a"])
def test_only_admins_maintain_the_calendar(world, persona):
    with pytest.raises(NotPermitted):
        services.set_day(getattr(world, persona), day=date(2027, 1, 1), is_workday=False)


def test_the_calendar_page_marks_holidays_and_adjusted_working_days(world, client):
    client.force_login(world.jxw_reporter)
    response = client.get("/calendar/", {"year": 2025})
    months = response.context["months"]
    cells = {c["day"]: c for m in months for w in m["weeks"] for c in w if c}
    assert cells[date(2025, 10, 1)]["holiday"]
    assert cells[date(2025, 9, 28)]["adjusted"]
    assert response.context["workday_count"] == 248  # 261 weekdays − 18 holidays + 5 调休 days
    assert "录入放假或调休" not in response.content.decode()


def test_an_admin_enters_a_holiday_range_on_the_page(world, client):
    client.force_login(world.admin)
    response = client.post(
        "/calendar/?year=2027", {"start": "2027-02-06", "end": "2027-02-12", "kind": "off", "note": "春节"}
    )
    assert response.status_code == 302
    cal = calendar.current()
    assert not any(cal.is_workday(date(2027, 2, d)) for d in range(6, 13))


def test_a_reversed_range_is_refused_and_changes_nothing(world, client):
    client.force_login(world.admin)
    response = client.post("/calendar/", {"start": "2027-02-12", "end": "2027-02-06", "kind": "off"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert calendar.current().is_workday(date(2027, 2, 8))
