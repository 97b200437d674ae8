"""Case pages and API: each persona sees exactly its cases."""

import pytest

from luoshi.cases import services
from luoshi.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(desk):
    a = services.submit_case(
        desk.enterprise_a, case_type=desk.financing, title="甲的诉求", description="内容", enterprise=desk.ent_a
    )
    b = services.submit_case(
        desk.enterprise_b, case_type=desk.financing, title="乙的诉求", description="内容", enterprise=desk.ent_b
    )
    for case in (a, b):
        services.transition(desk.supervisor, case, "accept")
    services.transition(desk.supervisor, a, "assign", unit=desk.jxw)
    services.transition(desk.supervisor, b, "assign", unit=desk.swj)
    desk.case_a, desk.case_b = a, b
    return desk


def _titles(client, url="/cases/"):
    return {c.title for c in client.get(url).context["page"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("leader", {"甲的诉求", "乙的诉求"}),
        ("supervisor", {"甲的诉求", "乙的诉求"}),
        ("jxw_reporter", {"甲的诉求"}),
        ("enterprise_a", {"甲的诉求"}),
        ("enterprise_b", {"乙的诉求"}),
        ("commissioner", {"甲的诉求"}),
        ("zsl_reporter", set()),
    ],
)
def test_each_persona_sees_exactly_its_cases_in_the_ui_and_the_api(cases, login, persona, expected):
    client = login(getattr(cases, persona))
    assert _titles(client) == expected
    api = {row["title"] for row in client.get("/api/v1/cases/").json()["results"]}
    assert api == expected


def test_another_enterprises_case_is_not_found(cases, login):
    client = login(cases.enterprise_a)
    assert client.get(f"/cases/{cases.case_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{cases.case_b.pk}").status_code == 404
    response = client.post(f"/cases/{cases.case_b.pk}/act/", {"action": "resolve", "note": "x"})
    assert response.status_code == 404


def test_an_outsider_has_no_cases(cases, login):
    assert login(cases.outsider).get("/cases/").status_code == 403


def test_the_unit_queue_lists_its_open_cases_with_a_countdown(cases, login):
    response = login(cases.jxw_reporter).get("/cases/queue/")
    [case] = response.context["cases"]
    assert case.title == "甲的诉求"
    assert case.remaining is not None


def test_the_handler_acts_from_the_case_page(cases, login):
    client = login(cases.jxw_reporter)
    page = client.get(f"/cases/{cases.case_a.pk}/")
    assert [a["value"] for a in page.context["actions"]] == ["start", "transfer", "return"]
    client.post(f"/cases/{cases.case_a.pk}/act/", {"action": "start"})
    assert Case.objects.get(pk=cases.case_a.pk).state == "in_progress"


def test_an_illegal_action_through_the_api_is_a_409_with_a_chinese_message(cases, login):
    response = login(cases.jxw_reporter).post(
        f"/api/v1/cases/{cases.case_a.pk}/actions",
        {"action": "follow_up", "rating": 5},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "不能回访" in response.json()["message"]


def test_submitting_through_the_api(cases, login):
    response = login(cases.enterprise_a).post(
        "/api/v1/cases/",
        {
            "case_type_id": cases.financing.pk,
            "title": "用电增容",
            "description": "新产线需增容",
            "enterprise_id": cases.ent_a.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    bad = login(cases.enterprise_a).post(
        "/api/v1/cases/",
        {"case_type_id": cases.financing.pk, "title": "越权", "description": "x", "enterprise_id": cases.ent_b.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400
