import dataclasses
import threading
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi import workdays
from luoshi.workdays import Deadline, WorkCalendar

CAL = WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def naive_add_workdays(cal: WorkCalendar, start: date, n: int) -> date:
    # Day-by-day reference implementation to check the bisect arithmetic against.
    d, step, left = start, (1 if n > 0 else -1), abs(n)
    while left:
        d += timedelta(days=step)
        left -= cal.is_workday(d)
    return d


@pytest.fixture
def restore_default_calendar():
    original = workdays.get_calendar()
    yield
    workdays.set_calendar(original)


# --- Spring Festival 2025: off 1-28..2-4, 调休 Sun 1-26 and Sat 2-8 ---


def test_the_sunday_before_spring_festival_2025_is_a_working_day():
    assert CAL.is_workday(date(2025, 1, 26))


def test_the_saturday_after_spring_festival_2025_is_a_working_day():
    assert CAL.is_workday(date(2025, 2, 8))


def test_spring_festival_2025_runs_from_january_28_to_february_4():
    assert not any(CAL.is_workday(d) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
    assert CAL.is_workday(date(2025, 1, 27))
    assert CAL.is_workday(date(2025, 2, 5))


def test_adding_working_days_skips_spring_festival_2025():
    assert CAL.add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26)
    assert CAL.add_workdays(date(2025, 1, 26), 2) == date(2025, 2, 5)
    assert CAL.add_workdays(date(2025, 2, 7), 1) == date(2025, 2, 8)


# --- 劳动节 2025: off 5-1..5-5, 调休 Sun 4-27 ---


def test_labour_day_2025_runs_from_may_1_to_may_5():
    assert not any(CAL.is_workday(d) for d in days(date(2025, 5, 1), date(2025, 5, 5)))
    assert CAL.is_workday(date(2025, 4, 30))
    assert CAL.is_workday(date(2025, 5, 6))


def test_the_sunday_before_labour_day_2025_is_a_working_day():
    assert CAL.is_workday(date(2025, 4, 27))


def test_adding_working_days_skips_labour_day_2025():
    assert CAL.add_workdays(date(2025, 4, 25), 1) == date(2025, 4, 27)
    assert CAL.add_workdays(date(2025, 4, 30), 1) == date(2025, 5, 6)


# --- National Day 2025: off 10-1..10-8, 调休 Sun 9-28 and Sat 10-11 ---


def test_national_day_2025_runs_from_october_1_to_october_8():
    assert not any(CAL.is_workday(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert CAL.is_workday(date(2025, 10, 9))


def test_the_weekend_days_around_national_day_2025_are_working_days():
    assert CAL.is_workday(date(2025, 9, 28))
    assert CAL.is_workday(date(2025, 10, 11))
    assert not CAL.is_workday(date(2025, 10, 12))


def test_three_working_days_after_september_26_2025_is_september_30():
    assert CAL.add_workdays(date(2025, 9, 26), 3) == date(2025, 9, 30)


def test_adding_working_days_skips_national_day_2025():
    assert CAL.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert CAL.next_workday(date(2025, 10, 3)) == date(2025, 10, 9)


# --- add_workdays edge cases ---


def test_negative_n_counts_back_across_a_holiday():
    assert CAL.add_workdays(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert CAL.add_workdays(date(2025, 10, 9), -2) == date(2025, 9, 29)
    assert CAL.add_workdays(date(2025, 2, 5), -1) == date(2025, 1, 27)


def test_negative_n_from_a_holiday_counts_the_working_days_before_it():
    assert CAL.add_workdays(date(2025, 10, 5), -1) == date(2025, 9, 30)


def test_zero_working_days_on_a_holiday_is_the_next_working_day():
    assert CAL.add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 9)


def test_zero_working_days_on_a_working_day_is_that_day():
    assert CAL.add_workdays(date(2025, 9, 28), 0) == date(2025, 9, 28)


def test_adding_hundreds_of_working_days_crosses_years_correctly():
    start = date(2024, 3, 15)
    for n in (1, 250, 500, 700, -250, -700):
        assert CAL.add_workdays(start, n) == naive_add_workdays(CAL, start, n)


# --- workdays_between ---


def test_workdays_between_counts_the_days_after_the_start_up_to_the_end():
    assert CAL.workdays_between(date(2025, 9, 26), date(2025, 9, 30)) == 3
    assert CAL.workdays_between(date(2025, 9, 29), date(2025, 9, 30)) == 1


def test_workdays_between_is_negative_when_the_end_is_earlier():
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 9, 26)) == -3


