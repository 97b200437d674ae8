import pytest
from django.urls import reverse
from django.utils.html import escape

from luoshi.policies import services
from luoshi.policies.models import Clause, PolicyDocument, Simulation

pytestmark = pytest.mark.django_db


def test_every_signed_in_user_reads_the_library_but_not_drafts(library, login):
    client = login(library.enterprise_a)
    page = client.get(reverse("policies:library"))
    assert page.status_code == 200
    assert library.measure.title in page.text
    assert library.trade.title not in page.text
    assert client.get(reverse("policies:document", args=[library.trade.pk])).status_code == 404
    assert client.get(reverse("policies:clause", args=[library.draft.pk])).status_code == 404
    assert client.get(reverse("policies:clause", args=[library.rd.pk])).status_code == 200


def test_search_page_highlights_and_filters_with_htmx(library, login):
    client = login(library.leader)
    page = client.get(
        reverse("policies:library"), {"q": "研发", "benefit_type": "subsidy"}, headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert "<mark>" in page.text
    assert "研发投入补助" in page.text
    assert "<html" not in page.text  # a partial


def test_document_page_shows_clauses_links_and_history(library, login):
    services.link_policy(library.reviewer, library.measure, library.upper, upper_clause="第十条")
    services.update_document(library.admin, library.upper, full_text="修订")
    page = login(library.reviewer).get(reverse("policies:document", args=[library.measure.pk]))
    assert page.status_code == 200
    assert "研发投入补助" in page.text
    assert "第十条" in page.text
    assert "待复核" in page.text
    assert "变更记录" in page.text


def test_creating_a_document_and_a_clause_through_the_forms(library, login):
    client = login(library.reviewer)
    response = client.post(
        reverse("policies:document_new"),
        {
            "title": "永川区稳岗补贴办法",
            "issuer": "区经信委",
            "issuer_unit": library.jxw.pk,
            "level": "district",
            "status": "draft",
        },
    )
    document = PolicyDocument.objects.get(title="永川区稳岗补贴办法")
    assert response.status_code == 302
    bad = client.post(
        reverse("policies:clause_new", args=[document.pk]),
        {
            "title": "稳岗补贴",
            "benefit_type": "subsidy",
            "mode": "apply",
            "window_kind": "rolling",
            "status": "draft",
            "rule": "employees >= 十",
        },
    )
    assert bad.status_code == 400
    assert "第1行" in bad.text
    assert not Clause.objects.filter(document=document).exists()
    good = client.post(
        reverse("policies:clause_new", args=[document.pk]),
        {
            "title": "稳岗补贴",
            "benefit_type": "subsidy",
            "mode": "apply",
            "window_kind": "rolling",
            "status": "draft",
            "rule": "employees >= 10",
            "amount_formula": "1万元",
        },
    )
    assert good.status_code == 302
    assert Clause.objects.get(document=document).rule_sentence


def test_forms_are_closed_to_other_departments(library, login):
    client = login(library.swj_reviewer)
    assert client.get(reverse("policies:document_edit", args=[library.measure.pk])).status_code == 403
    assert client.get(reverse("policies:clause_edit", args=[library.rd.pk])).status_code == 403
    assert client.post(reverse("policies:clause_new", args=[library.measure.pk]), {"title": "x"}).status_code == 403
    assert login(library.enterprise_a).get(reverse("policies:document_new")).status_code == 403


def test_the_rule_editor_previews_as_you_type(library, login):
    client = login(library.reviewer)
    ok = client.post(reverse("policies:rule_preview"), {"rule": "industry in C and rd_ratio >= 3%"})
    assert "制造业企业" in ok.text
    bad = client.post(reverse("policies:rule_preview"), {"rule": "industry in C and\nrevenu >= 1"})
    assert "第2行第1列" in bad.text
    assert "^" in bad.text
    amount = client.post(
        reverse("policies:rule_preview"), {"kind": "amount", "amount_formula": "min(rd_expense * 10%, 50万元)"}
    )
    assert "50万元" in amount.text


def test_checking_one_enterprise_respects_who_may_see_it(library, login):
    url = reverse("policies:clause", args=[library.rd.pk])
    page = login(library.commissioner).get(url, {"uscc": library.a.uscc})
    assert "符合条件" in page.text
    assert "测算金额 <strong>120,000.00元</strong>" in page.text
    near = login(library.leader).get(url, {"uscc": library.c.uscc})
    assert "差一项条件" in near.text
    assert "需≥3%" in near.text
    hidden = login(library.commissioner).get(url, {"uscc": library.b.uscc})
    assert "无权查看" in hidden.text
    assert library.b.name not in hidden.text


def test_the_crosswalk_lists_and_filters_flags(library, login):
    services.link_policy(library.reviewer, library.measure, library.upper)
    client = login(library.leader)
    assert library.upper.title in client.get(reverse("policies:crosswalk")).text
    assert "没有待复核" in client.get(reverse("policies:crosswalk"), {"flagged": "1"}).text
    services.update_document(library.admin, library.upper, full_text="修订")
    assert library.measure.title in client.get(reverse("policies:crosswalk"), {"flagged": "1"}).text


def test_the_simulation_page_runs_compares_and_saves(library, login):
    client = login(library.reviewer)
    url = reverse("policies:simulate")
    form = client.get(url, {"clause": library.rd.pk})
    assert form.status_code == 200
    assert escape(library.rd.rule) in form.text
    data = {
        "figure_year": 2024,
        "rule_0": library.rd.rule,
        "amount_0": library.rd.amount_formula,
        "budget_0": "100000",
        "label_1": "放宽",
        "rule_1": "industry in C and rd_ratio >= 2%",
        "clause": library.rd.pk,
    }
    result = client.post(url, data)
    assert result.status_code == 200
    assert "符合条件" in result.text
    assert "超出预算" in result.text
    assert 'data-chart="sim-section"' in result.text
    saved = client.post(url, {**data, "save": "1"})
    simulation = Simulation.objects.get()
    assert saved.status_code == 302
    assert simulation.clause_version == 1
    detail = client.get(reverse("policies:simulation", args=[simulation.pk]))
    assert detail.status_code == 200
    assert "放宽" in detail.text
    services.update_clause(library.reviewer, library.rd, rule="industry in C")
    assert "条款此后已修改" in client.get(reverse("policies:simulation", args=[simulation.pk])).text
    assert login(library.swj_reviewer).get(reverse("policies:simulation", args=[simulation.pk])).status_code == 404
    assert login(library.enterprise_a).get(url).status_code == 403


def test_a_bad_simulation_rule_is_shown_on_its_field(library, login):
    response = login(library.reviewer).post(reverse("policies:simulate"), {"figure_year": 2024, "rule_0": "revenue >"})
    assert response.status_code == 400
    assert "第1行" in response.text


def test_language_page_lists_variables(library, login):
    page = login(library.enterprise_a).get(reverse("policies:language"))
    assert page.status_code == 200
    assert "rd_ratio" in page.text
    assert "研发费用占营业收入比重" in page.text
