"""A person signs in with a real browser and sees the home page, in Chinese, without errors."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_unit_reporter_signs_in_and_sees_the_home_page(world, live_server, page, screenshot):
    _sign_in(page, live_server, "zsl_reporter", world.password)
    assert page.title() == "首页 · 落实"
    assert page.locator("h1").inner_text().startswith("您好")
    assert "中山路街道" in page.locator("main").inner_text()
    path = screenshot(page, "home-unit-reporter")
    assert path.stat().st_size > 10_000
    assert page.console_errors == []


def test_the_directory_search_filters_as_one_types(world, live_server, page, screenshot):
    _sign_in(page, live_server, "leader", world.password)
    page.goto(f"{live_server.url}/units/")
    page.fill("input[name=q]", "区经济和信息化委员会")
    expect(page.locator("#unit-rows tr")).to_have_count(1)
    assert "重庆市永川区经济和信息化委员会" in page.locator("#unit-rows").inner_text()
    screenshot(page, "units-search")
    assert page.console_errors == []
