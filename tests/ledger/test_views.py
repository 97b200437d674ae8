"""Ledger pages and API: what each persona sees and may change, and how many queries lists take."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core.actors import SYSTEM
from luoshi.ledger import services
from luoshi.ledger.models import ProgressReport
from luoshi.org import services as org_services

pytestmark = pytest.mark.django_db


def _titles(response):
    return [t.title for t in response.context["page"]]


def test_a_supervisor_sees_every_task(ledger, login):
    response = login(ledger.supervisor).get("/ledger/")
    assert set(_titles(response)) == {"推动规上工业增加值增长7.5%", "实施消费载体培优行动"}
    rows = response.content.decode()
    assert '<span class="tag">工业</span>' in rows  # each row's areas
    assert "<td>中山路街道</td>" in rows  # and co-units


def test_a_supervisor_of_the_whole_district_does_not_see_another_districts_tasks(ledger, login):
    # The district's supervisor reads its list without a unit filter; a second root must end that.
    other = org_services.create_unit(SYSTEM, name="重庆市荣昌区", kind="other")
    elsewhere = services.create_task(
        SYSTEM, title="荣昌区的任务", lead_unit=other, start_date=date(2026, 1, 5), due_date=date(2026, 12, 31)
    )
    client = login(ledger.supervisor)
    assert "荣昌区的任务" not in _titles(client.get("/ledger/"))
    assert client.get(f"/ledger/tasks/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/api/v1/ledger/tasks/{elsewhere.pk}").status_code == 404


def test_a_reporter_sees_its_units_tasks_and_those_it_co_operates_on_only(ledger, login):
    assert _titles(login(ledger.jxw_reporter).get("/ledger/")) == ["推动规上工业增加值增长7.5%"]
    assert _titles(login(ledger.zsl_reporter).get("/ledger/")) == ["推动规上工业增加值增长7.5%"]


def test_a_reporter_cannot_open_another_units_task_in_the_ui_or_the_api(ledger, login):
    client = login(ledger.jxw_reporter)
    assert client.get(f"/ledger/tasks/{ledger.swj_task.pk}/").status_code == 404
    assert client.get(f"/api/v1/ledger/tasks/{ledger.swj_task.pk}").status_code == 404
    response = client.post(f"/ledger/tasks/{ledger.swj_task.pk}/report/", {"text": "越权", "percent": 5})
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/ledger/tasks/{ledger.swj_task.pk}/reports",
        {"text": "越权", "percent": 5},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise_a", "outsider"])
def test_enterprises_and_accounts_without_roles_have_no_ledger(ledger, login, persona):
    client = login(getattr(ledger, persona))
    assert client.get("/ledger/").status_code == 403
    assert client.get(f"/ledger/tasks/{ledger.jxw_task.pk}/").status_code == 404
    assert client.get("/api/v1/ledger/tasks").status_code == 403


def test_the_list_filters_by_unit_including_co_units_and_by_area(ledger, login):
    client = login(ledger.supervisor)
    assert _titles(client.get("/ledger/", {"unit": ledger.zsl.pk})) == ["推动规上工业增加值增长7.5%"]
    area = ledger.swj_task.areas.get()
    assert _titles(client.get("/ledger/", {"area": area.pk})) == ["实施消费载体培优行动"]


def test_a_bad_filter_says_what_is_wrong(ledger, login):
    response = login(ledger.supervisor).get("/ledger/", {"due_from": "2026-05-01", "due_to": "2026-01-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_a_reporter_submits_a_report_from_the_task_page_once_even_if_clicked_twice(ledger, login):
    client = login(ledger.jxw_reporter)
    page = client.get(f"/ledger/tasks/{ledger.jxw_task.pk}/")
    key = page.context["report_form"].initial["idempotency_key"]
    data = {"text": "已完成项目前期手续", "percent": 30, "unit": ledger.jxw.pk, "idempotency_key": key}
    assert client.post(f"/ledger/tasks/{ledger.jxw_task.pk}/report/", data).status_code == 302
    assert client.post(f"/ledger/tasks/{ledger.jxw_task.pk}/report/", data).status_code == 302
    assert ProgressReport.objects.count() == 1


def test_an_invalid_report_is_shown_again_with_the_error(ledger, login):
    client = login(ledger.jxw_reporter)
    data = {"text": "进展", "percent": 130, "unit": ledger.jxw.pk, "idempotency_key": "x"}
    response = client.post(f"/ledger/tasks/{ledger.jxw_task.pk}/report/", data)
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()


def test_the_review_queue_shows_only_reports_the_supervisor_covers(ledger, login):
    services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="进展", percent=20)
    response = login(ledger.supervisor).get("/ledger/review/")
    assert len(response.context["page"]) == 1
    assert login(ledger.jxw_reporter).get("/ledger/review/").status_code == 403


def test_the_reporter_inbox_lists_what_is_owed(ledger, login):
    response = login(ledger.zsl_reporter).get("/ledger/inbox/")
    owed = response.context["inbox"].to_report
    assert [o.unit for o in owed] == [ledger.zsl]


def test_the_task_page_shows_status_reason_timeline_and_history(ledger, login):
    services.update_task(ledger.supervisor, ledger.jxw_task, due_date=date(2026, 11, 30))
    body = login(ledger.leader).get(f"/ledger/tasks/{ledger.jxw_task.pk}/").content.decode()
    assert "时间线" in body
    assert "变更记录" in body
    assert "完成时限" in body


def test_the_ledger_list_takes_a_bounded_number_of_queries(ledger, login, django_assert_max_num_queries):
    client = login(ledger.supervisor)
    for i in range(40):
        services.create_task(
            SYSTEM,
            title=f"任务{i}",
            lead_unit=ledger.jxw,
            co_units=[ledger.swj, ledger.zsl],
            start_date=date(2026, 1, 5),
            due_date=date(2026, 12, 31),
            areas=["工业", "开放"],
        )
    with django_assert_max_num_queries(16):
        response = client.get("/ledger/", {"size": 50})
    assert len(response.context["page"]) == 42


def test_the_api_lists_tasks_with_the_same_filters(ledger, login):
    body = login(ledger.supervisor).get("/api/v1/ledger/tasks", {"unit": ledger.swj.pk}).json()
    assert body["count"] == 1
    assert body["results"][0]["lead_unit"]["short_name"] == "区商务委"


def test_the_api_refuses_a_bad_filter_in_chinese(ledger, login):
    response = login(ledger.supervisor).get("/api/v1/ledger/tasks", {"due_from": "not-a-date"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_api_report_is_idempotent_by_header(ledger, login):
    client = login(ledger.jxw_reporter)
    url = f"/api/v1/ledger/tasks/{ledger.jxw_task.pk}/reports"
    for _ in range(2):
        response = client.post(
            url,
            {"text": "接口报送", "percent": 40},
            content_type="application/json",
            headers={"Idempotency-Key": "abc-1"},
        )
        assert response.status_code == 201
    assert ProgressReport.objects.count() == 1


def test_the_api_creates_a_task_only_for_a_supervisor(ledger, login):
    payload = {"title": "接口交办", "lead_unit_id": ledger.jxw.pk, "start_date": "2026-03-02", "due_workdays": 20}
    assert (
        login(ledger.jxw_reporter).post("/api/v1/ledger/tasks", payload, content_type="application/json").status_code
        == 403
    )
    response = login(ledger.supervisor).post("/api/v1/ledger/tasks", payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["due_date"] == "2026-03-30"


def test_the_export_contains_the_filtered_rows(ledger, login):
    import io

    import openpyxl

    response = login(ledger.jxw_reporter).get("/ledger/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "推动规上工业增加值增长7.5%" in values
    assert "实施消费载体培优行动" not in values


def _options(body: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_unit_filter_offers_the_users_units_a_level_at_a_time(ledger, login):
    # A reporter filters within its own unit; it is not offered the whole district.
    assert _options(login(ledger.jxw_reporter).get("/ledger/").content.decode(), "unit") == ["全部单位", "区经信委"]
    # A district supervisor is offered the district and the level below it, not every unit of the tree ...
    top = _options(login(ledger.supervisor).get("/ledger/").content.decode(), "unit")
    assert top[:2] == ["全部单位", "永川区"]
    assert {"区委", "区政府", "中山路街道"} <= set(top)
    assert "区经信委" not in top
    # ... and, once a unit is chosen, the units below it as well.
    below = _options(login(ledger.supervisor).get(f"/ledger/?unit={ledger.gov.pk}").content.decode(), "unit")
    assert {"区政府", "区经信委", "区商务委"} <= set(below)


def test_a_unit_reached_by_a_link_is_offered_and_selected(ledger, login):
    body = login(ledger.supervisor).get(f"/ledger/?unit={ledger.jxw.pk}").content.decode()
    assert "区经信委" in _options(body, "unit")
    assert f'<option value="{ledger.jxw.pk}" selected>' in body


def test_the_source_filter_offers_recent_sources_and_the_chosen_one(ledger, login):
    from luoshi.ledger.queries import RECENT_SOURCES

    old = [
        services.create_source(SYSTEM, title=f"旧会议{i}", held_on=date(2020, 1, 1) + timedelta(days=i))
        for i in range(RECENT_SOURCES + 2)
    ]
    offered = _options(login(ledger.supervisor).get("/ledger/").content.decode(), "source")
    assert len(offered) == RECENT_SOURCES + 1
    assert "2026年区委经济工作会议" in offered
    assert "旧会议0" not in offered
    chosen = _options(login(ledger.supervisor).get(f"/ledger/?source={old[0].pk}").content.decode(), "source")
    assert "旧会议0" in chosen


def test_the_task_page_shows_the_latest_reports_and_everything_on_request(ledger, login):
    from django.utils import timezone

    from luoshi.ledger.views import SHOWN_ROWS

    now = timezone.now()
    ProgressReport.objects.bulk_create(
        ProgressReport(
            task=ledger.jxw_task,
            period=f"2026-{i:02d}",
            period_end=date(2026, 1, 31),
            due_date=date(2026, 2, 5),
            unit=ledger.jxw,
            text=f"第{i}份进展",
            percent=i,
            submitted_at=now - timedelta(days=30 - i),
        )
        for i in range(1, SHOWN_ROWS + 6)
    )
    client = login(ledger.leader)
    response = client.get(f"/ledger/tasks/{ledger.jxw_task.pk}/")
    assert len(response.context["reports"]) == SHOWN_ROWS
    assert response.context["reports"][0].text == f"第{SHOWN_ROWS + 5}份进展"  # newest first
    assert response.context["reports_hidden"] == 5
    assert "另有 5 份较早的报告" in response.content.decode()
    everything = client.get(f"/ledger/tasks/{ledger.jxw_task.pk}/?all=1")
    assert len(everything.context["reports"]) == SHOWN_ROWS + 5
    assert everything.context["reports_hidden"] == 0


def test_the_list_pages_twenty_rows_unless_asked_for_fifty_or_a_hundred(ledger, login):
    for i in range(23):
        services.create_task(
            SYSTEM,
            title=f"子任务{i:02d}",
            lead_unit=ledger.jxw,
            start_date=date(2026, 1, 5),
            due_date=date(2026, 12, 31),
        )
    client = login(ledger.supervisor)
    assert len(_titles(client.get("/ledger/"))) == 20
    assert len(_titles(client.get("/ledger/", {"page": 2}))) == 5
    wide = client.get("/ledger/", {"size": 50, "q": "子任务"})
    assert len(_titles(wide)) == 23
    html = wide.content.decode()
    assert '<input type="hidden" name="size" value="50">' in html  # a new filter keeps the size
    assert "?q=%E5%AD%90%E4%BB%BB%E5%8A%A1&amp;size=100" in html
    assert len(_titles(client.get("/ledger/", {"size": 7}))) == 20  # not offered: the default


@pytest.mark.parametrize("short_list", [2000, 3])
def test_a_narrowed_list_gives_the_same_page_and_totals_read_once_or_counted(ledger, login, monkeypatch, short_list):
    """A short list is read once (ids and statuses); past SHORT_LIST it is counted and paged."""
    from luoshi.ledger import queries

    monkeypatch.setattr(queries, "SHORT_LIST", short_list)
    for i in range(24):
        services.create_task(
            SYSTEM, title=f"招商{i:02d}", lead_unit=ledger.jxw, start_date=date(2026, 1, 5), due_date=date(2026, 12, 31)
        )
    client = login(ledger.jxw_reporter)
    first, second = client.get("/ledger/", {"q": "招商"}), client.get("/ledger/", {"q": "招商", "page": 2})
    assert _titles(first) == [f"招商{i:02d}" for i in range(20)]
    assert _titles(second) == [f"招商{i:02d}" for i in range(20, 24)]
    assert sum(c["n"] for c in first.context["counts"]) == 24
    assert first.context["page"].paginator.count == 24


def test_the_task_page_lists_a_reports_files_and_reads_files_only_for_reports_that_have_them(ledger, login):

    photo = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    services.submit_report(ledger.jxw_reporter, ledger.jxw_task, text="有照片", percent=10, files=[photo])
    client = login(ledger.supervisor)
    assert "附件：照片.jpg" in client.get(f"/ledger/tasks/{ledger.jxw_task.pk}/").content.decode()

    services.submit_report(SYSTEM, ledger.swj_task, text="无附件", percent=5)
    with CaptureQueriesContext(connection) as queries:
        quiet = client.get(f"/ledger/tasks/{ledger.swj_task.pk}/")
    assert "无附件" in quiet.content.decode()
    reads = [q["sql"] for q in queries.captured_queries if "ledger_reportattachment" in q["sql"]]
    assert all("EXISTS" in sql for sql in reads)  # only the flag inside the reports' query


def test_the_filter_choices_are_kept_between_pages_and_a_new_source_is_offered_at_once(ledger, login):
    client = login(ledger.supervisor)
    client.get("/ledger/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/ledger/")
    assert not [q for q in queries.captured_queries if "ledger_source" in q["sql"]]  # kept, not read again
    services.create_source(SYSTEM, title="2026年区政府常务会议", held_on=date(2026, 3, 1))
    assert "2026年区政府常务会议" in _options(client.get("/ledger/").content.decode(), "source")
