"""The ledger's pages in a real browser, on the demo district: no console errors, charts drawn."""

import pytest
from playwright.sync_api import expect

from luoshi.demo import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    from luoshi.demo import ledger, org

    org.load()
    ledger.load()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_supervisor_walks_the_ledger_review_queue_indicators_and_scorecard(demo, live_server, page, screenshot):
    from luoshi.ledger.models import Indicator, Task

    _sign_in(page, live_server, "duchayuan")
    page.goto(f"{live_server.url}/ledger/")
    expect(page.locator("#task-rows tbody tr").first).to_be_visible()
    page.select_option("select[name=colour]", "red")
    expect(page.locator("#task-rows .status.red").first).to_be_visible()
    screenshot(page, "ledger-red")

    task = Task.objects.filter(colour="red").first()
    page.goto(f"{live_server.url}/ledger/tasks/{task.pk}/")
    expect(page.locator(".status-reason")).to_contain_text(task.status_reason[:10])
    screenshot(page, "ledger-task")

    page.goto(f"{live_server.url}/ledger/review/")
    screenshot(page, "ledger-review")

    indicator = Indicator.objects.first()
    page.goto(f"{live_server.url}/ledger/indicators/{indicator.pk}/")
    expect(page.locator("[data-chart] .main-svg").first).to_be_visible()
    screenshot(page, "indicator-chart")

    page.goto(f"{live_server.url}/ledger/scorecard/")
    expect(page.locator("[data-chart] .main-svg").first).to_be_visible()
    screenshot(page, "scorecard")
    assert page.console_errors == []


def test_a_unit_reporter_reports_progress_from_the_inbox(demo, live_server, page, screenshot):
    from luoshi.ledger.models import ProgressReport

    _sign_in(page, live_server, "jxw")
    page.goto(f"{live_server.url}/ledger/inbox/")
    screenshot(page, "reporter-inbox")
    first = page.locator("table a").first
    if first.count() == 0:
        pytest.skip("the demo's reporter owes no report today")
    first.click()
    before = ProgressReport.objects.count()
    page.fill("textarea[name=text]", "本期完成项目备案和环评批复，正在办理施工许可。")
    page.fill("input[name=percent]", "60")
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("进展已报送")
    assert ProgressReport.objects.count() == before + 1
    assert page.console_errors == []
