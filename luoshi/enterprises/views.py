"""Pages of the enterprise registry and service desk. Thin: forms in, services and queries out."""

from __future__ import annotations

import io

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from luoshi.cases import services as case_services
from luoshi.cases.choices import CaseSource, CaseState
from luoshi.cases.queries import visible_cases
from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError, NotPermitted
from luoshi.core.forms import add_domain_error
from luoshi.enterprises import charts, queries, services
from luoshi.enterprises.choices import FigureSource, VisitStatus
from luoshi.enterprises.forms import (
    AssignForm,
    CaseForm,
    EnterpriseFilterForm,
    FiguresForm,
    PlanVisitForm,
    RecordVisitForm,
    industry_options,
)
from luoshi.enterprises.models import CommissionerAssignment, Enterprise, Visit
from luoshi.org import permissions
from luoshi.org.choices import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OVERSEERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
OPEN_STATES = [s for s in CaseState.values if s not in (CaseState.RESOLVED, CaseState.FOLLOWED_UP)]
SIZES = queries.SIZES

# plotly.js injects its own <style> rules when it draws; pages with charts allow inline styles
# (never inline scripts), every other page keeps the strict policy.
charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})


def _filters(request) -> tuple[EnterpriseFilterForm, dict]:
    form = EnterpriseFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _current_assignments():
    return Prefetch(
        "assignments",
        queryset=CommissionerAssignment.objects.filter(ended_on__isnull=True).select_related("commissioner"),
        to_attr="current_assignments",
    )


def _only_own_enterprise(user) -> bool:
    """An enterprise's own account, with no government role that opens the directory."""
    return permissions.allowed(user, (Role.ENTERPRISE_USER,)) and not permissions.allowed(
        user, (*queries.REGISTRY_READERS, Role.COMMISSIONER)
    )


# --- directory -----------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    user = request.user
    if not queries.can_browse(user):
        raise PermissionDenied
    if _only_own_enterprise(user):
        own = list(queries.visible_enterprises(user).values_list("pk", flat=True)[:2])
        if len(own) == 1:
            return redirect("enterprises:detail", own[0])
    form, data = _filters(request)
    rows = queries.search(user, data)
    totals = queries.totals(user, data)
    paginator = Paginator(rows.prefetch_related("tags", _current_assignments()), 50)
    paginator.count = totals["total"]  # counted just now with the totals: no second pass over the rows
    page = paginator.get_page(request.GET.get("page"))
    counts = [("企业", totals["total"]), ("规上企业", totals["above"])]
    counts += [(f"{size}企业", totals[f"size{i}"]) for i, size in enumerate(SIZES)]
    context = {
        "form": form,
        "page": page,
        "counts": counts,
        "query": _without_page(request),
        "industries": industry_options(),
        "can_register": permissions.allowed(user, services.REGISTRARS),
    }
    template = "enterprises/_rows.html" if request.htmx and not request.htmx.boosted else "enterprises/list.html"
    return render(request, template, context)


EXPORT_COLUMNS = [
    ("企业名称", 36),
    ("统一社会信用代码", 22),
    ("行业代码", 10),
    ("行业", 24),
    ("所在镇街", 14),
    ("产业链", 14),
    ("标签", 24),
    ("企业规模", 10),
    ("规上企业", 10),
    ("服务专员", 12),
    ("成立日期", 12),
    ("注册资本（万元）", 16),
    ("法定代表人", 12),
    ("地址", 36),
]


