"""Every role's home page, the cockpit and the big screen in a real browser: no console errors."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from luoshi.core.actors import SYSTEM
from luoshi.ledger import services as ledger_services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def busy(desk):
    ledger_services.create_task(
        SYSTEM,
        title="完成智能装备产业园一期",
        lead_unit=desk.jxw,
        start_date=desk.today - timedelta(days=60),
        due_date=desk.today + timedelta(days=100),
    )
    return desk


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("leader", "完整驾驶舱"),
        ("supervisor", "逾期事项"),
        ("jxw_reporter", "待我填报"),
        ("commissioner", "专员工作台"),
        ("reviewer", "申报审核"),
        ("enterprise_a", "政策体检"),
    ],
)
def test_every_home_page_loads_clean(busy, live_server, page, screenshot, username, expected):
    _sign_in(page, live_server, username)
    expect(page.locator("main")).to_contain_text(expected)
    screenshot(page, f"home-{username}")
    assert page.console_errors == []


def test_the_cockpit_and_the_big_screen(busy, live_server, page, screenshot):
    _sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("[data-tile=tasks_open] .tile-value")).to_contain_text("1")
    expect(page.locator("[data-chart='units-chart'] .main-svg").first).to_be_visible()
    screenshot(page, "cockpit")
    page.click("[data-tile=tasks_open]")
    expect(page.locator("#task-rows")).to_contain_text("完成智能装备产业园一期")
    page.goto(f"{live_server.url}/dashboard/screen/")
    expect(page.locator("body.screen .tile").first).to_be_visible()
    expect(page.locator("[data-chart='screen-units'] .main-svg").first).to_be_visible()
    screenshot(page, "cockpit-screen")
    assert page.console_errors == []