def test_workdays_between_equal_dates_is_zero():
    assert CAL.workdays_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert CAL.workdays_between(date(2025, 9, 29), date(2025, 9, 29)) == 0


def test_workdays_between_across_national_day_2025_counts_none_of_the_holiday():
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 9)) == 1


def test_workdays_between_over_several_years_matches_counting_day_by_day():
    a, b = date(2023, 11, 7), date(2027, 2, 3)
    expected = sum(CAL.is_workday(d) for d in days(a + timedelta(days=1), b))
    assert CAL.workdays_between(a, b) == expected
    assert CAL.workdays_between(b, a) == -expected


# --- years chinese_calendar does not cover ---


def test_2027_falls_back_to_weekends_only():
    assert CAL.is_workday(date(2027, 1, 1))  # a Friday; New Year not yet known
    assert not CAL.is_workday(date(2027, 1, 2))
    assert CAL.add_workdays(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_2027_is_provisional_and_2025_is_not():
    assert CAL.is_provisional(date(2027, 3, 1))
    assert CAL.year_is_provisional(2027)
    assert not CAL.is_provisional(date(2025, 3, 1))
    assert CAL.uncovered_years([2027, 2025, 2027, 2003]) == [2003, 2027]


def test_overrides_change_the_result():
    new_year_2027 = WorkCalendar(overrides={date(2027, 1, 1): False, date(2027, 1, 2): True})
    assert not new_year_2027.is_workday(date(2027, 1, 1))
    assert new_year_2027.is_workday(date(2027, 1, 2))
    assert new_year_2027.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 2)


def test_overrides_take_precedence_over_the_statutory_calendar():
    cal = WorkCalendar(overrides={date(2025, 9, 28): False})
    assert not cal.is_workday(date(2025, 9, 28))
    assert cal.add_workdays(date(2025, 9, 26), 3) == date(2025, 10, 9)


def test_overrides_alone_do_not_make_a_year_confirmed():
    cal = WorkCalendar(overrides={date(2027, 1, 1): False})
    assert cal.year_is_provisional(2027)


def test_confirming_a_year_removes_the_provisional_flag():
    confirmed = WorkCalendar(overrides={date(2027, 1, 1): False}, confirmed_years=frozenset({2027}))
    assert not confirmed.is_provisional(date(2027, 3, 1))
    assert confirmed.uncovered_years([2026, 2027, 2028]) == [2028]
    assert confirmed.deadline(date(2026, 12, 30), 5) == Deadline(date(2027, 1, 7), provisional=False)


# --- deadline ---


def test_deadline_within_a_covered_year_is_not_provisional():
    assert CAL.deadline(date(2025, 9, 26), 3) == Deadline(date(2025, 9, 30), provisional=False)


def test_deadline_crossing_into_2027_is_provisional():
    result = CAL.deadline(date(2026, 12, 28), 10)
    assert result.date.year == 2027
    assert result.provisional


def test_deadline_ending_on_the_last_day_of_2026_is_not_provisional():
    last_workday_2026 = CAL.add_workdays(date(2027, 1, 1), -1)
    assert last_workday_2026.year == 2026
    start = CAL.add_workdays(last_workday_2026, -2)
    assert CAL.deadline(start, 2) == Deadline(last_workday_2026, provisional=False)


