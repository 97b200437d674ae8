"""Matching writes only what changed: nothing at all when nothing did."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.benefits import matching
from luoshi.benefits.models import Match
from luoshi.enterprises import services as enterprise_services
from luoshi.policies import services as policy_services


def _writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if '"benefits_match"' in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_rerun_with_nothing_changed_writes_no_match(desk):
    before = {m.pk: (m.verdict, m.amount, m.gap, m.computed_at) for m in Match.objects.all()}
    with CaptureQueriesContext(connection) as captured:
        matching.match_clause(desk.rd, desk.today)
        matching.match_enterprise(desk.a.pk, desk.today)
        matching.match_enterprise(desk.c.pk, desk.today)
        matching.rebuild(desk.today)
    assert _writes(captured) == []
    assert {m.pk: (m.verdict, m.amount, m.gap, m.computed_at) for m in Match.objects.all()} == before


def test_an_eligible_enterprise_whose_amount_changes_keeps_the_day_it_first_qualified(desk):
    first = Match.objects.get(clause=desk.rd, enterprise=desk.a)
    enterprise_services.record_figures(
        desk.supervisor, desk.a, year=2024, revenue=Decimal("3000"), rd_expense=Decimal("150"), employees=150
    )
    matching.match_clause(desk.rd, desk.today)
    again = Match.objects.get(clause=desk.rd, enterprise=desk.a)
    assert (again.verdict, again.amount) == ("eligible", Decimal("150000.00"))
    assert again.eligible_since == first.eligible_since
    assert again.computed_at > first.computed_at


def test_a_near_miss_on_a_missing_tag_or_an_earlier_year_is_not_stored(desk):
    for i, rule in enumerate(['tags has "小巨人"', "revenue[-1] >= 3000万元"]):
        clause = policy_services.create_clause(
            desk.reviewer,
            desk.measure,
            title=f"测试条款{i}",
            benefit_type="reward",
            department=desk.jxw,
            window_kind="rolling",
            rule=rule,
            figure_year=2024,
            status="published",
        )
        run = matching.match_clause(clause, desk.today)
        assert (run.eligible, run.near_miss) == (0, 0)
        assert not Match.objects.filter(clause=clause).exists()


def test_a_pair_no_longer_met_is_deleted_and_a_new_one_inserted(desk):
    enterprise_services.record_figures(
        desk.supervisor, desk.a, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("1"), employees=150
    )
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("100"), employees=80
    )
    matching.match_clause(desk.rd, desk.today)
    got = {m.enterprise_id: (m.verdict, m.amount, m.gap) for m in Match.objects.filter(clause=desk.rd)}
    assert got == {
        desk.a.pk: ("near_miss", None, "研发费用占营业收入比重0.04%，需≥3%"),
        desk.c.pk: ("eligible", Decimal("100000.00"), ""),
    }
    enterprise_services.record_figures(
        desk.supervisor, desk.a, year=2024, revenue=Decimal("100"), rd_expense=Decimal("0"), employees=150
    )
    matching.match_clause(desk.rd, desk.today)
    assert set(Match.objects.filter(clause=desk.rd).values_list("enterprise_id", flat=True)) == {desk.c.pk}


def test_the_rebuild_loads_the_base_once_per_figure_year(desk, monkeypatch):
    for i in range(3):
        policy_services.create_clause(
            desk.reviewer,
            desk.measure,
            title=f"重建条款{i}",
            benefit_type="reward",
            department=desk.jxw,
            window_kind="rolling",
            rule=f"revenue >= {1000 + i}万元",
            figure_year=2024 if i else 2023,
            status="published",
        )
    loads = []
    real = matching.load_base
    monkeypatch.setattr(matching, "load_base", lambda ctx, *a, **k: loads.append(ctx.figure_year) or real(ctx, *a, **k))
    assert matching.rebuild(desk.today).startswith("重新匹配条款 4 项")
    assert sorted(loads) == [2023, 2024]


def test_rematching_an_enterprise_parses_each_clause_once(desk, monkeypatch):
    from luoshi import rules

    matching.match_enterprise(desk.a.pk, desk.today)
    calls = []
    real = rules.parse
    monkeypatch.setattr(rules, "parse", lambda *a, **k: calls.append(a) or real(*a, **k))
    matching.match_enterprise(desk.a.pk, desk.today)
    assert calls == []
