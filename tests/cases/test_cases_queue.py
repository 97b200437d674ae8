"""A unit's queue at a million cases: open cases only, nearest deadline first, a page at a time."""

from __future__ import annotations

import pytest

from luoshi.cases import queries, services
from luoshi.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(desk):
    """区经信委 with 55 open cases and one closed; 区商务委 with one open case."""
    cases = []
    for n in range(56):
        case = services.submit_case(
            desk.enterprise_a, case_type=desk.financing, title=f"诉求{n}", description="内容", enterprise=desk.ent_a
        )
        services.transition(desk.supervisor, case, "accept")
        services.transition(desk.supervisor, case, "assign", unit=desk.jxw)
        cases.append(case)
    Case.objects.filter(pk=cases[-1].pk).update(state="resolved")
    other = services.submit_case(
        desk.enterprise_b, case_type=desk.financing, title="商务委的诉求", description="内容", enterprise=desk.ent_b
    )
    services.transition(desk.supervisor, other, "accept")
    services.transition(desk.supervisor, other, "assign", unit=desk.swj)
    return desk


def test_the_queue_page_shows_fifty_with_the_count_and_a_pager(busy, login):
    client = login(busy.jxw_reporter)
    first = client.get("/cases/queue/")
    assert len(first.context["cases"]) == 50
    assert first.context["page"].paginator.count == 55
    assert "共 55 条" in first.content.decode()
    second = client.get("/cases/queue/", {"page": 2})
    assert len(second.context["cases"]) == 5
    titles = {c.title for c in first.context["cases"]} | {c.title for c in second.context["cases"]}
    assert titles == {f"诉求{n}" for n in range(55)}  # the closed one is not in the queue


def test_the_queue_is_in_deadline_order_and_only_the_units_own(busy):
    queue = list(queries.unit_queue(busy.jxw_reporter))
    assert len(queue) == 55
    assert [(c.resolution_due, c.pk) for c in queue] == sorted((c.resolution_due, c.pk) for c in queue)
    assert {c.unit_id for c in queue} == {busy.jxw.pk}


def test_the_queue_states_the_partial_index_condition_with_constants(busy):
    """SQLite matches a partial index only against constants, never against bound parameters."""
    sql, params = queries.unit_queue(busy.jxw_reporter).query.sql_with_params()
    assert "\"cases_case\".\"state\" IN ('assigned', 'in_progress', 'suspended')" in sql
    assert "assigned" not in params
