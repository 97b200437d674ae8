from luoshi.core.navigation import items_for
from luoshi.notices.queries import unread_count
from luoshi.org import permissions
from luoshi.org.choices import Role


def shell(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    context = {
        "nav_items": items_for(user, request.path),
        "unread_notices": unread_count(user),
        "my_roles": permissions.scope_of(user).roles(),
    }
    if permissions.allowed(user, (Role.ADMIN,)):
        from luoshi.tracking.warnings import calendar_warning

        context["calendar_warning"] = calendar_warning()
    return context
