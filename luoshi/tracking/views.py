from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.core.errors import DomainError
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.tracking import queries, services
from luoshi.tracking.forms import OverrideForm


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2004), 2100)


@login_required
def year_calendar(request):
    year = _year(request)
    is_admin = permissions.allowed(request.user, (Role.ADMIN,))
    form = OverrideForm(request.POST or None) if is_admin else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        day, end = data["start"], data["end"] or data["start"]
        try:
            while day <= end:
                services.set_day(request.user, day=day, is_workday=data["kind"] == "work", note=data["note"])
                day += timedelta(days=1)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。涉及这些日期的期限将按新的安排计算。")
            return redirect(f"{request.path}?year={data['start'].year}")
    context = {**queries.year_view(year), "form": form, "is_admin": is_admin}
    return render(request, "tracking/calendar.html", context)


@login_required
@require_POST
def confirm_year(request):
    year = _year(request)
    services.confirm_year(request.user, year=year)
    messages.success(request, f"{year}年节假日安排已确认，暂按双休日计算的期限将重新计算。")
    return redirect(f"/calendar/?year={year}")
