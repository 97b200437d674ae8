"""The weekly 督办简报: generated as .docx and .xlsx, archived, sent once, read by the leadership only."""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from luoshi.cases import services as case_services
from luoshi.cases.models import CaseType
from luoshi.core.actors import SYSTEM
from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.dashboard import briefing_views, briefings
from luoshi.dashboard.models import Briefing
from luoshi.ledger import services as ledger_services
from luoshi.ledger import status
from luoshi.ledger.documents import docx_text
from luoshi.notices.models import Notice
from luoshi.tracking.choices import Colour

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 10)  # a Wednesday
MONDAY = date(2026, 6, 8)


@pytest.fixture
def district(world):
    """The ledger at mid-June: one task of 区经信委 gone red, one of 区商务委 in good order, a red
    case, an indicator below target. Who may read the briefing:

    - ``leader`` and ``supervisor`` (whole district): read it and are sent it; the supervisor may generate it.
    - ``admin`` (whole district): reads and generates it, is not sent it.
    - ``gov_admin`` (admin of 区政府 only): the briefing shows every unit, so it may not read it.
    - ``jxw_reporter``, ``enterprise_a``, ``outsider``: nothing.
    """
    w = world
    source = ledger_services.create_source(SYSTEM, title="2026年区委经济工作会议", held_on=date(2026, 1, 2))
    w.red_task = ledger_services.create_task(
        w.supervisor,
        title="建成永川高新区标准厂房二期",
        lead_unit=w.jxw,
        co_units=[w.zsl],
        start_date=date(2026, 1, 5),
        due_date=date(2026, 5, 29),
        source=source,
        code="2.1",
    )
    w.green_task = ledger_services.create_task(
        w.supervisor,
        title="实施消费载体培优行动",
        lead_unit=w.swj,
        start_date=date(2026, 6, 8),  # just started: nothing can be late yet
        due_date=date(2026, 12, 31),
        source=source,
        cadence="none",
        code="3.1",
    )
    status.refresh([w.red_task.pk, w.green_task.pk], TODAY)
    w.red_task.refresh_from_db()

    w.indicator = ledger_services.create_indicator(
        w.supervisor, name="规上工业增加值", measure="%", target="7.5", year=2026, owner_unit=w.jxw
    )
    ledger_services.record_indicator_value(w.jxw_reporter, w.indicator, period_end=date(2026, 4, 30), growth="5.2")

    financing = CaseType.objects.create(name="融资", first_response_workdays=1, resolution_workdays=10)
    case = case_services.submit_case(
        w.supervisor, case_type=financing, title="申请流动资金贷款贴息", description="订单增加，需流动资金500万元"
    )
    case_services.transition(w.supervisor, case, "accept")
    case = case_services.transition(w.supervisor, case, "assign", unit=w.jxw)
    case_services.refresh_colours(case.resolution_due + timedelta(days=30))
    case.refresh_from_db()
    w.red_case = case
    return w


def _docx(briefing: Briefing) -> Document:
    with briefing.docx.open("rb") as f:
        return Document(io.BytesIO(f.read()))


def _docx_text(briefing: Briefing) -> str:
    with briefing.docx.open("rb") as f:
        return docx_text(f.read())


def _xlsx(briefing: Briefing):
    with briefing.xlsx.open("rb") as f:
        return load_workbook(io.BytesIO(f.read()))


# --- generation ----------------------------------------------------------------------------


def test_the_fixture_has_a_red_task_and_a_red_case(district):
    assert district.red_task.colour == Colour.RED
    district.green_task.refresh_from_db()
    assert district.green_task.colour != Colour.RED
    assert district.red_case.colour == Colour.RED


def test_the_title_names_the_issue_and_the_week():
    assert briefings.title_of(MONDAY) == "《督办简报》2026年第24期（6月8日—6月14日）"
    assert briefings.week_of(TODAY) == MONDAY
    # The last days of December may belong to the next year's first issue (ISO weeks).
    assert briefings.title_of(date(2026, 12, 28)) == "《督办简报》2026年第53期（12月28日—1月3日）"


def test_generating_writes_a_word_file_with_the_four_parts_and_every_red_item(district):
    briefing = briefings.generate(district.supervisor, MONDAY, today=TODAY)
    assert briefing.title == "《督办简报》2026年第24期（6月8日—6月14日）"
    assert briefing.generated_by == district.supervisor

    doc = _docx(briefing)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、红灯事项", "三、单位排名", "四、指标进展"]
    text = _docx_text(briefing)
    assert "督办简报" in text
    assert "2026年第24期（6月8日—6月14日）" in text
    assert "截至2026年6月10日" in text
    # The cockpit's tiles, as sentences.
    assert "红灯任务1项" in text
    # The red task with its lead unit, due date and reason; the red case likewise.
    task = district.red_task
    assert "（一）红灯任务（1项）" in text
    row = next(line for line in text.splitlines() if task.title in line)
    assert "区经信委" in row
    assert "2026年5月29日" in row
    assert task.status_reason in row
    assert "（二）红色预警诉求（1件）" in text
    assert district.red_case.title in text
    assert district.red_case.colour_reason in text
    assert "实施消费载体培优行动" not in text  # green tasks are not red items
    # Rankings with movement, and the indicator with its colour and reason.
    assert "区商务委" in text
    assert "规上工业增加值" in text
    assert "红灯" in text
    assert "1—4月累计增长5.20%，低于目标7.50%" in text  # the ledger's own sentence


