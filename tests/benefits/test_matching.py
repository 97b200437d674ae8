from decimal import Decimal

import pytest

from luoshi.benefits import matching, queries
from luoshi.benefits.models import Match, MatchRun
from luoshi.enterprises import services as enterprise_services
from luoshi.notices.models import Notice


def test_a_clause_is_matched_against_every_enterprise_with_amounts_and_gaps(desk):
    matches = {m.enterprise_id: m for m in Match.objects.filter(clause=desk.rd)}
    assert set(matches) == {desk.a.pk, desk.c.pk}
    assert matches[desk.a.pk].verdict == "eligible"
    assert matches[desk.a.pk].amount == Decimal("120000.00")
    assert matches[desk.c.pk].verdict == "near_miss"
    assert matches[desk.c.pk].gap == "研发费用占营业收入比重2.4%，需≥3%"
    run = MatchRun.objects.get(clause=desk.rd)
    assert (run.enterprises, run.eligible, run.near_miss) == (3, 1, 1)


def test_a_new_match_is_announced_once_to_the_enterprise_and_its_commissioner(desk):
    def told():
        return set(
            Notice.objects.filter(cause__startswith="benefits.match:").values_list("recipient__username", flat=True)
        )

    assert told() == {"enterprise_a", "commissioner"}
    matching.match_clause(desk.rd, desk.today)
    assert Notice.objects.filter(cause__startswith="benefits.match:").count() == 2


def test_an_enterprise_whose_data_changes_is_rematched(desk):
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("80"), employees=80
    )
    assert matching.match_enterprise(desk.c.pk, desk.today) == 1
    match = Match.objects.get(clause=desk.rd, enterprise=desk.c)
    assert (match.verdict, match.amount, match.gap) == ("eligible", Decimal("80000.00"), "")
    assert match.eligible_since is not None
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("10"), employees=80
    )
    matching.match_enterprise(desk.c.pk, desk.today)
    match = Match.objects.get(clause=desk.rd, enterprise=desk.c)
    assert (match.verdict, match.gap, match.eligible_since) == ("near_miss", "研发费用占营业收入比重0.4%，需≥3%", None)
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2024, revenue=Decimal("500"), rd_expense=Decimal("1")
    )
    matching.match_enterprise(desk.c.pk, desk.today)
    assert not Match.objects.filter(clause=desk.rd, enterprise=desk.c).exists()  # two conditions short now


def test_the_checkup_sorts_what_can_be_claimed_from_near_misses_and_missed_windows(desk):
    a = queries.checkup(desk.a, desk.today)
    assert [m.clause_id for m in a.claimable] == [desk.rd.pk]
    assert a.claimable_total == Decimal("120000.00")
    c = queries.checkup(desk.c, desk.today)
    assert [m.gap for m in c.near] == ["研发费用占营业收入比重2.4%，需≥3%"]
    later = queries.checkup(desk.a, desk.later)
    assert [m.clause_id for m in later.missed] == [desk.rd.pk]
    assert later.claimable == []


def test_the_nightly_rebuild_covers_every_open_clause(desk):
    assert matching.rebuild(desk.today) == "重新匹配条款 1 项，符合条件 1 家次"


def test_a_gap_the_enterprise_cannot_close_is_no_near_miss(desk):
    # b (零售 5211) has the figures the manufacturing clause asks for; only its industry differs.
    enterprise_services.record_figures(
        desk.supervisor, desk.b, year=2024, revenue=Decimal("5000"), rd_expense=Decimal("200"), employees=50
    )
    matching.match_enterprise(desk.b.pk, desk.today)
    assert not Match.objects.filter(clause=desk.rd, enterprise=desk.b).exists()


def test_rematching_an_enterprise_costs_the_same_queries_however_many_clauses_are_open(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.policies import services as policy_services

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            matching.match_enterprise(desk.a.pk, desk.today, announce=False)
        return len(captured)

    def add_clauses(n: int) -> None:
        for i in range(n):
            policy_services.create_clause(
                desk.reviewer,
                desk.measure,
                title=f"测试条款{i}",
                benefit_type="reward",
                department=desk.jxw,
                window_kind="rolling",
                rule=f"revenue >= {100 + i}万元",
                amount_formula="1万元",
                figure_year=2024,
                status="published",
            )

    add_clauses(2)
    few = queries()
    add_clauses(10)
    assert queries() == few


@pytest.mark.parametrize("bulk_above", [500, 0])
def test_a_registry_import_rematches_what_it_changed_in_one_job(
    desk, monkeypatch, django_capture_on_commit_callbacks, bulk_above
):
    from luoshi.benefits import tasks
    from luoshi.enterprises.models import Enterprise
    from luoshi.enterprises.signals import enterprises_changed

    monkeypatch.setattr(tasks, "BULK_REMATCH_ABOVE", bulk_above)
    # Figures recorded the way an import writes them: their own signal is never delivered here (the
    # test's transaction never commits), only the import's one bulk signal is.
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("80"), employees=80
    )
    assert not Match.objects.filter(clause=desk.rd, enterprise=desk.c, verdict="eligible").exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enterprises_changed.send(sender=Enterprise, enterprise_ids=[desk.c.pk, desk.c.pk])
    assert len(callbacks) == 1  # one job for the list (or the rebuild past the threshold)
    match = Match.objects.get(clause=desk.rd, enterprise=desk.c)
    assert (match.verdict, match.amount) == ("eligible", Decimal("80000.00"))
