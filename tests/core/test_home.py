import pytest

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese_and_guarded(client):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录落实平台" in body
    assert 'lang="zh-Hans"' in body
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"


def test_the_home_page_lists_my_roles_and_notices(world, login):
    body = login(world.zsl_reporter).get("/").content.decode()
    assert "单位联络员" in body
    assert "中山路街道" in body
    assert "（含下级单位）" in body


def test_the_navigation_shows_only_modules_the_roles_allow(world, login):
    gov = login(world.jxw_reporter).get("/").content.decode()
    assert "单位名录" in gov
    firm = login(world.enterprise_a).get("/").content.decode()
    assert "单位名录" not in firm
    assert "通知" in firm


def test_the_admin_is_warned_while_next_years_holidays_are_missing(world, login):
    from luoshi.tracking import calendar

    calendar.invalidate()
    admin_page = login(world.admin).get("/").content.decode()
    reporter_page = login(world.jxw_reporter).get("/").content.decode()
    if calendar.provisional_years(2026, 2027):
        assert "法定节假日安排尚未录入" in admin_page
    assert "法定节假日安排尚未录入" not in reporter_page


def test_static_assets_are_served_by_luoshi_itself(client):
    for path in (
        "/static/luoshi/luoshi.css",
        "/static/luoshi/luoshi.js",
        "/static/django_htmx/htmx-2.min.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


def test_no_page_loads_anything_from_another_origin(world, login):
    body = login(world.admin).get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body


def test_logout_is_a_post(world, login):
    client = login(world.leader)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_help_page_explains_what_my_roles_can_reach(world, login, django_assert_max_num_queries):
    client = login(world.jxw_reporter)
    with django_assert_max_num_queries(6):
        body = client.get("/help/").content.decode()
    assert "单位联络员" in body
    assert "待我填报" in body
    assert "本单位待填报的进度" in body
    assert "申报审核" not in body  # a reviewer's module
    firm = login(world.enterprise_a).get("/help/").content.decode()
    assert "政策体检" in firm
    assert "督办台账" not in firm


def test_the_help_page_is_for_signed_in_users(client):
    response = client.get("/help/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
