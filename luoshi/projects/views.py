"""Pages of the key projects, the reserve pool and the funds sought. Thin: forms in, services and queries out."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.cases.services import DISPATCH_ROLES
from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.core.forms import add_domain_error
from luoshi.enterprises.models import Enterprise
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit
from luoshi.projects import charts, excel, queries, services
from luoshi.projects.choices import ProblemState
from luoshi.projects.forms import (
    ApproveForm,
    EscalateForm,
    FundFilterForm,
    FundForm,
    ImportForm,
    MilestoneDoneForm,
    MilestoneForm,
    PhotoForm,
    PlanForm,
    ProblemForm,
    ProjectFilterForm,
    ProjectForm,
    ReceiptForm,
    RejectForm,
    ReopenForm,
    ReportForm,
    ResolveForm,
    StageForm,
    TargetForm,
    WithdrawForm,
)
from luoshi.projects.models import Photo, Problem, ProjectMilestone
from luoshi.tracking import timeline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# plotly.js injects its own <style> rules when it draws; pages with charts allow inline
# styles (never inline scripts), every other page keeps the strict policy.
charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})


def _projects_user(request) -> None:
    if not queries.can_use_projects(request.user):
        raise PermissionDenied


def _filters(request, form_class=ProjectFilterForm) -> tuple:
    form = form_class(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _year(request, default: int) -> int:
    """The ``year`` asked for in the query string, or ``default`` when it is missing or not a sensible year."""
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _act(request, call: Callable[[], object], success: str) -> bool:
    """Run a service call from a POST; its refusal becomes a message on the page it returns to."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _form_errors(form) -> str:
    errors = [str(e) for e in form.non_field_errors()]
    errors += [f"{form[name].label}：{e}" for name, errs in form.errors.items() if name != "__all__" for e in errs]
    return "；".join(errors) or "请检查填写的内容。"


# --- lists and boards ----------------------------------------------------------------------


@login_required
def project_list(request):
    _projects_user(request)
    form, data = _filters(request)
    rows = queries.project_rows(request.user, data)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    filtered = queries.filter_projects(queries.visible_projects(request.user), data)
    context = {
        "form": form,
        "page": page,
        "counts": queries.status_counts(filtered),
        "totals": queries.totals(filtered),
        "owed": queries.owed_reports(request.user),
        "query": _without_page(request),
        "can_steer": permissions.allowed(request.user, services.STEERING),
        "can_propose": permissions.allowed(request.user, (*services.STEERING, Role.UNIT_REPORTER)),
        "year": timezone.localdate().year,
    }
    template = "projects/_rows.html" if request.htmx and not request.htmx.boosted else "projects/list.html"
    return render(request, template, context)