def test_a_red_task_without_co_units_is_a_red_item_too(district):
    task = ledger_services.create_task(
        district.supervisor,
        title="完成商贸物流园一期验收",
        lead_unit=district.swj,
        start_date=date(2026, 1, 5),
        due_date=date(2026, 5, 29),
    )
    status.refresh([task.pk], TODAY)
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    assert briefing.summary["red_tasks"] == 2
    assert task.title in _docx_text(briefing)


def test_the_word_file_carries_the_charts_as_images(district):
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    doc = _docx(briefing)
    assert len(doc.inline_shapes) == 2  # tasks by status per unit, indicator progress
    text = _docx_text(briefing)
    assert "图1 各牵头单位在办任务状态" in text
    assert "图2 指标完成程度" in text


def test_the_excel_file_has_the_same_numbers_on_four_sheets(district):
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    wb = _xlsx(briefing)
    assert wb.sheetnames == ["总体情况", "红灯事项", "单位排名", "指标"]

    overview = {row[1]: row[2] for row in wb["总体情况"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert overview["红灯任务"] == 1
    assert overview["红色预警诉求"] == 1

    red = list(wb["红灯事项"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[4]) for r in red] == [
        ("任务", district.red_task.title, "区经信委"),
        ("诉求", district.red_case.title, "区经信委"),
    ]
    assert red[0][5].date() == date(2026, 5, 29)
    assert red[0][6] == district.red_task.status_reason

    ranking = list(wb["单位排名"].iter_rows(min_row=2, max_col=3, values_only=True))
    assert {r[2] for r in ranking if isinstance(r[0], int)} == {"区经信委", "区商务委"}

    indicators = list(wb["指标"].iter_rows(min_row=2, values_only=True))
    assert indicators[0][:4] == ("规上工业增加值", "区经信委", "增长7.5%", "红灯")


def test_the_summary_kept_on_the_row_matches_the_files(district):
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    assert briefing.summary["red_tasks"] == 1
    assert briefing.summary["red_cases"] == 1
    assert briefing.summary["as_of"] == "2026-06-10"


def test_regenerating_a_week_replaces_its_files_and_keeps_one_row(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    old_docx, old_xlsx = first.docx.name, first.xlsx.name
    storage = first.docx.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = briefings.generate(district.supervisor, MONDAY, today=TODAY + timedelta(days=1))
    assert Briefing.objects.count() == 1
    assert second.pk == first.pk
    assert second.generated_by == district.supervisor
    assert second.summary["as_of"] == "2026-06-11"
    assert "截至2026年6月11日" in _docx_text(second)
    assert {second.docx.name, second.xlsx.name}.isdisjoint({old_docx, old_xlsx})
    assert not storage.exists(old_docx)
    assert not storage.exists(old_xlsx)


def test_only_whole_district_supervisors_and_admins_generate(district):
    for user in (district.leader, district.gov_admin, district.jxw_reporter, district.enterprise_a):
        with pytest.raises(NotPermitted):
            briefings.generate(user, MONDAY, today=TODAY)
    briefings.generate(district.admin, MONDAY, today=TODAY)


def test_a_week_must_start_on_a_monday_and_have_begun(district):
    with pytest.raises(ValidationFailed, match="星期一"):
        briefings.generate(SYSTEM, TODAY, today=TODAY)
    with pytest.raises(ValidationFailed, match="尚未开始"):
        briefings.generate(SYSTEM, MONDAY + timedelta(days=7), today=TODAY)


def test_an_empty_district_still_gets_a_briefing(world):
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    text = _docx_text(briefing)
    assert "本期无红灯任务。" in text
    assert "本期无红色预警诉求。" in text
    assert "2026年暂无跟踪指标。" in text
    assert _xlsx(briefing).sheetnames == ["总体情况", "红灯事项", "单位排名", "指标"]


def test_without_a_chinese_font_the_charts_are_still_drawn_with_a_warning(district, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(briefings, "CJK_FONTS", (tmp_path / "missing.ttc",))
    with caplog.at_level(logging.WARNING, logger="luoshi.dashboard.briefings"):
        briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    assert "没有找到中文字体" in caplog.text
    assert len(_docx(briefing).inline_shapes) == 2
    assert "服务器未安装中文字体" in _docx_text(briefing)


def test_a_chart_that_fails_is_left_out_and_the_briefing_is_still_made(district, monkeypatch, caplog):
    def broken(rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(briefings, "_indicators_chart", broken)
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    assert len(_docx(briefing).inline_shapes) == 1
    assert "图2 指标完成程度绘制失败" in _docx_text(briefing)


def test_movement_is_written_with_arrows():
    assert [briefings.movement_text(m) for m in (2, -1, 0, None)] == ["↑2", "↓1", "持平", "新"]


# --- sending and the weekly job ------------------------------------------------------------


def test_send_tells_leaders_and_supervisors_once_and_records_them(district):
    briefing = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    assert briefings.send(briefing) == 2
    assert set(briefing.recipients.all()) == {district.leader, district.supervisor}
    notice = Notice.objects.get(recipient=district.leader)
    assert notice.title == f"{briefing.title}已印发"
    assert notice.link.endswith(f"#briefing-{briefing.pk}")
    assert "红灯任务1项" in notice.body

    assert briefings.send(briefing) == 0
    assert Notice.objects.filter(cause=briefings.cause_of(briefing)).count() == 2
    assert briefing.recipients.count() == 2


def test_the_weekly_job_generates_and_sends_once_a_week(district):
    said = briefings.weekly_job(TODAY)
    assert said == "已生成《督办简报》2026年第24期（6月8日—6月14日），通知2人"
    assert Briefing.objects.get().week_start == MONDAY

    again = briefings.weekly_job(TODAY + timedelta(days=1))
    assert "无需重复生成" in again
    assert Briefing.objects.count() == 1
    assert Notice.objects.filter(title__contains="督办简报").count() == 2

    briefings.weekly_job(MONDAY + timedelta(days=7))  # the next Monday: the next issue
    assert Briefing.objects.count() == 2


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def briefing(district):
    b = briefings.generate(SYSTEM, MONDAY, today=TODAY)
    briefings.send(b)
    return b


def _urls(b: Briefing) -> list[str]:
    return [
        "/dashboard/briefings/",
        f"/dashboard/briefings/{b.pk}/docx/",
        f"/dashboard/briefings/{b.pk}/xlsx/",
    ]


@pytest.mark.parametrize("who", ["enterprise_a", "jxw_reporter", "zsl_reporter", "gov_admin", "outsider"])
def test_anyone_but_the_district_leadership_is_refused_the_archive_and_the_files(briefing, district, login, who):
    client = login(getattr(district, who))
    for url in _urls(briefing):
        assert client.get(url).status_code == 403, url
    assert client.post("/dashboard/briefings/generate/").status_code == 403


@pytest.mark.parametrize("who", ["leader", "supervisor", "admin"])
def test_the_leadership_reads_the_archive_with_its_recipients(briefing, district, login, who):
    response = login(getattr(district, who)).get("/dashboard/briefings/")
    assert response.status_code == 200
    page = response.content.decode()
    assert briefing.title in page
    assert f"/dashboard/briefings/{briefing.pk}/docx/" in page
    assert f"/dashboard/briefings/{briefing.pk}/xlsx/" in page
    assert "2 人" in page
    assert str(district.leader) in page


def test_the_archive_costs_the_same_queries_for_one_briefing_or_many(briefing, district, login):
    client = login(district.leader)
    client.get("/dashboard/briefings/")  # warm the session and the grants
    with CaptureQueriesContext(connection) as one:
        client.get("/dashboard/briefings/")
    for weeks in (1, 2):
        briefings.send(briefings.generate(SYSTEM, MONDAY - timedelta(weeks=weeks), today=TODAY))
    with CaptureQueriesContext(connection) as three:
        response = client.get("/dashboard/briefings/")
    assert response.content.decode().count("/docx/") == 3
    assert len(three) == len(one)


def test_downloads_stream_the_file_under_a_chinese_name(briefing, district, login):
    client = login(district.leader)
    response = client.get(f"/dashboard/briefings/{briefing.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == briefing_views.CONTENT_TYPES["docx"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="briefing-2026-W24.docx"')
    assert "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E7%AE%80%E6%8A%A5" in disposition  # 督办简报
    assert Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs[0].text == "督办简报"

    response = client.get(f"/dashboard/briefings/{briefing.pk}/xlsx/")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[0] == "总体情况"
    assert client.get(f"/dashboard/briefings/{briefing.pk}/pdf/").status_code == 404


def test_a_supervisor_generates_this_weeks_briefing_now(district, login, django_capture_on_commit_callbacks):
    client = login(district.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/briefings/generate/", follow=True)
    assert response.status_code == 200
    briefing = Briefing.objects.get()
    assert briefing.week_start == briefings.week_of(timezone.localdate())
    assert briefing.generated_by == district.supervisor
    assert f"已生成{briefing.title}，已通知2人" in response.content.decode()

    client.post("/dashboard/briefings/generate/")  # again: the same row, nobody told twice
    assert Briefing.objects.count() == 1
    assert Notice.objects.filter(cause=briefings.cause_of(briefing)).count() == 2


def test_a_leader_may_not_generate(district, login):
    assert login(district.leader).post("/dashboard/briefings/generate/").status_code == 403
    assert not Briefing.objects.exists()
