from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from luoshi.notices import queries, services


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(queries.inbox(request.user, unread_only=unread_only), 30).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def read(request, notice_id: int):
    notice = services.mark_read(request.user, notice_id)
    safe_link = url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    if notice.link and safe_link and request.POST.get("follow"):
        return redirect(notice.link)
    if request.htmx:
        return render(request, "notices/_notice.html", {"n": notice})
    return redirect("notices:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    return redirect("notices:inbox")
