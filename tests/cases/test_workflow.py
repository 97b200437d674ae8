"""The case workflow: the transition table, who plays which part, clocks in working days."""

import threading
from datetime import date

import pytest
from django.db import connection

from luoshi.cases import services
from luoshi.cases.choices import CaseState
from luoshi.cases.models import Case
from luoshi.cases.workflow import TRANSITIONS
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.tracking.timeline import events_of

pytestmark = pytest.mark.django_db


def _submit(desk, who=None, enterprise=None):
    return services.submit_case(
        who or desk.enterprise_a,
        case_type=desk.financing,
        title="申请流动资金贷款贴息",
        description="订单增加，需流动资金500万元",
        enterprise=enterprise or desk.ent_a,
    )


def _to_progress(desk, case):
    services.transition(desk.supervisor, case, "accept")
    services.transition(desk.supervisor, case, "assign", unit=desk.jxw)
    return services.transition(desk.jxw_reporter, case, "start")


def test_an_enterprise_user_submits_for_its_own_enterprise_only(desk):
    case = _submit(desk)
    assert case.number.startswith("SQ")
    assert case.state == CaseState.SUBMITTED
    with pytest.raises(NotPermitted):
        _submit(desk, who=desk.enterprise_a, enterprise=desk.ent_b)


def test_a_commissioner_submits_for_the_enterprises_he_serves(desk):
    assert _submit(desk, who=desk.commissioner).enterprise == desk.ent_a
    with pytest.raises(NotPermitted):
        _submit(desk, who=desk.commissioner, enterprise=desk.ent_b)


def test_the_happy_path_writes_a_timeline_entry_for_every_transition(desk):
    case = _to_progress(desk, _submit(desk))
    case = services.transition(desk.jxw_reporter, case, "resolve", note="已对接银行，完成贴息申报")
    case = services.transition(desk.enterprise_a, case, "follow_up", rating=5, note="满意")
    assert case.state == CaseState.FOLLOWED_UP
    kinds = [e.kind for e in events_of(case)]
    assert kinds == ["submitted", "accept", "assign", "start", "resolve", "follow_up"]


def test_every_illegal_transition_is_refused_in_chinese_and_changes_nothing(desk):
    case = _submit(desk)
    for action in ("assign", "start", "resolve", "follow_up", "resume", "suspend"):
        with pytest.raises(Conflict, match="不能"):
            services.transition(desk.supervisor, case, action, unit=desk.jxw, note="x", rating=5)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_the_table_is_the_only_way_between_states():
    states_reached = {target for (target, _) in TRANSITIONS.values()}
    assert CaseState.SUBMITTED not in states_reached  # nothing goes back to “submitted”
    assert set(CaseState.values) - {CaseState.SUBMITTED} <= states_reached


def test_only_the_assigned_units_reporter_handles_the_case(desk):
    case = _submit(desk)
    services.transition(desk.supervisor, case, "accept")
    services.transition(desk.supervisor, case, "assign", unit=desk.jxw)
    with pytest.raises(NotPermitted):
        services.transition(desk.zsl_reporter, case, "start")
    with pytest.raises(NotPermitted):
        services.transition(desk.enterprise_a, case, "start")
    services.transition(desk.jxw_reporter, case, "start")


def test_a_reporter_cannot_dispatch(desk):
    case = _submit(desk)
    with pytest.raises(NotPermitted):
        services.transition(desk.jxw_reporter, case, "accept")


def test_transfer_and_return_need_a_reason(desk):
    case = _to_progress(desk, _submit(desk))
    with pytest.raises(ValidationFailed, match="原因"):
        services.transition(desk.jxw_reporter, case, "transfer", unit=desk.swj)
    case = services.transition(desk.jxw_reporter, case, "transfer", unit=desk.swj, note="属商务领域")
    assert (case.unit, case.state) == (desk.swj, CaseState.ASSIGNED)
    assert "由区经信委转办至区商务委" in events_of(case).last().text


def test_a_suspended_case_stops_its_clock(desk, monkeypatch):
    from luoshi.cases import services as case_services

    case = _to_progress(desk, _submit(desk))
    due_before = case.resolution_due
    monkeypatch.setattr(case_services.timezone, "localdate", lambda *a: date(2026, 3, 2))
    case = services.transition(desk.jxw_reporter, case, "suspend", note="等待企业补充财务报表")
    assert case.colour_reason.startswith("已挂起")
    monkeypatch.setattr(case_services.timezone, "localdate", lambda *a: date(2026, 3, 6))
    case = services.transition(desk.jxw_reporter, case, "resume")
    # 3-3, 3-4, 3-5, 3-6: four working days paused, added to the deadline.
    from luoshi.tracking import calendar

    assert case.resolution_due == calendar.current().add_workdays(due_before, 4)


def test_an_unsatisfied_enterprise_reopens_the_case_with_a_new_deadline(desk):
    case = _to_progress(desk, _submit(desk))
    case = services.transition(desk.jxw_reporter, case, "resolve", note="已答复")
    with pytest.raises(ValidationFailed, match="满意度"):
        services.transition(desk.enterprise_a, case, "reopen", note="问题没解决")
    case = services.transition(desk.enterprise_a, case, "reopen", note="问题没解决", rating=2)
    assert (case.state, case.reopen_count, case.rating) == (CaseState.IN_PROGRESS, 1, 2)
    with pytest.raises(NotPermitted):
        services.transition(desk.enterprise_b, case, "resolve", note="x")


def test_another_enterprise_cannot_rate_the_case(desk):
    case = _to_progress(desk, _submit(desk))
    case = services.transition(desk.jxw_reporter, case, "resolve", note="已答复")
    with pytest.raises(NotPermitted):
        services.transition(desk.enterprise_b, case, "follow_up", rating=5)


def test_a_case_past_its_deadline_is_red_with_the_reason(desk):
    from luoshi.cases.services import assess_case

    case = _to_progress(desk, _submit(desk))
    colour, reason = assess_case(case, today=case.resolution_due.replace(year=case.resolution_due.year + 1))
    assert colour == "red"
    assert "已超过完成期限" in reason


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_cannot_corrupt_the_state(desk):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is private to one connection; CI runs this on PostgreSQL")
    case = _submit(desk)
    services.transition(desk.supervisor, case, "accept")
    results, barrier = [], threading.Barrier(2)

    def assign(unit):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.transition(desk.supervisor, Case.objects.get(pk=case.pk), "assign", unit=unit)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=assign, args=(u,)) for u in (desk.jxw, desk.swj)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    assert [e.kind for e in events_of(case)].count("assign") == 1
