"""The policy library in a real browser: search as you type, the rule editor's live preview,
and a simulation drawn as charts — with no console errors."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_reviewer_searches_edits_a_rule_and_simulates(library, live_server, page, screenshot):
    _sign_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/policies/")
    page.fill("input[name=q]", "研发投入")
    expect(page.locator("#policy-hits mark").first).to_be_visible()
    expect(page.locator("#policy-hits")).to_contain_text("研发投入补助")
    screenshot(page, "policies-search")

    page.goto(f"{live_server.url}/policies/clauses/{library.rd.pk}/edit/")
    editor = page.locator("textarea[name=rule]")
    editor.fill("industry in C and\nrevenu >= 2000万元")
    expect(page.locator("#rule-preview .rule-error")).to_contain_text("第2行第1列")
    expect(page.locator("#rule-preview")).to_contain_text("revenue（营业收入）")
    editor.fill("industry in C and revenue >= 3000万元")
    expect(page.locator("#rule-preview .rule-sentence")).to_have_text("制造业企业，且上年度营业收入不低于3000万元")
    screenshot(page, "policies-rule-editor")

    page.goto(f"{live_server.url}/policies/simulate/?clause={library.rd.pk}")
    page.fill("input[name=figure_year]", "2024")
    page.fill("input[name=label_1]", "放宽到2%")
    page.fill("textarea[name=rule_1]", "industry in C and rd_ratio >= 2%")
    page.fill("input[name=amount_1]", "min(rd_expense * 10%, 50万元)")
    page.click("button.primary")
    expect(page.locator(".results table").first).to_contain_text("放宽到2%")
    expect(page.locator("[data-chart='sim-section'] .main-svg").first).to_be_visible()
    screenshot(page, "policies-simulation")
    assert page.console_errors == []


def test_an_enterprise_user_reads_a_clause_and_the_language(library, live_server, page):
    _sign_in(page, live_server, "enterprise_a")
    page.goto(f"{live_server.url}/policies/clauses/{library.rd.pk}/")
    expect(page.locator(".rule-sentence")).to_contain_text("制造业企业")
    page.goto(f"{live_server.url}/policies/rules/")
    page.locator("textarea[name=rule]").fill('tags has "专精特新"')
    expect(page.locator("#try-preview")).to_contain_text("具有“专精特新”标签")
    assert page.console_errors == []
