"""The django-ninja API at /api/v1, assembled from each app's ``api.py``."""

from django.conf import settings
from ninja import NinjaAPI

from luoshi.api.auth import SessionAuth, TokenAuth
from luoshi.core.errors import DomainError

api = NinjaAPI(
    title="落实 API",
    version="1",
    description="落实平台的接口。用 API令牌（Authorization: Bearer ls_…）或已登录的浏览器会话访问；"
    "错误返回 {code, message}，message 为中文说明。",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs" if settings.DEBUG else None,
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"code": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


def _register() -> None:
    from luoshi.benefits.api import router as benefits_router
    from luoshi.cases.api import router as cases_router
    from luoshi.enterprises.api import router as enterprises_router
    from luoshi.ledger.api import router as ledger_router
    from luoshi.notices.api import router as notices_router
    from luoshi.org.api import router as org_router
    from luoshi.policies.api import router as policies_router
    from luoshi.projects.api import router as projects_router

    api.add_router("/org", org_router)
    api.add_router("/notices", notices_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/cases", cases_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/policies", policies_router)
    api.add_router("/projects", projects_router)
    api.add_router("/benefits", benefits_router)


_register()
