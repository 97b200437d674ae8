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
    summary: str = ""  # one sentence for the 使用说明 page

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
    NavItem("首页", "home", None, "", summary="按您的角色显示首先要看的内容，多个角色可切换。"),
    NavItem(
        "驾驶舱",
        "dashboard:cockpit",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN),
        "dashboard",
        summary="早·干·实·问效全链条：指标、任务、诉求、政策资金、重点项目与争取资金，每个数字可点开明细。",
    ),
    NavItem(
        "督办简报",
        "dashboard:briefings",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN),
        "dashboard/briefings",
        secondary=True,
        summary="每周督办简报（Word 与 Excel），按计划自动生成，也可随时生成；留存发送记录。",
    ),
    NavItem(
        "督办台账",
        "ledger:tasks",
        LEDGER,
        "ledger",
        summary="会议决策分解的任务树：牵头与配合单位、节点、填报与自动判定的进度状态。",
    ),
    NavItem(
        "待我填报",
        "ledger:inbox",
        (Role.UNIT_REPORTER,),
        "ledger/inbox",
        summary="本单位待填报的进度和待办理的节点，按截止工作日排序。",
    ),
    NavItem(
        "审核队列",
        "ledger:review_queue",
        (Role.SUPERVISOR,),
        "ledger/review",
        summary="各单位提交的进度报告，逐条采纳或退回并说明理由。",
    ),
    NavItem(
        "指标",
        "ledger:indicators",
        LEDGER,
        "ledger/indicators",
        summary="经济指标按期数值、同比与目标、时序进度对照及走势图。",
    ),
    NavItem(
        "考核评价",
        "ledger:scorecard",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN),
        "ledger/scorecard",
        summary="各单位按季度的按时填报率、节点按期率、逾期数与综合得分排名。",
    ),
    NavItem(
        "诉求办理",
        "cases:list",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.UNIT_REPORTER, Role.COMMISSIONER, Role.ENTERPRISE_USER),
        "cases",
        summary="企业诉求从提交、受理、交办到办结回访的全过程，每一步留痕。",
    ),
    NavItem(
        "待办诉求",
        "cases:queue",
        (Role.UNIT_REPORTER,),
        "cases/queue",
        summary="交办给本单位的诉求，显示首次响应与办结的剩余工作日。",
    ),
    NavItem(
        "受理交办",
        "cases:dispatch",
        (Role.SUPERVISOR,),
        "cases/dispatch",
        summary="新提交的诉求待受理、交办到责任单位。",
    ),
    NavItem(
        "企业名录",
        "enterprises:list",
        (*ALL_GOVERNMENT, Role.ENTERPRISE_USER),
        "enterprises",
        summary="企业基本信息、年度数据、标签与服务专员，可搜索筛选、导入导出。",
    ),
    NavItem(
        "专员工作台",
        "enterprises:workbench",
        (Role.COMMISSIONER,),
        "enterprises/workbench",
        summary="我联系的企业、走访计划与记录、企业诉求进展。",
    ),
    NavItem(
        "走访覆盖",
        "enterprises:coverage",
        (Role.LEADER, Role.SUPERVISOR, Role.ADMIN),
        "enterprises/coverage",
        summary="本年度各镇街、各专员的企业走访覆盖率。",
    ),
    NavItem(
        "政策库",
        "policies:library",
        None,
        "policies",
        summary="上级与本级政策、条款、申报期限与规则化的申报条件，可全文检索。",
    ),
    NavItem(
        "政策测算",
        "policies:simulate",
        (Role.REVIEWER,),
        "policies/simulate",
        summary="政策出台前，用企业数据测算受益企业数与资金需求。",
    ),
    NavItem(
        "政策体检",
        "benefits:checkup_home",
        (Role.ENTERPRISE_USER, Role.COMMISSIONER),
        "benefits/checkup",
        summary="企业现在可申报的政策与估算金额、差一点满足的条件、错过的申报期。",
    ),
    NavItem(
        "申报审核",
        "benefits:queue",
        (Role.REVIEWER,),
        "benefits/queue",
        summary="本部门条款的申报：初审、复审、公示、拨付，按工作日计期限。",
    ),
    NavItem(
        "兑现台账",
        "benefits:ledger",
        (Role.LEADER, Role.SUPERVISOR, Role.REVIEWER, Role.ADMIN),
        "benefits/ledger",
        summary="按企业、条款、部门、镇街、年度统计的拨付情况与预算对账。",
    ),
    NavItem(
        "重点项目",
        "projects:list",
        LEDGER,
        "projects",
        summary="重点项目的年度计划、月度投资完成、形象进度、节点与问题。",
    ),
    NavItem("单位名录", "org:units", ALL_GOVERNMENT, "units", summary="区、部门、镇街的组织树与人员角色。"),
    NavItem("通知", "notices:inbox", None, "notices", summary="催办、督办、审核结果与政策推送等站内通知。"),
    NavItem(
        "工作日历",
        "tracking:calendar",
        None,
        "calendar",
        secondary=True,
        summary="法定节假日与调休，所有期限按工作日计算。",
    ),
    NavItem("使用说明", "help", None, "help", secondary=True, summary="本页：您能用到的功能各做什么。"),
    NavItem("API令牌", "org:tokens", None, "tokens", secondary=True, summary="对接其他系统用的 API 令牌。"),
)


def items_for(user, path: str) -> list[dict]:
    visible = [item for item in NAV if item.visible_to(user)]
    # The most specific section wins: /ledger/inbox/ lights 待我填报, not 督办台账.
    trimmed = path.strip("/")
    matches = [i for i in visible if i.section and (trimmed == i.section or trimmed.startswith(i.section + "/"))]
    active = max(matches, key=lambda i: len(i.section)) if matches else (visible[0] if trimmed == "" else None)
    return [
        {
            "label": i.label,
            "url": reverse(i.url_name),
            "active": i is active,
            "secondary": i.secondary,
            "summary": i.summary,
        }
        for i in visible
    ]
