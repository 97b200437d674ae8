"""Ledger services: who may do what, idempotency, transitions, and what stays unchanged on bad input."""

import threading
from datetime import date

import pytest
from django.db import connection

from luoshi.core.actors import SYSTEM
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.core.tree import child_path
from luoshi.ledger import services
from luoshi.ledger.models import ProgressReport, Task
from luoshi.tracking.timeline import events_of

pytestmark = pytest.mark.django_db


def test_a_supervisor_creates_a_task_with_a_path_and_a_timeline(ledger):
    child = services.create_task(
        ledger.supervisor,
        title="普康医疗项目加快建设",
        lead_unit=ledger.jxw,
        parent=ledger.jxw_task,
        start_date=date(2026, 2, 1),
        due_date=date(2026, 10, 30),
    )
    assert child.path == child_path(ledger.jxw_task.path, child.pk)
    assert child.source == ledger.source
    assert "牵头单位区经信委" in events_of(child).first().text


def test_a_unit_reporter_cannot_create_tasks(ledger):
    with pytest.raises(NotPermitted):
        services.create_task(
            ledger.jxw_reporter,
            title="自设任务",
            lead_unit=ledger.jxw,
            start_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
        )


def test_a_due_date_before_the_start_is_refused_and_nothing_is_written(ledger):
    before = Task.objects.count()
    with pytest.raises(ValidationFailed, match="不能早于开始日期"):
        services.create_task(
            ledger.supervisor,
            title="错误期限",
            lead_unit=ledger.jxw,
            start_date=date(2026, 3, 1),
            due_date=date(2026, 2, 1),
        )
    assert Task.objects.count() == before


def test_a_deadline_in_an_unpublished_year_is_marked_provisional(ledger):
    task = services.create_task(
        ledger.supervisor,
        title="跨年任务",
        lead_unit=ledger.jxw,
        start_date=date(2026, 11, 2),
        due_date=date(2027, 3, 31),
    )
    assert task.due_provisional
    assert services.due_after(date(2026, 12, 28), 10).provisional


def test_the_lead_and_co_units_report_but_others_cannot(ledger):
    lead = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="完成一季度目标", percent=25)
    co = services.submit_report(ledger.zsl_reporter, ledger.jxw_task, text="做好要素保障", percent=30)
    assert (lead.unit, co.unit) == (ledger.jxw, ledger.zsl)
    with pytest.raises(NotPermitted):
        services.submit_report(ledger.jxw_reporter, ledger.swj_task, text="越权", percent=10)
    with pytest.raises(NotPermitted):
        services.submit_report(ledger.enterprise_a, ledger.jxw_task, text="越权", percent=10)
    with pytest.raises(NotPermitted, match="不能代表"):
        services.submit_report(ledger.zsl_reporter, ledger.jxw_task, text="冒名", percent=10, unit=ledger.jxw)


@pytest.mark.parametrize("percent", [-1, 101, "abc", None])
def test_a_bad_percent_is_refused_and_nothing_is_stored(ledger, percent):
    with pytest.raises(ValidationFailed, match="0到100"):
        services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=percent)
    assert not ProgressReport.objects.exists()


def test_a_retried_submission_with_the_same_key_stores_one_report(ledger):
    first = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20, idempotency_key="k1")
    again = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20, idempotency_key="k1")
    assert first.pk == again.pk
    assert ProgressReport.objects.count() == 1


def test_someone_elses_idempotency_key_is_refused(ledger):
    services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20, idempotency_key="shared")
    with pytest.raises(Conflict):
        services.submit_report(ledger.zsl_reporter, ledger.jxw_task, text="进展", percent=20, idempotency_key="shared")


def test_returning_a_report_needs_a_reason_and_tells_the_reporter(ledger):
    report = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20)
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.review_report(ledger.supervisor, report, accept=False)
    services.review_report(ledger.supervisor, report, accept=False, note="缺少佐证材料")
    assert ledger.jxw_reporter.notices.filter(title__startswith="进展报告被退回").exists()


def test_reviewing_twice_the_same_way_is_one_decision_and_the_other_way_is_refused(ledger):
    report = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20)
    services.review_report(ledger.supervisor, report, accept=True)
    services.review_report(ledger.supervisor, report, accept=True)
    with pytest.raises(Conflict, match="已采纳"):
        services.review_report(ledger.supervisor, report, accept=False, note="改主意")


def test_a_reporter_cannot_review(ledger):
    report = services.submit_report(ledger.zsl_reporter, ledger.jxw_task, text="进展", percent=20)
    with pytest.raises(NotPermitted):
        services.review_report(ledger.jxw_reporter, report, accept=True)


def test_an_accepted_lead_report_sets_progress_and_100_percent_completes_the_task(ledger):
    co = services.submit_report(ledger.zsl_reporter, ledger.jxw_task, text="配合完成", percent=100)
    services.review_report(ledger.supervisor, co, accept=True)
    ledger.jxw_task.refresh_from_db()
    assert ledger.jxw_task.percent == 0  # a co-unit's report is about its own part
    lead = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="全部完成", percent=100)
    services.review_report(ledger.supervisor, lead, accept=True)
    ledger.jxw_task.refresh_from_db()
    assert ledger.jxw_task.percent == 100
    assert ledger.jxw_task.done_on is not None


