"""Project pages: what each persona sees and may change, and how many queries the lists take.

``jxw_reporter`` (区经信委) must never read or change ``mall`` (区商务委's), in the pages or the API.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.actors import SYSTEM
from luoshi.projects import services
from luoshi.projects.models import MonthlyReport, Photo, Problem
from tests.projects.conftest import months_ago

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _names(response):
    return [p.name for p in response.context["page"]]


def _period(n: int = 0) -> str:
    year, month = months_ago(n)
    return f"{year}-{month:02d}"


def test_a_supervisor_sees_every_project(projects, login):
    response = login(projects.supervisor).get("/projects/")
    assert set(_names(response)) == {"普康医疗器械生产基地", "渝西广场商圈提档升级", "双龙村城中村改造"}
    assert response.context["totals"]["total"] == Decimal("175000.00")


def test_a_reporter_sees_only_its_own_units_projects(projects, login):
    assert _names(login(projects.jxw_reporter).get("/projects/")) == ["普康医疗器械生产基地"]
    assert _names(login(projects.zsl_reporter).get("/projects/")) == ["双龙村城中村改造"]


def test_a_reporter_cannot_open_or_report_another_units_project_in_the_pages(projects, login):
    client = login(projects.jxw_reporter)
    mall = projects.mall.pk
    assert client.get(f"/projects/{mall}/").status_code == 404
    response = client.post(f"/projects/{mall}/report/", {"period": _period(), "amount": "100", "progress": "越权报送"})
    assert response.status_code == 404
    assert client.post(f"/projects/{mall}/problems/", {"title": "越权"}).status_code == 404
    photo = SimpleUploadedFile("x.png", PNG, content_type="image/png")
    assert client.post(f"/projects/{mall}/photos/", {"files": [photo]}).status_code == 404
    assert client.post(f"/projects/{mall}/plan/", {"year": projects.year, "amount": 1}).status_code == 404
    assert not MonthlyReport.objects.exists()
    assert not Problem.objects.exists()
    assert not Photo.objects.exists()


def test_a_reporter_cannot_read_or_change_another_units_project_through_the_api(projects, login):
    client = login(projects.jxw_reporter)
    mall = projects.mall.pk
    year, month = months_ago(0)
    assert client.get(f"/api/v1/projects/{mall}").status_code == 404
    assert client.get(f"/api/v1/projects/{mall}/reports").status_code == 404
    response = client.put(
        f"/api/v1/projects/{mall}/reports/{year}/{month}",
        {"amount": "100", "progress": "越权"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert [p["name"] for p in client.get("/api/v1/projects").json()["results"]] == ["普康医疗器械生产基地"]
    assert not MonthlyReport.objects.exists()


def test_a_supervisor_cannot_report_for_the_lead_unit(projects, login):
    year, month = months_ago(0)
    response = login(projects.supervisor).put(
        f"/api/v1/projects/{projects.pukang.pk}/reports/{year}/{month}",
        {"amount": "100", "progress": "代报"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("persona", ["enterprise_a", "outsider"])
def test_enterprises_and_accounts_without_roles_have_no_projects(projects, login, persona):
    client = login(getattr(projects, persona))
    assert client.get("/projects/").status_code == 403
    assert client.get("/projects/board/").status_code == 403
    assert client.get("/projects/funds/").status_code == 403
    assert client.get(f"/projects/{projects.pukang.pk}/").status_code == 404
    assert client.get("/api/v1/projects").status_code == 403


def test_the_lead_reporter_reports_from_the_project_page(projects, login):
    client = login(projects.jxw_reporter)
    page = client.get(f"/projects/{projects.pukang.pk}/")
    assert page.context["report_form"] is not None
    data = {"period": _period(), "amount": "2100.5", "progress": "主体结构施工至五层", "problems": ""}
    assert client.post(f"/projects/{projects.pukang.pk}/report/", data).status_code == 302
    data["amount"] = "2200"
    assert client.post(f"/projects/{projects.pukang.pk}/report/", data).status_code == 302
    report = MonthlyReport.objects.get()
    assert (report.amount, report.revision) == (Decimal("2200.00"), 2)


def test_a_negative_amount_is_shown_again_with_the_error(projects, login):
    client = login(projects.jxw_reporter)
    data = {"period": _period(), "amount": "-3", "progress": "进展"}
    response = client.post(f"/projects/{projects.pukang.pk}/report/", data)
    assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_a_closed_month_is_not_offered_and_the_api_says_why(projects, login):
    client = login(projects.jxw_reporter)
    page = client.get(f"/projects/{projects.pukang.pk}/")
    offered = [value for value, _ in page.context["report_form"].fields["period"].choices]
    assert _period(6) not in offered
    year, month = months_ago(6)
    response = client.put(
        f"/api/v1/projects/{projects.pukang.pk}/reports/{year}/{month}",
        {"amount": "100", "progress": "补报"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "month_closed"
    services.reopen_month(projects.supervisor, projects.pukang, year=year, month=month, reason="统计补录")
    page = client.get(f"/projects/{projects.pukang.pk}/")
    assert _period(6) in [value for value, _ in page.context["report_form"].fields["period"].choices]
    response = client.put(
        f"/api/v1/projects/{projects.pukang.pk}/reports/{year}/{month}",
        {"amount": "100", "progress": "补报"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["amount"] == "100.00"


def test_the_project_page_draws_the_plan_against_the_actual(projects, login):
    services.submit_report(projects.jxw_reporter, projects.pukang, year=months_ago(0)[0], month=months_ago(0)[1],
                           amount="1500", progress="进展")  # fmt: skip
    response = login(projects.leader).get(f"/projects/{projects.pukang.pk}/")
    chart = response.context["chart"]
    assert [trace["name"] for trace in chart["data"]] == ["当月完成", "累计计划", "累计完成"]
    assert chart["data"][1]["y"][-1] == 24000.0
    assert b'id="investment-chart"' in response.content
    assert "unsafe-inline" in response["Content-Security-Policy"]


def test_board_reserve_and_funds_pages_render_for_a_leader(projects, login):
    client = login(projects.leader)
    board = client.get("/projects/board/")
    stages = {c.value: [p.name for p in c.projects] for c in board.context["columns"]}
    assert stages["construction"] == ["普康医疗器械生产基地", "渝西广场商圈提档升级"]
    assert stages["reserve"] == ["双龙村城中村改造"]
    reserve = client.get("/projects/reserve/")
    assert [p.name for c in reserve.context["columns"] for p in c.projects] == ["双龙村城中村改造"]
    assert reserve.context["movement"][-1].in_pool == 1
    assert client.get("/projects/funds/").status_code == 200


def test_the_list_and_the_board_take_a_fixed_number_of_queries(projects, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(projects.supervisor)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get("/projects/")
    few = {url: count(url) for url in ("/projects/", "/projects/board/", "/projects/reserve/")}
    for i in range(6):
        services.create_project(
            projects.supervisor, name=f"批量项目{i}", project_type="social", lead_unit=projects.swj, total_investment=10
        )
    assert {url: count(url) for url in few} == few
    assert few["/projects/"] <= 10


def test_the_list_filters_by_type_stage_and_unit(projects, login):
    client = login(projects.supervisor)
    assert _names(client.get("/projects/", {"project_type": "urban_renewal", "stage": "reserve"})) == [
        "双龙村城中村改造"
    ]
    assert _names(client.get("/projects/", {"unit": projects.swj.pk})) == ["渝西广场商圈提档升级"]


def test_photos_are_served_only_to_those_who_see_the_project(projects, login):
    photo = services.add_photos(projects.jxw_reporter, projects.pukang, [SimpleUploadedFile("现场.png", PNG)])[0]
    response = login(projects.jxw_reporter).get(f"/projects/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert login(projects.zsl_reporter).get(f"/projects/photos/{photo.pk}/").status_code == 404


def test_a_reporter_proposes_a_reserve_project_from_the_form(projects, login):
    client = login(projects.zsl_reporter)
    form = client.get("/projects/new/").context["form"]
    assert [value for value, _ in form.fields["stage"].choices] == ["planning", "reserve"]
    response = client.post(
        "/projects/new/",
        {
            "name": "中山路老旧小区改造",
            "project_type": "urban_renewal",
            "stage": "planning",
            "key_level": "district",
            "lead_unit": projects.zsl.pk,
            "total_investment": "3200",
            "maturity": "concept",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/projects/new/",
        {"name": "越权", "project_type": "social", "stage": "planning", "key_level": "district",
         "lead_unit": projects.swj.pk, "total_investment": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "谋划储备项目" in response.content.decode()


def test_a_problem_handed_over_from_the_page_becomes_a_case_of_the_unit(projects, login):
    services.raise_problem(projects.jxw_reporter, projects.pukang, title="临时用地审批", unit=projects.swj)
    problem = Problem.objects.get()
    client = login(projects.supervisor)
    assert client.post(f"/projects/problems/{problem.pk}/escalate/", {"unit": projects.swj.pk}).status_code == 302
    problem.refresh_from_db()
    assert problem.case.unit == projects.swj
    page = client.get(f"/projects/{projects.pukang.pk}/").content.decode()
    assert problem.case.number in page


def test_the_project_page_shows_another_years_months_when_asked(projects, login):
    last = projects.year - 1
    services.set_year_plan(projects.supervisor, projects.pukang, year=last, amount="12000")
    services.submit_report(SYSTEM, projects.pukang, year=last, month=12, amount="900", progress="年底冲刺")
    response = login(projects.leader).get(f"/projects/{projects.pukang.pk}/", {"year": last})
    assert response.context["year"] == last
    december = response.context["rows"][-1]
    # Construction began in March last year: 12,000万元 over March … December.
    assert (december.plan, december.done) == (Decimal("1200.00"), Decimal("900.00"))
    assert response.context["chart"]["layout"]["title"]["text"].startswith(f"{last}年")
    assert (
        login(projects.leader).get(f"/projects/{projects.pukang.pk}/", {"year": "abc"}).context["year"] == projects.year
    )


def test_filtering_with_htmx_returns_only_the_rows(projects, login):
    response = login(projects.supervisor).get("/projects/", {"q": "普康"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "projects/_rows.html"
    assert "普康医疗器械生产基地" in response.content.decode()
    assert "渝西广场" not in response.content.decode()


def test_editing_is_for_supervisors_and_the_lead_units_reserve_projects(projects, login):
    assert login(projects.jxw_reporter).get(f"/projects/{projects.pukang.pk}/edit/").status_code == 403
    client = login(projects.zsl_reporter)
    form = client.get(f"/projects/{projects.renewal.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(total_investment="47000", maturity="design")
    assert client.post(f"/projects/{projects.renewal.pk}/edit/", data).status_code == 302
    projects.renewal.refresh_from_db()
    assert (projects.renewal.total_investment, projects.renewal.maturity) == (Decimal("47000.00"), "design")
    assert projects.renewal.lead_unit == projects.zsl


def test_a_reporter_registers_funds_only_for_its_own_unit_from_the_form(projects, login):
    client = login(projects.jxw_reporter)
    form = client.get("/projects/funds/new/").context["form"]
    assert list(form.fields["applying_unit"].queryset) == [projects.jxw]
    assert list(form.fields["project"].queryset) == [projects.pukang]
    assert login(projects.enterprise_a).get("/projects/funds/new/").status_code == 403
