"""/api/v1/enterprises: the enterprise registry, its figures and visits, scoped like the pages.

The router is built by :func:`build_router` because a ninja router belongs to one API; the project's
API takes the module-level ``router``, a test may build another.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Router, Status

from luoshi.cases.models import CaseType
from luoshi.core.errors import NotFound, NotPermitted, ValidationFailed
from luoshi.enterprises import queries, services
from luoshi.enterprises.forms import EnterpriseFilterForm
from luoshi.enterprises.models import Visit
from luoshi.enterprises.schemas import (
    CoverageOut,
    EnterpriseDetailOut,
    EnterprisePage,
    FigureOut,
    FiguresIn,
    VisitOut,
    VisitPlanIn,
    VisitRecordIn,
)
from luoshi.org import permissions
from luoshi.org.choices import Role

COVERAGE_READERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def _require_browse(user) -> None:
    if not queries.can_browse(user):
        raise NotPermitted("您没有查看企业名录的权限。")


def build_router() -> Router:
    router = Router(tags=["企业服务"])

    @router.get(
        "",
        response=EnterprisePage,
        summary="企业名录",
        description="筛选条件与企业名录页面相同：q（名称或18位信用代码）town industry（门类字母或2—4位代码）"
        "tag chain size above_scale；每页100家",
    )
    def list_enterprises(request, page: int = 1):
        _require_browse(request.auth)
        form = EnterpriseFilterForm(request.GET)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ValidationFailed(f"筛选条件有误：{errors[0]}", field=field)
        rows = queries.search(request.auth, form.cleaned_data).prefetch_related("tags")
        paginator = Paginator(rows, 100)
        current = paginator.get_page(page)
        return {
            "count": paginator.count,
            "page": current.number,
            "pages": paginator.num_pages,
            "results": list(current),
        }

    @router.get("/coverage", response=list[CoverageOut], summary="走访覆盖率（按镇街或按服务专员）")
    def coverage(request, by: str = "town", year: int | None = None):
        if not permissions.allowed(request.auth, COVERAGE_READERS):
            raise NotPermitted("只有区领导、督查员、系统管理员可以查看走访覆盖率。")
        if by not in ("town", "commissioner"):
            raise ValidationFailed("by 应为 town（按镇街）或 commissioner（按服务专员）。", field="by")
        this_year = timezone.localdate().year
        year = year or this_year
        if not 2000 <= year <= this_year:
            raise ValidationFailed(f"年度应在2000—{this_year}之间。", field="year")
        return queries.visit_coverage(year, by=by)

    @router.get("/{enterprise_id}", response=EnterpriseDetailOut, summary="企业详情（含年度数据、标签、服务专员）")
    def get_enterprise(request, enterprise_id: int):
        return queries.enterprise_detail(request.auth, enterprise_id)

    @router.post(
        "/{enterprise_id}/figures",
        response=FigureOut,
        summary="录入或更正一年的数据（万元）",
        description="未提供的指标保持原值；企业规模和规上认定随之重新计算。"
        "数据来源为统计、税务部门或标记已核实的，只有督查员、系统管理员可以录入。",
    )
    def record_figures(request, enterprise_id: int, payload: FiguresIn):
        user = request.auth
        enterprise = queries.enterprise_detail(user, enterprise_id)
        if not services.can_edit(user, enterprise):
            raise NotPermitted("您没有维护该企业数据的权限。")
        figures = payload.model_dump(exclude_unset=True, exclude={"year", "source", "verified"})
        return services.record_figures(
            user, enterprise, year=payload.year, source=payload.source, verified=payload.verified, **figures
        )

    @router.get("/{enterprise_id}/visits", response=list[VisitOut], summary="企业的走访（最近的在前）")
    def list_visits(request, enterprise_id: int):
        enterprise = queries.enterprise_detail(request.auth, enterprise_id)
        return list(enterprise.visits.select_related("commissioner").order_by("-planned_on", "-id"))

    @router.post("/{enterprise_id}/visits", response={201: VisitOut}, summary="安排走访（该企业的服务专员）")
    def plan_visit(request, enterprise_id: int, payload: VisitPlanIn):
        enterprise = queries.enterprise_detail(request.auth, enterprise_id)
        visit = services.plan_visit(request.auth, enterprise, planned_on=payload.planned_on, visitors=payload.visitors)
        return Status(201, visit)

    @router.post(
        "/visits/{visit_id}/record",
        response=VisitOut,
        summary="登记走访情况（走访人）",
        description="demands 最多3项，每项 {case_type_id, title, description} 提交为一件诉求。",
    )
    def record_visit(request, visit_id: int, payload: VisitRecordIn):
        visit = Visit.objects.filter(pk=visit_id).first()
        if visit is None:
            raise NotFound("没有找到该走访。")
        queries.enterprise_detail(request.auth, visit.enterprise_id)
        types = CaseType.objects.in_bulk([d.case_type_id for d in payload.demands])
        demands = []
        for d in payload.demands:
            if d.case_type_id not in types:
                raise ValidationFailed(f"诉求类型{d.case_type_id}不存在。", field="demands")
            demands.append({"case_type": types[d.case_type_id], "title": d.title, "description": d.description})
        visit = services.record_visit(
            request.auth,
            visit,
            visited_on=payload.visited_on,
            findings=payload.findings,
            visitors=payload.visitors,
            demands=demands,
        )
        return Visit.objects.select_related("commissioner").get(pk=visit.pk)

    return router


router = build_router()
