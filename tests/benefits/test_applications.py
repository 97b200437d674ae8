from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.benefits import services
from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.enterprises.models import Enterprise
from luoshi.org.choices import Role
from luoshi.policies import services as policy_services
from tests.factories import make_unit, make_user


def _submitted(w, actor=None):
    actor = actor or w.enterprise_a
    app = services.start(actor, w.a, w.rd, today=w.today)
    services.add_material(actor, app, name="申报表", upload=SimpleUploadedFile("申报表.pdf", b"%PDF-1.4"))
    return services.submit(actor, app, today=w.today, **w.account)


def _approved(w, **kwargs):
    app = _submitted(w)
    services.review(w.reviewer, app, "accept", today=w.today)
    services.review(w.reviewer, app, "pass", today=w.today)
    return services.review(w.reviewer, app, "approve", today=w.today, **kwargs)


def test_the_whole_road_from_draft_to_paid(desk):
    app = _submitted(desk, desk.commissioner)  # the commissioner applies on the enterprise's behalf
    assert app.state == "submitted"
    assert app.eligibility["verdict"] == "eligible"
    assert len(app.eligibility["checks"]) == 3
    assert app.amount_estimated == Decimal("120000.00")
    services.review(desk.reviewer, app, "accept", today=desk.today)
    services.review(desk.reviewer, app, "pass", today=desk.today)
    app = services.review(desk.reviewer, app, "approve", amount="100000", today=desk.today)
    assert app.state == "publicity"
    assert app.amount_approved == Decimal("100000.00")
    account = BudgetAccount.objects.get(clause=desk.rd)
    assert (account.total, account.reserved, account.paid) == (Decimal("1000000.00"), Decimal("100000.00"), 0)
    assert "公示期满转入拨付 0 件" in services.close_publicities(desk.today)
    assert "公示期满转入拨付 1 件" in services.close_publicities(app.publicity_until + timedelta(days=1))
    app = services.pay(desk.reviewer, Application.objects.get(pk=app.pk), reference="PZ2025-001")
    account.refresh_from_db()
    assert app.state == "paid"
    assert (account.reserved, account.paid) == (0, Decimal("100000.00"))
    kinds = list(BudgetEntry.objects.filter(application=app).values_list("kind", flat=True).order_by("id"))
    assert kinds == ["reserve", "consume"]


def test_approving_or_paying_twice_moves_money_once(desk):
    app = _approved(desk, idempotency_key="k1")
    again = services.review(desk.reviewer, app, "approve", idempotency_key="k1")
    assert again.state == "publicity"
    assert BudgetAccount.objects.get(clause=desk.rd).reserved == Decimal("120000.00")
    services.close_publicities(app.publicity_until + timedelta(days=1))
    services.pay(desk.reviewer, app, reference="PZ1")
    services.pay(desk.reviewer, app, reference="PZ1")
    account = BudgetAccount.objects.get(clause=desk.rd)
    assert (account.reserved, account.paid) == (0, Decimal("120000.00"))
    assert BudgetEntry.objects.filter(application=app).count() == 2


def test_an_approval_beyond_the_budget_is_refused_and_changes_nothing(desk):
    policy_services.update_clause(desk.reviewer, desk.rd, budget="100000")
    app = _submitted(desk)
    services.review(desk.reviewer, app, "accept", today=desk.today)
    services.review(desk.reviewer, app, "pass", today=desk.today)
    with pytest.raises(Conflict) as caught:
        services.review(desk.reviewer, app, "approve", today=desk.today)
    assert caught.value.code == "budget_exhausted"
    assert "剩余100000.00元" in caught.value.message
    assert Application.objects.get(pk=app.pk).state == "second_review"
    assert BudgetAccount.objects.filter(clause=desk.rd, reserved=0).exists() or not BudgetAccount.objects.exists()
    assert not BudgetEntry.objects.exists()


def test_a_budget_cannot_drop_below_what_is_committed(desk):
    _approved(desk)
    with pytest.raises(ValidationFailed) as caught:
        policy_services.update_clause(desk.reviewer, desk.rd, budget="50000")
    assert caught.value.field == "budget"
    desk.rd.refresh_from_db()
    assert desk.rd.budget == Decimal("1000000.00")


def test_an_approval_cannot_exceed_the_policy_amount(desk):
    app = _submitted(desk)
    services.review(desk.reviewer, app, "accept")
    services.review(desk.reviewer, app, "pass")
    with pytest.raises(ValidationFailed):
        services.review(desk.reviewer, app, "approve", amount="200000")


def test_returning_needs_a_reason_and_the_enterprise_resubmits(desk):
    app = _submitted(desk)
    with pytest.raises(ValidationFailed):
        services.review(desk.reviewer, app, "return")
    app = services.review(desk.reviewer, app, "return", reason="申报表缺少盖章")
    assert app.state == "returned"
    assert app.reason == "申报表缺少盖章"
    app = services.submit(desk.enterprise_a, app, today=desk.today, **desk.account)
    assert app.state == "submitted"
    assert app.reason == ""


