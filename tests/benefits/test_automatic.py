from decimal import Decimal

import pytest

from luoshi.benefits import matching, services
from luoshi.benefits.models import Application, BudgetAccount
from luoshi.core.errors import ValidationFailed
from luoshi.enterprises import services as enterprise_services
from luoshi.notices.models import Notice
from luoshi.policies import services as policy_services
from luoshi.policies.choices import BenefitType, ClauseStatus, Mode, WindowKind


@pytest.fixture
def automatic(desk):
    desk.auto = policy_services.create_clause(
        desk.reviewer,
        desk.measure,
        title="规上制造业企业研发奖励（免申即享）",
        benefit_type=BenefitType.REWARD,
        mode=Mode.AUTOMATIC,
        department=desk.jxw,
        window_kind=WindowKind.ROLLING,
        budget=Decimal("500000"),
        rule="industry in C and rd_ratio >= 3%",
        amount_formula="5万元",
        figure_year=2024,
        status=ClauseStatus.PUBLISHED,
    )
    return desk


def test_only_enterprises_with_verified_figures_are_offered(automatic):
    w = automatic
    matching.match_clause(w.auto, w.today)
    assert not Application.objects.filter(clause=w.auto).exists()  # a's figures are self-reported
    enterprise_services.record_figures(
        w.supervisor,
        w.a,
        year=2024,
        revenue=Decimal("2500"),
        rd_expense=Decimal("120"),
        employees=150,
        source="statistics",
        verified=True,
    )
    matching.match_enterprise(w.a.pk, w.today)
    app = Application.objects.get(clause=w.auto)
    assert (app.enterprise_id, app.state, app.automatic, app.amount_estimated) == (
        w.a.pk,
        "confirming",
        True,
        Decimal("50000.00"),
    )
    assert Notice.objects.filter(cause=f"benefits.offer:{w.auto.pk}:{w.a.pk}").count() == 2  # user + commissioner
    matching.match_clause(w.auto, w.today)
    assert Application.objects.filter(clause=w.auto).count() == 1


def test_confirming_the_account_approves_and_publishes(automatic):
    w = automatic
    enterprise_services.record_figures(
        w.supervisor, w.a, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("120"), source="tax", verified=True
    )
    matching.match_enterprise(w.a.pk, w.today)
    app = Application.objects.get(clause=w.auto)
    with pytest.raises(ValidationFailed):
        services.confirm_account(w.enterprise_a, app, today=w.today, **{**w.account, "bank_account": "12"})
    app = services.confirm_account(w.enterprise_a, app, today=w.today, **w.account)
    assert app.state == "publicity"
    assert app.amount_approved == Decimal("50000.00")
    assert BudgetAccount.objects.get(clause=w.auto).reserved == Decimal("50000.00")
    assert services.confirm_account(w.enterprise_a, app, today=w.today, **w.account).state == "publicity"
    assert BudgetAccount.objects.get(clause=w.auto).reserved == Decimal("50000.00")
