"""/api/v1/projects: key projects, their monthly investment, the reserve pool and the funds sought,
scoped by the caller's roles and units like the pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.enterprises.models import Enterprise
from luoshi.org.models import Unit
from luoshi.projects import queries, services
from luoshi.projects.forms import FundFilterForm, ProjectFilterForm
from luoshi.projects.models import Problem, ProjectMilestone
from luoshi.projects.schemas import (
    ApproveIn,
    FundIn,
    FundOut,
    FundPage,
    FundSummaryOut,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneOut,
    MonthOut,
    MovementOut,
    PlanIn,
    PlanOut,
    ProblemIn,
    ProblemOut,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    ReceiptIn,
    ReceiptOut,
    ReportIn,
    ReportOut,
    StageIn,
)

router = Router(tags=["重点项目"])


def _require(user) -> None:
    if not queries.can_use_projects(user):
        raise NotPermitted("您没有使用重点项目台账的权限。")


def _unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"单位{unit_id}不存在。", field=field)
    return unit


def _filters(request, form_class) -> dict:
    form = form_class(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(f"筛选条件有误：{errors[0]}", field=field)
    return form.cleaned_data


def _page(qs, page: int) -> dict:
    paginator = Paginator(qs, 100)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages, "results": list(current)}


# --- projects ------------------------------------------------------------------------------


@router.get(
    "",
    response=ProjectPage,
    summary="项目列表",
    description="筛选条件与项目台账页面相同：q project_type stage key_level unit town status colour include_withdrawn",
)
def list_projects(request, page: int = 1):
    _require(request.auth)
    return _page(queries.project_rows(request.auth, _filters(request, ProjectFilterForm)), page)


@router.post("", response={201: ProjectOut}, summary="登记项目（督查员；单位联络员可谋划储备项目）")
def create_project(request, payload: ProjectIn):
    _require(request.auth)
    lead = _unit(payload.lead_unit_id, "lead_unit_id")
    owner = Enterprise.objects.filter(name=payload.owner.strip()).first() if payload.owner.strip() else None
    data = payload.dict(exclude={"lead_unit_id", "town_id", "owner"})
    project = services.create_project(
        request.auth,
        lead_unit=lead,
        town=_unit(payload.town_id, "town_id"),
        owner_enterprise=owner,
        owner_name="" if owner else payload.owner,
        **data,
    )
    return Status(201, queries.project_detail(request.auth, project.pk))


@router.get("/reserve", response=ProjectPage, summary="储备库项目（谋划、储备）")
def reserve(request, page: int = 1):
    _require(request.auth)
    return _page(queries.pool_rows(request.auth, _filters(request, ProjectFilterForm)), page)


@router.get("/reserve/movement", response=list[MovementOut], summary="储备库逐月变动：入库、转入实施、出库、月末在库")
def reserve_movement(request, year: int | None = None):
    _require(request.auth)
    return queries.pool_movement(request.auth, year or timezone.localdate().year)


@router.get("/{int:project_id}", response=ProjectOut, summary="项目详情")
def get_project(request, project_id: int):
    return queries.project_detail(request.auth, project_id)


@router.post("/{int:project_id}/stage", response=ProjectOut, summary="调整建设阶段（督查员）")
def move_stage(request, project_id: int, payload: StageIn):
    project = queries.project_detail(request.auth, project_id)
    services.move_stage(request.auth, project, stage=payload.stage, on=payload.on, note=payload.note)
    return queries.project_detail(request.auth, project_id)


@router.get("/{int:project_id}/months", response=list[MonthOut], summary="逐月计划与完成投资（万元，含累计）")
def months(request, project_id: int, year: int | None = None):
    project = queries.project_detail(request.auth, project_id)
    return queries.monthly_series(project, year or timezone.localdate().year)


@router.put("/{int:project_id}/plans/{int:year}", response=PlanOut, summary="下达或调整年度投资计划（督查员）")
def set_plan(request, project_id: int, year: int, payload: PlanIn):
    project = queries.project_detail(request.auth, project_id)
    return services.set_year_plan(
        request.auth, project, year=year, amount=payload.amount, months=payload.months, note=payload.note
    )


@router.get("/{int:project_id}/reports", response=list[ReportOut], summary="投资月报")
def list_reports(request, project_id: int):
    return list(queries.project_reports(queries.project_detail(request.auth, project_id)))


@router.put(
    "/{int:project_id}/reports/{int:year}/{int:month}",
    response=ReportOut,
    summary="报送或更正某月投资完成情况（牵头单位联络员）",
    description="同一项目同一月份只有一份月报：重复提交相同数据不产生变化，提交不同数据即为更正，保留历史。"
    "已关账的月份需督查员开通补报后才能提交。",
)
def put_report(request, project_id: int, year: int, month: int, payload: ReportIn):
    project = queries.project_detail(request.auth, project_id)
    return services.submit_report(
        request.auth,
        project,
        year=year,
        month=month,
        amount=payload.amount,
        progress=payload.progress,
        problems=payload.problems,
    )


@router.get("/{int:project_id}/milestones", response=list[MilestoneOut], summary="项目节点")
def list_milestones(request, project_id: int):
    return list(queries.project_detail(request.auth, project_id).milestones.all())


@router.post("/{int:project_id}/milestones", response={201: MilestoneOut}, summary="设置项目节点")
def add_milestone(request, project_id: int, payload: MilestoneIn):
    project = queries.project_detail(request.auth, project_id)
    return Status(201, services.add_milestone(request.auth, project, **payload.dict()))


@router.post("/milestones/{int:milestone_id}/done", response=MilestoneOut, summary="确认节点完成")
def milestone_done(request, milestone_id: int, payload: MilestoneDoneIn):
    milestone = get_object_or_404(ProjectMilestone, pk=milestone_id)
    queries.project_detail(request.auth, milestone.project_id)
    return services.complete_milestone(request.auth, milestone, done_on=payload.done_on, evidence=payload.evidence)


@router.get("/{int:project_id}/problems", response=list[ProblemOut], summary="项目问题")
def list_problems(request, project_id: int):
    return list(queries.project_detail(request.auth, project_id).problems.select_related("unit"))


@router.post(
    "/{int:project_id}/problems", response={201: ProblemOut}, summary="反映项目问题（督查员指定单位时即交办为诉求）"
)
def raise_problem(request, project_id: int, payload: ProblemIn):
    project = queries.project_detail(request.auth, project_id)
    problem = services.raise_problem(
        request.auth,
        project,
        title=payload.title,
        description=payload.description,
        unit=_unit(payload.unit_id, "unit_id"),
    )
    return Status(201, Problem.objects.select_related("unit").get(pk=problem.pk))


# --- funds sought from higher levels -------------------------------------------------------


@router.get(
    "/funds",
    response=FundPage,
    summary="争取资金台账",
    description="筛选条件与争取资金页面相同：q year channel level state unit",
)
def list_funds(request, page: int = 1):
    _require(request.auth)
    return _page(queries.fund_rows(request.auth, _filters(request, FundFilterForm)), page)


@router.get("/funds/summary", response=FundSummaryOut, summary="年度争取资金：目标、申报、批复、到位，按渠道和单位汇总")
def fund_summary(request, year: int | None = None):
    _require(request.auth)
    return queries.fund_summary(request.auth, year or timezone.localdate().year)


@router.post("/funds", response={201: FundOut}, summary="登记争取资金事项")
def create_fund(request, payload: FundIn):
    _require(request.auth)
    project = queries.project_detail(request.auth, payload.project_id) if payload.project_id else None
    fund = services.create_fund(
        request.auth,
        title=payload.title,
        channel=payload.channel,
        level=payload.level,
        applying_unit=_unit(payload.applying_unit_id, "applying_unit_id"),
        amount_applied=payload.amount_applied,
        applied_on=payload.applied_on,
        project=project,
        note=payload.note,
    )
    return Status(201, fund)


@router.get("/funds/{int:fund_id}", response=FundOut, summary="争取资金事项")
def get_fund(request, fund_id: int):
    return queries.fund_detail(request.auth, fund_id)


@router.post("/funds/{int:fund_id}/approval", response=FundOut, summary="登记批复")
def approve_fund(request, fund_id: int, payload: ApproveIn):
    fund = queries.fund_detail(request.auth, fund_id)
    return services.approve_fund(request.auth, fund, **payload.dict())


@router.post("/funds/{int:fund_id}/receipts", response={201: ReceiptOut}, summary="登记资金到位")
def record_receipt(request, fund_id: int, payload: ReceiptIn):
    fund = queries.fund_detail(request.auth, fund_id)
    return Status(201, services.record_receipt(request.auth, fund, **payload.dict()))
