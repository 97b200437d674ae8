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
