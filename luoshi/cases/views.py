"""Pages of case handling: list, the unit's queue, the dispatch queue, and the case page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.cases import queries, services
from luoshi.cases.choices import Action, CaseState
from luoshi.cases.forms import ActionForm, CaseFilterForm
from luoshi.cases.workflow import TRANSITIONS
from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.tracking import calendar, timeline


def _with_countdown(cases):
    """Working days left to each case's resolution deadline (negative: days overdue)."""
    cal = calendar.current()
    today = timezone.localdate()
    rows = list(cases)
    for case in rows:
        # A suspended case's clock is stopped: no countdown until it resumes.
        running = case.resolution_due and case.is_open and case.state != CaseState.SUSPENDED
        case.remaining = cal.workdays_between(today, case.resolution_due) if running else None
    return rows


@login_required
def case_list(request):
    if queries.visibility_q(request.user) is None:
        raise PermissionDenied
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.case_list(request.user, data), 50).get_page(request.GET.get("page"))
    page.object_list = _with_countdown(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    template = "cases/_case_rows.html" if request.htmx else "cases/case_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


QUEUE_PAGE = 50


@login_required
def unit_queue(request):
    # A page of the queue at a time, nearest deadline first: a busy unit has thousands open, and
    # rendering each row with its countdown is what the page spends its time on.
    page = Paginator(queries.unit_queue(request.user), QUEUE_PAGE).get_page(request.GET.get("page"))
    cases = page.object_list = _with_countdown(page.object_list)
    context = {"cases": cases, "page": page, "title": "待我办理的诉求", "today": timezone.localdate()}
    return render(request, "cases/queue.html", context)


@login_required
def dispatch_queue(request):
    if not services.permissions.allowed(request.user, services.DISPATCH_ROLES):
        raise PermissionDenied
    cases = _with_countdown(queries.dispatch_queue(request.user)[:500])
    return render(request, "cases/dispatch.html", {"cases": cases, "form": ActionForm()})


def available_actions(user, case) -> list[dict]:
    parts = services.parts_of(user, case)
    return [
        {"value": action, "label": Action(action).label}
        for (state, action), (_, allowed) in TRANSITIONS.items()
        if state == case.state and parts & allowed
    ]


@login_required
def case_detail(request, case_id: int):
    case = queries.case_detail(request.user, case_id)
    case.remaining = _with_countdown([case])[0].remaining
    context = {
        "case": case,
        "events": timeline.events_of(case),
        "history": changes_of(case),
        "actions": available_actions(request.user, case),
        "form": ActionForm(),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def case_act(request, case_id: int):
    case = queries.case_detail(request.user, case_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作参数有误：" + "；".join(e for errs in form.errors.values() for e in errs))
    else:
        data = form.cleaned_data
        try:
            services.transition(
                request.user, case, data["action"], unit=data["unit"], note=data["note"], rating=data["rating"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已{Action(data['action']).label}。")
    if request.POST.get("next") == "dispatch":
        return redirect("cases:dispatch")
    return redirect("cases:detail", case.pk)
