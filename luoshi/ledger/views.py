"""Pages of the supervision ledger. Thin: forms in, services and queries out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.core.forms import add_domain_error
from luoshi.core.paging import PAGE_SIZES, page_size
from luoshi.core.uploads import read_document
from luoshi.ledger import charts, excel, intake, queries, services
from luoshi.ledger.forms import (
    DraftIndicatorFormSet,
    DraftProjectFormSet,
    DraftTaskFormSet,
    EvaluationForm,
    ImportForm,
    IndicatorValueForm,
    IntakeForm,
    MilestoneDoneForm,
    MilestoneForm,
    ReportForm,
    ReviewForm,
    TaskFilterForm,
    TaskForm,
)
from luoshi.ledger.models import Milestone, ProgressReport, SupervisionNotice
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.tracking import timeline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# plotly.js injects its own <style> rules when it draws; pages with charts allow inline
# styles (never inline scripts), every other page keeps the strict policy.
charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})


def _ledger_user(request) -> None:
    if not queries.can_use_ledger(request.user):
        raise PermissionDenied


def _filters(request) -> tuple[TaskFilterForm, dict]:
    form = TaskFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _offered(request, form: TaskFilterForm, data: dict) -> TaskFilterForm:
    form.offer(queries.filter_choices(request.user, data.get("unit")))
    return form


def _without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def task_list(request):
    _ledger_user(request)
    form, data = _filters(request)
    size = page_size(request)
    listing = queries.ledger_page(request.user, data, request.GET.get("page"), size)
    context = {
        "page": listing.page,
        "counts": listing.counts,
        "query": _without(request, "page"),
        "size": size,
        "sizes": PAGE_SIZES,
        "query_unsized": _without(request, "page", "size"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "ledger/_task_rows.html", context)
    context["form"] = _offered(request, form, data)
    context["can_steer"] = permissions.allowed(request.user, services.STEERING)
    return render(request, "ledger/task_list.html", context)


@login_required
def task_export(request):
    _ledger_user(request)
    _, data = _filters(request)
    content = excel.export_tasks(queries.ledger_rows(request.user, data))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# The task page shows the latest ten reports, timeline events and changes (about a season of a
# monthly task); "显示全部记录" (?all=1) shows everything. Each row shown costs about 0.1 ms.
SHOWN_ROWS = 10
SHOWN_HISTORY = 10


@dataclass
class _Latest:
    rows: list
    hidden: int  # how many more there are


def _latest(qs, everything: bool) -> _Latest:
    if everything:
        return _Latest(list(qs), 0)
    # Each row carries the total (COUNT(*) OVER (), computed before the LIMIT): no second query.
    rows = list(qs.annotate(total_rows=Window(Count("*")))[:SHOWN_ROWS])
    return _Latest(rows, rows[0].total_rows - len(rows) if rows else 0)


@login_required
def task_detail(request, task_id: int):
    task = queries.task_detail(request.user, task_id)
    shown = queries.task_page(task)
    user = request.user
    reporting_units = services.reporting_units(user, task) if task.is_open else []
    # A busy task has hundreds of reports and events: the page shows the latest, ?all=1 shows everything.
    everything = request.GET.get("all") == "1"
    reports = _latest(queries.task_reports(task), everything)
    queries.with_files(reports.rows)
    events = _latest(timeline.events_of(task).order_by("-at", "-id"), everything)
    events.rows.reverse()  # oldest first, as a timeline reads
    context = {
        "task": task,
        "milestones": shown.milestones,
        "children": shown.children,
        "notices": shown.notices,
        "evaluation": shown.evaluation,
        "reports": reports.rows,
        "reports_hidden": reports.hidden,
        "events": events.rows,
        "events_hidden": events.hidden,
        "history": changes_of(task, limit=100 if everything else SHOWN_HISTORY),
        "links": shown.links,
        "can_report": bool(reporting_units),
        "report_form": ReportForm(units=reporting_units) if reporting_units else None,
        "can_steer": permissions.allowed(user, services.STEERING, task.lead_unit),
        "can_review": permissions.allowed(user, (Role.SUPERVISOR,), task.lead_unit),
        "can_evaluate": permissions.allowed(user, services.EVALUATORS, task.lead_unit),
        "can_milestone": services.can_manage_milestones(user, task),
        "today": timezone.localdate(),
    }
    return render(request, "ledger/task_detail.html", context)


@login_required
def task_create(request):
    _ledger_user(request)
    if not permissions.allowed(request.user, services.STEERING):
        raise PermissionDenied
    form = TaskForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.create_task(
                request.user,
                title=data["title"],
                code=data["code"],
                description=data["description"],
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                source=data["source"],
                start_date=data["start_date"],
                due_date=data["due_date"],
                due_workdays=None if data["due_date"] else data["due_workdays"],
                cadence=data["cadence"],
                priority=data["priority"],
                areas=data["areas"].replace("，", "、").split("、"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"任务已交办给{task.lead_unit.display_name}。")
            return redirect("ledger:task", task.pk)
    return render(request, "ledger/task_form.html", {"form": form})


@login_required
@require_POST
def report_submit(request, task_id: int):
    task = queries.visible_task(request.user, task_id)
    units = services.reporting_units(request.user, task)
    form = ReportForm(request.POST, request.FILES, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_report(
                request.user,
                task,
                text=data["text"],
                problems=data["problems"],
                percent=data["percent"],
                unit=data["unit"],
                files=request.FILES.getlist("files"),
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}",
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "进展已报送，等待督查室审核。")
            return redirect("ledger:task", task.pk)
    return render(request, "ledger/report_form.html", {"task": task, "form": form}, status=400)


@login_required
@require_POST
def report_review(request, report_id: int):
    report = get_object_or_404(ProgressReport.objects.select_related("task"), pk=report_id)
    queries.visible_task(request.user, report.task_id)  # the reviewer must see the task at all
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择采纳或退回。")
    else:
        try:
            services.review_report(
                request.user, report, accept=form.cleaned_data["decision"] == "accept", note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "审核意见已保存。")
    if request.POST.get("next") == "queue":
        return redirect("ledger:review_queue")
    return redirect("ledger:task", report.task_id)


@login_required
@require_POST
def milestone_add(request, task_id: int):
    task = queries.visible_task(request.user, task_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(request.user, task, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "里程碑已设置。")
    else:
        messages.error(request, "请填写里程碑名称和计划完成日期。")
    return redirect("ledger:task", task.pk)


@login_required
@require_POST
def milestone_done(request, milestone_id: int):
    milestone = get_object_or_404(Milestone, pk=milestone_id)
    queries.visible_task(request.user, milestone.task_id)
    form = MilestoneDoneForm(request.POST)
    if form.is_valid():
        try:
            services.complete_milestone(request.user, milestone, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"里程碑“{milestone.title}”已完成。")
    else:
        messages.error(request, "请填写完成日期和完成佐证。")
    return redirect("ledger:task", milestone.task_id)


@login_required
@require_POST
def task_evaluate(request, task_id: int):
    task = queries.visible_task(request.user, task_id)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.evaluate_task(request.user, task, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "评价已保存。")
    else:
        messages.error(request, "评分应为0到100之间的数。")
    return redirect("ledger:task", task.pk)


@login_required
@require_POST
def task_close(request, task_id: int):
    task = queries.visible_task(request.user, task_id)
    try:
        services.close_task(request.user, task, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "任务已销号。")
    return redirect("ledger:task", task.pk)


@login_required
def supervision_notice(request, notice_id: int):
    notice = get_object_or_404(SupervisionNotice, pk=notice_id)
    queries.visible_task(request.user, notice.task_id)
    return FileResponse(notice.file.open("rb"), as_attachment=True, filename=f"督办单-{notice.number}.docx")


@login_required
def reporter_inbox(request):
    _ledger_user(request)
    return render(request, "ledger/inbox.html", {"inbox": queries.reporter_inbox(request.user)})


@login_required
def review_queue(request):
    if not permissions.allowed(request.user, (Role.SUPERVISOR,)):
        raise PermissionDenied
    page = Paginator(queries.review_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "ledger/review_queue.html", {"page": page, "review_form": ReviewForm()})


SCORECARD_PAGE = 100


def _quarter(request) -> tuple[date, date, str]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("q", (today.month - 1) // 3 + 1))
        if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    start, end = queries.quarter_bounds(date(year, 3 * quarter - 2, 1))
    return start, end, f"{year}年第{quarter}季度"


@login_required
@charts_allowed
def scorecard(request):
    if not permissions.allowed(request.user, queries.SCORECARD_READERS):
        raise PermissionDenied
    start, end, label = _quarter(request)
    scores = queries.scorecard(request.user, start, end)
    current = (start.year, (start.month + 2) // 3)
    quarters = [
        {"url": f"?year={y}&q={q}", "label": f"{y}年第{q}季度", "selected": (y, q) == current}
        for y in (start.year - 1, start.year, start.year + 1)
        for q in (1, 2, 3, 4)
    ]
    # Every unit is scored and ranked; the table shows a page of the ranking at a time (a
    # municipality ranks thousands of units).
    page = Paginator(scores, SCORECARD_PAGE).get_page(request.GET.get("page"))
    context = {
        "scores": page,
        "page": page,
        "query": _without(request, "page"),
        "label": label,
        "start": start,
        "end": end,
        "quarters": quarters,
        "chart": charts.scorecard_chart(scores),
    }
    return render(request, "ledger/scorecard.html", context)


@login_required
def indicator_list(request):
    _ledger_user(request)
    indicators = list(queries.visible_indicators(request.user))
    today = timezone.localdate()
    rows = [(i, charts.indicator_progress(i, today)) for i in indicators]
    return render(request, "ledger/indicator_list.html", {"rows": rows})


@login_required
@charts_allowed
def indicator_detail(request, indicator_id: int):
    indicator = queries.indicator_detail(request.user, indicator_id)
    form = IndicatorValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_indicator_value(request.user, indicator, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "指标值已保存。")
            return redirect("ledger:indicator", indicator.pk)
    today = timezone.localdate()
    context = {
        "indicator": indicator,
        "values": indicator.values.select_related("entered_by").order_by("period_end"),
        "progress": charts.indicator_progress(indicator, today),
        "chart": charts.indicator_chart(indicator, today),
        "form": form,
        "can_enter": services.can_enter_indicator(request.user, indicator),
        "history": changes_of(indicator),
    }
    return render(request, "ledger/indicator_detail.html", context)


@login_required
def import_ledger(request):
    if not permissions.allowed(request.user, services.STEERING):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(excel.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_ledger(request.user, form.cleaned_data["file"], source=form.cleaned_data["source"])
        if result.ok:
            messages.success(request, f"已导入 {result.created} 项任务。")
            return redirect("ledger:tasks")
        if result.error_workbook:
            # Kept in storage under a random name that only this session knows.
            name = default_storage.save(
                f"ledger/import-errors/{uuid.uuid4().hex}.xlsx", ContentFile(result.error_workbook)
            )
            request.session["ledger_import_errors"] = name
    return render(request, "ledger/import.html", {"form": form, "result": result})


@login_required
def import_errors(request):
    name = request.session.get("ledger_import_errors")
    if not name or not default_storage.exists(name):
        raise PermissionDenied
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, filename="台账导入错误报告.xlsx")


# --- intake: read a document, edit the draft, confirm -------------------------------------------------


@login_required
def intake_page(request):
    """Paste or upload → every finding highlighted beside an editable draft → confirm creates it."""
    _ledger_user(request)
    if not permissions.allowed(request.user, services.STEERING):
        raise PermissionDenied
    step = request.POST.get("step", "")
    form = IntakeForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = read_document(data["file"]) if data.get("file") else data["text"]
            draft = intake.propose(text, year=data["held_on"].year)
        except DomainError as exc:
            add_domain_error(form, exc)
            return render(request, "ledger/intake.html", context, status=400)
        if step == "confirm":
            tasks = DraftTaskFormSet(request.POST, prefix="tasks")
            indicators = DraftIndicatorFormSet(request.POST, prefix="indicators")
            projects = DraftProjectFormSet(request.POST, prefix="projects")
            if tasks.is_valid() and indicators.is_valid() and projects.is_valid():
                try:
                    source = intake.confirm(
                        request.user,
                        title=data["title"],
                        held_on=data["held_on"],
                        kind=data["kind"],
                        text=text,
                        tasks=[row for row in tasks.cleaned_data if row.get("include")],
                        indicators=[row for row in indicators.cleaned_data if row.get("include")],
                        projects=[row for row in projects.cleaned_data if row.get("include")],
                    )
                except DomainError as exc:
                    messages.error(request, exc.message)
                else:
                    made = source.tasks.count()
                    messages.success(request, f"已从“{source.title}”创建任务{made}项。")
                    return redirect(f"{reverse('ledger:tasks')}?source={source.pk}")
        else:
            tasks = DraftTaskFormSet(
                prefix="tasks",
                initial=[
                    {
                        "ref": t.ref,
                        "parent": t.parent,
                        "key": t.key,
                        "title": t.title,
                        "lead_unit": t.unit,
                        "include": True,
                    }
                    for t in draft.tasks
                ],
            )
            indicators = DraftIndicatorFormSet(
                prefix="indicators",
                initial=[
                    {
                        "name": i.name,
                        "target": i.target,
                        "measure": i.measure,
                        "target_kind": i.kind,
                        "year": i.year,
                        "owner_unit": i.unit,
                        "include": True,
                    }
                    for i in draft.indicators
                ],
            )
            projects = DraftProjectFormSet(
                prefix="projects",
                initial=[
                    {"name": p.name, "project_type": p.kind, "lead_unit": p.unit, "include": not p.known}
                    for p in draft.projects
                ],
            )
        kinds = list(intake.KINDS.items())
        context.update(
            {
                "draft": draft,
                "tasks": tasks,
                "indicators": indicators,
                "projects": projects,
                "text": text,
                "kinds": kinds,
            }
        )
        return render(request, "ledger/intake.html", context, status=400 if step == "confirm" else 200)
    return render(request, "ledger/intake.html", context, status=400 if request.method == "POST" else 200)
