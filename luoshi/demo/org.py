"""Demo organisation: the district's party committee, government, departments, towns and
streets, a few enterprises, and one account per role."""

from __future__ import annotations

import json
from importlib import resources

from django.db import transaction

from luoshi.core.actors import SYSTEM
from luoshi.demo.constants import PASSWORD
from luoshi.notices.services import notify
from luoshi.org import services
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Person, Unit, User

ROOT_NAME = "重庆市永川区"

# (official name, short name, aliases, kind, parent short name or None for the root)
UNITS: list[tuple[str, str, list[str], str, str | None]] = [
    ("中共重庆市永川区委员会", "区委", ["永川区委"], UnitKind.PARTY, None),
    ("中共重庆市永川区委办公室", "区委办", ["区委办公室"], UnitKind.PARTY, "区委"),
    ("中共重庆市永川区委督查室", "区委督查室", ["督查室"], UnitKind.PARTY, "区委"),
    ("重庆市永川区人民政府", "区政府", ["永川区政府"], UnitKind.GOVERNMENT, None),
    ("重庆市永川区人民政府办公室", "区政府办", ["区政府办公室"], UnitKind.GOVERNMENT, "区政府"),
    (
        "重庆市永川区发展和改革委员会",
        "区发展改革委",
        ["区发改委", "区发展和改革委员会"],
        UnitKind.DEPARTMENT,
        "区政府",
    ),
    ("重庆市永川区经济和信息化委员会", "区经信委", ["区经济和信息化委员会"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区商务委员会", "区商务委", ["区商务委员会"], UnitKind.DEPARTMENT, "区政府"),
    (
        "重庆市永川区住房和城乡建设委员会",
        "区住房城乡建委",
        ["区住建委", "区住房和城乡建设委员会"],
        UnitKind.DEPARTMENT,
        "区政府",
    ),
    ("重庆市永川区民政局", "区民政局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区财政局", "区财政局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区科学技术局", "区科技局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区人力资源和社会保障局", "区人力社保局", ["区人社局"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区规划和自然资源局", "区规划自然资源局", ["区规资局"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区生态环境局", "区生态环境局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区交通运输委员会", "区交通运输委", ["区交委"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区农业农村委员会", "区农业农村委", ["区农委"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区城市管理局", "区城市管理局", ["区城管局"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区市场监督管理局", "区市场监管局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区统计局", "区统计局", [], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区政务服务管理办公室", "区政务服务办", ["区政务办"], UnitKind.DEPARTMENT, "区政府"),
    ("重庆市永川区应急管理局", "区应急局", [], UnitKind.DEPARTMENT, "区政府"),
    ("辖区企业", "辖区企业", [], UnitKind.OTHER, None),
    ("重庆永川智测装备有限公司", "智测装备", [], UnitKind.ENTERPRISE, "辖区企业"),
    ("重庆永川轨道交通部件有限公司", "轨交部件", [], UnitKind.ENTERPRISE, "辖区企业"),
]

# Department heads as the conference coverage names them.
HEADS: list[tuple[str, str, str]] = [
    ("区经信委", "李国财", "党组书记、主任"),
    ("区商务委", "周萍", "党组书记、主任"),
    ("区住房城乡建委", "张静", "党委书记、主任"),
    ("区民政局", "赵德君", "党委书记、局长"),
]

# (username, full name, title, unit short name, [(role, unit short name, include_subunits)], staff)
ACCOUNTS: list[tuple[str, str, str, str, list[tuple[str, str, bool]], bool]] = [
    ("leader", "陈立新", "区政府副区长", "区政府", [(Role.LEADER, ROOT_NAME, True)], False),
    ("duchayuan", "王晓敏", "区委督查室督查员", "区委督查室", [(Role.SUPERVISOR, ROOT_NAME, True)], False),
    ("jxw", "刘志强", "区经信委办公室联络员", "区经信委", [(Role.UNIT_REPORTER, "区经信委", False)], False),
    (
        "zhongshanlu",
        "何雨桐",
        "中山路街道党政办联络员",
        "中山路街道",
        [(Role.UNIT_REPORTER, "中山路街道", False)],
        False,
    ),
    ("zhuanyuan", "杨帆", "企业服务专员", "区经信委", [(Role.COMMISSIONER, "区经信委", False)], False),
    ("shenhe", "黄丽", "区经信委政策审核员", "区经信委", [(Role.REVIEWER, "区经信委", False)], False),
    ("qiye", "孙海波", "智测装备财务负责人", "智测装备", [(Role.ENTERPRISE_USER, "智测装备", False)], False),
    ("qiye2", "吴婷", "轨交部件行政主管", "轨交部件", [(Role.ENTERPRISE_USER, "轨交部件", False)], False),
    ("admin", "系统管理员", "信息中心工程师", "区政府办", [(Role.ADMIN, ROOT_NAME, True)], True),
]

ACCOUNTS_SUMMARY = [
    (username, Role(grants[0][0]).label, f"{name}，{title}") for username, name, title, _, grants, _ in ACCOUNTS
]


def _divisions() -> list[dict]:
    data = resources.files("luoshi.demo").joinpath("data/yongchuan_divisions.json").read_text("utf-8")
    return json.loads(data)["divisions"]


@transaction.atomic
def load() -> str:
    if Unit.objects.filter(name=ROOT_NAME, parent__isnull=True).exists():
        return "已存在，跳过"
    root = services.create_unit(SYSTEM, name=ROOT_NAME, kind=UnitKind.OTHER, short_name="永川区", area_code="500118")
    by_short: dict[str, Unit] = {ROOT_NAME: root}
    for order, (name, short, aliases, kind, parent) in enumerate(UNITS):
        unit = services.create_unit(
            SYSTEM,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=kind,
            parent=by_short[parent] if parent else root,
            sort_order=order,
        )
        by_short[short] = unit
    for order, division in enumerate(_divisions(), start=100):
        by_short[division["name"]] = services.create_unit(
            SYSTEM,
            name=division["name"],
            short_name="",
            aliases=[f"永川区{division['name']}"],
            kind=UnitKind.TOWN,
            parent=root,
            area_code=division["code"],
            sort_order=order,
        )
    for short, name, title in HEADS:
        services.create_person(SYSTEM, unit=by_short[short], name=name, title=title, is_head=True)

    for username, full_name, title, unit_short, grants, staff in ACCOUNTS:
        user = services.create_user(
            SYSTEM,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            email=f"{username}@demo.luoshi.local",
            is_staff=staff,
        )
        if staff:
            User.objects.filter(pk=user.pk).update(is_superuser=True)
        services.create_person(SYSTEM, unit=by_short[unit_short], name=full_name, title=title, user=user)
        for role, scope_short, subunits in grants:
            services.grant_role(SYSTEM, user=user, role=role, unit=by_short[scope_short], include_subunits=subunits)
        notify(
            [user],
            cause="demo:welcome",
            title="欢迎使用落实平台",
            body="这是演示环境。首页列出您的角色和可用功能；单位名录可按全称、简称或别称查找单位。",
            link="/",
            email=False,
        )

    # A later correction, so the unit page shows a real change history.
    services.update_unit(
        SYSTEM, by_short["区经信委"], area_code="500118", aliases=["区经济和信息化委员会", "永川区经信委"]
    )
    people = Person.objects.count()
    return f"单位 {Unit.objects.count()} 个，人员 {people} 名，演示账号 {len(ACCOUNTS)} 个"
