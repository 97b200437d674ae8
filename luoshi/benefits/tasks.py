"""Background work of redemption: matching tasks (django-tasks) and the daily jobs of ``luoshi tick``."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from luoshi.benefits import matching, services
from luoshi.benefits.choices import State
from luoshi.benefits.models import Application
from luoshi.notices.services import notify
from luoshi.policies.models import Clause


@task()
def match_enterprise_task(enterprise_id: int) -> int:
    return matching.match_enterprise(enterprise_id)


# Past this many changed enterprises one rebuild (the base loaded once per figure year, every clause in
# one batch) costs less than re-matching them one by one (0.3 s each at a district, 2–5 s at a
# municipality's 4,000 open clauses; a district's whole rebuild with nothing changed: 26 s).
BULK_REMATCH_ABOVE = 500


@task()
def match_enterprises_task(enterprise_ids: list[int]) -> int:
    return sum(matching.match_enterprise(enterprise_id) for enterprise_id in enterprise_ids)


@task()
def rebuild_task() -> str:
    return matching.rebuild()


@task()
def match_clause_task(clause_id: int) -> int:
    clause = Clause.objects.filter(pk=clause_id).first()
    if clause is None:
        return 0
    if not matching.matchable(timezone.localdate()).filter(pk=clause_id).exists():
        return 0  # withdrawn, closed or without a rule: its stored matches stay as they were
    return matching.match_clause(clause).eligible


def rebuild_matches(today: date | None = None) -> str:
    return matching.rebuild(today)


def close_publicities(today: date | None = None) -> str:
    return services.close_publicities(today)


def remind_overdue(today: date | None = None) -> str:
    """Tell the department's reviewers about applications past their step's deadline, once per step."""
    from luoshi.org.choices import Role
    from luoshi.org.queries import users_with_role

    today = today or timezone.localdate()
    late = Application.objects.filter(
        state__in=[State.SUBMITTED, State.FIRST_REVIEW, State.SECOND_REVIEW, State.DISBURSING],
        step_due__lt=today,
    ).select_related("clause__department", "enterprise")
    sent = 0
    for app in late:
        if app.clause.department_id is None:
            continue
        sent += len(
            notify(
                users_with_role([Role.REVIEWER], app.clause.department),
                cause=f"benefits.overdue:{app.pk}:{app.state}:{app.step_due}",
                title=f"申报办理超时：{app.enterprise.name} · {app.clause.title}（{app.get_state_display()}）",
                body=f"本环节时限{app.step_due:%Y-%m-%d}已过，请尽快办理。",
                link=f"/benefits/applications/{app.pk}/",
            )
        )
    return f"申报超时提醒 {sent} 条"
