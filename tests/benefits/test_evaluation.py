from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from luoshi.benefits import evaluation
from luoshi.benefits.choices import State
from luoshi.benefits.models import Application
from luoshi.enterprises import services as enterprise_services


def _paid_history(w):
    """``a`` funded in July two years ago; ``c`` eligible on the same rule later, never funded."""
    year = w.today.year
    for firm, before, after in ((w.a, "2000", "2600"), (w.c, "2100", "2200")):
        enterprise_services.record_figures(
            w.supervisor, firm, year=year - 3, revenue=Decimal(before), rd_expense=Decimal("90"), employees=100
        )
        enterprise_services.record_figures(
            w.supervisor, firm, year=year - 1, revenue=Decimal(after), rd_expense=Decimal("120"), employees=110
        )
    enterprise_services.record_figures(  # c meets the rule on the clause's figures too (3.2%)
        w.supervisor, w.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("80"), employees=80
    )
    paid_at = datetime(year - 2, 7, 1, 10, tzinfo=timezone.get_current_timezone())
    Application.objects.create(
        enterprise=w.a,
        clause=w.rd,
        clause_version=1,
        state=State.PAID,
        figure_year=2024,
        amount_approved=Decimal("100000"),
        paid_at=paid_at,
    )


def test_no_effect_before_a_year_of_payments(desk):
    result = evaluation.effect_of(desk.rd, desk.today)
    assert result.report is None
    assert "拨付满一年" in result.reason


def test_the_effect_compares_the_funded_with_eligible_unfunded_peers(desk):
    _paid_history(desk)
    result = evaluation.effect_of(desk.rd, desk.today)
    assert (result.treated, result.paid_year, result.before_year) == (1, desk.today.year - 2, desk.today.year - 3)
    growth = result.report.outcomes[0]
    assert growth.label == "营业收入增长率"
    assert round(growth.estimate, 2) == round((2600 / 2000 - 2200 / 2100) * 100, 2)
    assert any("不足30家" in c for c in result.report.caveats)


def test_the_chain_counts_each_step_and_the_pages_show_it(desk, login):
    _paid_history(desk)
    chain = evaluation.chain_of(desk.measure)
    row = next(r for r in chain["rows"] if r["clause"] == desk.rd)
    assert (row["applied"], row["approved"], row["paid"]) == (1, 1, 1)
    assert row["paid_amount"] == Decimal("100000.00")
    client = login(desk.leader)
    assert "全链条" in client.get(reverse("benefits:chain", args=[desk.measure.pk])).text
    effect = client.get(reverse("benefits:effect", args=[desk.rd.pk]))
    assert effect.status_code == 200
    assert "营业收入增长率" in effect.text
    assert login(desk.enterprise_a).get(reverse("benefits:chain", args=[desk.measure.pk])).status_code == 403
    assert login(desk.swj_reviewer).get(reverse("benefits:effect", args=[desk.rd.pk])).status_code == 403
