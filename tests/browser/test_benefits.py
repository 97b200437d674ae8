"""Redemption in a real browser: an enterprise's checkup and application, the reviewer's queue,
the public notice — with no console errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from luoshi.benefits import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_an_enterprise_applies_and_a_reviewer_approves(desk, live_server, page, screenshot):
    _sign_in(page, live_server, "enterprise_a")
    page.goto(f"{live_server.url}/benefits/checkup/")
    expect(page.locator("h1")).to_have_text("政策体检")
    expect(page.locator("table").first).to_contain_text("研发投入补助")
    screenshot(page, "benefits-checkup")
    page.click("button:has-text('申报')")
    expect(page.locator("h1")).to_have_text("研发投入补助")
    page.set_input_files(
        "input[name=file]", files=[{"name": "申报表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.click("button:has-text('上传')")
    expect(page.locator(".status.green").first).to_have_text("已上传")
    page.fill("input[name=bank_name]", desk.account["bank_name"])
    page.fill("input[name=bank_account]", desk.account["bank_account"])
    page.fill("input[name=contact]", desk.account["contact"])
    page.click("button:has-text('提交申报')")
    expect(page.locator(".page-head .status")).to_have_text("已提交")
    assert page.console_errors == []

    page.context.clear_cookies()
    _sign_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/benefits/queue/")
    page.click(f"text={desk.a.name}")
    for action in ("accept", "pass", "approve"):
        page.select_option("select[name=action]", action)
        page.click("button:has-text('办理')")
    expect(page.locator(".page-head .status")).to_have_text("公示")
    screenshot(page, "benefits-application")
    page.goto(f"{live_server.url}/benefits/ledger/")
    expect(page.locator(".stats")).to_contain_text("12.00万元")
    screenshot(page, "benefits-ledger")
    assert page.console_errors == []


def test_the_public_notice_is_open_without_signing_in(desk, live_server, page):
    app = services.start(desk.enterprise_a, desk.a, desk.rd)
    services.add_material(desk.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    services.submit(desk.enterprise_a, app, **desk.account)
    for action in ("accept", "pass", "approve"):
        services.review(desk.reviewer, app, action)
    page.goto(f"{live_server.url}/benefits/publicity/")
    expect(page.locator("table")).to_contain_text(desk.a.name)
    assert page.console_errors == []
