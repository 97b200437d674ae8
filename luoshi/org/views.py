from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.org import queries, services
from luoshi.org.forms import TokenForm, UnitSearchForm
from luoshi.org.models import ApiToken


@login_required
def units(request):
    if not queries.can_read_directory(request.user):
        raise PermissionDenied
    form = UnitSearchForm(request.GET or None)
    text = kind = ""
    if form.is_valid():
        text, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    rows = queries.units(request.user, text=text, kind=kind)
    template = "org/_unit_rows.html" if request.htmx else "org/units.html"
    return render(request, template, {"form": form, "units": rows, "filtered": bool(text or kind)})


@login_required
def unit(request, unit_id: int):
    obj = queries.unit_detail(request.user, unit_id)
    context = {"unit": obj, "grants": queries.grants_on(request.user, obj), "history": changes_of(obj)}
    return render(request, "org/unit.html", context)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59))) if expires_on else None
        try:
            _, new_token = services.issue_token(request.user, name=form.cleaned_data["name"], expires_at=expires_at)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenForm()
    return render(
        request,
        "org/tokens.html",
        {"form": form, "tokens": queries.tokens_of(request.user), "new_token": new_token},
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(request.user, token)
    messages.success(request, f"令牌“{token.name}”已撤销，使用它的脚本将无法再访问。")
    return redirect("org:tokens")