def test_submitting_needs_materials_a_valid_account_and_eligibility(desk):
    app = services.start(desk.enterprise_a, desk.a, desk.rd, today=desk.today)
    with pytest.raises(ValidationFailed) as caught:
        services.submit(desk.enterprise_a, app, today=desk.today, **desk.account)
    assert "申报表" in caught.value.message
    services.add_material(desk.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    with pytest.raises(ValidationFailed) as caught:
        services.submit(desk.enterprise_a, app, today=desk.today, **{**desk.account, "account_holder": "别人"})
    assert caught.value.field == "account_holder"
    with pytest.raises(ValidationFailed):
        services.add_material(desk.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.exe", b"MZ"))


def test_a_near_miss_cannot_submit_and_is_told_the_gap(desk):
    c_unit = make_unit("重庆丙企业有限公司", parent=desk.firms)
    Enterprise.objects.filter(pk=desk.c.pk).update(unit=c_unit)
    desk.c.refresh_from_db()
    user_c = make_user("enterprise_c", grants=[(Role.ENTERPRISE_USER, c_unit)])
    app = services.start(user_c, desk.c, desk.rd, today=desk.today)
    services.add_material(user_c, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    with pytest.raises(ValidationFailed) as caught:
        services.submit(user_c, app, today=desk.today, **{**desk.account, "account_holder": desk.c.name})
    assert caught.value.code == "not_eligible"
    assert "研发费用占营业收入比重2.4%，需≥3%" in caught.value.message
    assert Application.objects.get(pk=app.pk).state == "draft"


def test_only_the_enterprise_its_commissioner_and_the_department_act(desk):
    with pytest.raises(NotPermitted):
        services.start(desk.enterprise_b, desk.a, desk.rd, today=desk.today)
    app = _submitted(desk)
    for outsider in (desk.swj_reviewer, desk.enterprise_a, desk.commissioner, desk.supervisor):
        with pytest.raises(NotPermitted):
            services.review(outsider, app, "accept")


def test_an_upheld_objection_refuses_the_application_and_releases_its_money(desk):
    app = _approved(desk)
    with pytest.raises(ValidationFailed):
        services.lodge_objection(app, name="", contact="", text="不实")
    objection = services.lodge_objection(
        app, name="李某", contact="13900000000", text="该企业研发费用含非研发人员工资，数据不实。"
    )
    assert "暂缓 1 件" in services.close_publicities(app.publicity_until + timedelta(days=1))
    with pytest.raises(NotPermitted):
        services.resolve_objection(desk.swj_reviewer, objection, upheld=True, resolution="x")
    services.resolve_objection(desk.reviewer, objection, upheld=True, resolution="经核查，研发费用归集不实。")
    app.refresh_from_db()
    assert app.state == "rejected"
    assert app.reason.startswith("公示异议成立")
    account = BudgetAccount.objects.get(clause=desk.rd)
    assert (account.reserved, account.paid) == (0, 0)
    assert list(BudgetEntry.objects.filter(application=app).values_list("kind", flat=True).order_by("id")) == [
        "reserve",
        "release",
    ]


def test_an_enterprise_refused_may_apply_again(desk):
    app = _submitted(desk)
    services.review(desk.reviewer, app, "reject", reason="材料不全且逾期未补正")
    again = services.start(desk.enterprise_a, desk.a, desk.rd, today=desk.today)
    assert again.pk != app.pk
    assert again.state == "draft"


def test_a_policy_budget_caps_all_its_clauses_together(desk):
    policy_services.update_document(desk.reviewer, desk.measure, budget="150000")
    first = _approved(desk)  # 120,000 of the policy's 150,000
    assert BudgetAccount.objects.get(document=desk.measure).reserved == Decimal("120000.00")
    second_clause = policy_services.create_clause(
        desk.reviewer,
        desk.measure,
        title="研发投入补助（二）",
        benefit_type="subsidy",
        department=desk.jxw,
        window_kind="rolling",
        budget="1000000",
        rule="industry in C",
        amount_formula="5万元",
        figure_year=2024,
        status="published",
    )
    app = Application.objects.create(
        enterprise=desk.c,
        clause=second_clause,
        clause_version=1,
        state="second_review",
        figure_year=2024,
        amount_estimated=Decimal("50000"),
    )
    with pytest.raises(Conflict) as caught:
        services.review(desk.reviewer, app, "approve")
    assert "总预算不足" in caught.value.message
    # All or nothing: the clause's own account kept nothing of the refused approval.
    assert not BudgetAccount.objects.filter(clause=second_clause, reserved__gt=0).exists()
    with pytest.raises(ValidationFailed):
        policy_services.update_document(desk.reviewer, desk.measure, budget="100000")
    services.review(desk.reviewer, first, "reject", reason="公示前核查发现重复申报")
    assert BudgetAccount.objects.get(document=desk.measure).reserved == 0
    services.review(desk.reviewer, app, "approve")
    assert BudgetAccount.objects.get(document=desk.measure).reserved == Decimal("50000.00")
