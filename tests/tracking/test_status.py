"""The shared status rule: status, colour and the sentence that explains them."""

from datetime import date

from luoshi.tracking.choices import Stage
from luoshi.tracking.status import MilestoneFact, ReportFact, assess, expected_percent, stage
from luoshi.workdays import WorkCalendar

CAL = WorkCalendar()
START, DUE = date(2025, 1, 2), date(2025, 12, 31)


def test_work_on_the_time_path_is_green_and_says_so():
    a = assess(CAL, today=date(2025, 6, 30), start=START, due=DUE, percent=50)
    assert (a.status, a.colour) == ("on_track", "green")
    assert a.reason.startswith("按计划推进：进度50%")


def test_a_milestone_late_three_working_days_is_yellow_and_named():
    m = MilestoneFact("完成土地征收", due=date(2025, 3, 5))
    a = assess(CAL, today=date(2025, 3, 10), start=START, due=DUE, percent=20, milestones=[m])
    assert (a.status, a.colour) == ("lagging", "yellow")
    assert "里程碑“完成土地征收”已逾期3个工作日" in a.reason


def test_a_milestone_late_beyond_the_threshold_is_red():
    m = MilestoneFact("完成土地征收", due=date(2025, 3, 5))
    a = assess(CAL, today=date(2025, 3, 20), start=START, due=DUE, percent=20, milestones=[m])
    assert a.colour == "red"


def test_a_missing_report_counts_in_working_days_across_a_holiday():
    # Due Tuesday 2025-09-30; 10-1..10-8 are holidays; 10-9 is the first working day after.
    r = ReportFact("2025年9月", due=date(2025, 9, 30))
    a = assess(CAL, today=date(2025, 10, 9), start=START, due=DUE, percent=70, reports=[r])
    assert "2025年9月进展未按期报送，已逾期1个工作日" in a.reason


def test_progress_far_behind_the_time_path_is_red():
    a = assess(CAL, today=date(2025, 9, 30), start=START, due=DUE, percent=20)
    assert (a.status, a.colour) == ("lagging", "red")
    assert "落后时序进度" in a.reason


def test_past_the_due_date_is_overdue_whatever_else():
    a = assess(CAL, today=date(2026, 1, 6), start=START, due=DUE, percent=90)
    assert (a.status, a.colour) == ("overdue", "red")


def test_completion_and_closing_are_green_and_say_when():
    assert assess(CAL, today=DUE, start=START, due=DUE, done_on=date(2025, 12, 1)).reason == "已于2025年12月1日完成"
    closed = assess(CAL, today=DUE, start=START, due=DUE, done_on=date(2025, 12, 1), closed_on=date(2025, 12, 5))
    assert closed.status == "closed"


def test_before_its_start_a_task_has_not_started():
    assert assess(CAL, today=date(2024, 12, 20), start=START, due=DUE).status == "not_started"


def test_the_time_path_counts_working_days():
    assert expected_percent(CAL, START, DUE, START) == 0
    assert expected_percent(CAL, START, DUE, DUE) == 100


def test_reminder_stages_before_and_after_the_due_date():
    due = date(2025, 9, 30)
    assert stage(CAL, due, date(2025, 9, 25)) is None
    assert stage(CAL, due, date(2025, 9, 28)) == Stage.SOON  # Sunday, a 调休 working day
    assert stage(CAL, due, date(2025, 10, 9)) == Stage.OVERDUE
    assert stage(CAL, due, date(2025, 10, 20)) == Stage.ESCALATED
    assert stage(CAL, due, date(2025, 10, 20), done=True) is None
