"""The cockpit, the big screen, and each role's first screen on the home page."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from luoshi.core import views as core_views
from luoshi.dashboard import charts, services
from luoshi.org import permissions
from luoshi.org.choices import Role

charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})
COCKPIT_READERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
# The first screen of each role, in the order a person holding several roles sees them offered.
ROLE_ORDER = (
    Role.LEADER,
    Role.SUPERVISOR,
    Role.UNIT_REPORTER,
    Role.COMMISSIONER,
    Role.REVIEWER,
    Role.ENTERPRISE_USER,
    Role.ADMIN,
)


def _year(request, today) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= today.year + 1 else today.year


def _cockpit_context(request, *, big: bool = False) -> dict:
    if not permissions.allowed(request.user, COCKPIT_READERS):
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request, today)
    data, snapshot = services.cockpit_for(request.user, today, year, refresh_now=request.GET.get("refresh") == "1")
    return {
        "data": data,
        "year": year,
        "years": list(range(today.year, today.year - 4, -1)),
        "snapshot": snapshot,
        "units_chart": charts.units_chart(data["units"], big=big),
        "money_chart": charts.money_chart(data["money_by_department"], big=big),
        "big": big,
    }


@login_required
@charts_allowed
def cockpit(request):
    return render(request, "dashboard/cockpit.html", _cockpit_context(request))


@login_required
@charts_allowed
def screen(request):
    """The command centre's big screen: large type, refreshed every minute."""
    context = _cockpit_context(request, big=True)
    template = "dashboard/_screen_body.html" if request.htmx else "dashboard/screen.html"
    return render(request, template, context)


def _role_panel(request, role: str) -> dict:
    """What the role's first screen shows on the home page."""
    from luoshi.benefits import queries as benefit_queries
    from luoshi.cases import queries as case_queries
    from luoshi.ledger import queries as ledger_queries

    user, today = request.user, timezone.localdate()
    if role in (Role.LEADER, Role.ADMIN):
        data, snapshot = services.cockpit_for(user, today, today.year)
        return {"kind": "cockpit", "data": data, "snapshot": snapshot}
    if role == Role.SUPERVISOR:
        # The panel shows titles, lead units and reasons: no co-unit or area prefetches of the list page.
        overdue = ledger_queries.filter_tasks(ledger_queries.visible_tasks(user), {"status": "overdue"})
        return {
            "kind": "supervisor",
            "overdue": list(overdue.select_related("lead_unit").order_by("path")[:8]),
            "overdue_count": overdue.count(),
            "review_count": ledger_queries.review_queue(user).count(),
        }
    if role == Role.UNIT_REPORTER:
        return {
            "kind": "reporter",
            "inbox": ledger_queries.reporter_inbox(user, today),
            "cases": case_queries.unit_queue(user).count(),
        }
    if role == Role.COMMISSIONER:
        from luoshi.enterprises import queries as enterprise_queries

        return {"kind": "commissioner", "served": enterprise_queries.served_by(user).count()}
    if role == Role.REVIEWER:
        return {"kind": "reviewer", "queue": benefit_queries.review_queue(user).count()}
    if role == Role.ENTERPRISE_USER:
        from luoshi.enterprises import queries as enterprise_queries

        own = enterprise_queries.visible_enterprises(user).first()
        checkup = benefit_queries.checkup(own, today) if own else None
        cases = case_queries.visible_cases(user).exclude(state__in=["resolved", "followed_up"]).count()
        return {"kind": "enterprise", "enterprise": own, "checkup": checkup, "cases": cases}
    return {"kind": ""}


@login_required
def home(request):
    """The personal home page with the first screen of the user's role (switchable when several)."""
    roles = [r for r in ROLE_ORDER if permissions.allowed(request.user, (r,))]
    asked = request.GET.get("as", "")
    role = asked if asked in roles else (roles[0] if roles else "")
    panel = _role_panel(request, role) if role else {"kind": ""}
    extra = {"roles": [(r, Role(r).label) for r in roles], "role": role, "panel": panel}
    return core_views.home(request, extra=extra, template="dashboard/home.html")
