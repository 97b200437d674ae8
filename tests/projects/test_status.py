"""A project's status and colour: the shared tracking rule applied to a year of plan and reports."""

from datetime import date
from decimal import Decimal

import pytest

from luoshi.projects.choices import Stage
from luoshi.projects.models import Project, ProjectMilestone
from luoshi.projects.status import YearFacts, assess_project, closes_on, window
from luoshi.tracking.choices import Colour, Status
from luoshi.workdays import WorkCalendar

CAL = WorkCalendar()
TODAY = date(2026, 4, 20)  # a Monday: the March report fell due on Friday 3 April


def _project(**kw) -> Project:
    defaults = {
        "name": "测试项目",
        "stage": Stage.CONSTRUCTION,
        "start_date": date(2025, 3, 1),
        "end_date": date(2027, 12, 31),
        "promoted_on": date(2025, 3, 1),
    }
    return Project(**{**defaults, **kw})


def _facts(plan=12000, done_by_month=None, months=None) -> YearFacts:
    done_by_month = done_by_month if done_by_month is not None else {1: 1000, 2: 1000, 3: 1000}
    months = months if months is not None else {m: Decimal(plan) / 12 for m in range(1, 13)}
    return YearFacts(
        plan=Decimal(plan),
        months={m: Decimal(a) for m, a in months.items()},
        done=sum((Decimal(a) for a in done_by_month.values()), Decimal(0)),
        reported={m: CAL.add_workdays(date(2026, m + 1, 1), 1) for m in done_by_month},
    )


def _assess(project, facts, milestones=(), today=TODAY):
    return assess_project(CAL, project, today, milestones, facts)


def test_a_project_keeping_pace_with_its_plan_is_green():
    a = _assess(_project(), _facts())
    assert (a.status, a.colour) == (Status.ON_TRACK, Colour.GREEN)
    assert "进度25%" in a.reason


def test_a_project_behind_the_time_path_of_its_annual_plan_lags():
    a = _assess(_project(), _facts(done_by_month={1: 300, 2: 300, 3: 300}))
    assert (a.status, a.colour) == (Status.LAGGING, Colour.YELLOW)
    assert "落后时序进度" in a.reason


def test_a_months_report_missing_past_the_threshold_turns_red():
    a = _assess(_project(), _facts(done_by_month={1: 1000, 2: 1000}))
    assert a.colour == Colour.RED
    assert "2026年3月进展未按期报送" in a.reason


def test_a_project_past_its_planned_completion_is_overdue():
    a = _assess(_project(end_date=date(2026, 3, 31)), _facts())
    assert (a.status, a.colour) == (Status.OVERDUE, Colour.RED)
    assert "已超过完成期限（2026年3月31日）" in a.reason


def test_a_late_milestone_of_a_reserve_project_shows_though_it_has_no_investment_yet():
    project = _project(stage=Stage.RESERVE, promoted_on=None)
    quiet = _assess(project, YearFacts())
    assert (quiet.status, quiet.colour, quiet.reason) == (
        Status.NOT_STARTED,
        Colour.GREEN,
        "储备中，前期工作按计划推进",
    )
    late = ProjectMilestone(title="可研批复", due_date=date(2026, 3, 2))
    a = _assess(project, YearFacts(), [late])
    assert a.colour == Colour.RED
    assert "里程碑“可研批复”已逾期" in a.reason


def test_a_finished_project_is_done_and_says_how_late_it_was():
    a = _assess(_project(stage=Stage.COMPLETED, end_date=date(2026, 2, 27), completed_on=date(2026, 3, 6)), YearFacts())
    assert (a.status, a.colour) == (Status.DONE, Colour.GREEN)
    # Saturday 2-28 is an adjusted working day after the Spring Festival: six working days late.
    assert a.reason == "已于2026年3月6日竣工，较计划竣工推迟6个工作日"


def test_a_withdrawn_project_is_closed():
    a = _assess(_project(stage=Stage.RESERVE, withdrawn_on=date(2026, 2, 1)), YearFacts())
    assert (a.status, a.reason) == (Status.CLOSED, "已于2026年2月1日出库")


def test_a_project_in_construction_without_a_plan_says_so():
    a = _assess(_project(), YearFacts())
    assert a.reason == "2026年尚未下达投资计划"


def test_the_time_path_runs_over_the_months_the_plan_puts_money_in():
    facts = _facts(plan=600, done_by_month={}, months=dict.fromkeys(range(7, 13), 100))
    assert window(_project(), facts, 2026) == (date(2026, 7, 1), date(2026, 12, 31))
    a = _assess(_project(), facts)
    assert a.status == Status.NOT_STARTED  # nothing is owed before July


@pytest.mark.parametrize(
    ("month", "closes"),
    [
        (3, date(2026, 4, 13)),  # due Fri 4-3; then 4-7 … 4-13 (清明 4-4 … 4-6 off)
        (9, date(2026, 10, 16)),  # due Mon 10-12 (国庆 10-1 … 10-7, Sat 10-10 worked); five working days on
    ],
)
def test_a_month_closes_five_working_days_after_its_report_was_due(month, closes):
    assert closes_on(CAL, 2026, month) == closes
