from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luoshi.notices.queries import inbox
from luoshi.org import permissions
from luoshi.org import queries as org_queries
from luoshi.org.choices import Role
from luoshi.tracking import calendar


@login_required
def home(request, extra: dict | None = None, template: str = "core/home.html"):
    """The personal home page; the dashboard adds the role's first screen through ``extra``."""
    today = timezone.localdate()
    cal = calendar.current()
    context = {
        "grants": org_queries.grants_of(request.user),
        "latest_notices": inbox(request.user)[:5],
        "unit_counts": org_queries.unit_counts_by_kind(request.user),
        "today": today,
        "today_is_workday": cal.is_workday(today),
        "next_workday": cal.next_workday(today),
        "workdays_left": cal.workdays_between(today, today.replace(month=12, day=31)),
        "year_provisional": cal.year_is_provisional(today.year + 1),
        "next_year": today.year + 1,
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
def help_page(request):
    """使用说明: what each module the user can reach is for. Everything it shows is already in the page shell,
    so it is also the cheapest rendered page a signed-in user can open (the benchmarks' rendered baseline)."""
    roles = permissions.scope_of(request.user).roles()
    role_labels = [label for value, label in Role.choices if value in roles]
    return render(request, "core/help.html", {"role_labels": role_labels})


def healthz(request):
    """For load balancers and benchmarks: the smallest page through the full middleware stack."""
    return HttpResponse("ok", content_type="text/plain")


def handler403(request, exception=None):
    return render(request, "core/error.html", {"title": "没有权限", "message": "您没有访问该页面的权限。"}, status=403)


def handler404(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "没有找到", "message": "您要访问的页面不存在或已被移除。"},
        status=404,
    )