@login_required
def enterprise_export(request):
    user = request.user
    if not queries.can_browse(user):
        raise PermissionDenied
    _, data = _filters(request)
    rows = queries.search(user, data).prefetch_related("tags", _current_assignments()).iterator(chunk_size=2000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名录")
    for idx, (_, width) in enumerate(EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name, _ in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F2F4")
        header.append(cell)
    ws.append(header)
    for e in rows:
        founded = None
        if e.founded_on:
            founded = WriteOnlyCell(ws, value=e.founded_on)
            founded.number_format = "yyyy-mm-dd"
        ws.append(
            [
                e.name,
                e.uscc,
                e.industry_code,
                e.industry_name or None,
                e.town.display_name if e.town_id else None,
                e.chain.name if e.chain_id else None,
                "、".join(t.name for t in e.tags.all()) or None,
                e.size_class or "未划型",
                "是" if e.above_scale else "否",
                "、".join(str(a.commissioner) for a in e.current_assignments) or None,
                founded,
                e.registered_capital,
                e.legal_representative or None,
                e.address or None,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="enterprises-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- the 360° page ------------------------------------------------------------------------


def _is_own(user, enterprise: Enterprise) -> bool:
    return bool(enterprise.unit_id) and permissions.allowed(user, (Role.ENTERPRISE_USER,), enterprise.unit)


def _may_record(user, visit: Visit) -> bool:
    # The service's rule: the visitor himself, or a registrar.
    return visit.commissioner_id == user.pk or permissions.allowed(user, services.REGISTRARS)


def _pick(bound: dict, name: str, allowed: bool, blank):
    if name in bound:
        return bound[name]
    return blank() if allowed else None


def _detail(request, enterprise: Enterprise, *, status: int = 200, **bound):
    """The 360° page; ``bound`` replaces a blank form with one that failed, shown with its errors."""
    user = request.user
    may_register = permissions.allowed(user, services.REGISTRARS, enterprise.town)
    is_commissioner = services.is_commissioner_of(user, enterprise)
    may_edit = services.can_edit(user, enterprise)
    figures = sorted(enterprise.figures.all(), key=lambda f: f.year, reverse=True)
    visits = list(
        enterprise.visits.select_related("commissioner")
        .annotate(day=Coalesce("visited_on", "planned_on"))
        .order_by("-day", "-id")
    )
    failed_visit = bound.get("record_visit")
    record_forms = {
        v.pk: failed_visit[1] if failed_visit and failed_visit[0] == v.pk else RecordVisitForm(prefix=f"visit{v.pk}")
        for v in visits
        if v.status == VisitStatus.PLANNED and _may_record(user, v)
    }
    may_submit = is_commissioner or _is_own(user, enterprise)
    context = {
        "enterprise": enterprise,
        "tags": list(enterprise.tags.all()),
        "figures": figures,
        "chart": charts.figures_chart(figures),
        "current": queries.current_commissioner(enterprise),
        "assignments": enterprise.assignments.select_related("commissioner", "assigned_by"),
        "visits": [(v, record_forms.get(v.pk)) for v in visits],
        "cases": visible_cases(user).filter(enterprise=enterprise).select_related("case_type", "unit"),
        "history": changes_of(enterprise),
        "figures_form": _pick(bound, "figures", may_edit, lambda: FiguresForm(may_verify=may_register)),
        "assign_form": _pick(bound, "assign", may_register, AssignForm),
        "plan_form": _pick(bound, "plan", is_commissioner or may_register, PlanVisitForm),
        "case_form": _pick(bound, "case", may_submit, CaseForm),
    }
    return render(request, "enterprises/detail.html", context, status=status)


@login_required
@charts_allowed
def enterprise_detail(request, enterprise_id: int):
    return _detail(request, queries.enterprise_detail(request.user, enterprise_id))


@login_required
@require_POST
@charts_allowed
def record_figures(request, enterprise_id: int):
    user = request.user
    enterprise = queries.enterprise_detail(user, enterprise_id)
    if not services.can_edit(user, enterprise):
        raise NotPermitted("您没有维护该企业数据的权限。")
    may_verify = permissions.allowed(user, services.REGISTRARS, enterprise.town)
    form = FiguresForm(request.POST, may_verify=may_verify)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.record_figures(
                user,
                enterprise,
                year=data["year"],
                source=data.get("source") or FigureSource.SELF,
                verified=bool(data.get("verified")),
                **form.figures(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{row.year}年数据已保存，企业规模和规上认定已重新计算。")
            return redirect("enterprises:detail", enterprise.pk)
    return _detail(request, enterprise, status=400, figures=form)


@login_required
@require_POST
@charts_allowed
def assign_commissioner(request, enterprise_id: int):
    user = request.user
    enterprise = queries.enterprise_detail(user, enterprise_id)
    permissions.require(user, services.REGISTRARS, enterprise.town, action="分配服务专员")
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.assign_commissioner(
                user, enterprise, form.cleaned_data["commissioner"], reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"服务专员已调整为{assignment.commissioner}。")
            return redirect("enterprises:detail", enterprise.pk)
    return _detail(request, enterprise, status=400, assign=form)


@login_required
@require_POST
@charts_allowed
def plan_visit(request, enterprise_id: int):
    user = request.user
    enterprise = queries.enterprise_detail(user, enterprise_id)
    if not (
        services.is_commissioner_of(user, enterprise) or permissions.allowed(user, services.REGISTRARS, enterprise.town)
    ):
        raise NotPermitted("只有该企业的服务专员可以安排走访。")
    form = PlanVisitForm(request.POST)
    if form.is_valid():
        try:
            visit = services.plan_visit(user, enterprise, **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已安排{visit.planned_on:%Y-%m-%d}走访。")
            return redirect("enterprises:detail", enterprise.pk)
    return _detail(request, enterprise, status=400, plan=form)


@login_required
@require_POST
@charts_allowed
def record_visit(request, visit_id: int):
    user = request.user
    visit = get_object_or_404(Visit, pk=visit_id)
    enterprise = queries.enterprise_detail(user, visit.enterprise_id)
    if not _may_record(user, visit):
        raise NotPermitted("只有走访人可以登记走访情况。")
    form = RecordVisitForm(request.POST, prefix=f"visit{visit.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_visit(
                user,
                visit,
                visited_on=data["visited_on"],
                findings=data["findings"],
                visitors=data["visitors"],
                demands=data["demands"],
            )
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            add_domain_error(form, exc)
        else:
            raised = len(data["demands"])
            messages.success(request, "走访情况已登记" + (f"，{raised}项诉求已提交受理。" if raised else "。"))
            return redirect("enterprises:detail", enterprise.pk)
    return _detail(request, enterprise, status=400, record_visit=(visit.pk, form))


@login_required
@require_POST
@charts_allowed
def submit_case(request, enterprise_id: int):
    user = request.user
    enterprise = queries.enterprise_detail(user, enterprise_id)
    is_commissioner = services.is_commissioner_of(user, enterprise)
    if not (is_commissioner or _is_own(user, enterprise)):
        raise NotPermitted("只有本企业或其服务专员可以在此提交诉求。")
    form = CaseForm(request.POST)
    if form.is_valid():
        try:
            case = case_services.submit_case(
                user,
                source=CaseSource.COMMISSIONER if is_commissioner else CaseSource.ONLINE,
                enterprise=enterprise,
                **form.cleaned_data,
            )
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, f"诉求已提交，编号{case.number}，等待受理。")
            return redirect("enterprises:detail", enterprise.pk)
    return _detail(request, enterprise, status=400, case=form)


# --- commissioner workbench and coverage ---------------------------------------------------


@login_required
def workbench(request):
    user = request.user
    is_commissioner = permissions.allowed(user, (Role.COMMISSIONER,))
    oversees = permissions.allowed(user, OVERSEERS)
    if not (is_commissioner or oversees):
        raise PermissionDenied
    context = {"is_commissioner": is_commissioner, "oversees": oversees}
    if is_commissioner:
        served = queries.served_by(user)
        context["served"] = (
            served.select_related("town")
            .annotate(
                last_visit=Max("visits__visited_on", filter=Q(visits__status=VisitStatus.DONE)),
                open_cases=Count("cases", filter=Q(cases__state__in=OPEN_STATES), distinct=True),
            )
            .order_by("name", "id")
        )
        context["planned"] = (
            Visit.objects.filter(commissioner=user, status=VisitStatus.PLANNED)
            .select_related("enterprise")
            .order_by("planned_on", "id")
        )
        context["follow_ups"] = (
            visible_cases(user)
            .filter(enterprise__in=served.values("pk"), state=CaseState.RESOLVED)
            .select_related("case_type", "enterprise", "unit")
            .order_by("resolved_at", "id")
        )
        context["today"] = timezone.localdate()
    if oversees:
        context["workload"] = queries.workload()
        serving = CommissionerAssignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
        context["unassigned"] = Enterprise.objects.filter(~Exists(serving)).count()
    return render(request, "enterprises/workbench.html", context)


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


@login_required
@charts_allowed
def coverage(request):
    if not permissions.allowed(request.user, OVERSEERS):
        raise PermissionDenied
    year = _year(request)
    by_town = queries.visit_coverage(year, by="town")
    by_commissioner = queries.visit_coverage(year, by="commissioner")
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "by_town": by_town,
        "by_commissioner": by_commissioner,
        "town_chart": charts.coverage_chart(by_town, f"{year}年各镇街走访覆盖率"),
        "commissioner_chart": charts.coverage_chart(by_commissioner, f"{year}年各服务专员走访覆盖率"),
    }
    return render(request, "enterprises/coverage.html", context)
