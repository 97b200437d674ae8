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
    secondary: bool = False  # personal tools, shown beside the user's name rather than in the main bar

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

LEDGER = (Role.LEADER, Role.SUPERVISOR, Role.UNIT_REPORTER, Role.ADMIN)

NAV: tuple[NavItem, ...] = (
    NavItem("首页", "home", None, ""),
    NavItem("驾驶舱", "dashboard:cockpit", (Role.LEADER, Role.SUPERVISOR, Role.ADMIN), "dashboard"),
    NavItem(
        "督办简报",
        "dashboard:briefings",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN),
        "dashboard/briefings",
        secondary=True,
    ),
    NavItem("督办台账", "ledger:tasks", LEDGER, "ledger"),
    NavItem("待我填报", "ledger:inbox", (Role.UNIT_REPORTER,), "ledger/inbox"),
    NavItem("审核队列", "ledger:review_queue", (Role.SUPERVISOR,), "ledger/review"),
    NavItem("指标", "ledger:indicators", LEDGER, "ledger/indicators"),
    NavItem("考核评价", "ledger:scorecard", (Role.LEADER, Role.SUPERVISOR, Role.ADMIN), "ledger/scorecard"),
    NavItem(
        "诉求办理",
        "cases:list",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.UNIT_REPORTER, Role.COMMISSIONER, Role.ENTERPRISE_USER),
        "cases",
    ),
    NavItem("待办诉求", "cases:queue", (Role.UNIT_REPORTER,), "cases/queue"),
    NavItem("受理交办", "cases:dispatch", (Role.SUPERVISOR,), "cases/dispatch"),
    NavItem("企业名录", "enterprises:list", (*ALL_GOVERNMENT, Role.ENTERPRISE_USER), "enterprises"),
    NavItem("专员工作台", "enterprises:workbench", (Role.COMMISSIONER,), "enterprises/workbench"),
    NavItem("走访覆盖", "enterprises:coverage", (Role.LEADER, Role.SUPERVISOR, Role.ADMIN), "enterprises/coverage"),
    NavItem("政策库", "policies:library", None, "policies"),
    NavItem("政策测算", "policies:simulate", (Role.REVIEWER,), "policies/simulate"),
    NavItem("政策体检", "benefits:checkup_home", (Role.ENTERPRISE_USER, Role.COMMISSIONER), "benefits/checkup"),
    NavItem("申报审核", "benefits:queue", (Role.REVIEWER,), "benefits/queue"),
    NavItem(
        "兑现台账", "benefits:ledger", (Role.LEADER, Role.SUPERVISOR, Role.REVIEWER, Role.ADMIN), "benefits/ledger"
    ),
    NavItem("重点项目", "projects:list", LEDGER, "projects"),
    NavItem("单位名录", "org:units", ALL_GOVERNMENT, "units"),
    NavItem("通知", "notices:inbox", None, "notices"),
    NavItem("工作日历", "tracking:calendar", None, "calendar", secondary=True),
    NavItem("API令牌", "org:tokens", None, "tokens", secondary=True),
)


def items_for(user, path: str) -> list[dict]:
    visible = [item for item in NAV if item.visible_to(user)]
    # The most specific section wins: /ledger/inbox/ lights 待我填报, not 督办台账.
    trimmed = path.strip("/")
    matches = [i for i in visible if i.section and (trimmed == i.section or trimmed.startswith(i.section + "/"))]
    active = max(matches, key=lambda i: len(i.section)) if matches else (visible[0] if trimmed == "" else None)
    return [
        {"label": i.label, "url": reverse(i.url_name), "active": i is active, "secondary": i.secondary} for i in visible
    ]
