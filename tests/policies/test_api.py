import pytest

from luoshi.policies.models import Clause

pytestmark = pytest.mark.django_db
API = "/api/v1/policies"


def test_rule_check_returns_the_sentence_or_the_position(library, login):
    client = login(library.enterprise_a)
    ok = client.post(
        f"{API}/rules/check", {"rule": "industry in C and rd_ratio >= 3%"}, content_type="application/json"
    )
    assert ok.json()["ok"] is True
    assert ok.json()["sentence"].startswith("制造业企业")
    bad = client.post(f"{API}/rules/check", {"rule": "rd_ratio >= 3"}, content_type="application/json").json()
    assert bad["ok"] is False
    assert (bad["line"], bad["column"]) == (1, 13)
    assert bad["code"] == "type_mismatch"


def test_evaluate_reads_only_enterprises_the_caller_may_see(library, login):
    body = {
        "rule": library.rd.rule,
        "amount": library.rd.amount_formula,
        "enterprise_id": library.a.pk,
        "figure_year": 2024,
    }
    own = login(library.enterprise_a).post(f"{API}/rules/evaluate", body, content_type="application/json")
    assert own.status_code == 200
    assert own.json()["verdict"] == "eligible"
    other = login(library.enterprise_b).post(f"{API}/rules/evaluate", body, content_type="application/json")
    assert other.status_code == 404
    assert "verdict" not in other.json()


def test_documents_search_and_detail_hide_drafts(library, login):
    client = login(library.enterprise_a)
    found = client.get(f"{API}/documents", {"q": "以旧换新"}).json()
    assert all(hit["document"]["id"] != library.trade.pk for hit in found["results"])
    assert client.get(f"{API}/documents/{library.trade.pk}").status_code == 404
    detail = client.get(f"{API}/documents/{library.measure.pk}").json()
    assert [c["id"] for c in detail["clauses"]] == [library.rd.pk]  # the draft clause is not shown


def test_clauses_are_written_through_the_services(library, login):
    client = login(library.reviewer)
    created = client.post(
        f"{API}/documents/{library.measure.pk}/clauses",
        {"title": "研发补助二", "benefit_type": "subsidy", "rule": "rd_ratio >= 3%"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["rule_sentence"]
    refused = client.post(
        f"{API}/documents/{library.measure.pk}/clauses",
        {"title": "坏", "benefit_type": "subsidy", "rule": "rd_ratio >= 3"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "rule_type_mismatch"
    assert "第1行第13列" in refused.json()["message"]
    other = login(library.swj_reviewer).patch(
        f"{API}/clauses/{library.rd.pk}", {"title": "改", "benefit_type": "subsidy"}, content_type="application/json"
    )
    assert other.status_code == 403
    assert Clause.objects.get(pk=library.rd.pk).title == "研发投入补助"


def test_simulation_api(library, login):
    body = {
        "variants": [{"rule": library.rd.rule, "amount": library.rd.amount_formula}],
        "figure_year": 2024,
        "save": True,
    }
    result = login(library.reviewer).post(f"{API}/simulations", body, content_type="application/json")
    assert result.status_code == 200
    data = result.json()
    assert data["variants"][0]["eligible"] == 1
    assert data["id"]
    assert login(library.reviewer).get(f"{API}/simulations/{data['id']}").json()["enterprises"] == 3
    assert (
        login(library.enterprise_a).post(f"{API}/simulations", body, content_type="application/json").status_code == 403
    )
    too_many = {"variants": [{"rule": "industry in C"}] * 4}
    assert (
        login(library.reviewer).post(f"{API}/simulations", too_many, content_type="application/json").status_code == 422
    )
