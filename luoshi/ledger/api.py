"""/api/v1/ledger: tasks, reports, indicators and scorecards, scoped by the caller's roles and units."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.ledger import queries, services
from luoshi.ledger.forms import TaskFilterForm
from luoshi.ledger.models import ProgressReport, Source
from luoshi.ledger.schemas import (
    IndicatorOut,
    IndicatorValueIn,
    IndicatorValueOut,
    ReportIn,
    ReportOut,
    ReviewIn,
    ScoreOut,
    TaskIn,
    TaskOut,
    TaskPage,
)
from luoshi.org import permissions
from luoshi.org.models import Unit

router = Router(tags=["督办台账"])


def _require_ledger(user) -> None:
    if not queries.can_use_ledger(user):
        raise NotPermitted("您没有使用督办台账的权限。")


@router.get(
    "/tasks",
    response=TaskPage,
    summary="任务列表",
    description="筛选条件与台账页面相同：q unit status colour area source due_from due_to open_only top_only",
)
def list_tasks(request, page: int = 1):
    _require_ledger(request.auth)
    form = TaskFilterForm(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(f"筛选条件有误：{errors[0]}", field=field)
    paginator = Paginator(queries.ledger_rows(request.auth, form.cleaned_data), 100)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages, "results": list(current)}


@router.get("/tasks/{task_id}", response=TaskOut, summary="任务详情")
def get_task(request, task_id: int):
    return queries.task_detail(request.auth, task_id)


@router.post("/tasks", response={201: TaskOut}, summary="交办任务（督查员）")
def create_task(request, payload: TaskIn):
    lead = Unit.objects.filter(pk=payload.lead_unit_id).first()
    if lead is None:
        raise ValidationFailed("牵头单位不存在。", field="lead_unit_id")
    if payload.due_date is None and payload.due_workdays is None:
        raise ValidationFailed("请提供 due_date 或 due_workdays。", field="due_date")
    parent = queries.visible_task(request.auth, payload.parent_id) if payload.parent_id else None
    task = services.create_task(
        request.auth,
        title=payload.title,
        lead_unit=lead,
        start_date=payload.start_date,
        due_date=payload.due_date,
        due_workdays=None if payload.due_date else payload.due_workdays,
        co_units=Unit.objects.filter(pk__in=payload.co_unit_ids),
        parent=parent,
        source=Source.objects.filter(pk=payload.source_id).first() if payload.source_id else None,
        cadence=payload.cadence,
        priority=payload.priority,
        areas=payload.areas,
        code=payload.code,
        description=payload.description,
    )
    return Status(201, queries.task_detail(request.auth, task.pk))


@router.get("/tasks/{task_id}/reports", response=list[ReportOut], summary="任务的进展报告")
def task_reports(request, task_id: int):
    return list(queries.task_reports(queries.visible_task(request.auth, task_id)))


@router.post(
    "/tasks/{task_id}/reports", response={201: ReportOut}, summary="报送进展（请带 Idempotency-Key 头，重试不会重复）"
)
def submit_report(request, task_id: int, payload: ReportIn):
    task = queries.visible_task(request.auth, task_id)
    unit = Unit.objects.filter(pk=payload.unit_id).first() if payload.unit_id else None
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 40:
        raise ValidationFailed("Idempotency-Key 不能超过40个字符。", field="Idempotency-Key")
    report = services.submit_report(
        request.auth,
        task,
        text=payload.text,
        percent=payload.percent,
        problems=payload.problems,
        unit=unit,
        idempotency_key=f"api:{request.auth.pk}:{key}" if key else None,
    )
    return Status(201, report)


@router.post("/reports/{report_id}/review", response=ReportOut, summary="审核进展报告（督查员）")
def review_report(request, report_id: int, payload: ReviewIn):
    report = get_object_or_404(ProgressReport, pk=report_id)
    queries.visible_task(request.auth, report.task_id)
    return services.review_report(request.auth, report, accept=payload.accept, note=payload.note)


@router.get("/indicators", response=list[IndicatorOut], summary="指标")
def list_indicators(request):
    _require_ledger(request.auth)
    return list(queries.visible_indicators(request.auth))


@router.get("/indicators/{indicator_id}", response=IndicatorOut, summary="指标详情")
def get_indicator(request, indicator_id: int):
    return queries.indicator_detail(request.auth, indicator_id)


@router.post("/indicators/{indicator_id}/values", response=IndicatorValueOut, summary="录入或更正一期指标值")
def record_value(request, indicator_id: int, payload: IndicatorValueIn):
    indicator = queries.indicator_detail(request.auth, indicator_id)
    return services.record_indicator_value(request.auth, indicator, **payload.dict())


@router.get("/scorecard", response=list[ScoreOut], summary="单位考核得分与排名（按季度）")
def scorecard(request, year: int, quarter: int):
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise ValidationFailed("季度应为1—4，年份应在2000—2100之间。", field="quarter")
    if not permissions.allowed(request.auth, queries.SCORECARD_READERS):
        raise NotPermitted("只有区领导、督查员可以查看考核得分。")
    start, end = queries.quarter_bounds(date(year, 3 * quarter - 2, 1))
    return queries.scorecard(request.auth, start, end)