def test_only_a_completed_task_can_be_closed(ledger):
    with pytest.raises(Conflict, match="尚未完成"):
        services.close_task(ledger.supervisor, ledger.jxw_task)
    report = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="完成", percent=100)
    services.review_report(ledger.supervisor, report, accept=True)
    services.evaluate_task(ledger.leader, ledger.jxw_task, score="92.5", comment="按期完成")
    task = services.close_task(ledger.supervisor, ledger.jxw_task, note="已完成")
    assert task.closed_on is not None
    with pytest.raises(Conflict, match="已完成或已销号"):
        services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="多余", percent=100)


def test_a_score_out_of_range_is_refused(ledger):
    with pytest.raises(ValidationFailed):
        services.evaluate_task(ledger.supervisor, ledger.jxw_task, score=120)


def test_milestones_stay_within_the_task_and_need_evidence_to_complete(ledger):
    with pytest.raises(ValidationFailed, match="任务期限内"):
        services.add_milestone(ledger.supervisor, ledger.jxw_task, title="超期", due_date=date(2027, 2, 1))
    m = services.add_milestone(ledger.jxw_reporter, ledger.jxw_task, title="完成土地征收", due_date=date(2026, 3, 31))
    with pytest.raises(ValidationFailed, match="佐证"):
        services.complete_milestone(ledger.jxw_reporter, m, done_on=date(2026, 3, 30), evidence=" ")
    with pytest.raises(NotPermitted):
        services.complete_milestone(ledger.zsl_reporter, m, done_on=date(2026, 3, 30), evidence="批复")
    services.complete_milestone(ledger.jxw_reporter, m, done_on=date(2026, 3, 30), evidence="永规资〔2026〕3号")
    m.refresh_from_db()
    assert m.done_on == date(2026, 3, 30)


def test_files_of_a_forbidden_type_or_size_are_refused(ledger):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationFailed, match="类型不允许"):
        services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=10, files=[bad])
    ok = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    report = services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=10, files=[ok])
    assert report.attachments.get().name == "照片.jpg"


def test_indicator_values_are_entered_by_the_owner_unit_only(ledger):
    indicator = services.create_indicator(
        ledger.supervisor, name="规上工业增加值", measure="%", target="7.5", year=2026, owner_unit=ledger.jxw
    )
    services.record_indicator_value(ledger.jxw_reporter, indicator, period_end=date(2026, 3, 31), growth="8.1")
    services.record_indicator_value(ledger.jxw_reporter, indicator, period_end=date(2026, 3, 31), growth="8.0")
    assert indicator.values.get().growth == 8
    with pytest.raises(NotPermitted):
        services.record_indicator_value(ledger.zsl_reporter, indicator, period_end=date(2026, 4, 30), growth="1")


@pytest.mark.django_db(transaction=True)
def test_concurrent_report_submissions_lose_nothing(ledger):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is private to one connection; CI runs this on PostgreSQL")
    errors, barrier = [], threading.Barrier(6)

    def submit(user, i, key):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.submit_report(
                user, Task.objects.get(pk=ledger.jxw_task.pk), text=f"并发{i}", percent=i, idempotency_key=key
            )
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(ledger.jxw_reporter, i, f"k{i}")) for i in range(4)]
    threads += [threading.Thread(target=submit, args=(ledger.zsl_reporter, 9, "same")) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ProgressReport.objects.filter(task=ledger.jxw_task).count() == 5


def test_system_acts_for_demo_and_tick(ledger):
    report = services.submit_report(SYSTEM, ledger.jxw_task, text="系统补录", percent=5, unit=ledger.jxw)
    assert report.submitted_by is None


@pytest.mark.django_db(transaction=True)
def test_confirming_next_years_holidays_recounts_working_day_deadlines(ledger):
    from luoshi import workdays
    from luoshi.tracking import calendar
    from luoshi.tracking import services as calendar_services

    calendar.invalidate()
    try:
        counted = services.create_task(
            ledger.supervisor, title="跨年按工作日", lead_unit=ledger.jxw, start_date=date(2026, 12, 28), due_workdays=5
        )
        fixed = services.create_task(
            ledger.supervisor,
            title="跨年固定日期",
            lead_unit=ledger.jxw,
            start_date=date(2026, 12, 1),
            due_date=date(2027, 1, 8),
        )
        assert counted.due_date == date(2027, 1, 4)  # 12-29, 12-30, 12-31, 1-1, 1-4 on weekends only
        assert counted.due_provisional
        calendar_services.set_day(ledger.admin, day=date(2027, 1, 1), is_workday=False, note="元旦")
        calendar_services.confirm_year(ledger.admin, year=2027)
        counted.refresh_from_db()
        fixed.refresh_from_db()
        assert (counted.due_date, counted.due_provisional) == (date(2027, 1, 5), False)
        assert (fixed.due_date, fixed.due_provisional) == (date(2027, 1, 8), False)
        assert "完成时限重算为2027-01-05" in events_of(counted).last().text
    finally:
        workdays.set_calendar(workdays.WorkCalendar())
        calendar.invalidate()
