"""/api/v1/benefits: checkups, applications and their review, scoped like the pages.

Approving and paying accept an ``Idempotency-Key`` header: repeating the call (a retry after a
timeout) returns the application as it stands and never reserves or pays twice.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Header, Router

from luoshi.benefits import queries, services
from luoshi.benefits.schemas import AccountIn, ApplicationOut, CheckupOut, PayIn, ReviewIn, StartIn
from luoshi.policies import queries as policy_queries


def build_router() -> Router:
    router = Router(tags=["惠企兑现"])

    @router.get("/checkup/{enterprise_id}", response=CheckupOut, summary="政策体检")
    def checkup(request, enterprise_id: int):
        enterprise = queries.checkup_enterprise(request.auth, enterprise_id)
        result = queries.checkup(enterprise, timezone.localdate())
        return {
            "enterprise_id": enterprise.pk,
            "claimable": result.claimable,
            "upcoming": result.upcoming,
            "near": result.near,
            "missed": result.missed,
            "claimable_total": result.claimable_total,
        }

    @router.get("/applications", response=list[ApplicationOut], summary="申报列表（按权限）")
    def applications(request, state: str = "", limit: int = 100, offset: int = 0):
        rows = queries.visible_applications(request.auth)
        if state:
            rows = rows.filter(state=state)
        return list(rows[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 500)])

    @router.post("/applications", response={201: ApplicationOut}, summary="新建申报（草稿）")
    def start(request, payload: StartIn):
        enterprise = queries.checkup_enterprise(request.auth, payload.enterprise_id)
        clause = policy_queries.clause_detail(request.auth, payload.clause_id)
        return 201, services.start(request.auth, enterprise, clause)

    @router.get("/applications/{application_id}", response=ApplicationOut, summary="申报详情")
    def detail(request, application_id: int):
        return queries.application_detail(request.auth, application_id)

    @router.post("/applications/{application_id}/submit", response=ApplicationOut, summary="提交申报")
    def submit(request, application_id: int, payload: AccountIn):
        app = queries.application_detail(request.auth, application_id)
        return services.submit(request.auth, app, **payload.dict())

    @router.post("/applications/{application_id}/confirm", response=ApplicationOut, summary="免申即享：确认收款账户")
    def confirm(request, application_id: int, payload: AccountIn):
        app = queries.application_detail(request.auth, application_id)
        return services.confirm_account(request.auth, app, **payload.dict())

    @router.post(
        "/applications/{application_id}/review",
        response=ApplicationOut,
        summary="审核",
        description="action: accept 受理 / pass 初审通过 / approve 复审通过并核定 / return 退回补正 / reject 不予支持",
    )
    def review(
        request, application_id: int, payload: ReviewIn, idempotency_key: str = Header("", alias="Idempotency-Key")
    ):
        app = queries.application_detail(request.auth, application_id)
        return services.review(
            request.auth,
            app,
            payload.action,
            reason=payload.reason,
            amount=payload.amount,
            idempotency_key=idempotency_key,
        )

    @router.post("/applications/{application_id}/pay", response=ApplicationOut, summary="拨付")
    def pay(request, application_id: int, payload: PayIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
        app = queries.application_detail(request.auth, application_id)
        return services.pay(request.auth, app, reference=payload.reference, idempotency_key=idempotency_key)

    return router


router = build_router()
