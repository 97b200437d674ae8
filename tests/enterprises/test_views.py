"""Enterprise pages and API: what each persona sees and may change, and how many queries lists take."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.cases import services as cases
from luoshi.cases.choices import CaseSource
from luoshi.cases.models import Case
from luoshi.core.actors import SYSTEM
from luoshi.enterprises import services
from luoshi.enterprises.choices import VisitStatus
from luoshi.enterprises.models import CommissionerAssignment, Enterprise, Visit, YearFigure
from luoshi.org.choices import Role
from tests.enterprises.fixtures import make_uscc
from tests.factories import make_user

pytestmark = pytest.mark.django_db

A_NAME, B_NAME = "重庆甲企业有限公司", "重庆乙企业有限公司"
BOTH = sorted([A_NAME, B_NAME])  # the directory is in name order


def _names(response):
    return [e.name for e in response.context["page"]]


def _api_names(response):
    assert response.status_code == 200, response.content
    return [e["name"] for e in response.json()["results"]]


def _figures(enterprise):
    return list(YearFigure.objects.filter(enterprise=enterprise).order_by("year").values())


# --- who sees what -------------------------------------------------------------------------


def test_an_enterprise_user_is_sent_to_its_own_enterprise_and_never_sees_another(enterprises, login):
    client = login(enterprises.enterprise_a)
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"] == f"/enterprises/{enterprises.a.pk}/"
    assert client.get(f"/enterprises/{enterprises.a.pk}/").status_code == 200
    assert client.get(f"/enterprises/{enterprises.b.pk}/").status_code == 404

    assert _api_names(client.get("/api/v1/enterprises")) == [A_NAME]
    assert client.get(f"/api/v1/enterprises/{enterprises.a.pk}").status_code == 200
    response = client.get(f"/api/v1/enterprises/{enterprises.b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"/api/v1/enterprises/{enterprises.b.pk}/visits").status_code == 404


def test_a_commissioner_sees_the_enterprises_he_serves_only(enterprises, login):
    client = login(enterprises.commissioner)
    assert _names(client.get("/enterprises/")) == [A_NAME]
    assert client.get(f"/enterprises/{enterprises.a.pk}/").status_code == 200
    assert client.get(f"/enterprises/{enterprises.b.pk}/").status_code == 404
    assert _api_names(client.get("/api/v1/enterprises")) == [A_NAME]
    assert client.get(f"/api/v1/enterprises/{enterprises.b.pk}").status_code == 404


def test_a_reassigned_commissioner_loses_the_enterprise(enterprises, login):
    other = make_user("commissioner2", grants=[(Role.COMMISSIONER, enterprises.jxw)])
    services.assign_commissioner(enterprises.supervisor, enterprises.a, other, reason="调整分工")
    assert _names(login(enterprises.commissioner).get("/enterprises/")) == []
    assert _names(login(other).get("/enterprises/")) == [A_NAME]


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin"])
def test_government_readers_see_both_enterprises(enterprises, login, persona):
    client = login(getattr(enterprises, persona))
    assert _names(client.get("/enterprises/")) == BOTH
    assert client.get(f"/enterprises/{enterprises.b.pk}/").status_code == 200
    assert _api_names(client.get("/api/v1/enterprises")) == BOTH


def test_a_unit_reporter_reads_the_directory_but_cannot_record_figures(enterprises, login):
    client = login(enterprises.jxw_reporter)
    assert _names(client.get("/enterprises/")) == BOTH
    page = client.get(f"/enterprises/{enterprises.a.pk}/")
    assert page.status_code == 200
    for form in ("figures_form", "assign_form", "plan_form", "case_form"):
        assert page.context[form] is None
    before = _figures(enterprises.a)

    response = client.post(f"/enterprises/{enterprises.a.pk}/figures/", {"year": 2025, "revenue": "9999"})
    assert response.status_code == 403
    assert "没有维护该企业数据的权限" in response.content.decode()
    response = client.post(
        f"/api/v1/enterprises/{enterprises.a.pk}/figures",
        {"year": 2025, "revenue": "9999"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.post(f"/enterprises/{enterprises.a.pk}/visits/", {"planned_on": "2026-12-01"}).status_code == 403
    assert _figures(enterprises.a) == before
    assert not Visit.objects.exists()


def test_an_account_without_roles_sees_nothing(enterprises, login):
    client = login(enterprises.outsider)
    for url in ("/enterprises/", "/enterprises/export.xlsx", "/enterprises/workbench/", "/enterprises/coverage/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/enterprises/{enterprises.a.pk}/").status_code == 404
    assert client.get("/api/v1/enterprises").status_code == 403
    assert client.get(f"/api/v1/enterprises/{enterprises.a.pk}").status_code == 404
    assert client.get("/api/v1/enterprises/coverage").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(enterprises, client):
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/api/v1/enterprises").status_code == 401


# --- the directory -------------------------------------------------------------------------


def test_the_directory_filters_by_industry_section_division_and_class(enterprises, login):
    client = login(enterprises.supervisor)
    assert _names(client.get("/enterprises/", {"industry": "C"})) == [A_NAME]
    assert _names(client.get("/enterprises/", {"industry": "c34"})) == [A_NAME]
    assert _names(client.get("/enterprises/", {"industry": "3411"})) == [A_NAME]
    assert _names(client.get("/enterprises/", {"industry": "F"})) == [B_NAME]
    assert _names(client.get("/enterprises/", {"industry": "52"})) == [B_NAME]
    assert _api_names(client.get("/api/v1/enterprises", {"industry": "C"})) == [A_NAME]


def test_the_directory_filters_by_name_code_town_tag_size_and_above_scale(enterprises, login):
    client = login(enterprises.supervisor)
    assert _names(client.get("/enterprises/", {"q": "乙企业"})) == [B_NAME]
    assert _names(client.get("/enterprises/", {"q": enterprises.b.uscc.lower()})) == [B_NAME]
    assert _names(client.get("/enterprises/", {"town": enterprises.zsl.pk})) == BOTH
    tag = enterprises.b.tags.get()
    assert _names(client.get("/enterprises/", {"tag": tag.pk})) == [B_NAME]
    # 2500万元 revenue in 工业: 规上; 150 people and 2500万元: 小型 (工业: 中型 from 300 people and 2000万元).
    assert _names(client.get("/enterprises/", {"above_scale": "on"})) == [A_NAME]
    enterprises.a.refresh_from_db()
    assert _names(client.get("/enterprises/", {"size": enterprises.a.size_class})) == [A_NAME]
    counts = dict(client.get("/enterprises/").context["counts"])
    assert counts["企业"] == 2
    assert counts["规上企业"] == 1


def test_a_bad_filter_says_what_is_wrong_in_chinese(enterprises, login):
    response = login(enterprises.supervisor).get("/enterprises/", {"industry": "98"})
    assert response.status_code == 200
    assert "GB/T 4754-2017 中没有大类“98”" in response.content.decode()
    response = login(enterprises.supervisor).get("/api/v1/enterprises", {"industry": "98"})
    assert response.status_code == 400
    assert response.json()["field"] == "industry"
    assert "没有大类" in response.json()["message"]


def test_htmx_filtering_returns_only_the_rows(enterprises, login):
    response = login(enterprises.supervisor).get("/enterprises/", {"q": "甲"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert A_NAME in body
    assert B_NAME not in body


def test_the_directory_list_takes_a_bounded_number_of_queries(enterprises, login, django_assert_max_num_queries):
    other = make_user("commissioner2", grants=[(Role.COMMISSIONER, enterprises.jxw)])
    for i in range(40):
        e = services.register_enterprise(
            SYSTEM,
            uscc=make_uscc(f"MA6{i:05d}"),
            name=f"重庆测试{i:02d}有限公司",
            industry_code="3411",
            town=enterprises.zsl,
            tags=["专精特新", "科技型中小企业"],
        )
        services.assign_commissioner(SYSTEM, e, other)
    client = login(enterprises.supervisor)
    with django_assert_max_num_queries(14):
        response = client.get("/enterprises/")
    assert len(response.context["page"]) == 42
    with django_assert_max_num_queries(14):
        assert len(_api_names(client.get("/api/v1/enterprises"))) == 42


def test_the_directory_pages_by_fifty(enterprises, login):
    for i in range(55):
        services.register_enterprise(
            SYSTEM, uscc=make_uscc(f"MA7{i:05d}"), name=f"重庆分页{i:02d}有限公司", industry_code="5211"
        )
    client = login(enterprises.supervisor)
    assert len(client.get("/enterprises/").context["page"]) == 50
    assert len(client.get("/enterprises/", {"page": 2}).context["page"]) == 7
    body = client.get("/api/v1/enterprises").json()
    assert (body["count"], body["pages"], len(body["results"])) == (57, 1, 57)


def _export_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_only_the_rows_the_user_may_see(enterprises, login):
    rows = _export_rows(login(enterprises.commissioner).get("/enterprises/export.xlsx"))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码")
    assert [r[0] for r in rows[1:]] == [A_NAME]
    assert rows[1][1] == enterprises.a.uscc
    assert rows[1][9] == str(enterprises.commissioner)

    rows = _export_rows(login(enterprises.supervisor).get("/enterprises/export.xlsx"))
    assert [r[0] for r in rows[1:]] == BOTH
    rows = _export_rows(login(enterprises.supervisor).get("/enterprises/export.xlsx", {"industry": "F"}))
    assert [r[0] for r in rows[1:]] == [B_NAME]


# --- the 360° page -------------------------------------------------------------------------


def test_the_enterprise_page_shows_identity_size_commissioner_figures_chart_and_history(enterprises, login):
    response = login(enterprises.leader).get(f"/enterprises/{enterprises.a.pk}/")
    body = response.content.decode()
    assert enterprises.a.uscc in body
    assert "3411 通用设备制造业" in body
    assert "张甲" in body
    assert "2024年数据" in body  # the reason of the derived size class
    assert "规上标准2000万元" in body  # the reason of 规上
    assert str(enterprises.commissioner) in body
    assert 'data-chart="figures-chart"' in body
    assert 'id="figures-chart"' in body
    assert "变更记录" in body
    chart = response.context["chart"]
    assert [t["name"] for t in chart["data"]] == [
        "营业收入（万元）",
        "研发费用（万元）",
        "纳税额（万元）",
        "从业人员（人）",
    ]
    assert chart["data"][-1]["yaxis"] == "y2"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" in policy["style-src"]  # plotly's own style rules
    assert "unsafe-inline" not in policy["script-src"]


def test_bad_figures_show_a_chinese_error_and_change_nothing(enterprises, login):
    client = login(enterprises.commissioner)
    before = _figures(enterprises.a)
    response = client.post(
        f"/enterprises/{enterprises.a.pk}/figures/", {"year": 2024, "revenue": "-5", "employees": "10"}
    )
    assert response.status_code == 400
    assert "金额不能为负数" in response.content.decode()
    assert response.context["figures_form"].errors["revenue"]
    response = client.post(
        f"/api/v1/enterprises/{enterprises.a.pk}/figures",
        {"year": 2024, "revenue": "-5"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "金额不能为负数。", "field": "revenue"}
    response = client.post(f"/enterprises/{enterprises.a.pk}/figures/", {"year": 1800, "revenue": "10"})
    assert response.status_code == 400
    assert "不在有效范围内" in response.content.decode()
    assert _figures(enterprises.a) == before


def test_the_enterprise_records_its_own_figures_and_size_is_derived_again(enterprises, login):
    client = login(enterprises.enterprise_a)
    year = timezone.localdate().year - 1
    data = {"year": year, "revenue": "30000", "employees": "400", "total_assets": "50000", "source": "tax"}
    response = client.post(f"/enterprises/{enterprises.a.pk}/figures/", data)
    assert response.status_code == 302
    row = YearFigure.objects.get(enterprise=enterprises.a, year=year)
    assert row.revenue == Decimal("30000.00")
    assert (row.source, row.verified) == ("self", False)  # an enterprise cannot claim tax-office figures
    enterprises.a.refresh_from_db()
    assert enterprises.a.size_class == "中型"
    assert enterprises.a.size_reason.startswith(f"{year}年数据")

    response = client.post(
        f"/api/v1/enterprises/{enterprises.a.pk}/figures",
        {"year": year, "verified": True},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_api_updates_only_the_figures_it_is_given(enterprises, login):
    client = login(enterprises.supervisor)
    response = client.post(
        f"/api/v1/enterprises/{enterprises.a.pk}/figures",
        {"year": 2024, "tax_paid": "95.5", "source": "statistics", "verified": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["tax_paid"] == "95.50"
    row = YearFigure.objects.get(enterprise=enterprises.a, year=2024)
    assert (row.revenue, row.tax_paid, row.source, row.verified) == (
        Decimal("2500.00"),
        Decimal("95.50"),
        "statistics",
        True,
    )
    detail = client.get(f"/api/v1/enterprises/{enterprises.a.pk}").json()
    assert detail["tags"] == ["专精特新"]
    assert detail["commissioner"]["username"] == "commissioner"
    assert [f["year"] for f in detail["figures"]] == [2024]
    assert detail["above_scale"] is True


def test_a_supervisor_assigns_a_commissioner_and_the_history_keeps_the_previous_one(enterprises, login):
    other = make_user("commissioner2", grants=[(Role.COMMISSIONER, enterprises.jxw)])
    client = login(enterprises.supervisor)
    page = client.get(f"/enterprises/{enterprises.b.pk}/")
    assert list(page.context["assign_form"].fields["commissioner"].queryset) == [enterprises.commissioner, other]
    response = client.post(
        f"/enterprises/{enterprises.a.pk}/commissioner/", {"commissioner": other.pk, "reason": "轮岗"}
    )
    assert response.status_code == 302
    assignments = list(CommissionerAssignment.objects.filter(enterprise=enterprises.a).order_by("id"))
    assert [(a.commissioner, a.ended_on is None) for a in assignments] == [
        (enterprises.commissioner, False),
        (other, True),
    ]
    body = client.get(f"/enterprises/{enterprises.a.pk}/").content.decode()
    assert "分工记录" in body
    assert "轮岗" in body


def test_only_a_supervisor_or_admin_assigns_and_only_commissioners_can_be_chosen(enterprises, login):
    response = login(enterprises.commissioner).post(
        f"/enterprises/{enterprises.a.pk}/commissioner/", {"commissioner": enterprises.commissioner.pk}
    )
    assert response.status_code == 403
    response = login(enterprises.supervisor).post(
        f"/enterprises/{enterprises.b.pk}/commissioner/", {"commissioner": enterprises.jxw_reporter.pk}
    )
    assert response.status_code == 400
    assert not CommissionerAssignment.objects.filter(enterprise=enterprises.b).exists()


def test_the_commissioner_plans_and_records_a_visit_whose_demands_become_cases(enterprises, login):
    client = login(enterprises.commissioner)
    planned_on = timezone.localdate() - timedelta(days=1)
    response = client.post(f"/enterprises/{enterprises.a.pk}/visits/", {"planned_on": planned_on, "visitors": "李四"})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.commissioner, visit.status) == (enterprises.commissioner, VisitStatus.PLANNED)
    page = client.get("/enterprises/workbench/")
    assert list(page.context["planned"]) == [visit]

    prefix = f"visit{visit.pk}"
    data = {
        f"{prefix}-visited_on": planned_on,
        f"{prefix}-findings": "企业扩产，缺少流动资金",
        f"{prefix}-demand1_type": enterprises.financing.pk,
        f"{prefix}-demand1_title": "申请技改贷款贴息",
        f"{prefix}-demand1_description": "新生产线贷款2000万元",
    }
    response = client.post(f"/enterprises/visits/{visit.pk}/record/", data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    case = Case.objects.get()
    assert (case.enterprise, case.visit, case.source) == (enterprises.a, visit, CaseSource.VISIT)

    page = login(enterprises.enterprise_a).get(f"/enterprises/{enterprises.a.pk}/")
    assert [c.title for c in page.context["cases"]] == ["申请技改贷款贴息"]
    assert case.number in page.content.decode()
    served = list(login(enterprises.commissioner).get("/enterprises/workbench/").context["served"])
    assert [(e.name, e.last_visit, e.open_cases) for e in served] == [(A_NAME, planned_on, 1)]


def test_a_half_filled_demand_is_refused_and_nothing_is_recorded(enterprises, login):
    visit = services.plan_visit(enterprises.commissioner, enterprises.a, planned_on=timezone.localdate())
    prefix = f"visit{visit.pk}"
    data = {
        f"{prefix}-visited_on": timezone.localdate(),
        f"{prefix}-findings": "走访",
        f"{prefix}-demand2_title": "只写了标题",
    }
    response = login(enterprises.commissioner).post(f"/enterprises/visits/{visit.pk}/record/", data)
    assert response.status_code == 400
    assert "诉求2请同时填写类型、诉求和具体内容" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert not Case.objects.exists()


def test_only_the_visitor_records_a_visit(enterprises, login):
    visit = services.plan_visit(enterprises.commissioner, enterprises.a, planned_on=timezone.localdate())
    data = {f"visit{visit.pk}-visited_on": timezone.localdate(), f"visit{visit.pk}-findings": "越权"}
    assert login(enterprises.enterprise_a).post(f"/enterprises/visits/{visit.pk}/record/", data).status_code == 403
    assert login(enterprises.enterprise_b).post(f"/enterprises/visits/{visit.pk}/record/", data).status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_the_enterprise_submits_a_case_from_its_page_and_another_enterprise_cannot(enterprises, login):
    data = {"case_type": enterprises.financing.pk, "title": "申请稳岗补贴", "description": "2025年稳岗补贴申领"}
    response = login(enterprises.enterprise_a).post(f"/enterprises/{enterprises.a.pk}/cases/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.enterprise, case.source, case.submitted_by) == (
        enterprises.a,
        CaseSource.ONLINE,
        enterprises.enterprise_a,
    )
    assert login(enterprises.enterprise_b).post(f"/enterprises/{enterprises.a.pk}/cases/", data).status_code == 404
    assert login(enterprises.jxw_reporter).post(f"/enterprises/{enterprises.a.pk}/cases/", data).status_code == 403
    response = login(enterprises.commissioner).post(f"/enterprises/{enterprises.a.pk}/cases/", {**data, "title": ""})
    assert response.status_code == 400
    assert Case.objects.count() == 1


# --- workbench and coverage ----------------------------------------------------------------


def test_the_workbench_lists_resolved_cases_waiting_for_the_commissioners_follow_up(enterprises, login):
    case = cases.submit_case(
        enterprises.commissioner,
        case_type=enterprises.financing,
        title="申请贷款贴息",
        description="技改贷款贴息",
        source=CaseSource.COMMISSIONER,
        enterprise=enterprises.a,
    )
    cases.transition(enterprises.supervisor, case, "accept")
    cases.transition(enterprises.supervisor, case, "assign", unit=enterprises.jxw)
    cases.transition(enterprises.jxw_reporter, case, "start")
    cases.transition(enterprises.jxw_reporter, case, "resolve", note="已兑现贴息")
    response = login(enterprises.commissioner).get("/enterprises/workbench/")
    assert list(response.context["follow_ups"]) == [case]
    assert case.number in response.content.decode()
    assert [e.open_cases for e in response.context["served"]] == [0]


def test_the_workbench_shows_workload_to_supervisors_and_is_closed_to_enterprises(enterprises, login):
    response = login(enterprises.supervisor).get("/enterprises/workbench/")
    assert response.status_code == 200
    assert [(r["commissioner"], r["enterprises"]) for r in response.context["workload"]] == [
        (enterprises.commissioner, 1)
    ]
    assert response.context["unassigned"] == 1
    assert "served" not in response.context
    assert login(enterprises.enterprise_a).get("/enterprises/workbench/").status_code == 403
    assert login(enterprises.jxw_reporter).get("/enterprises/workbench/").status_code == 403


def test_coverage_by_town_and_commissioner_for_leaders_only(enterprises, login):
    visit = services.plan_visit(enterprises.commissioner, enterprises.a, planned_on=timezone.localdate())
    services.record_visit(enterprises.commissioner, visit, visited_on=timezone.localdate(), findings="生产正常")
    response = login(enterprises.leader).get("/enterprises/coverage/")
    assert response.status_code == 200
    assert [(r["name"], r["total"], r["visited"], r["share"]) for r in response.context["by_town"]] == [
        ("中山路街道", 2, 1, 50.0)
    ]
    assert [(r["total"], r["visited"]) for r in response.context["by_commissioner"]] == [(1, 1)]
    assert 'data-chart="town-chart"' in response.content.decode()
    assert login(enterprises.commissioner).get("/enterprises/coverage/").status_code == 403

    client = login(enterprises.supervisor)
    assert client.get("/api/v1/enterprises/coverage").json() == [
        {"name": "中山路街道", "total": 2, "visited": 1, "share": 50.0}
    ]
    rows = client.get("/api/v1/enterprises/coverage", {"by": "commissioner"}).json()
    assert rows == [{"name": str(enterprises.commissioner), "total": 1, "visited": 1, "share": 100.0}]
    response = client.get("/api/v1/enterprises/coverage", {"by": "unit"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- visits through the API ----------------------------------------------------------------


def test_the_api_plans_lists_and_records_visits_for_the_commissioner_only(enterprises, login):
    url = f"/api/v1/enterprises/{enterprises.a.pk}/visits"
    today = timezone.localdate()
    response = login(enterprises.jxw_reporter).post(url, {"planned_on": str(today)}, content_type="application/json")
    assert response.status_code == 403
    client = login(enterprises.commissioner)
    response = client.post(url, {"planned_on": str(today), "visitors": "王五"}, content_type="application/json")
    assert response.status_code == 201, response.content
    visit_id = response.json()["id"]
    assert [v["status"] for v in client.get(url).json()] == ["planned"]

    record = f"/api/v1/enterprises/visits/{visit_id}/record"
    payload = {
        "visited_on": str(today),
        "findings": "反映用地紧张",
        "demands": [{"case_type_id": enterprises.financing.pk, "title": "扩建用地", "description": "需新增用地20亩"}],
    }
    assert login(enterprises.enterprise_b).post(record, payload, content_type="application/json").status_code == 404
    response = login(enterprises.commissioner).post(record, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "已走访"
    assert Case.objects.get().title == "扩建用地"
    response = client.post(record, payload, content_type="application/json")
    assert response.status_code == 409
    assert Case.objects.count() == 1


def test_the_api_refuses_more_than_three_demands(enterprises, login):
    visit = services.plan_visit(enterprises.commissioner, enterprises.a, planned_on=timezone.localdate())
    demand = {"case_type_id": enterprises.financing.pk, "title": "诉求", "description": "内容"}
    response = login(enterprises.commissioner).post(
        f"/api/v1/enterprises/visits/{visit.pk}/record",
        {"visited_on": str(timezone.localdate()), "findings": "走访", "demands": [demand] * 4},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Case.objects.exists()
    assert Enterprise.objects.count() == 2


# --- admin ---------------------------------------------------------------------------------


def test_the_admin_registers_through_the_service_and_refuses_a_bad_code(enterprises, login):
    admin = enterprises.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = login(admin)
    assert client.get("/admin/enterprises/enterprise/").status_code == 200
    assert client.get(f"/admin/enterprises/enterprise/{enterprises.a.pk}/change/").status_code == 200
    data = {"uscc": make_uscc("MA8C0003"), "name": "重庆丙企业有限公司", "industry_code": "C3411", "town": ""}
    response = client.post("/admin/enterprises/enterprise/add/", {**data, "uscc": "915001180000000000"})
    assert response.status_code == 200
    assert "第18位校验码" in response.content.decode()
    response = client.post("/admin/enterprises/enterprise/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Enterprise.objects.get(name="重庆丙企业有限公司")
    assert (created.industry_code, created.industry_name) == ("3411", "通用设备制造业")
    assert created.history.get().history_change_reason == "登记企业"
    response = client.post(
        f"/admin/enterprises/enterprise/{created.pk}/change/",
        {**data, "name": "重庆丙智能企业有限公司", "industry_code": "52"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.industry_name, created.sector) == ("重庆丙智能企业有限公司", "零售业", "零售业")
