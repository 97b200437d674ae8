from decimal import Decimal

import pytest

from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.policies import simulation
from luoshi.policies.models import Simulation


def _run(user, w, *variants):
    return simulation.simulate(user, list(variants), figure_year=2024, today=w.today)


def test_a_simulation_counts_costs_and_breaks_down(library):
    outcome = _run(
        library.reviewer,
        library,
        {"label": "现行", "rule": library.rd.rule, "amount": library.rd.amount_formula, "budget": "100000"},
        {
            "label": "放宽",
            "rule": "industry in C and revenue >= 2000万元 and rd_ratio >= 2%",
            "amount": library.rd.amount_formula,
        },
    )
    assert outcome["enterprises"] == 3
    current, wider = outcome["variants"]
    assert current["eligible"] == 1  # a: 120万 of 2500万 = 4.8%
    assert current["cost"] == "120000.00"  # 10% of 120万元, under the 50万 cap
    assert current["budget_use"] == 120.0
    assert current["over_budget"] is True
    assert wider["eligible"] == 2  # c at 2.4% joins
    assert Decimal(wider["cost"]) == Decimal("180000.00")
    by_section = {row["key"]: row["eligible"] for row in wider["by_section"]}
    assert by_section["C"] == 2
    assert by_section.get("F", 0) == 0
    assert sum(row["total"] for row in wider["by_town"]) == 3
    assert "制造业企业" in current["rule_sentence"]


def test_saving_keeps_a_snapshot_with_the_clause_version(library):
    variants = [{"label": "现行", "rule": library.rd.rule, "amount": library.rd.amount_formula, "budget": None}]
    outcome = _run(library.reviewer, library, *variants)
    saved = simulation.save(library.reviewer, outcome, title="", variants=variants, clause=library.rd)
    assert saved.clause_version == library.rd.version == 1
    assert saved.results[0]["eligible"] == 1
    assert Simulation.objects.get(pk=saved.pk).title == "研发投入补助 测算"


def test_only_reviewers_leaders_and_admins_simulate(library):
    variant = {"rule": "industry in C"}
    for persona in (library.enterprise_a, library.commissioner, library.supervisor, library.outsider):
        with pytest.raises(NotPermitted):
            _run(persona, library, variant)


def test_a_bad_variant_says_which_and_where(library):
    with pytest.raises(ValidationFailed) as caught:
        _run(library.reviewer, library, {"label": "甲", "rule": "industry in C"}, {"label": "乙", "rule": "revenue >"})
    assert caught.value.field == "rule_1"
    assert caught.value.message.startswith("乙的申报条件有误，第1行")
    with pytest.raises(ValidationFailed):
        _run(library.reviewer, library, *([{"rule": "industry in C"}] * 4))
