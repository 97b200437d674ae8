"""/api/v1/cases: cases visible to the caller, submission and workflow actions."""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Paginator
from ninja import Field, Router, Schema, Status

from luoshi.cases import queries, services
from luoshi.cases.choices import Action, CaseSource
from luoshi.cases.forms import CaseFilterForm
from luoshi.cases.models import CaseType
from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.enterprises.queries import visible_enterprises
from luoshi.org.models import Unit

router = Router(tags=["诉求办理"])


class CaseOut(Schema):
    id: int
    number: str
    case_type: str
    source: str
    enterprise_id: int | None
    title: str
    description: str
    state: str
    state_label: str = Field(..., alias="get_state_display")
    unit_id: int | None
    submitted_at: datetime
    first_response_due: date | None
    first_response_at: datetime | None
    resolution_due: date | None
    resolved_at: datetime | None
    resolution: str
    rating: int | None
    colour: str
    colour_reason: str

    @staticmethod
    def resolve_case_type(obj) -> str:
        return obj.case_type.name


class CasePage(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseOut]


class CaseIn(Schema):
    case_type_id: int
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=10000)
    enterprise_id: int | None = None
    source: str = CaseSource.ONLINE


class ActionIn(Schema):
    action: str
    unit_id: int | None = None
    note: str = ""
    rating: int | None = None


@router.get("/", response=CasePage, summary="诉求列表（q state case_type unit colour open_only）")
def list_cases(request, page: int = 1):
    if queries.visibility_q(request.auth) is None:
        raise NotPermitted("您没有查看诉求的权限。")
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(f"筛选条件有误：{errors[0]}", field=field)
    paginator = Paginator(queries.case_list(request.auth, form.cleaned_data), 100)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages, "results": list(current)}


@router.get("/queue", response=list[CaseOut], summary="本单位待办理的诉求（按办结时限排序）")
def unit_queue(request):
    return list(queries.unit_queue(request.auth)[:500])


@router.get("/{case_id}", response=CaseOut, summary="诉求详情")
def get_case(request, case_id: int):
    return queries.case_detail(request.auth, case_id)


@router.post("/", response={201: CaseOut}, summary="提交诉求（企业用户、服务专员、督查员）")
def submit(request, payload: CaseIn):
    case_type = CaseType.objects.filter(pk=payload.case_type_id).first()
    if case_type is None:
        raise ValidationFailed("诉求类型不存在。", field="case_type_id")
    enterprise = None
    if payload.enterprise_id:
        enterprise = visible_enterprises(request.auth).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise ValidationFailed("企业不存在或您无权为其提交诉求。", field="enterprise_id")
    case = services.submit_case(
        request.auth,
        case_type=case_type,
        title=payload.title,
        description=payload.description,
        source=payload.source,
        enterprise=enterprise,
    )
    return Status(201, case)


@router.post(
    "/{case_id}/actions",
    response=CaseOut,
    summary="办理动作：accept assign start transfer return suspend resume resolve follow_up reopen",
)
def act(request, case_id: int, payload: ActionIn):
    case = queries.case_detail(request.auth, case_id)
    if payload.action not in Action.values:
        raise ValidationFailed(f"未知的动作“{payload.action}”。", field="action")
    unit = Unit.objects.filter(pk=payload.unit_id).first() if payload.unit_id else None
    return services.transition(request.auth, case, payload.action, unit=unit, note=payload.note, rating=payload.rating)
