"""The unit directory pages and API: who may see them, and how many queries they take."""

import pytest

from luoshi.core.actors import SYSTEM
from luoshi.org import services

pytestmark = pytest.mark.django_db


def test_a_reporter_browses_the_directory(world, login):
    response = login(world.jxw_reporter).get("/units/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "重庆市永川区经济和信息化委员会" in body
    assert "中山路街道" in body


def test_the_directory_is_searchable_by_alias(world, login):
    response = login(world.jxw_reporter).get("/units/", {"q": "区经济和信息化委员会"})
    names = [u.name for u in response.context["units"]]
    assert names == ["重庆市永川区经济和信息化委员会"]


def test_an_htmx_search_returns_only_the_rows(world, login):
    response = login(world.jxw_reporter).get("/units/", {"q": "商务"}, headers={"hx-request": "true"})
    body = response.content.decode()
    assert "<tr>" in body
    assert "<html" not in body


@pytest.mark.parametrize("persona", ["enterprise_a", "outsider"])
def test_enterprises_and_accounts_without_roles_cannot_browse_the_directory(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get("/units/").status_code == 403
    assert client.get(f"/units/{world.jxw.pk}/").status_code == 404
    assert client.get("/api/v1/org/units").status_code == 403
    assert client.get(f"/api/v1/org/units/{world.jxw.pk}").status_code == 404


def test_anonymous_visitors_are_sent_to_login(world, client):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/api/v1/org/units").status_code == 401


def test_the_unit_page_shows_people_and_the_change_history(world, login):
    services.create_person(SYSTEM, unit=world.jxw, name="李国财", title="党组书记、主任")
    services.update_unit(world.admin, world.jxw, area_code="500118")
    body = login(world.leader).get(f"/units/{world.jxw.pk}/").content.decode()
    assert "李国财" in body
    assert "党组书记、主任" in body
    assert "变更记录" in body
    assert "行政区划代码" in body
    assert "500118" in body


def test_only_an_admin_covering_the_unit_sees_who_holds_roles_there(world, login):
    assert "角色授权" in login(world.admin).get(f"/units/{world.jxw.pk}/").content.decode()
    assert "角色授权" in login(world.gov_admin).get(f"/units/{world.jxw.pk}/").content.decode()
    assert "角色授权" not in login(world.gov_admin).get(f"/units/{world.zsl.pk}/").content.decode()
    assert "角色授权" not in login(world.leader).get(f"/units/{world.jxw.pk}/").content.decode()


def test_the_directory_page_takes_the_same_number_of_queries_for_more_units(
    world, login, django_assert_max_num_queries
):
    client = login(world.leader)
    client.get("/units/")  # warm up the session
    with django_assert_max_num_queries(12):
        client.get("/units/")
    for i in range(30):
        services.create_unit(SYSTEM, name=f"新增单位{i}", kind="other", parent=world.root, aliases=[f"别称{i}"])
    with django_assert_max_num_queries(12):
        response = client.get("/units/")
    assert len(response.context["units"]) > 30


def test_the_api_lists_units_with_aliases(world, login):
    rows = login(world.supervisor).get("/api/v1/org/units", {"q": "区经信委"}).json()
    assert [r["short_name"] for r in rows] == ["区经信委"]
    assert set(rows[0]["aliases"]) == {"区经信委", "区经济和信息化委员会"}


def test_the_api_returns_a_units_history(world, login):
    services.update_unit(world.admin, world.swj, short_name="商务委")
    rows = login(world.supervisor).get(f"/api/v1/org/units/{world.swj.pk}/history").json()
    assert rows[0]["who"] == "admin"
    assert {"label": "简称", "old": "区商务委", "new": "商务委"} in rows[0]["changes"]


def test_api_errors_are_chinese_with_a_stable_code(world, login):
    response = login(world.enterprise_a).get("/api/v1/org/units")
    assert response.json()["code"] == "forbidden"
    assert "单位名录" in response.json()["message"]
