"""/api/v1/projects: the same rules as the pages, stable error codes, idempotent monthly reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.projects.models import MonthlyReport, Project
from tests.projects.conftest import months_ago

pytestmark = pytest.mark.django_db


def test_the_list_filters_like_the_page_and_pages(projects, login):
    client = login(projects.leader)
    body = client.get("/api/v1/projects", {"stage": "construction"}).json()
    assert body["count"] == 2
    assert {p["name"] for p in body["results"]} == {"普康医疗器械生产基地", "渝西广场商圈提档升级"}
    first = next(p for p in body["results"] if p["code"] == "GY-001")
    assert first["stage_label"] == "在建"
    assert first["total_investment"] == "100000.00"
    bad = client.get("/api/v1/projects", {"stage": "flying"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "stage"


def test_a_supervisor_registers_a_project_and_sets_its_plan(projects, login):
    client = login(projects.supervisor)
    response = client.post(
        "/api/v1/projects",
        {
            "name": "城东220千伏输变电工程",
            "project_type": "infrastructure",
            "stage": "construction",
            "lead_unit_id": projects.jxw.pk,
            "total_investment": "32000",
            "owner": "国网重庆市电力公司",
            "town_id": projects.zsl.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    project_id = response.json()["id"]
    assert response.json()["owner"] == "国网重庆市电力公司"
    response = client.put(
        f"/api/v1/projects/{project_id}/plans/{projects.year}",
        {"amount": "1200", "months": ["100"] * 12},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["months"] == ["100.00"] * 12
    months = client.get(f"/api/v1/projects/{project_id}/months").json()
    assert months[-1]["plan_cumulative"] == "1200.00"


def test_a_negative_investment_gets_a_chinese_sentence_and_a_code(projects, login):
    response = login(projects.supervisor).post(
        "/api/v1/projects",
        {"name": "负数", "project_type": "industry", "lead_unit_id": projects.jxw.pk, "total_investment": "-1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "总投资不能为负数。", "field": "total_investment"}
    assert not Project.objects.filter(name="负数").exists()


def test_putting_the_same_month_twice_is_idempotent_and_a_change_is_a_correction(projects, login):
    client = login(projects.jxw_reporter)
    year, month = months_ago(0)
    url = f"/api/v1/projects/{projects.pukang.pk}/reports/{year}/{month}"
    body = {"amount": "1800", "progress": "钢结构吊装"}
    first = client.put(url, body, content_type="application/json").json()
    again = client.put(url, body, content_type="application/json").json()
    assert first == again
    changed = client.put(url, {**body, "amount": "1900"}, content_type="application/json").json()
    assert (changed["id"], changed["revision"], changed["amount"]) == (first["id"], 2, "1900.00")
    assert MonthlyReport.objects.count() == 1
    assert len(client.get(f"/api/v1/projects/{projects.pukang.pk}/reports").json()) == 1


def test_milestones_and_problems_through_the_api(projects, login):
    client = login(projects.jxw_reporter)
    today = timezone.localdate()
    created = client.post(
        f"/api/v1/projects/{projects.pukang.pk}/milestones",
        {"kind": "permit", "due_workdays": 10},
        content_type="application/json",
    )
    assert created.status_code == 201
    milestone = created.json()
    assert milestone["title"] == "施工许可"
    done = client.post(
        f"/api/v1/projects/milestones/{milestone['id']}/done",
        {"done_on": str(today), "evidence": "建字第500118202600123号"},
        content_type="application/json",
    )
    assert done.json()["done_on"] == str(today)
    problem = client.post(
        f"/api/v1/projects/{projects.pukang.pk}/problems",
        {"title": "施工便道占用林地", "unit_id": projects.swj.pk},
        content_type="application/json",
    )
    assert problem.status_code == 201
    assert problem.json()["case_id"] is None  # a reporter proposes; a supervisor hands over
    other = login(projects.zsl_reporter).post(
        f"/api/v1/projects/milestones/{milestone['id']}/done",
        {"done_on": str(today - timedelta(days=1)), "evidence": "越权"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_the_reserve_and_its_movement(projects, login):
    client = login(projects.zsl_reporter)
    assert [p["name"] for p in client.get("/api/v1/projects/reserve").json()["results"]] == ["双龙村城中村改造"]
    movement = client.get("/api/v1/projects/reserve/movement").json()
    assert movement[-1]["entered"] == 1
    assert movement[-1]["in_pool"] == 1
    assert [p["name"] for p in login(projects.jxw_reporter).get("/api/v1/projects/reserve").json()["results"]] == []


def test_funds_through_the_api(projects, login):
    client = login(projects.jxw_reporter)
    today = timezone.localdate()
    created = client.post(
        "/api/v1/projects/funds",
        {
            "title": "普康医疗中央预算内投资",
            "channel": "central_budget",
            "applying_unit_id": projects.jxw.pk,
            "amount_applied": "3000",
            "applied_on": str(today),
            "project_id": projects.pukang.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    fund_id = created.json()["id"]
    approved = client.post(
        f"/api/v1/projects/funds/{fund_id}/approval",
        {"amount_approved": "2000", "approved_on": str(today)},
        content_type="application/json",
    )
    assert approved.json()["state"] == "approved"
    over = client.post(
        f"/api/v1/projects/funds/{fund_id}/receipts",
        {"amount": "2500", "received_on": str(today)},
        content_type="application/json",
    )
    assert over.status_code == 400
    summary = client.get("/api/v1/projects/funds/summary").json()
    assert (summary["approved"], summary["by_channel"][0]["label"]) == ("2000.00", "中央预算内投资")
    # Linking a project the caller cannot see is refused as if it did not exist.
    hidden = client.post(
        "/api/v1/projects/funds",
        {"title": "x", "channel": "central_budget", "applying_unit_id": projects.jxw.pk, "amount_applied": "1",
         "applied_on": str(today), "project_id": projects.mall.pk},
        content_type="application/json",
    )  # fmt: skip
    assert hidden.status_code == 404
