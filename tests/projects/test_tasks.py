"""Reminders and status refresh run by ``luoshi tick``: the right people, once each."""

from datetime import date

import pytest

from luoshi import tick
from luoshi.core.actors import SYSTEM
from luoshi.notices.models import Notice
from luoshi.org import services as org_services
from luoshi.projects import services, tasks
from luoshi.projects.choices import MilestoneKind, Stage
from luoshi.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(projects):
    from tests.factories import make_user

    user = make_user("jxw_head")
    org_services.create_person(SYSTEM, unit=projects.jxw, name="区经信委主任", title="主任", user=user, is_head=True)
    return user


def _milestone(projects, due):
    return services.add_milestone(projects.supervisor, projects.pukang, kind=MilestoneKind.PERMIT, due_date=due)


def test_a_milestone_due_soon_reminds_the_lead_units_reporter_once(projects):
    _milestone(projects, date(2026, 3, 31))
    tasks.send_reminders(date(2026, 3, 30))
    tasks.send_reminders(date(2026, 3, 30))
    notices = Notice.objects.filter(title__startswith="【即将到期】节点")
    assert [n.recipient for n in notices] == [projects.jxw_reporter]
    assert notices.get().link == f"/projects/{projects.pukang.pk}/"


def test_an_overdue_milestone_goes_to_the_unit_head_and_then_to_the_supervisors(projects, head):
    _milestone(projects, date(2026, 3, 31))
    tasks.send_reminders(date(2026, 4, 2))
    assert head in {n.recipient for n in Notice.objects.filter(title__startswith="【已逾期】节点")}
    tasks.send_reminders(date(2026, 4, 15))
    tasks.send_reminders(date(2026, 4, 16))
    escalated = Notice.objects.filter(title__startswith="【督办】节点")
    assert {n.recipient for n in escalated} == {projects.supervisor, projects.leader}
    assert escalated.count() == 2  # once each, however often the tick runs
    assert projects.zsl_reporter not in {n.recipient for n in Notice.objects.all()}


def test_a_completed_milestone_reminds_nobody(projects):
    m = _milestone(projects, date(2026, 3, 31))
    services.complete_milestone(projects.jxw_reporter, m, done_on=date(2026, 3, 30), evidence="已取得")
    tasks.send_reminders(date(2026, 4, 15))
    assert not Notice.objects.filter(title__contains="节点").exists()


def test_a_monthly_report_falling_due_reminds_the_reporter_unless_it_came(projects):
    # Reporting since January: the March report is due on 3 April 2026 (third working day).
    Project.objects.filter(pk__in=[projects.pukang.pk, projects.mall.pk]).update(promoted_on=date(2026, 1, 5))
    services.submit_report(SYSTEM, projects.mall, year=2026, month=3, amount=500, progress="按计划推进")
    tasks.send_reminders(date(2026, 4, 2))
    assert Notice.objects.filter(recipient=projects.jxw_reporter, title__contains="2026年3月投资月报").exists()
    assert not Notice.objects.filter(title__contains="渝西广场").exists()  # its March report came
    assert not Notice.objects.filter(title__contains="双龙村").exists()  # a reserve project owes no reports


def test_a_project_registered_in_october_owes_nothing_for_march(projects):
    Project.objects.filter(pk=projects.pukang.pk).update(promoted_on=date(2026, 10, 8))
    tasks.send_reminders(date(2026, 4, 2))
    assert not Notice.objects.filter(title__contains="普康").exists()


def test_a_new_start_of_last_year_is_under_construction_from_the_new_year(projects):
    Project.objects.filter(pk=projects.pukang.pk).update(stage=Stage.NEW_START, started_on=date(2025, 8, 1))
    result = tasks.refresh_all_status(date(2026, 1, 5))
    projects.pukang.refresh_from_db()
    assert projects.pukang.stage == Stage.CONSTRUCTION
    assert "新开工转续建 1 个" in result
    assert "新开工转续建" not in tasks.refresh_all_status(date(2026, 1, 6))


def test_tick_runs_the_project_jobs_once_a_day(projects):
    first = list(tick.run_once())
    second = list(tick.run_once())
    assert any(line.startswith("[projects.status] 刷新项目状态") for line in first)
    assert any(line.startswith("[projects.reminders]") for line in first)
    assert "[projects.status] 今日已运行，跳过" in second
    assert "[projects.reminders] 今日已运行，跳过" in second
