"""Project services: who may do what, monthly reports that stay one per month, closed months,
stages, plans, problems that become cases, photos, and what stays unchanged on bad input."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.cases import services as case_services
from luoshi.cases.choices import Action, CaseState
from luoshi.core.actors import SYSTEM
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.notices.models import Notice
from luoshi.projects import services, status
from luoshi.projects.choices import MilestoneKind, ProblemState, ProjectType, Stage
from luoshi.projects.models import MonthlyReport, MonthPlan, Project
from luoshi.tracking.timeline import events_of
from tests.projects.conftest import months_ago

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _report(world, user=None, *, ym=None, amount="2000", progress="主体结构施工", problems=""):
    year, month = ym or months_ago(0)
    return services.submit_report(
        user or world.jxw_reporter,
        world.pukang,
        year=year,
        month=month,
        amount=amount,
        progress=progress,
        problems=problems,
    )


# --- registering and editing -------------------------------------------------------------


def test_a_supervisor_registers_a_project_in_construction_with_a_timeline(projects):
    assert projects.pukang.promoted_on == timezone.localdate()
    assert projects.pukang.entered_pool_on is None
    assert "登记项目：在建阶段，牵头单位区经信委" in events_of(projects.pukang).first().text


def test_a_reporter_proposes_reserve_projects_for_its_own_unit_only(projects):
    assert projects.renewal.entered_pool_on == timezone.localdate()
    with pytest.raises(NotPermitted, match="谋划储备项目"):
        services.create_project(
            projects.zsl_reporter,
            name="越权储备",
            project_type=ProjectType.SOCIAL,
            lead_unit=projects.swj,
            total_investment=100,
            stage=Stage.RESERVE,
        )
    with pytest.raises(NotPermitted, match="登记实施项目"):
        services.create_project(
            projects.zsl_reporter,
            name="直接在建",
            project_type=ProjectType.SOCIAL,
            lead_unit=projects.zsl,
            total_investment=100,
            stage=Stage.CONSTRUCTION,
        )


@pytest.mark.parametrize("amount", ["-1", "abc", "", "1e20"])
def test_a_bad_total_investment_is_refused_and_nothing_is_written(projects, amount):
    before = Project.objects.count()
    with pytest.raises(ValidationFailed, match="总投资"):
        services.create_project(
            projects.supervisor,
            name="错误投资",
            project_type=ProjectType.INDUSTRY,
            lead_unit=projects.jxw,
            total_investment=amount,
        )
    assert Project.objects.count() == before


def test_a_project_code_is_unique_and_the_town_must_be_a_town(projects):
    with pytest.raises(Conflict, match="GY-001"):
        services.create_project(
            projects.supervisor, name="重号", code="GY-001", project_type="industry", lead_unit=projects.jxw,
            total_investment=1,
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="不是镇街"):
        services.create_project(
            projects.supervisor, name="地点错", project_type="industry", lead_unit=projects.jxw,
            total_investment=1, town=projects.swj,
        )  # fmt: skip


def test_the_lead_units_reporter_edits_its_reserve_project_but_not_one_in_construction(projects):
    services.update_project(projects.zsl_reporter, projects.renewal, maturity="design", total_investment="48000")
    projects.renewal.refresh_from_db()
    assert (projects.renewal.maturity, projects.renewal.total_investment) == ("design", Decimal("48000.00"))
    assert projects.renewal.history.first().history_change_reason == "修改项目信息"
    with pytest.raises(NotPermitted):
        services.update_project(projects.jxw_reporter, projects.pukang, name="改名")


# --- monthly reports ---------------------------------------------------------------------


def test_the_lead_unit_reports_a_month_and_others_cannot(projects):
    report = _report(projects)
    assert (report.unit, report.amount, report.revision) == (projects.jxw, Decimal("2000.00"), 1)
    year, month = months_ago(0)
    for user in (projects.zsl_reporter, projects.supervisor, projects.leader, projects.enterprise_a):
        with pytest.raises(NotPermitted):
            services.submit_report(user, projects.mall, year=year, month=month, amount=1, progress="越权")
    with pytest.raises(NotPermitted):
        services.submit_report(projects.jxw_reporter, projects.mall, year=year, month=month, amount=1, progress="越权")
    assert MonthlyReport.objects.count() == 1


def test_sending_a_month_again_corrects_the_one_report_and_keeps_the_old_figure(projects):
    _report(projects, amount="2000")
    again = _report(projects, amount="2000")  # a retry: nothing changes
    assert again.revision == 1
    corrected = _report(projects, amount="2150.5", progress="主体结构封顶")
    assert MonthlyReport.objects.filter(project=projects.pukang).count() == 1
    assert (corrected.revision, corrected.amount) == (2, Decimal("2150.50"))
    assert corrected.revised_at is not None
    assert [h.amount for h in corrected.history.order_by("history_date")] == [Decimal("2000.00"), Decimal("2150.50")]
    assert "更正" in events_of(projects.pukang).filter(kind="report").last().text


@pytest.mark.parametrize(("amount", "message"), [("-5", "不能为负数"), ("五百", "不是有效数字"), ("", "请填写")])
def test_a_bad_amount_is_refused_and_nothing_is_stored(projects, amount, message):
    with pytest.raises(ValidationFailed, match=message):
        _report(projects, amount=amount)
    assert not MonthlyReport.objects.exists()


def test_a_future_month_cannot_be_reported(projects):
    today = timezone.localdate()
    nxt = (today.replace(day=28) + timedelta(days=7)).replace(day=1)
    with pytest.raises(ValidationFailed, match="尚未开始"):
        _report(projects, ym=(nxt.year, nxt.month))


def test_a_reserve_project_reports_no_investment(projects):
    year, month = months_ago(0)
    with pytest.raises(Conflict, match="储备项目"):
        services.submit_report(projects.zsl_reporter, projects.renewal, year=year, month=month, amount=1, progress="x")


def test_a_closed_month_needs_a_supervisors_reopening_which_is_used_once(projects, django_capture_on_commit_callbacks):
    closed = months_ago(6)
    assert services.month_state(projects.pukang, *closed) == "closed"
    with pytest.raises(Conflict, match="已关账") as refused:
        _report(projects, ym=closed)
    assert refused.value.code == "month_closed"
    with pytest.raises(NotPermitted):
        services.reopen_month(projects.jxw_reporter, projects.pukang, year=closed[0], month=closed[1], reason="补录")
    with pytest.raises(ValidationFailed, match="原因"):
        services.reopen_month(projects.supervisor, projects.pukang, year=closed[0], month=closed[1], reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        reopening = services.reopen_month(
            projects.supervisor, projects.pukang, year=closed[0], month=closed[1], reason="统计口径调整后补录"
        )
    assert Notice.objects.filter(recipient=projects.jxw_reporter, title__startswith="已开通补报").exists()
    report = _report(projects, ym=closed, amount="1800")
    reopening.refresh_from_db()
    assert reopening.used_at is not None
    assert report.history.first().history_change_reason == "报送投资月报（补报授权）"
    with pytest.raises(Conflict, match="已关账"):
        _report(projects, ym=closed, amount="1900")


def test_an_open_month_needs_no_reopening(projects):
    with pytest.raises(Conflict, match="尚未关账"):
        services.reopen_month(
            projects.supervisor, projects.pukang, year=months_ago(0)[0], month=months_ago(0)[1], reason="x"
        )


def test_the_system_may_fill_in_past_months_for_the_demo_and_imports(projects):
    report = _report(projects, SYSTEM, ym=months_ago(8), amount="1500")
    assert report.submitted_by is None


def test_the_database_refuses_a_negative_amount_or_a_second_report_for_a_month(projects):
    from django.db import IntegrityError, transaction

    report = _report(projects)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.filter(pk=report.pk).update(amount=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(
            project=report.project, year=report.year, month=report.month, unit=report.unit, amount=1, progress="重复",
            submitted_at=timezone.now(), due_date=report.due_date,
        )  # fmt: skip


# --- plans and stages --------------------------------------------------------------------


def test_a_plan_without_months_is_spread_over_the_construction_window(projects):
    months = dict(MonthPlan.objects.filter(plan__project=projects.pukang).values_list("month", "amount"))
    assert months == {m: Decimal("2000.00") for m in range(1, 13)}
    year = projects.year
    project = services.create_project(
        projects.supervisor, name="下半年开工", project_type="infrastructure", lead_unit=projects.jxw,
        total_investment=1000, stage=Stage.PREPARATION, start_date=date(year, 10, 15), end_date=date(year + 1, 5, 1),
    )  # fmt: skip
    services.set_year_plan(projects.supervisor, project, year=year, amount="100")
    months = dict(MonthPlan.objects.filter(plan__project=project).values_list("month", "amount"))
    assert months == {10: Decimal("33.33"), 11: Decimal("33.33"), 12: Decimal("33.34")}


def test_monthly_plans_must_add_up_to_the_year(projects):
    with pytest.raises(ValidationFailed, match="不一致"):
        services.set_year_plan(projects.supervisor, projects.pukang, year=projects.year, amount=100, months=[10] * 12)
    with pytest.raises(ValidationFailed, match="不能为负数"):
        services.set_year_plan(
            projects.supervisor, projects.pukang, year=projects.year, amount=0, months=[-10, 10] + [0] * 10
        )
    plan = services.set_year_plan(
        projects.supervisor, projects.pukang, year=projects.year, amount=120, months=[0] * 6 + [20] * 6
    )
    assert sorted(plan.months.filter(amount__gt=0).values_list("month", flat=True)) == [7, 8, 9, 10, 11, 12]
    with pytest.raises(NotPermitted):
        services.set_year_plan(projects.jxw_reporter, projects.pukang, year=projects.year, amount=1)


def test_stages_follow_the_transition_table(projects):
    with pytest.raises(Conflict, match="可转为：前期、新开工"):
        services.move_stage(projects.supervisor, projects.renewal, stage=Stage.CONSTRUCTION)
    with pytest.raises(NotPermitted):
        services.move_stage(projects.zsl_reporter, projects.renewal, stage=Stage.PREPARATION)
    moved = services.move_stage(projects.supervisor, projects.renewal, stage=Stage.PREPARATION, note="可研已批复")
    assert (moved.stage, moved.promoted_on) == (Stage.PREPARATION, timezone.localdate())
    assert "转入实施：储备 → 前期" in events_of(moved).filter(kind="stage").get().text


def test_completing_the_start_and_completion_milestones_moves_the_stage(projects):
    today = timezone.localdate()
    services.move_stage(projects.supervisor, projects.renewal, stage=Stage.PREPARATION)
    start = services.add_milestone(projects.zsl_reporter, projects.renewal, kind=MilestoneKind.START, due_date=today)
    services.complete_milestone(projects.zsl_reporter, start, done_on=today, evidence="开工令")
    projects.renewal.refresh_from_db()
    assert (projects.renewal.stage, projects.renewal.started_on) == (Stage.NEW_START, today)
    done = services.add_milestone(projects.supervisor, projects.renewal, kind=MilestoneKind.COMPLETION, due_date=today)
    services.complete_milestone(projects.zsl_reporter, done, done_on=today, evidence="竣工验收备案")
    projects.renewal.refresh_from_db()
    assert (projects.renewal.stage, projects.renewal.completed_on) == (Stage.COMPLETED, today)


def test_a_milestone_counted_in_working_days_skips_weekends_and_holidays(projects):
    # 2026-09-30 is the Wednesday before the National Day holiday (10-01 … 10-07); Saturday
    # 10-10 is an adjusted working day (调休), so the third working day after it is that Saturday.
    m = services.add_milestone(
        projects.jxw_reporter, projects.pukang, kind=MilestoneKind.PERMIT, due_workdays=3, base_date=date(2026, 9, 30)
    )
    assert m.title == "施工许可"
    assert m.due_date == date(2026, 10, 10)
    with pytest.raises(NotPermitted):
        services.add_milestone(projects.zsl_reporter, projects.pukang, due_date=date(2026, 9, 30))


def test_a_milestone_needs_evidence_and_cannot_be_done_in_the_future(projects):
    m = services.add_milestone(projects.supervisor, projects.pukang, kind=MilestoneKind.LAND, due_date=date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="佐证"):
        services.complete_milestone(projects.jxw_reporter, m, done_on=date(2026, 3, 1), evidence=" ")
    with pytest.raises(ValidationFailed, match="晚于今天"):
        services.complete_milestone(
            projects.jxw_reporter, m, done_on=timezone.localdate() + timedelta(days=1), evidence="x"
        )


def test_withdrawing_needs_a_reason_and_is_only_for_projects_not_yet_built(projects):
    with pytest.raises(ValidationFailed, match="出库原因"):
        services.withdraw_project(projects.supervisor, projects.renewal, reason="")
    with pytest.raises(Conflict, match="不能出库"):
        services.withdraw_project(projects.supervisor, projects.pukang, reason="不想做了")
    services.withdraw_project(projects.supervisor, projects.renewal, reason="与片区改造合并实施")
    projects.renewal.refresh_from_db()
    assert projects.renewal.withdrawn_on == timezone.localdate()
    with pytest.raises(Conflict, match="已出库"):
        services.move_stage(projects.supervisor, projects.renewal, stage=Stage.PREPARATION)


# --- problems become cases ---------------------------------------------------------------


def test_a_reporters_problem_waits_for_a_supervisor_who_hands_it_over_as_a_case(
    projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = services.raise_problem(
            projects.jxw_reporter,
            projects.pukang,
            title="施工用电未接入",
            description="需110千伏临时用电",
            unit=projects.swj,
        )
    assert problem.state == ProblemState.OPEN
    assert problem.case is None
    assert Notice.objects.filter(recipient=projects.supervisor, title__startswith="项目问题待交办").exists()
    with pytest.raises(NotPermitted):
        services.escalate_problem(projects.jxw_reporter, problem, unit=projects.swj)
    problem = services.escalate_problem(projects.supervisor, problem, unit=projects.swj)
    case = problem.case
    assert (problem.state, case.state, case.unit) == (ProblemState.ESCALATED, CaseState.ASSIGNED, projects.swj)
    assert case.case_type.name == "项目协调"
    assert "普康医疗器械生产基地" in case.description
    with pytest.raises(Conflict, match="待承办单位办结"):
        services.resolve_problem(projects.jxw_reporter, problem, resolution="已解决")

    swj_reporter = __import__("tests.factories", fromlist=["make_user"]).make_user(
        "swj_reporter", grants=[("unit_reporter", projects.swj)]
    )
    case_services.transition(swj_reporter, case, Action.START)
    case_services.transition(swj_reporter, case, Action.RESOLVE, note="已协调供电公司接入临时用电")
    from luoshi.projects import tasks

    tasks.refresh_all_status()
    problem.refresh_from_db()
    assert (problem.state, problem.resolution) == (ProblemState.RESOLVED, "已协调供电公司接入临时用电")


def test_a_supervisor_naming_a_unit_hands_the_problem_over_at_once(projects):
    problem = services.raise_problem(projects.supervisor, projects.pukang, title="用地指标不足", unit=projects.swj)
    assert problem.case is not None
    assert problem.state == ProblemState.ESCALATED


def test_a_problem_no_other_unit_must_act_on_is_resolved_by_the_lead_unit(projects):
    problem = services.raise_problem(projects.jxw_reporter, projects.pukang, title="设备到货延迟")
    with pytest.raises(NotPermitted):
        services.raise_problem(projects.zsl_reporter, projects.pukang, title="越权")
    services.resolve_problem(projects.jxw_reporter, problem, resolution="供应商已发货")
    problem.refresh_from_db()
    assert problem.state == ProblemState.RESOLVED


# --- photos ------------------------------------------------------------------------------


def test_photos_are_checked_by_content_not_only_by_name(projects):
    photos = services.add_photos(
        projects.jxw_reporter, projects.pukang, [SimpleUploadedFile("现场.png", PNG)], caption="主体施工"
    )
    assert (photos[0].content_type, photos[0].size) == ("image/png", len(PNG))
    with pytest.raises(ValidationFailed, match="内容不是JPG"):
        services.add_photos(projects.jxw_reporter, projects.pukang, [SimpleUploadedFile("伪装.jpg", b"<html>")])
    with pytest.raises(ValidationFailed, match="不是照片"):
        services.add_photos(projects.jxw_reporter, projects.pukang, [SimpleUploadedFile("a.exe", PNG)])
    with pytest.raises(ValidationFailed, match="最多"):
        services.add_photos(
            projects.jxw_reporter, projects.pukang, [SimpleUploadedFile(f"{i}.png", PNG) for i in range(11)]
        )
    with pytest.raises(NotPermitted):
        services.add_photos(projects.zsl_reporter, projects.pukang, [SimpleUploadedFile("x.png", PNG)])
    assert projects.pukang.photos.count() == 1


# --- derived figures after a report ------------------------------------------------------


def test_a_report_refreshes_the_projects_figures_after_commit(projects, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _report(projects, amount="3000")
    projects.pukang.refresh_from_db()
    assert projects.pukang.year_done == Decimal("3000.00")
    assert projects.pukang.invested == Decimal("23000.00")
    assert projects.pukang.percent == round(100 * 3000 / 24000)
    assert status.refresh([projects.pukang.pk]) == 0  # nothing left to change