def test_deadline_counting_back_out_of_2027_is_provisional():
    assert CAL.deadline(date(2027, 1, 5), -3).provisional
    assert not CAL.deadline(date(2026, 12, 1), -3).provisional


# --- types, immutability, module-level API ---


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.is_workday(datetime(2025, 9, 28, 9, 0)),  # noqa: DTZ001
        lambda: CAL.add_workdays(datetime(2025, 9, 28), 1),  # noqa: DTZ001
        lambda: CAL.workdays_between(date(2025, 9, 28), datetime(2025, 9, 30)),  # noqa: DTZ001
        lambda: WorkCalendar(overrides={datetime(2027, 1, 1): False}),  # noqa: DTZ001
    ],
)
def test_a_datetime_instead_of_a_date_raises_type_error(call):
    with pytest.raises(TypeError, match=r"not a datetime\.datetime"):
        call()


def test_a_calendar_cannot_be_changed_after_construction():
    source = {date(2027, 1, 1): False}
    cal = WorkCalendar(overrides=source)
    source[date(2027, 1, 1)] = True
    assert not cal.is_workday(date(2027, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.confirmed_years = frozenset({2027})  # type: ignore[misc]
    with pytest.raises(TypeError):
        cal.overrides[date(2027, 1, 1)] = True  # type: ignore[index]


def test_equal_calendars_compare_and_hash_equal():
    a = WorkCalendar(overrides={date(2027, 1, 1): False}, confirmed_years=frozenset({2027}))
    b = WorkCalendar(overrides={date(2027, 1, 1): False}, confirmed_years=frozenset({2027}))
    assert a == b
    assert hash(a) == hash(b)


def test_one_calendar_gives_the_same_answers_from_many_threads():
    cal = WorkCalendar(overrides={date(2027, 10, 1): False})
    start = date(2024, 1, 1)
    expected = [cal.add_workdays(start, n) for n in range(0, 600, 7)]
    results: list[list[date]] = []

    def work() -> None:
        results.append([cal.add_workdays(start, n) for n in range(0, 600, 7)])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 8


def test_the_default_calendar_has_no_overrides_and_no_confirmed_years():
    assert workdays.get_calendar() == WorkCalendar()


def test_module_level_functions_use_the_calendar_installed_by_set_calendar(restore_default_calendar):
    assert workdays.add_workdays(date(2025, 9, 26), 3) == date(2025, 9, 30)
    assert workdays.is_provisional(date(2027, 1, 4))

    workdays.set_calendar(WorkCalendar(overrides={date(2025, 9, 28): False}, confirmed_years=frozenset({2027})))
    assert not workdays.is_workday(date(2025, 9, 28))
    assert workdays.next_workday(date(2025, 9, 26)) == date(2025, 9, 29)
    assert workdays.add_workdays(date(2025, 9, 26), 3) == date(2025, 10, 9)
    assert workdays.workdays_between(date(2025, 9, 26), date(2025, 10, 9)) == 3
    assert workdays.deadline(date(2026, 12, 30), 5).provisional is False
    assert not workdays.is_provisional(date(2027, 1, 4))
    assert workdays.uncovered_years([2027, 2028]) == [2028]


def test_set_calendar_rejects_anything_but_a_calendar(restore_default_calendar):
    with pytest.raises(TypeError):
        workdays.set_calendar({date(2025, 9, 28): False})  # type: ignore[arg-type]


# --- property ---


@settings(database=None, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), n=st.integers(0, 300))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    result = CAL.add_workdays(start, n)
    assert CAL.is_workday(result)
    assert result >= start
    if n >= 1:
        assert CAL.workdays_between(start, result) == n
        assert result == naive_add_workdays(CAL, start, n)
        # Counting back is the inverse when start itself is a working day.
        if CAL.is_workday(start):
            assert CAL.add_workdays(result, -n) == start
