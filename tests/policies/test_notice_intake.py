import pytest
from django.urls import reverse

from luoshi.core.errors import ValidationFailed
from luoshi.policies import services
from luoshi.policies.models import Clause

NOTICE = (
    "永川区支持工业企业发展若干措施\n"
    "第一条 对上年度研发费用达到200万元以上、且研发费用占营业收入比重不低于3%的规上工业企业，"
    "按上年度研发费用的10%给予补助，最高50万元。\n"
    "第二条 对上年度出口额达到1000万元以上的工业企业，按出口额的1%给予奖励，最高100万元。\n"
)


def test_the_page_proposes_clauses_with_rules_and_creates_drafts(library, login):
    client = login(library.reviewer)
    url = reverse("policies:notice_intake", args=[library.measure.pk])
    read = client.post(url, {"text": NOTICE, "step": "read"})
    assert read.status_code == 200
    assert "rd_ratio &gt;= 3%" in read.text
    assert "min(rd_expense * 10%, 50万元)" in read.text
    before = Clause.objects.filter(document=library.measure).count()
    form = {"step": "confirm", "clauses-TOTAL_FORMS": 2, "clauses-INITIAL_FORMS": 2}
    for n, (title, rule, amount) in enumerate(
        [
            ("研发补助", "rd_expense >= 200万元 and rd_ratio >= 3%", "min(rd_expense * 10%, 50万元)"),
            ("出口奖励", "exports >= 1000万元", "min(exports * 1%, 100万元)"),
        ]
    ):
        form.update(
            {
                f"clauses-{n}-include": "on",
                f"clauses-{n}-title": title,
                f"clauses-{n}-benefit_type": "subsidy",
                f"clauses-{n}-text": NOTICE,
                f"clauses-{n}-rule": rule,
                f"clauses-{n}-amount_formula": amount,
            }
        )
    done = client.post(url, form)
    assert done.status_code == 302
    made = Clause.objects.filter(document=library.measure).exclude(pk__in=[library.rd.pk, library.draft.pk])
    assert made.count() == before - 2 + 2
    assert set(made.values_list("status", flat=True)) == {"draft"}


def test_one_bad_rule_stops_them_all_and_names_its_row(library):
    rows = [
        {"title": "好", "benefit_type": "reward", "text": "x", "rule": "rd_ratio >= 3%", "amount_formula": "1万元"},
        {"title": "坏", "benefit_type": "reward", "text": "x", "rule": "rd_ratio >= 3", "amount_formula": ""},
    ]
    before = Clause.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.create_proposed_clauses(library.reviewer, library.measure, rows)
    assert caught.value.message.startswith("第2项“坏”：申报条件有误")
    assert Clause.objects.count() == before


def test_only_the_documents_keepers_use_it(library, login):
    url = reverse("policies:notice_intake", args=[library.measure.pk])
    assert login(library.swj_reviewer).get(url).status_code == 403
    assert login(library.enterprise_a).get(url).status_code == 403


def test_benefit_type_is_guessed_from_the_clause_words():
    assert services.guess_benefit_type("按贷款市场报价利率的50%给予贴息") == "interest"
    assert services.guess_benefit_type("按研发费用的10%给予补助") == "subsidy"
    assert services.guess_benefit_type("给予一次性奖励20万元") == "reward"
