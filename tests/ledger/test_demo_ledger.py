"""The demo ledger: the conference's nine key tasks, the departments' commitments under them,
and a year of milestones, reports and reviews that leaves a live mix of colours."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from luoshi.demo import ledger, org
from luoshi.ledger.choices import ReportState
from luoshi.ledger.models import Indicator, IndicatorValue, Milestone, ProgressReport, Source, Task, TaskLink
from luoshi.org.models import Unit
from luoshi.tracking import timeline
from luoshi.tracking.choices import Colour, Status

pytestmark = pytest.mark.django_db


# The demo is dated relative to the day it is loaded; the tests load it on a fixed day
# (late November, as the demo is meant to be seen) so that what they see does not depend on
# when they run.
TODAY = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for this module, inside a transaction rolled back at its end.

    Each test then runs in a savepoint of its own, as pytest-django does for every test.
    """
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock():
        mp.setattr(timezone, "now", lambda: TODAY)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            org.load()
            yield ledger.load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_summary_counts_tasks_reports_and_indicators(demo):
    assert demo.startswith(f"任务 {Task.objects.count()} 项")
    assert f"进展报告 {ProgressReport.objects.count()} 份" in demo
    assert demo.endswith("指标 6 个")


def test_the_conference_of_this_year_is_the_source(demo):
    year = timezone.localdate().year
    source = Source.objects.get(title=f"{year}年区委经济工作会议")
    assert source.held_on.isoformat() == f"{year}-01-02"
    assert source.get_kind_display() == "会议"
    assert Source.objects.count() == 2


def test_the_nine_key_tasks_are_roots_with_sub_tasks_under_them(demo):
    year = timezone.localdate().year
    roots = Task.objects.filter(source__title=f"{year}年区委经济工作会议", parent__isnull=True)
    assert sorted(roots.values_list("code", flat=True)) == [str(n) for n in range(1, 10)]
    for root in roots:
        assert root.children.exists(), root.title
        assert root.due_date.isoformat() == f"{year}-12-31"
        assert root.cadence in ("monthly", "quarterly")
        assert root.areas.exists()
    assert 45 <= Task.objects.count() <= 70
    assert Task.objects.filter(depth__gte=2).exists()  # sub-sub-tasks
    titles = set(Task.objects.values_list("title", flat=True))
    for fact in (
        "普康医疗",
        "东方希望",
        "重庆理文",
        "城东220千伏",
        "来三线至港桥",
        "白名单",
        "双龙村",
        "社会救助一件事",
    ):
        assert any(fact in t for t in titles), fact


def test_every_task_is_led_by_a_real_unit_with_a_short_title(demo):
    real = set(Unit.objects.values_list("pk", flat=True))
    for task in Task.objects.all():
        assert task.lead_unit_id in real
        assert len(task.title) <= 60, task.title
    assert Task.objects.filter(co_units__isnull=False).distinct().count() > 30
    assert Task.objects.filter(owner__name="李国财", lead_unit__short_name="区经信委").exists()


def test_statuses_are_a_live_mix_of_colours(demo):
    colours = set(Task.objects.values_list("colour", flat=True))
    assert colours == {Colour.GREEN, Colour.YELLOW, Colour.RED}
    statuses = set(Task.objects.values_list("status", flat=True))
    assert {Status.ON_TRACK, Status.LAGGING, Status.OVERDUE, Status.DONE, Status.CLOSED} <= statuses
    greens = Task.objects.filter(colour=Colour.GREEN).count()
    assert greens > Task.objects.count() / 2
    closed = Task.objects.filter(status=Status.CLOSED)
    assert 2 <= closed.count() <= 3
    for task in closed:
        assert task.evaluation.score > 0
        assert task.done_on <= task.closed_on <= timezone.localdate()


def test_reports_have_a_past_and_a_review_queue(demo):
    today = timezone.localdate()
    reports = ProgressReport.objects.all()
    assert reports.filter(state=ReportState.SUBMITTED).exists()
    assert reports.filter(state=ReportState.RETURNED).exclude(review_note="").exists()
    assert reports.filter(is_late=True).exists()
    assert not reports.filter(submitted_at__gt=timezone.now()).exists()
    months = {timezone.localtime(r.submitted_at).month for r in reports}
    assert len(months) >= min(today.month, 6)
    for report in reports.filter(state=ReportState.ACCEPTED)[:50]:
        assert report.reviewed_at >= report.submitted_at
        assert report.is_late == (timezone.localtime(report.submitted_at).date() > report.due_date)
    # An open task's progress is its lead unit's latest accepted report.
    for task in Task.objects.filter(done_on__isnull=True, reports__isnull=False).distinct():
        latest = task.reports.filter(unit=task.lead_unit, state=ReportState.ACCEPTED).order_by("-submitted_at").first()
        assert latest is not None, task.title
        assert latest.percent == task.percent, task.title


def test_milestones_past_are_mostly_done_and_future_ones_open(demo):
    today = timezone.localdate()
    past = Milestone.objects.filter(due_date__lt=today)
    assert past.filter(done_on__isnull=True).exists()
    assert past.filter(done_on__isnull=False).count() > 3 * past.filter(done_on__isnull=True).count()
    assert not Milestone.objects.filter(done_on__gt=today).exists()


def test_indicators_have_monthly_values_and_links_to_tasks(demo):
    today = timezone.localdate()
    assert Indicator.objects.count() == 6
    industry = Indicator.objects.get(name="规上工业增加值")
    assert industry.target == Decimal("7.5")
    assert industry.owner_unit.short_name == "区经信委"
    if today.month >= 3:
        assert IndicatorValue.objects.filter(indicator=industry).count() == today.month - 2
    assert not IndicatorValue.objects.filter(period_end__gt=today).exists()
    linked = TaskLink.objects.filter(object_id=industry.pk).values_list("task__title", flat=True)
    assert "规上工业增加值增长7.5%" in linked


def test_a_second_load_is_skipped_and_adds_nothing(demo):
    counts = (Task.objects.count(), ProgressReport.objects.count(), Milestone.objects.count())
    assert ledger.load() == "已存在，跳过"
    assert (Task.objects.count(), ProgressReport.objects.count(), Milestone.objects.count()) == counts


def test_the_timeline_tells_the_year_in_order(demo):
    year = timezone.localdate().year
    task = Task.objects.get(title="申报兑现“专精特新6条”措施")
    events = list(timeline.events_of(task))
    assert events[0].kind == "created"
    assert timezone.localtime(events[0].at).date() == task.start_date
    assert all(e.at < timezone.now() for e in events)
    reports = [e.text for e in events if e.kind == "report"]
    assert reports[0].startswith(f"区经信委报送{year}年1月进展")
    assert any("已退回" in e.text for e in events)
