"""Key projects in a real browser, on the demo district: the stage board, a project page with its
plan-vs-actual chart and milestone timeline, the reserve pool, the funds charts, and a unit
reporter's monthly report — with no console errors."""

import pytest
from playwright.sync_api import expect

from luoshi.demo import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    from luoshi.demo import org, projects

    org.load()
    projects.load()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_supervisor_walks_the_board_a_project_the_reserve_and_the_funds(demo, live_server, page, screenshot):
    from luoshi.projects.models import Project

    _sign_in(page, live_server, "duchayuan")
    page.goto(f"{live_server.url}/projects/board/")
    expect(page.locator("#stage-board [data-stage=construction] .project-card").first).to_be_visible()
    expect(page.locator("#stage-board .project-card.red").first).to_be_visible()
    screenshot(page, "projects-board")

    pukang = Project.objects.get(name="普康医疗器械生产基地")
    page.goto(f"{live_server.url}/projects/")
    page.click(f"a[href='/projects/{pukang.pk}/']")
    expect(page.locator("h1")).to_contain_text("普康医疗器械生产基地")
    expect(page.locator("#investment .main-svg").first).to_be_visible()
    expect(page.locator("#investment")).to_contain_text("累计完成")
    expect(page.locator("#milestones li.done").first).to_be_visible()
    expect(page.locator("#photos img").first).to_be_visible()
    screenshot(page, "project-detail")

    late = Project.objects.get(name="重庆永川城东220千伏输变电工程")
    page.goto(f"{live_server.url}/projects/{late.pk}/")
    expect(page.locator(".status-reason.red")).to_contain_text("已超过完成期限")
    expect(page.locator("#milestones li.late").first).to_be_visible()
    expect(page.locator("#problems")).to_contain_text("已交办")
    screenshot(page, "project-overdue")

    page.goto(f"{live_server.url}/projects/reserve/")
    expect(page.locator("[data-chart=pool-chart] .main-svg").first).to_be_visible()
    expect(page.locator("#pool-board")).to_contain_text("双龙村城中村改造")
    screenshot(page, "projects-reserve")

    page.goto(f"{live_server.url}/projects/funds/")
    for chart in ("target-chart", "channel-chart", "unit-chart"):
        expect(page.locator(f"[data-chart={chart}] .main-svg").first).to_be_visible()
    expect(page.locator("#fund-rows")).to_contain_text("超长期特别国债")
    screenshot(page, "projects-funds")
    assert page.console_errors == []


def test_a_unit_reporter_reports_a_months_investment_and_sees_no_other_unit(demo, live_server, page, screenshot):
    from luoshi.projects.models import MonthlyReport, Project

    pukang = Project.objects.get(name="普康医疗器械生产基地")
    mall = Project.objects.get(name="渝西广场传统商圈提档升级")
    _sign_in(page, live_server, "jxw")
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#project-rows")).not_to_contain_text("渝西广场")
    page.click(f"a[href='/projects/{pukang.pk}/']")
    form = page.locator("#report form")
    period = form.locator("select[name=period] option").first.get_attribute("value")
    year, month = (int(part) for part in period.split("-"))
    before = MonthlyReport.objects.filter(project=pukang, year=year, month=month).first()
    form.locator("input[name=amount]").fill("3210.50")
    form.locator("textarea[name=progress]").fill("洁净车间装修完成八成，生产设备陆续进场。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("3210.50万元")
    report = MonthlyReport.objects.get(project=pukang, year=year, month=month)
    assert report.amount == 3210.5
    assert report.revision == (before.revision + 1 if before else 1)
    screenshot(page, "project-reported")
    assert page.console_errors == []

    # Another unit's project looks exactly like a missing one (the browser logs the 404 itself).
    response = page.goto(f"{live_server.url}/projects/{mall.pk}/")
    assert response.status == 404
