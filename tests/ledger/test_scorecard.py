"""Scorecards (问效): rates per unit, ranking, movement, and who may read them."""

from datetime import date

import pytest
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.ledger import queries, services
from luoshi.ledger.models import ProgressReport

pytestmark = pytest.mark.django_db

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def _report(task, unit, period, due, late=False):
    report = services.submit_report(SYSTEM, task, text="进展", percent=10, unit=unit)
    ProgressReport.objects.filter(pk=report.pk).update(period=period, due_date=due, is_late=late)
    return report


def test_rates_count_the_lead_units_own_reports_and_milestones(ledger):
    # 区经信委's monthly task owed January and February reports within Q1 (March's falls due in April).
    _report(ledger.jxw_task, ledger.jxw, "2026-01", date(2026, 2, 4))
    _report(ledger.jxw_task, ledger.jxw, "2026-02", date(2026, 3, 4), late=True)
    _report(ledger.jxw_task, ledger.zsl, "2026-02", date(2026, 3, 4))  # a co-unit's report is not the lead's
    m = services.add_milestone(ledger.supervisor, ledger.jxw_task, title="完成设计", due_date=date(2026, 3, 10))
    services.complete_milestone(ledger.supervisor, m, done_on=date(2026, 3, 12), evidence="批复")
    scores = {s.unit: s for s in queries.scorecard(ledger.supervisor, *Q1, compare=False)}
    jxw = scores[ledger.jxw]
    assert (jxw.reports_on_time, jxw.reports_due) == (1, 2)
    assert (jxw.milestones_on_time, jxw.milestones_due) == (0, 1)
    assert jxw.report_rate == 50
    assert jxw.milestone_rate == 0
    assert scores[ledger.swj].reports_on_time == 0


def test_units_are_ranked_by_score_and_movement_is_against_the_previous_quarter(ledger):
    _report(ledger.jxw_task, ledger.jxw, "2026-01", date(2026, 2, 4))
    _report(ledger.jxw_task, ledger.jxw, "2026-02", date(2026, 3, 4))
    scores = queries.scorecard(ledger.supervisor, *Q1)
    assert [s.unit for s in scores] == [ledger.jxw, ledger.swj]
    assert [s.rank for s in scores] == [1, 2]
    assert scores[0].score > scores[1].score


def test_a_unit_reporter_cannot_read_scorecards(ledger, login):
    assert queries.scorecard(ledger.jxw_reporter, *Q1) == []
    assert login(ledger.jxw_reporter).get("/ledger/scorecard/").status_code == 403
    assert login(ledger.jxw_reporter).get("/api/v1/ledger/scorecard", {"year": 2026, "quarter": 1}).status_code == 403


def test_the_scorecard_page_and_api_agree(ledger, login):
    page = login(ledger.leader).get("/ledger/scorecard/", {"year": 2026, "q": 1})
    api = login(ledger.leader).get("/api/v1/ledger/scorecard", {"year": 2026, "quarter": 1}).json()
    assert [str(s.score) for s in page.context["scores"]] == [row["score"] for row in api]


def test_quarter_bounds():
    assert queries.quarter_bounds(date(2026, 11, 25)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert queries.quarter_bounds(timezone.localdate())[0].day == 1


def test_rates_round_half_to_even_to_a_tenth_of_a_per_cent():
    from decimal import Decimal

    for whole in range(1, 90):
        for part in range(whole + 1):
            expected = (Decimal(100) * part / whole).quantize(Decimal("0.1"))
            assert queries.UnitScore._rate(part, whole) == expected, (part, whole)
            assert str(queries.UnitScore._rate(part, whole)) == str(expected)
    assert queries.UnitScore._rate(0, 0) is None


def test_the_scorecard_ranks_every_unit_and_shows_a_page_at_a_time(ledger, login, monkeypatch):
    from luoshi.ledger import views

    monkeypatch.setattr(views, "SCORECARD_PAGE", 1)
    client = login(ledger.supervisor)
    first = client.get("/ledger/scorecard/")
    assert first.status_code == 200
    total = first.context["page"].paginator.count
    assert total >= 2
    second = client.get("/ledger/scorecard/?page=2")
    assert [s.rank for s in second.context["page"]] == [2]
    assert f"共 {total} 个单位" in second.content.decode()


def test_a_closed_quarters_scores_are_kept_only_for_the_same_grants(ledger):
    from django.core.cache import cache

    cache.clear()
    today = timezone.localdate()
    start, _ = queries.quarter_bounds(today)
    prev_start, prev_end = queries.quarter_bounds(start - timezone.timedelta(days=1))
    q = queries.permissions.unit_q(ledger.supervisor, queries.SCORECARD_READERS, field="lead_unit")
    kept = queries._closed_scores(ledger.supervisor, q, prev_start, prev_end)
    assert queries._closed_scores(ledger.supervisor, q, prev_start, prev_end) == kept
    # Another person's grants never read the supervisor's cached ranking.
    assert queries.permissions.grants_digest(ledger.supervisor) != queries.permissions.grants_digest(ledger.leader)
