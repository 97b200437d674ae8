from django.shortcuts import render

from luoshi.core.errors import DomainError

_TITLES = {403: "没有权限", 404: "没有找到", 409: "操作冲突"}


class DomainErrorMiddleware:
    """Show a service's :class:`DomainError` as a page with its Chinese sentence and status.

    Views may still catch errors themselves to re-render a form; this is the net under them.
    The API has its own handler that answers JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        context = {"title": _TITLES.get(exception.status, "无法完成操作"), "message": exception.message}
        return render(request, "core/error.html", context, status=exception.status)
