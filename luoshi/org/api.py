from ninja import Query, Router, Schema

from luoshi.core.audit import changes_of
from luoshi.core.errors import NotPermitted
from luoshi.org import queries
from luoshi.org.schemas import HistoryOut, MeOut, UnitDetailOut, UnitOut

router = Router(tags=["组织"])


class UnitFilter(Schema):
    q: str = ""
    kind: str = ""


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request):
    user = request.auth
    return {"username": user.username, "full_name": user.full_name, "grants": list(queries.grants_of(user))}


@router.get("/units", response=list[UnitOut], summary="单位名录（可按名称、简称或别称搜索）")
def units(request, filters: Query[UnitFilter]):
    if not queries.can_read_directory(request.auth):
        raise NotPermitted("您没有查看单位名录的权限。")
    return list(queries.units(request.auth, text=filters.q[:50], kind=filters.kind))


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="单位详情")
def unit(request, unit_id: int):
    return queries.unit_detail(request.auth, unit_id)


@router.get("/units/{unit_id}/history", response=list[HistoryOut], summary="单位变更记录")
def unit_history(request, unit_id: int):
    return changes_of(queries.unit_detail(request.auth, unit_id))
