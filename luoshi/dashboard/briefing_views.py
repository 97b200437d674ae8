"""The archive of weekly 督办简报: list, generate now, download. Thin: the work is in ``briefings``."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.core.errors import DomainError
from luoshi.dashboard import briefings
from luoshi.dashboard.models import Briefing
from luoshi.org.models import User

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILENAMES = {"docx": briefings.docx_filename, "xlsx": briefings.xlsx_filename}


def _reader(request) -> None:
    if not briefings.can_read(request.user):
        raise PermissionDenied


@login_required
def archive(request):
    _reader(request)
    rows = Briefing.objects.select_related("generated_by").prefetch_related(
        Prefetch("recipients", queryset=User.objects.order_by("full_name", "username"))
    )
    this_week = briefings.week_of(timezone.localdate())
    context = {
        "page": Paginator(rows, 20).get_page(request.GET.get("page")),
        "can_generate": briefings.can_generate(request.user),
        "this_week_done": Briefing.objects.filter(week_start=this_week).exists(),
        "this_week_title": briefings.title_of(this_week),
    }
    return render(request, "dashboard/briefings.html", context)


@login_required
@require_POST
def generate_now(request):
    """Generate (again) this week's briefing and tell whoever has not been told yet."""
    if not briefings.can_generate(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        briefing = briefings.generate(request.user, briefings.week_of(today), today=today)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dashboard:briefings")
    told = briefings.send(briefing)
    note = f"，已通知{told}人" if told else ""
    messages.success(request, f"已生成{briefing.title}{note}。")
    return redirect("dashboard:briefings")


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition naming the download in Chinese (RFC 6266), with an ASCII name for old clients.

    >>> attachment("督办简报.docx", "briefing.docx")
    'attachment; filename="briefing.docx"; filename*=UTF-8\\'\\'%E7%9D%A3%E5%8A%9E%E7%AE%80%E6%8A%A5.docx'
    """
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@login_required
def download(request, briefing_id: int, kind: str):
    _reader(request)
    if kind not in CONTENT_TYPES:
        raise Http404
    briefing = get_object_or_404(Briefing, pk=briefing_id)
    file = getattr(briefing, kind)
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("简报文件已丢失，请重新生成该周简报。") from None
    year, number, _ = briefing.week_start.isocalendar()
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = attachment(FILENAMES[kind](briefing), f"briefing-{year}-W{number:02d}.{kind}")
    return response