@login_required
def project_export(request):
    _projects_user(request)
    _, data = _filters(request)
    content = excel.export_projects(queries.project_rows(request.user, data), year=timezone.localdate().year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="projects-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def board(request):
    _projects_user(request)
    form, data = _filters(request)
    return render(
        request,
        "projects/board.html",
        {"form": form, "columns": queries.board(request.user, data), "query": _without_page(request)},
    )


@login_required
@charts_allowed
def reserve(request):
    _projects_user(request)
    form, data = _filters(request)
    year = timezone.localdate().year
    movement = queries.pool_movement(request.user, year)
    context = {
        "form": form,
        "columns": queries.pool_board(request.user, data),
        "totals": queries.totals(queries.pool_rows(request.user, data)),
        "chart": charts.pool_chart(movement, year),
        "movement": movement,
        "year": year,
        "can_propose": permissions.allowed(request.user, (*services.STEERING, Role.UNIT_REPORTER)),
    }
    return render(request, "projects/reserve.html", context)


# --- one project ---------------------------------------------------------------------------


@login_required
@charts_allowed
def project_detail(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    user = request.user
    today = timezone.localdate()
    year = _year(request, today.year)
    rows = queries.monthly_series(project, year, today)
    months = queries.reportable_months(project, today) if services.is_lead_reporter(user, project) else []
    can_steer = services.may_steer(user, project)
    context = {
        "project": project,
        "today": today,
        "year": year,
        "this_year": today.year,
        "plan_years": sorted({p.year for p in project.plans.all()} | {today.year}),
        "rows": rows,
        "chart": charts.investment_chart(rows, year),
        "reports": queries.project_reports(project),
        "problems": project.problems.select_related("unit", "case", "raised_by"),
        "photos": project.photos.all()[:24],
        "events": timeline.events_of(project),
        "history": changes_of(project),
        "plans": project.plans.order_by("-year"),
        "reopenings": project.reopenings.filter(used_at__isnull=True),
        "funds": project.funds.select_related("applying_unit"),
        "report_form": ReportForm(months=months) if months else None,
        "can_steer": can_steer,
        "can_edit": services.may_edit(user, project),
        "can_reopen": permissions.allowed(user, (Role.SUPERVISOR,), project.lead_unit),
        "can_work": can_steer or services.is_lead_reporter(user, project),
        "can_dispatch": permissions.allowed(user, DISPATCH_ROLES, project.lead_unit),
        "stage_form": StageForm(stages=services.stages_from(project.stage)) if can_steer else None,
        "withdrawable": can_steer and project.stage in services.WITHDRAWABLE and project.withdrawn_on is None,
        "withdraw_form": WithdrawForm(),
        "plan_form": PlanForm(),
        "reopen_form": ReopenForm(),
        "milestone_form": MilestoneForm(),
        "done_form": MilestoneDoneForm(initial={"done_on": today}),
        "problem_form": ProblemForm(),
        "escalate_form": EscalateForm(),
        "resolve_form": ResolveForm(),
        "photo_form": PhotoForm(initial={"taken_on": today}),
        "open_state": ProblemState.OPEN,
    }
    return render(request, "projects/detail.html", context)


def _owner(name: str) -> dict:
    name = (name or "").strip()
    enterprise = Enterprise.objects.filter(name=name).first() if name else None
    return {"owner_enterprise": enterprise, "owner_name": "" if enterprise else name}


@login_required
def project_create(request):
    _projects_user(request)
    user = request.user
    steer = permissions.allowed(user, services.STEERING)
    if not steer and not permissions.allowed(user, (Role.UNIT_REPORTER,)):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, pool_only=not steer, initial={"stage": request.GET.get("stage", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                user,
                name=data["name"],
                code=data["code"],
                project_type=data["project_type"],
                stage=data["stage"],
                key_level=data["key_level"],
                lead_unit=data["lead_unit"],
                town=data["town"],
                total_investment=data["total_investment"],
                invested_before=data["invested_before"] or 0,
                start_date=data["start_date"],
                end_date=data["end_date"],
                maturity=data["maturity"],
                channel=data["channel"],
                description=data["description"],
                **_owner(data["owner"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"项目已登记（{project.get_stage_display()}）。")
            return redirect("projects:project", project.pk)
    return render(request, "projects/form.html", {"form": form, "title": "登记项目"})


@login_required
def project_edit(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    if not services.may_edit(request.user, project):
        raise PermissionDenied
    initial = {
        "name": project.name,
        "code": project.code,
        "project_type": project.project_type,
        "stage": project.stage,
        "key_level": project.key_level,
        "lead_unit": project.lead_unit_id,
        "owner": project.owner_display,
        "town": project.town_id,
        "total_investment": project.total_investment,
        "invested_before": project.invested_before,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "maturity": project.maturity,
        "channel": project.channel,
        "description": project.description,
    }
    form = ProjectForm(request.POST or None, initial=initial)
    form.fields["stage"].disabled = True  # the stage moves by the transition table, not by editing
    if not services.may_steer(request.user, project):
        form.fields["lead_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {key: data[key] for key in services.PROJECT_FIELDS if key in data}
        changes.update(_owner(data["owner"]))
        changes["invested_before"] = data["invested_before"] or 0
        if services.may_steer(request.user, project):
            changes["lead_unit"] = data["lead_unit"]
        try:
            services.update_project(request.user, project, **changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "项目信息已保存。")
            return redirect("projects:project", project.pk)
    return render(request, "projects/form.html", {"form": form, "title": f"修改：{project.name}", "project": project})


@login_required
@require_POST
def report_submit(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    months = queries.reportable_months(project) if services.is_lead_reporter(request.user, project) else []
    form = ReportForm(request.POST, months=months)
    if not services.is_lead_reporter(request.user, project):
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        year, month = data["period"]
        try:
            report = services.submit_report(
                request.user,
                project,
                year=year,
                month=month,
                amount=data["amount"],
                progress=data["progress"],
                problems=data["problems"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            verb = "已报送" if report.revision == 1 else "已更正"
            messages.success(request, f"{report.label}投资完成情况{verb}：{report.amount}万元。")
            return redirect("projects:project", project.pk)
    return render(request, "projects/report_form.html", {"project": project, "form": form}, status=400)


@login_required
@require_POST
def plan_set(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.set_year_plan(
                request.user, project, year=data["year"], amount=data["amount"], months=form.months(), note=data["note"]
            ),
            f"{data['year']}年投资计划已保存。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def stage_move(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = StageForm(request.POST, stages=services.stages_from(project.stage))
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.move_stage(request.user, project, stage=data["stage"], on=data["on"], note=data["note"]),
            "项目阶段已调整。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def withdraw(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.withdraw_project(request.user, project, reason=form.cleaned_data["reason"]),
            "项目已出库。",
        )
    else:
        messages.error(request, "请写明出库原因。")
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def reopen(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        year, month = form.cleaned_data["period"]
        _act(
            request,
            lambda: services.reopen_month(
                request.user, project, year=year, month=month, reason=form.cleaned_data["reason"]
            ),
            f"已开通{year}年{month}月补报，牵头单位联络员可补报一次。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def milestone_add(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.add_milestone(
                request.user,
                project,
                kind=data["kind"],
                title=data["title"],
                due_date=None if data["due_workdays"] else data["due_date"],
                due_workdays=data["due_workdays"],
            ),
            "项目节点已设置。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def milestone_done(request, milestone_id: int):
    milestone = get_object_or_404(ProjectMilestone, pk=milestone_id)
    queries.project_detail(request.user, milestone.project_id)
    form = MilestoneDoneForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.complete_milestone(request.user, milestone, **form.cleaned_data),
            f"节点“{milestone.title}”已完成。",
        )
    else:
        messages.error(request, "请填写完成日期和完成佐证。")
    return redirect("projects:project", milestone.project_id)


@login_required
@require_POST
def problem_raise(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = ProblemForm(request.POST)
    if form.is_valid():
        _act(request, lambda: services.raise_problem(request.user, project, **form.cleaned_data), "问题已登记。")
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


def _problem(request, problem_id: int) -> Problem:
    problem = get_object_or_404(Problem, pk=problem_id)
    queries.project_detail(request.user, problem.project_id)
    return problem


@login_required
@require_POST
def problem_escalate(request, problem_id: int):
    problem = _problem(request, problem_id)
    form = EscalateForm(request.POST)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        _act(
            request,
            lambda: services.escalate_problem(request.user, problem, unit=unit),
            f"问题已交{unit.display_name}办理。",
        )
    else:
        messages.error(request, "请选择交办单位。")
    return redirect("projects:project", problem.project_id)


@login_required
@require_POST
def problem_resolve(request, problem_id: int):
    problem = _problem(request, problem_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.resolve_problem(request.user, problem, resolution=form.cleaned_data["resolution"]),
            "问题已确认解决。",
        )
    else:
        messages.error(request, "请写明问题如何解决。")
    return redirect("projects:project", problem.project_id)


@login_required
@require_POST
def photos_upload(request, project_id: int):
    project = queries.project_detail(request.user, project_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.add_photos(
                request.user,
                project,
                request.FILES.getlist("files"),
                caption=data["caption"],
                taken_on=data["taken_on"],
            ),
            "照片已上传。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:project", project.pk)


@login_required
def photo(request, photo_id: int):
    item = get_object_or_404(Photo, pk=photo_id)
    queries.project_detail(request.user, item.project_id)  # only those who see the project see its photos
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件不存在。") from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Excel ---------------------------------------------------------------------------------


@login_required
def import_projects(request):
    if not permissions.allowed(request.user, services.STEERING):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(excel.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="projects-template.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_projects(request.user, form.cleaned_data["file"], year=form.cleaned_data["year"])
        if result.ok:
            messages.success(request, f"已导入：新增 {result.created} 个项目，更新 {result.updated} 个项目。")
            return redirect("projects:list")
        if result.error_workbook:
            # Kept in storage under a random name that only this session knows.
            name = default_storage.save(
                f"projects/import-errors/{uuid.uuid4().hex}.xlsx", ContentFile(result.error_workbook)
            )
            request.session["projects_import_errors"] = name
    return render(request, "projects/import.html", {"form": form, "result": result})


@login_required
def import_errors(request):
    name = request.session.get("projects_import_errors")
    if not name or not default_storage.exists(name):
        raise PermissionDenied
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, filename="项目台账导入错误报告.xlsx")


# --- funds sought from higher levels -------------------------------------------------------


def _fund_year(request) -> int:
    return _year(request, timezone.localdate().year)


def _fund_units(user):
    """Units ``user`` may register funds for: all government units for supervisors, its own for a reporter."""
    units = Unit.objects.filter(is_active=True, kind__in=["party", "government", "department", "town"])
    q = permissions.unit_q(user, (*services.STEERING, Role.UNIT_REPORTER), field="")
    return units.none() if q is None else units.filter(q)


@login_required
@charts_allowed
def funds(request):
    _projects_user(request)
    form, data = _filters(request, FundFilterForm)
    year = data.get("year") or _fund_year(request)
    summary = queries.fund_summary(request.user, year)
    rows = queries.fund_rows(request.user, {**data, "year": year})
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _without_page(request),
        "summary": summary,
        "year": year,
        "target_chart": charts.fund_target_chart(summary),
        "channel_chart": charts.fund_channel_chart(summary) if summary.by_channel else None,
        "unit_chart": charts.fund_unit_chart(summary) if summary.by_unit else None,
        "can_register": _fund_units(request.user).exists(),
        "can_target": permissions.allowed(request.user, services.STEERING),
        "target_form": TargetForm(initial={"year": year, "amount": summary.target.amount if summary.target else None}),
    }
    return render(request, "projects/funds.html", context)


@login_required
def fund_create(request):
    _projects_user(request)
    units = _fund_units(request.user)
    if not units.exists():
        raise PermissionDenied
    projects = queries.visible_projects(request.user).filter(withdrawn_on__isnull=True).order_by("name")
    form = FundForm(
        request.POST or None, units=units, projects=projects, initial={"project": request.GET.get("project")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = services.create_fund(
                request.user,
                title=data["title"],
                channel=data["channel"],
                level=data["level"],
                applying_unit=data["applying_unit"],
                project=data["project"],
                amount_applied=data["amount_applied"],
                applied_on=data["applied_on"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "争取资金事项已登记。")
            return redirect("projects:fund", fund.pk)
    return render(request, "projects/form.html", {"form": form, "title": "登记争取资金"})


@login_required
def fund_detail(request, fund_id: int):
    fund = queries.fund_detail(request.user, fund_id)
    today = timezone.localdate()
    context = {
        "fund": fund,
        "receipts": fund.receipts.select_related("recorded_by"),
        "events": timeline.events_of(fund),
        "history": changes_of(fund),
        "can_edit": services.may_edit_fund(request.user, fund.applying_unit),
        "approve_form": ApproveForm(initial={"approved_on": today, "amount_approved": fund.amount_applied}),
        "reject_form": RejectForm(),
        "receipt_form": ReceiptForm(initial={"received_on": today}),
    }
    return render(request, "projects/fund_detail.html", context)


@login_required
@require_POST
def fund_action(request, fund_id: int, action: str):
    fund = queries.fund_detail(request.user, fund_id)
    forms_by_action = {"approve": ApproveForm, "reject": RejectForm, "receipt": ReceiptForm}
    if action not in forms_by_action:
        raise Http404
    form = forms_by_action[action](request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("projects:fund", fund.pk)
    data = form.cleaned_data
    calls = {
        "approve": (lambda: services.approve_fund(request.user, fund, **data), "批复已登记。"),
        "reject": (lambda: services.reject_fund(request.user, fund, note=data["note"]), "已登记为未获支持。"),
        "receipt": (lambda: services.record_receipt(request.user, fund, **data), "资金到位已登记。"),
    }
    call, success = calls[action]
    _act(request, call, success)
    return redirect("projects:fund", fund.pk)


@login_required
@require_POST
def fund_target(request):
    form = TargetForm(request.POST)
    if form.is_valid():
        _act(request, lambda: services.set_fund_target(request.user, **form.cleaned_data), "年度目标已保存。")
        return redirect(f"{reverse('projects:funds')}?year={form.cleaned_data['year']}")
    messages.error(request, _form_errors(form))
    return redirect("projects:funds")
