"""The main navigation: each module and the roles that see it.

A module appears only for users holding one of its roles (``None``: every signed-in user).
Adding a module to luoshi means adding its line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from luoshi.org import permissions
from luoshi.org.choices import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] | None = None
    section: str = ""  # the first path segment the item owns, for highlighting

    def visible_to(self, user) -> bool:
        return self.roles is None or permissions.allowed(user, self.roles)


ALL_GOVERNMENT = (
    Role.LEADER,
    Role.SUPERVISOR,
    Role.UNIT_REPORTER,
    Role.COMMISSIONER,
    Role.REVIEWER,
    Role.ADMIN,
)

NAV: tuple[NavItem, ...] = (
    NavItem("首页", "home", None, ""),
    NavItem("单位名录", "org:units", ALL_GOVERNMENT, "units"),
    NavItem("通知", "notices:inbox", None, "notices"),
    NavItem("工作日历", "tracking:calendar", None, "calendar"),
    NavItem("API令牌", "org:tokens", None, "tokens"),
)


def items_for(user, path: str) -> list[dict]:
    section = path.strip("/").split("/", 1)[0]
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.section == section}
        for item in NAV
        if item.visible_to(user)
    ]
