"""Reminders and escalation run by ``luoshi tick``: the right people, once each, with a 督办单 at the end."""

from datetime import date

import pytest

from luoshi import tick
from luoshi.core.actors import SYSTEM
from luoshi.ledger import services, tasks
from luoshi.ledger.models import SupervisionNotice
from luoshi.notices.models import Notice
from luoshi.org import services as org_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(ledger):
    from tests.factories import make_user

    user = make_user("jxw_head")
    org_services.create_person(SYSTEM, unit=ledger.jxw, name="区经信委主任", title="主任", user=user, is_head=True)
    return user


def _milestone(ledger, due):
    return services.add_milestone(ledger.supervisor, ledger.jxw_task, title="完成土地征收", due_date=due)


def test_a_milestone_due_soon_reminds_the_lead_units_reporter_once(ledger):
    _milestone(ledger, date(2026, 3, 31))
    tasks.send_reminders(date(2026, 3, 30))
    tasks.send_reminders(date(2026, 3, 30))
    notices = Notice.objects.filter(title__startswith="【即将到期】里程碑")
    assert [n.recipient for n in notices] == [ledger.jxw_reporter]


def test_an_overdue_milestone_goes_to_the_unit_head(ledger, head):
    _milestone(ledger, date(2026, 3, 31))
    tasks.send_reminders(date(2026, 4, 2))
    recipients = {n.recipient for n in Notice.objects.filter(title__startswith="【已逾期】里程碑")}
    assert head in recipients
    assert ledger.zsl_reporter not in recipients


def test_overdue_beyond_the_threshold_escalates_to_supervisors_and_leaders_with_one_notice(ledger, head):
    _milestone(ledger, date(2026, 3, 31))
    tasks.send_reminders(date(2026, 4, 15))
    tasks.send_reminders(date(2026, 4, 16))
    recipients = {n.recipient for n in Notice.objects.filter(title__startswith="【督办】")}
    assert {ledger.supervisor, ledger.leader} <= recipients
    assert ledger.jxw_reporter not in recipients
    # One notice per overdue obligation: the milestone, and each task's missing March report.
    assert SupervisionNotice.objects.count() == 3
    notice = SupervisionNotice.objects.get(cause__startswith="ledger:milestone:")
    assert notice.number.startswith("永督办〔2026〕")
    assert notice.file.size > 0


def test_a_completed_milestone_reminds_nobody(ledger):
    m = _milestone(ledger, date(2026, 3, 31))
    services.complete_milestone(ledger.jxw_reporter, m, done_on=date(2026, 3, 30), evidence="完成")
    tasks.send_reminders(date(2026, 4, 15))
    assert not Notice.objects.filter(title__contains="完成土地征收").exists()


def test_a_report_falling_due_reminds_the_reporter(ledger):
    # The March report of a monthly task is due on the 3rd working day of April.
    tasks.send_reminders(date(2026, 4, 2))
    assert Notice.objects.filter(recipient=ledger.jxw_reporter, title__contains="2026年3月进展报告").exists()


def test_tick_runs_daily_jobs_once_a_day(ledger):
    first = list(tick.run_once())
    second = list(tick.run_once())
    assert any("刷新任务状态" in line for line in first)
    assert any("今日已运行" in line for line in second)
    assert any("刷新任务状态" in line for line in tick.run_once(force=True))
