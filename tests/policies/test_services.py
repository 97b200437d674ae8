from datetime import date
from decimal import Decimal

import pytest

from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.notices.models import Notice
from luoshi.policies import services
from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, WindowKind
from luoshi.policies.models import Clause, PolicyDocument, PolicyLink


def test_a_clause_keeps_its_rule_as_a_chinese_sentence(library):
    assert library.rd.rule_sentence == "制造业企业，且上年度营业收入不低于2000万元，且研发费用占营业收入比重不低于3%"
    assert "10%" in library.rd.amount_sentence
    assert "50万元" in library.rd.amount_sentence


@pytest.mark.parametrize(
    ("rule", "code", "words"),
    [
        ("industry in C and revenu >= 2000万元", "rule_unknown_variable", "未知变量“revenu”"),
        ("revenue >= ", "rule_syntax", "第1行"),
        ('revenue >= "很多"', "rule_type_mismatch", "第1行"),
    ],
)
def test_a_rule_that_does_not_parse_is_refused_and_nothing_is_saved(library, rule, code, words):
    before = Clause.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.create_clause(library.reviewer, library.measure, title="坏规则", benefit_type="reward", rule=rule)
    assert caught.value.code == code
    assert caught.value.field == "rule"
    assert words in caught.value.message
    assert Clause.objects.count() == before


def test_an_amount_formula_must_be_money(library):
    with pytest.raises(ValidationFailed) as caught:
        services.update_clause(library.reviewer, library.rd, amount_formula="rd_ratio * 10%")
    assert caught.value.field == "amount_formula"
    library.rd.refresh_from_db()
    assert library.rd.amount_formula == "min(rd_expense * 10%, 50万元)"


def test_changing_what_a_clause_decides_makes_a_new_version_and_keeps_history(library):
    clause = services.update_clause(library.reviewer, library.rd, rule="industry in C and rd_ratio >= 2.5%")
    assert clause.version == 2
    clause = services.update_clause(library.reviewer, clause, text="说明文字改了")
    assert clause.version == 2  # wording only: the same decision
    reasons = list(clause.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2].startswith("修改申报条件")
    assert reasons[-1] == "更新条款说明"


def test_a_published_clause_needs_a_rule_and_a_window(library):
    with pytest.raises(ValidationFailed) as caught:
        services.create_clause(
            library.reviewer,
            library.measure,
            title="无条件",
            benefit_type="reward",
            status=ClauseStatus.PUBLISHED,
            window_kind=WindowKind.ROLLING,
        )
    assert caught.value.field == "rule"
    with pytest.raises(ValidationFailed) as caught:
        services.create_clause(
            library.reviewer,
            library.measure,
            title="无申报期",
            benefit_type="reward",
            rule="industry in C",
            status=ClauseStatus.PUBLISHED,
        )
    assert caught.value.field == "opens_on"


def test_negative_budget_and_reversed_window_are_refused(library):
    with pytest.raises(ValidationFailed):
        services.update_clause(library.reviewer, library.rd, budget="-1")
    with pytest.raises(ValidationFailed):
        services.update_clause(library.reviewer, library.rd, opens_on=date(2025, 7, 1), closes_on=date(2025, 6, 1))
    library.rd.refresh_from_db()
    assert library.rd.budget == Decimal("1000000.00")


def test_a_reviewer_of_another_department_cannot_change_a_measure(library):
    with pytest.raises(NotPermitted):
        services.update_document(library.swj_reviewer, library.measure, title="改标题")
    with pytest.raises(NotPermitted):
        services.update_clause(library.swj_reviewer, library.rd, budget="1")
    with pytest.raises(NotPermitted):
        services.create_clause(library.swj_reviewer, library.measure, title="x", benefit_type="reward")
    for persona in (library.enterprise_a, library.commissioner, library.jxw_reporter, library.outsider):
        with pytest.raises(NotPermitted):
            services.update_clause(persona, library.rd, budget="1")


def test_a_reviewer_cannot_hand_a_document_to_a_unit_he_does_not_cover(library):
    with pytest.raises(NotPermitted):
        services.update_document(library.reviewer, library.measure, issuer_unit=library.swj)
    assert PolicyDocument.objects.get(pk=library.measure.pk).issuer_unit == library.jxw


def test_links_go_upward_only_once_and_never_to_itself(library):
    link = services.link_policy(library.reviewer, library.measure, library.upper, measure_clause=library.rd)
    assert link.upper_version == 1
    with pytest.raises(Conflict):
        services.link_policy(library.reviewer, library.measure, library.upper, measure_clause=library.rd)
    with pytest.raises(ValidationFailed):
        services.link_policy(library.reviewer, library.upper, library.measure)  # national cannot implement district
    with pytest.raises(ValidationFailed):
        services.link_policy(library.reviewer, library.measure, library.measure)


def test_revising_an_upper_policy_flags_its_measures_until_reviewed(library):
    link = services.link_policy(library.reviewer, library.measure, library.upper)
    services.update_document(library.admin, library.upper, summary="只改摘要")
    link.refresh_from_db()
    assert link.upper.version == 1  # a summary is not a revision
    services.update_document(library.admin, library.upper, full_text="修订后的全文")
    services.update_document(library.admin, library.upper, full_text="修订后的全文")  # unchanged: no new version
    upper = PolicyDocument.objects.get(pk=library.upper.pk)
    assert upper.version == 2
    assert PolicyLink.objects.filter(pk=link.pk, upper_version__lt=upper.version).exists()
    notices = Notice.objects.filter(recipient=library.reviewer, cause__startswith="policies.upper_revised")
    assert notices.count() == 1
    with pytest.raises(NotPermitted):
        services.review_link(library.swj_reviewer, link)
    services.review_link(library.reviewer, link)
    link.refresh_from_db()
    assert link.upper_version == 2


def test_window_state_counts_working_days(library):
    state, sentence = services.window_state(library.rd, date(2025, 6, 10))
    assert state == "open"
    assert "3个工作日" in sentence
    assert services.window_state(library.rd, date(2025, 5, 30))[0] == "upcoming"
    assert services.window_state(library.rd, date(2025, 6, 14))[0] == "closed"
    assert services.window_state(library.draft, date(2025, 6, 10))[0] == "inactive"


def test_publishing_needs_a_date_and_expiry_follows_effect(library):
    with pytest.raises(ValidationFailed):
        services.create_document(
            library.reviewer,
            title="t",
            issuer="i",
            issuer_unit=library.jxw,
            level=Level.DISTRICT,
            status=DocumentStatus.PUBLISHED,
        )
    with pytest.raises(ValidationFailed):
        services.update_document(
            library.reviewer, library.measure, effective_on=date(2025, 3, 1), expires_on=date(2025, 1, 1)
        )


def test_attachments_are_checked_for_type_and_size(library):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = services.add_attachment(library.reviewer, library.measure, SimpleUploadedFile("原文.pdf", b"%PDF-1.4"))
    assert ok.size == 8
    with pytest.raises(ValidationFailed):
        services.add_attachment(library.reviewer, library.measure, SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(NotPermitted):
        services.add_attachment(library.swj_reviewer, library.measure, SimpleUploadedFile("y.pdf", b"%PDF"))


def test_benefit_types_are_the_issue_list():
    assert [label for _, label in BenefitType.choices] == ["奖励", "补贴", "贷款贴息", "税费减免", "资质认定", "服务"]
