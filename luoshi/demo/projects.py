"""Demo key projects (重点项目), the reserve pool (储备库) and the funds sought from higher levels.

The named projects are facts from the district's 2025 economic work conference coverage
(shared/seeds): the industrial projects 普康医疗, 东方希望 and 重庆理文; the infrastructure projects
城东220千伏输变电工程, 铜梁1000千伏特高压变电站500千伏送出工程 and 来三线至港桥燃气管线工程; an
urban-renewal reserve planned continuously and refreshed; funds won from higher levels. Amounts,
dates, owners and texts around them are invented.

The demo year is the current year, as in the ledger demo: a year of monthly investment reports
(last year's twelve months and this year's up to last month), milestones on time, late and open,
a reserve pool with entries, promotions and exits over the year, and funds in several channels.
Everything is written through :mod:`luoshi.projects.services` acting as the system; the services
act "now", so dates are then set back to when things would have happened, with plain
``QuerySet.update`` calls — the same approach as the ledger demo.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.enterprises.models import Enterprise
from luoshi.org.models import Unit
from luoshi.org.queries import find_unit
from luoshi.projects import services, status
from luoshi.projects.choices import Channel, FundLevel, KeyLevel, Maturity, MilestoneKind, ProjectType, Stage
from luoshi.projects.models import FundReceipt, FundRequest, MonthlyReport, Project
from luoshi.tracking import calendar
from luoshi.tracking.choices import Colour
from luoshi.tracking.models import TimelineEvent

MARKER = "普康医疗器械生产基地"

IND, INFRA, URBAN, SOCIAL = (
    ProjectType.INDUSTRY,
    ProjectType.INFRASTRUCTURE,
    ProjectType.URBAN_RENEWAL,
    ProjectType.SOCIAL,
)
K = MilestoneKind


@dataclass
class P:
    """One project in implementation and how its year went.

    ``start``/``end``: planned construction, as (years from now, month). ``profile``: green (keeps
    pace with the plan), lag / behind (about 65% / 40% of the plan), miss (last month's report not
    sent), late (some reports late), overdue (past its planned completion), done (completed in
    month ``done``). ``since``: the month of this year it entered implementation (None: before).
    ``ms``: milestones as (kind, title, (years from now, month), state) with state "done",
    "late" (done after the due date) or "open".
    """

    code: str
    name: str
    kind: str
    lead: str
    total: int
    start: tuple[int, int]
    end: tuple[int, int]
    plan: int
    prev_plan: int = 0
    owner: str = ""
    town: str = ""
    stage: str = Stage.CONSTRUCTION
    profile: str = "green"
    level: str = KeyLevel.DISTRICT
    since: int | None = None
    pool_from: tuple[int, int] | None = None
    done: int | None = None
    channel: str = ""
    ms: tuple = ()
    problems: tuple = ()  # (title, description, unit short name or "", resolution or "")
    work: tuple[str, ...] = ()
    desc: str = ""
    photos: int = 0


WORK = ("按计划推进施工", "加快关键工序施工", "组织设备材料进场", "推进配套工程建设")

IMPLEMENTATION: list[P] = [
    P(
        "GY-01",
        "普康医疗器械生产基地",
        IND,
        "区经信委",
        120000,
        (-1, 5),
        (1, 6),
        36000,
        28000,
        owner="重庆普康医疗器械有限公司",
        town="大安街道",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.SOCIAL_CAPITAL,
        ms=(
            (K.PERMIT, "施工许可", (-1, 4), "done"),
            (K.OTHER, "主体厂房封顶", (0, 5), "done"),
            (K.OTHER, "生产设备进场安装", (0, 9), "late"),
            (K.OTHER, "首条产线试生产", (0, 12), "open"),
        ),
        work=("主体厂房装饰装修", "洁净车间施工", "生产设备安装调试", "配套动力站建设"),
        desc="新建医疗器械生产厂房、洁净车间及研发中心，建成后形成高值医用耗材和体外诊断设备生产能力。",
        photos=2,
    ),
    P(
        "GY-02",
        "东方希望新材料二期",
        IND,
        "区经信委",
        260000,
        (-1, 9),
        (2, 12),
        45000,
        12000,
        owner="重庆东方希望新材料有限公司",
        town="三教镇",
        profile="lag",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.SOCIAL_CAPITAL,
        ms=(
            (K.APPROVAL, "二期项目备案", (-1, 8), "done"),
            (K.LAND, "二期用地报批", (0, 4), "open"),
            (K.EIA, "二期环评批复", (0, 6), "late"),
        ),
        problems=(
            (
                "二期用地报批滞后",
                "二期约320亩用地尚未取得农转用批复，主体工程无法全面开工，需规划自然资源部门加快组卷报批。",
                "区规划自然资源局",
                "",
            ),
        ),
        work=("一期配套工程施工", "二期场平工程", "二期用地报批协调"),
        desc="建设高性能铝基新材料生产线及配套设施。",
    ),
    P(
        "GY-03",
        "重庆理文造纸技改扩能",
        IND,
        "区经信委",
        85000,
        (-1, 3),
        (0, 12),
        30000,
        25000,
        owner="重庆理文造纸有限公司",
        town="朱沱镇",
        profile="late",
        channel=Channel.SPECIAL_BONDS_ULTRA,
        ms=((K.OTHER, "技改设备招标", (0, 4), "late"), (K.OTHER, "新增产能投产", (0, 11), "open")),
        work=("技改设备安装", "生产线改造", "节能降碳设施建设"),
        desc="实施造纸生产线节能降碳和智能化技术改造，新增高档包装纸产能。",
    ),
    P(
        "GY-04",
        "智能检测装备产业园一期",
        IND,
        "区经信委",
        50000,
        (0, 3),
        (1, 12),
        15000,
        owner="重庆永川智测装备有限公司",
        town="卫星湖街道",
        stage=Stage.NEW_START,
        since=3,
        channel=Channel.MUNICIPAL_FUNDS,
        ms=((K.PERMIT, "施工许可", (0, 2), "done"), (K.START, "开工", (0, 3), "done")),
        work=("场平及基础施工", "厂房主体施工", "园区道路管网施工"),
        desc="新建标准厂房及研发检测中心，承接智能检测装备产业链企业入驻。",
    ),
    P(
        "GY-05",
        "轨道交通装备零部件产业园",
        IND,
        "区经信委",
        38000,
        (1, 3),
        (2, 12),
        2000,
        owner="重庆永川轨道交通部件有限公司",
        town="南大街街道",
        stage=Stage.PREPARATION,
        channel=Channel.SOCIAL_CAPITAL,
        ms=(
            (K.APPROVAL, "项目备案", (0, 3), "done"),
            (K.LAND, "用地出让", (0, 7), "done"),
            (K.EIA, "环评批复", ("soon",), "open"),
            (K.PERMIT, "施工许可", ("workdays", 40), "open"),
        ),
        work=("办理前期手续", "完成用地出让", "开展施工图设计"),
    ),
    P(
        "JC-01",
        "重庆永川城东220千伏输变电工程",
        INFRA,
        "区经信委",
        32000,
        (-1, 6),
        (0, 9),
        14000,
        9000,
        owner="国网重庆市电力公司永川供电分公司",
        town="大安街道",
        profile="overdue",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.POLICY_FINANCE,
        ms=(
            (K.OTHER, "线路路径协调", (0, 3), "done"),
            (K.OTHER, "变电站主体完工", (0, 7), "late"),
            (K.OTHER, "线路架设完成", (0, 8), "open"),
            (K.COMPLETION, "竣工投运", (0, 9), "open"),
        ),
        problems=(
            (
                "个别线路塔基征地协调困难",
                "线路途经村组有3基塔基征地补偿未谈妥，影响架线施工，需属地街道协调。",
                "大安街道",
                "",
            ),
        ),
        work=("变电站设备安装", "线路塔基施工", "架线施工"),
        desc="新建220千伏变电站一座及配套线路，满足城东片区用电增长需要。",
        photos=1,
    ),
    P(
        "JC-02",
        "铜梁1000千伏特高压变电站500千伏送出工程（永川段）",
        INFRA,
        "区经信委",
        46000,
        (-1, 10),
        (1, 6),
        22000,
        4000,
        owner="国网重庆市电力公司",
        town="青峰镇",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.CENTRAL_BUDGET,
        ms=((K.LAND, "永川段塔基用地交付", (0, 4), "done"), (K.OTHER, "永川段铁塔组立", (0, 10), "done")),
        work=("塔基基础施工", "铁塔组立", "架线准备"),
    ),
    P(
        "JC-03",
        "来三线至港桥燃气管线工程",
        INFRA,
        "区经信委",
        16000,
        (-1, 11),
        (0, 10),
        9000,
        2000,
        owner="重庆燃气集团永川分公司",
        town="卫星湖街道",
        profile="done",
        done=10,
        ms=(
            (K.OTHER, "管线主体焊接完成", (0, 6), "done"),
            (K.OTHER, "管线试压通气", (0, 9), "done"),
            (K.COMPLETION, "竣工验收", (0, 10), "done"),
        ),
        work=("管线焊接", "穿越段施工", "试压吹扫"),
    ),
    P(
        "JC-04",
        "成渝高速扩容（永川段）",
        INFRA,
        "区交通运输委",
        580000,
        (-1, 4),
        (2, 12),
        90000,
        60000,
        owner="重庆高速公路集团有限公司",
        town="中山路街道",
        profile="lag",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.CENTRAL_TRANSFER,
        ms=((K.LAND, "永川段征地拆迁完成", (0, 6), "late"), (K.OTHER, "主线桥梁下部结构完成", (0, 11), "open")),
        work=("征地拆迁收尾", "路基施工", "桥梁下部结构施工"),
    ),
    P(
        "JC-05",
        "渝西水资源配置工程（永川段）",
        INFRA,
        "区发展改革委",
        210000,
        (-2, 10),
        (1, 12),
        40000,
        38000,
        town="中山路街道",
        profile="miss",
        level=KeyLevel.MUNICIPAL,
        channel=Channel.LOCAL_SPECIAL_BONDS,
        ms=((K.OTHER, "输水隧洞贯通", (0, 8), "done"),),
        work=("输水隧洞施工", "管道铺设", "泵站建设"),
    ),
    P(
        "GX-01",
        "城区雨污管网改造",
        URBAN,
        "区住房城乡建委",
        42000,
        (-1, 3),
        (1, 6),
        16000,
        9000,
        channel=Channel.CENTRAL_BUDGET,
        ms=((K.OTHER, "一期管网改造完成", (0, 6), "done"), (K.OTHER, "二期管网开工", (0, 9), "done")),
        work=("雨污分流管网施工", "道路恢复", "检查井改造"),
    ),
    P(
        "GX-02",
        "渝西广场传统商圈提档升级",
        URBAN,
        "区商务委",
        24000,
        (-1, 8),
        (1, 3),
        10000,
        3000,
        town="中山路街道",
        profile="lag",
        channel=Channel.MUNICIPAL_FUNDS,
        ms=((K.OTHER, "商圈外立面改造完成", (0, 8), "done"),),
        work=("外立面改造", "步行街景观提升", "智慧商圈建设"),
    ),
    P(
        "GX-03",
        "南大街片区危旧房改造",
        URBAN,
        "区住房城乡建委",
        18000,
        (0, 1),
        (1, 6),
        9000,
        town="南大街街道",
        profile="behind",
        channel=Channel.LOCAL_SPECIAL_BONDS,
        ms=((K.OTHER, "居民签约完成", (0, 5), "late"), (K.OTHER, "一期房屋拆除", (0, 8), "open")),
        problems=(("部分居民未签约", "片区尚有12户未签订改造协议，拆除工作无法推进。", "", ""),),
        work=("入户动员签约", "房屋安全鉴定", "拆除施工"),
    ),
    P(
        "GX-04",
        "中山路街道老旧小区改造（一期）",
        URBAN,
        "中山路街道",
        3600,
        (0, 4),
        (0, 12),
        3600,
        town="中山路街道",
        stage=Stage.NEW_START,
        since=3,
        pool_from=(-1, 11),
        channel=Channel.CENTRAL_TRANSFER,
        ms=((K.START, "开工", (0, 4), "done"), (K.OTHER, "外墙及管网改造完成", (0, 10), "late")),
        work=("外墙整治", "管网改造", "加装电梯", "绿化及停车位改造"),
    ),
    P(
        "MS-01",
        "区级养老综合服务中心",
        SOCIAL,
        "区民政局",
        8600,
        (1, 1),
        (2, 6),
        800,
        stage=Stage.PREPARATION,
        since=5,
        pool_from=(-1, 12),
        channel=Channel.CENTRAL_BUDGET,
        ms=(
            (K.APPROVAL, "可研批复", (0, 6), "done"),
            (K.LAND, "用地划拨", (0, 9), "late"),
            (K.PERMIT, "施工许可", ("workdays", 25), "open"),
        ),
        work=("可研及初步设计", "用地手续办理", "施工图审查"),
        desc="建设集养老服务指导、助餐助浴助医和康复护理于一体的区级养老综合服务中心。",
    ),
    P(
        "MS-02",
        "永川区公共实训基地扩建",
        SOCIAL,
        "区人力社保局",
        16000,
        (-1, 6),
        (1, 3),
        6000,
        4000,
        town="卫星湖街道",
        channel=Channel.CENTRAL_BUDGET,
        ms=((K.OTHER, "实训楼主体封顶", (0, 7), "done"),),
        work=("实训楼主体施工", "实训设备采购", "室外配套工程"),
    ),
]

# The reserve pool: (name, type, lead, total, maturity, channel, (years, month) entered, town,
#                    "promote"/"exit"/"" and its month, exit reason)
RESERVE: list[tuple] = [
    (
        "双龙村城中村改造",
        URBAN,
        "中山路街道",
        45000,
        Maturity.FEASIBILITY,
        Channel.LOCAL_SPECIAL_BONDS,
        (0, 2),
        "中山路街道",
        "",
        0,
        "",
    ),
    (
        "胜利路街道老旧小区改造（二期）",
        URBAN,
        "区住房城乡建委",
        5200,
        Maturity.DESIGN,
        Channel.CENTRAL_TRANSFER,
        (0, 3),
        "胜利路街道",
        "",
        0,
        "",
    ),
    (
        "城区地下管网改造（三期）",
        URBAN,
        "区住房城乡建委",
        36000,
        Maturity.PROPOSAL,
        Channel.SPECIAL_BONDS_ULTRA,
        (0, 5),
        "",
        "",
        0,
        "",
    ),
    (
        "永川老街风貌保护提升",
        URBAN,
        "区住房城乡建委",
        12000,
        Maturity.CONCEPT,
        Channel.MUNICIPAL_FUNDS,
        (0, 6),
        "中山路街道",
        "",
        0,
        "",
    ),
    (
        "茶山竹海街道城中村改造",
        URBAN,
        "区住房城乡建委",
        28000,
        Maturity.FEASIBILITY,
        Channel.LOCAL_SPECIAL_BONDS,
        (0, 7),
        "茶山竹海街道",
        "",
        0,
        "",
    ),
    (
        "南大街危旧房改造（二期）",
        URBAN,
        "区住房城乡建委",
        9000,
        Maturity.READY,
        Channel.LOCAL_SPECIAL_BONDS,
        (0, 8),
        "南大街街道",
        "",
        0,
        "",
    ),
    (
        "城北片区完整社区建设",
        URBAN,
        "区住房城乡建委",
        7600,
        Maturity.PROPOSAL,
        Channel.CENTRAL_TRANSFER,
        (0, 9),
        "",
        "",
        0,
        "",
    ),
    (
        "城区智慧停车设施建设",
        URBAN,
        "区城市管理局",
        6000,
        Maturity.CONCEPT,
        Channel.SOCIAL_CAPITAL,
        (0, 10),
        "",
        "",
        0,
        "",
    ),
    (
        "卫星湖片区污水处理厂扩建",
        INFRA,
        "区生态环境局",
        22000,
        Maturity.DESIGN,
        Channel.CENTRAL_BUDGET,
        (0, 4),
        "卫星湖街道",
        "",
        0,
        "",
    ),
    (
        "城区公厕提升改造",
        URBAN,
        "区城市管理局",
        1800,
        Maturity.READY,
        Channel.DISTRICT_FUNDS,
        (0, 2),
        "",
        "promote",
        8,
        "",
    ),
    (
        "兴龙湖片区棚户区改造",
        URBAN,
        "区住房城乡建委",
        16000,
        Maturity.PROPOSAL,
        Channel.LOCAL_SPECIAL_BONDS,
        (0, 1),
        "",
        "exit",
        6,
        "经评估不符合城中村改造政策支持范围，调出储备库",
    ),
    (
        "老旧农贸市场改造",
        URBAN,
        "区商务委",
        3500,
        Maturity.FEASIBILITY,
        Channel.MUNICIPAL_FUNDS,
        (0, 3),
        "中山路街道",
        "exit",
        9,
        "并入渝西广场传统商圈提档升级项目实施",
    ),
]

# Funds sought: (title, channel, level, unit, project code or name, applied, approved, received, month applied,
#                month approved, "rejected" reason)
FUNDS: list[tuple] = [
    (
        "成渝高速扩容（永川段）车购税补助",
        Channel.CENTRAL_TRANSFER,
        FundLevel.NATIONAL,
        "区交通运输委",
        "JC-04",
        60000,
        52000,
        30000,
        2,
        5,
        "",
    ),
    (
        "城区雨污管网改造中央预算内投资",
        Channel.CENTRAL_BUDGET,
        FundLevel.NATIONAL,
        "区住房城乡建委",
        "GX-01",
        12000,
        9800,
        9800,
        1,
        4,
        "",
    ),
    (
        "普康医疗设备购置超长期特别国债",
        Channel.SPECIAL_BONDS_ULTRA,
        FundLevel.NATIONAL,
        "区经信委",
        "GY-01",
        8000,
        6500,
        3000,
        3,
        6,
        "",
    ),
    (
        "理文造纸节能降碳改造超长期特别国债",
        Channel.SPECIAL_BONDS_ULTRA,
        FundLevel.NATIONAL,
        "区经信委",
        "GY-03",
        5000,
        None,
        0,
        3,
        7,
        "项目前期手续不全，转下一批次申报",
    ),
    (
        "双龙村城中村改造专项债券",
        Channel.LOCAL_SPECIAL_BONDS,
        FundLevel.MUNICIPAL,
        "中山路街道",
        "双龙村城中村改造",
        30000,
        None,
        0,
        9,
        None,
        "",
    ),
    (
        "中山路街道老旧小区改造中央补助资金",
        Channel.CENTRAL_TRANSFER,
        FundLevel.NATIONAL,
        "区住房城乡建委",
        "GX-04",
        2800,
        2800,
        2800,
        2,
        5,
        "",
    ),
    (
        "区级养老综合服务中心中央预算内投资",
        Channel.CENTRAL_BUDGET,
        FundLevel.NATIONAL,
        "区民政局",
        "MS-01",
        3000,
        2400,
        0,
        6,
        9,
        "",
    ),
    (
        "智能检测装备产业发展市级专项资金",
        Channel.MUNICIPAL_FUNDS,
        FundLevel.MUNICIPAL,
        "区经信委",
        "GY-04",
        1500,
        1200,
        1200,
        4,
        7,
        "",
    ),
    (
        "渝西广场商圈提档升级市级专项资金",
        Channel.MUNICIPAL_FUNDS,
        FundLevel.MUNICIPAL,
        "区商务委",
        "GX-02",
        2000,
        1600,
        800,
        3,
        6,
        "",
    ),
    (
        "城区地下管网改造（三期）超长期特别国债",
        Channel.SPECIAL_BONDS_ULTRA,
        FundLevel.NATIONAL,
        "区住房城乡建委",
        "城区地下管网改造（三期）",
        18000,
        None,
        0,
        8,
        None,
        "",
    ),
    (
        "渝西水资源配置工程地方政府专项债券",
        Channel.LOCAL_SPECIAL_BONDS,
        FundLevel.MUNICIPAL,
        "区发展改革委",
        "JC-05",
        40000,
        35000,
        35000,
        1,
        3,
        "",
    ),
    (
        "公共实训基地扩建中央预算内投资",
        Channel.CENTRAL_BUDGET,
        FundLevel.NATIONAL,
        "区人力社保局",
        "MS-02",
        4000,
        3000,
        1500,
        2,
        6,
        "",
    ),
    (
        "城东220千伏输变电工程政策性开发性金融",
        Channel.POLICY_FINANCE,
        FundLevel.NATIONAL,
        "区发展改革委",
        "JC-01",
        10000,
        8000,
        8000,
        2,
        4,
        "",
    ),
    (
        "消费品以旧换新市级补助资金",
        Channel.MUNICIPAL_FUNDS,
        FundLevel.MUNICIPAL,
        "区商务委",
        "",
        5000,
        4200,
        4200,
        1,
        3,
        "",
    ),
]
FUND_TARGET = 150000


def _png(seed: int, width: int = 320, height: int = 200) -> bytes:
    """A small gradient picture standing in for a site photo (no imaging library needed)."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    base = [rng.randint(60, 180) for _ in range(3)]
    rows = []
    for y in range(height):
        line = bytearray([0])
        for x in range(width):
            sky = y < height * 0.45
            r, g, b = (150 + y // 3, 190 + y // 4, 230) if sky else (base[0] + x // 8, base[1] + y // 6, base[2])
            line += bytes((min(r, 255), min(g, 255), min(b, 255)))
        rows.append(bytes(line))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@dataclass
class Builder:
    today: date
    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(20250102))  # noqa: S311 -- demo data
    units: dict[str, Unit] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    reports: int = 0

    def __post_init__(self) -> None:
        self.year = self.today.year
        self.cal = calendar.current()
        self.tz = timezone.get_current_timezone()

    # --- small helpers ---------------------------------------------------------------------

    def unit(self, name: str) -> Unit | None:
        if not name:
            return None
        if name not in self.units:
            unit = find_unit(name)
            if unit is None:
                raise LookupError(f"演示单位“{name}”不存在，请先加载单位、人员与账号。")
            self.units[name] = unit
        return self.units[name]

    def day(self, when: tuple[int, int], day: int = 28) -> date:
        years, month = when
        return date(self.year + years, month, min(day, 28))

    def month_end(self, year: int, month: int) -> date:
        end = status.month_end(year, month)
        return end if self.cal.is_workday(end) else self.cal.add_workdays(end, -1)

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
        return min(moment, self.now - timedelta(minutes=30))

    def dated(self, moment: datetime) -> None:
        """Date back the timeline events the services wrote since the last call (see the ledger demo)."""
        TimelineEvent.objects.filter(at__gte=self.now).update(at=moment)

    def past(self, d: date) -> date:
        return min(d, self.today - timedelta(days=1))

    # --- projects in implementation --------------------------------------------------------

    def build(self) -> None:
        for spec in IMPLEMENTATION:
            self.implementation(spec)
        for entry in RESERVE:
            self.reserve(*entry)
        self.funds()

    def implementation(self, spec: P) -> None:
        start = date(self.year + spec.start[0], spec.start[1], 1)
        end = self.month_end(self.year + spec.end[0], spec.end[1])
        if spec.profile == "overdue":
            end = min(end, self.today - timedelta(days=40))
        owner = Enterprise.objects.filter(name=spec.owner).first() if spec.owner else None
        pool = spec.pool_from is not None
        # A project that came through the reserve is registered there first, then promoted.
        project = services.create_project(
            SYSTEM,
            name=spec.name,
            code=spec.code,
            project_type=spec.kind,
            stage=Stage.RESERVE if pool else spec.stage,
            key_level=spec.level,
            lead_unit=self.unit(spec.lead),
            owner_enterprise=owner,
            owner_name="" if owner else spec.owner,
            town=self.unit(spec.town),
            total_investment=spec.total,
            start_date=start,
            end_date=end,
            description=spec.desc,
            channel=spec.channel,
            maturity=Maturity.READY if pool else "",
        )
        registered = self.day(spec.pool_from, 10) if pool else min(start, date(self.year - 1, 12, 15))
        since = date(self.year, spec.since, 6) if spec.since and spec.since <= self.today.month else None
        Project.objects.filter(pk=project.pk).update(
            created_at=self.at(registered, 9, 30),
            entered_pool_on=registered if pool else None,
            promoted_on=since or registered,
        )
        self.dated(self.at(registered, 9, 30))
        if pool and since is None:
            self.projects[spec.code] = project
            return  # its promotion lies ahead of this demo's date
        if pool:
            services.move_stage(SYSTEM, project, stage=spec.stage, on=since, note="前期工作成熟，转入实施")
            Project.objects.filter(pk=project.pk).update(started_on=since if spec.stage == Stage.NEW_START else None)
            self.dated(self.at(since, 10))
        elif spec.stage == Stage.NEW_START and since:
            Project.objects.filter(pk=project.pk).update(stage=Stage.NEW_START, started_on=since)
        elif spec.stage == Stage.CONSTRUCTION or spec.profile == "done":
            Project.objects.filter(pk=project.pk).update(started_on=start)
        project.refresh_from_db()
        self.projects[spec.code] = project

        self.plans(spec, project, start, registered)
        done_on = None
        if spec.profile == "done" and spec.done and spec.done < self.today.month:
            done_on = self.cal.add_workdays(date(self.year, spec.done, 15), 2)
        self.milestones(spec, project, done_on, registered)
        self.history(spec, project, since, done_on)
        for title, description, unit, resolution in spec.problems:
            self.problem(project, title, description, unit, resolution)
        for i in range(spec.photos):
            photo = SimpleUploadedFile(f"{spec.code}-{i + 1}.png", _png(zlib.crc32(spec.code.encode()) + i))
            taken = self.past(self.cal.add_workdays(self.today, -7 * (i + 1)))
            services.add_photos(
                SYSTEM, project, [photo], caption=f"{spec.work[i % len(spec.work)]}现场", taken_on=taken
            )
            self.dated(self.at(taken, 16))

    def plans(self, spec: P, project: Project, start: date, registered: date) -> None:
        if spec.prev_plan and start.year < self.year:
            services.set_year_plan(SYSTEM, project, year=self.year - 1, amount=spec.prev_plan, note="年度投资计划")
            self.dated(self.at(max(date(self.year - 1, 1, 20), registered), 11))
        months = None
        if project.promoted_on and project.promoted_on.year == self.year and project.entered_pool_on:
            # Promoted this year: the plan runs from the month it entered implementation.
            share = services.spread(Decimal(spec.plan), list(range(project.promoted_on.month, 13)))
            months = [share.get(m, Decimal(0)) for m in range(1, 13)]
        services.set_year_plan(
            SYSTEM, project, year=self.year, amount=spec.plan, months=months, note="区重点项目年度投资计划"
        )
        self.dated(self.at(max(date(self.year, 1, 20), registered), 11))

    def milestones(self, spec: P, project: Project, done_on: date | None, registered: date) -> None:
        for kind, title, when, state in spec.ms:
            if when[0] == "soon":
                due = self.cal.add_workdays(self.today, 2)
                milestone = services.add_milestone(SYSTEM, project, kind=kind, title=title, due_date=due)
            elif when[0] == "workdays":
                milestone = services.add_milestone(SYSTEM, project, kind=kind, title=title, due_workdays=when[1])
            else:
                due = self.month_end(self.year + when[0], when[1])
                milestone = services.add_milestone(SYSTEM, project, kind=kind, title=title, due_date=due)
            # Set when the project was registered, or at the start of the year for later steps.
            self.dated(self.at(max(registered, min(date(self.year, 1, 20), milestone.due_date - timedelta(60))), 11))
            if state == "open" or milestone.due_date >= self.today:
                continue
            if state == "late":
                day = self.cal.add_workdays(milestone.due_date, self.rng.randint(6, 15))
            else:
                day = self.cal.add_workdays(milestone.due_date, -self.rng.randint(0, 8))
            day = self.past(min(day, done_on) if done_on else day)
            services.complete_milestone(SYSTEM, milestone, done_on=day, evidence=self.evidence(kind))
            self.dated(self.at(day, 17))

    @staticmethod
    def evidence(kind: str) -> str:
        return {
            K.APPROVAL: "项目备案证及可研批复文件",
            K.LAND: "用地批复及不动产权证书",
            K.EIA: "环境影响评价批复",
            K.PERMIT: "建筑工程施工许可证",
            K.START: "开工报告及现场照片",
            K.COMPLETION: "竣工验收备案表",
        }.get(kind, "现场核查照片及监理月报")

    def history(self, spec: P, project: Project, since: date | None, done_on: date | None) -> None:
        """Monthly reports for last year and this year up to last month, then the completion."""
        months: list[tuple[int, int]] = []
        first = since or project.start_date or date(self.year, 1, 1)
        if spec.prev_plan and first.year < self.year:
            months += [(self.year - 1, m) for m in range(max(1, first.month if first.year == self.year - 1 else 1), 13)]
        from_month = since.month if since else 1
        last = self.today.month - 1
        if done_on is not None:
            last = min(last, done_on.month)
        months += [(self.year, m) for m in range(from_month, last + 1)]
        if spec.profile == "miss" and months and months[-1][0] == self.year:
            months = months[:-1]
        elif self.today.day >= 20 and done_on is None and spec.profile in ("green", "late"):
            months.append((self.year, self.today.month))  # late in the month, this month's figure is in
        late_months = set(self.rng.sample(months[-6:], min(2, len(months[-6:])))) if spec.profile == "late" else set()
        plans = {y: self.month_plans(project, y) for y in {y for y, _ in months}}
        for i, (year, month) in enumerate(months):
            planned = plans[year].get(month, Decimal(0))
            factor = {"lag": (0.72, 0.8), "behind": (0.25, 0.45)}.get(spec.profile, (0.92, 1.1))
            if year < self.year:
                factor = (0.85, 1.1)
            amount = (planned * Decimal(str(round(self.rng.uniform(*factor), 3)))).quantize(Decimal("0.01"))
            if planned == 0 and year == self.year and month >= from_month:
                amount = Decimal(self.rng.randint(20, 80))
            work = spec.work or WORK
            progress = f"{work[i % len(work)]}，本月完成投资{amount}万元。"
            problems = ""
            if spec.problems and spec.profile in ("lag", "behind", "overdue") and year == self.year and month >= 4:
                problems = spec.problems[0][0] + "，正在协调。"
            self.report(project, year, month, amount, progress, problems, late=(year, month) in late_months)
        if done_on is not None:
            services.move_stage(SYSTEM, project, stage=Stage.COMPLETED, on=done_on, note="竣工验收合格")
            self.dated(self.at(done_on, 15))

    def month_plans(self, project: Project, year: int) -> dict[int, Decimal]:
        plan = project.plans.filter(year=year).first()
        return {m.month: m.amount for m in plan.months.all()} if plan else {}

    def report(self, project, year, month, amount, progress, problems, *, late: bool) -> None:
        report = services.submit_report(
            SYSTEM, project, year=year, month=month, amount=amount, progress=progress, problems=problems
        )
        period = status.month_period(self.cal, year, month)
        if late:
            day = self.cal.add_workdays(period.due, self.rng.randint(1, 4))
        else:
            day = self.cal.add_workdays(period.end, self.rng.choice((-2, -1, 0, 1, 2, 3)))
        moment = self.at(self.past(min(day, period.due) if not late else day), self.rng.randint(9, 17))
        MonthlyReport.objects.filter(pk=report.pk).update(
            submitted_at=moment, due_date=period.due, is_late=timezone.localdate(moment) > period.due
        )
        TimelineEvent.objects.filter(at__gte=self.now, kind="report").update(
            text=f"{project.lead_unit.display_name}报送{year}年{month}月投资"
            + ("（迟报）" if timezone.localdate(moment) > period.due else "")
            + f"：完成{amount}万元"
        )
        self.dated(moment)
        self.reports += 1

    def problem(self, project: Project, title: str, description: str, unit: str, resolution: str) -> None:
        raised = self.past(self.cal.add_workdays(self.today, -self.rng.randint(15, 30)))
        problem = services.raise_problem(
            SYSTEM, project, title=title, description=description, unit=self.unit(unit) if unit else None
        )
        self.dated(self.at(raised, 14))
        if resolution:
            services.resolve_problem(SYSTEM, problem, resolution=resolution, on=self.past(raised + timedelta(days=7)))
            self.dated(self.at(self.past(raised + timedelta(days=7)), 16))

    # --- the reserve pool ------------------------------------------------------------------

    def reserve(self, name, kind, lead, total, maturity, channel, entered, town, move, month, reason) -> None:
        entered_on = self.day(entered, 8 + len(name) % 15)
        if entered_on >= self.today:
            return  # this entry lies ahead of the demo's date
        planning = maturity == Maturity.CONCEPT
        project = services.create_project(
            SYSTEM,
            name=name,
            project_type=kind,
            stage=Stage.PLANNING if planning else Stage.RESERVE,
            lead_unit=self.unit(lead),
            town=self.unit(town),
            total_investment=total,
            maturity=maturity,
            channel=channel,
            start_date=date(self.year + 1, 3, 1),
            end_date=date(self.year + 2, 12, 31),
            description="按照常态谋划、动态储备要求纳入项目储备库。",
        )
        Project.objects.filter(pk=project.pk).update(created_at=self.at(entered_on, 9), entered_pool_on=entered_on)
        self.dated(self.at(entered_on, 9))
        self.projects[name] = project
        when = date(self.year, month, 12) if month else None
        if when is None or when >= self.today:
            if not planning:
                services.add_milestone(
                    SYSTEM, project, kind=K.APPROVAL, title="可研批复", due_date=self.month_end(self.year + 1, 3)
                )
            return
        if move == "promote":
            services.move_stage(SYSTEM, project, stage=Stage.NEW_START, on=when, note="纳入年度实施计划")
            self.dated(self.at(when, 10))
            share = services.spread(Decimal(total // 2), list(range(month, 13)))
            months = [share.get(m, Decimal(0)) for m in range(1, 13)]
            services.update_project(SYSTEM, project, start_date=when, end_date=date(self.year + 1, 6, 30))
            services.set_year_plan(SYSTEM, project, year=self.year, amount=total // 2, months=months)
            self.dated(self.at(when, 11))
            project.refresh_from_db()
            for m in range(month, self.today.month):
                amount = (share[m] * Decimal("0.95")).quantize(Decimal("0.01"))
                self.report(project, self.year, m, amount, "改造施工有序推进。", "", late=False)
        elif move == "exit":
            services.withdraw_project(SYSTEM, project, reason=reason, on=when)
            self.dated(self.at(when, 10))

    # --- funds sought from higher levels ---------------------------------------------------

    def funds(self) -> None:
        services.set_fund_target(SYSTEM, year=self.year, amount=FUND_TARGET, note="区委经济工作会议确定的年度争取目标")
        for title, channel, level, unit, ref, applied, approved, received, applied_m, approved_m, rejected in FUNDS:
            applied_on = date(self.year, applied_m, 10 + len(title) % 15)
            if applied_on >= self.today:
                continue
            project = self.projects.get(ref) if ref else None
            fund = services.create_fund(
                SYSTEM,
                title=title,
                channel=channel,
                level=level,
                applying_unit=self.unit(unit),
                amount_applied=applied,
                applied_on=applied_on,
                project=project,
            )
            self.dated(self.at(applied_on, 15))
            decided = date(self.year, approved_m, 18) if approved_m else None
            if decided is None or decided >= self.today:
                continue
            if rejected:
                services.reject_fund(SYSTEM, fund, note=rejected)
                self.dated(self.at(decided, 11))
                continue
            services.approve_fund(SYSTEM, fund, amount_approved=approved, approved_on=decided, note="已下达资金计划")
            self.dated(self.at(decided, 11))
            # Larger sums arrive in two tranches.
            tranches = [received // 2, received - received // 2] if received >= 5000 else [received]
            day = decided
            for amount in tranches:
                day = self.past(self.cal.add_workdays(day, self.rng.randint(10, 30)))
                if amount <= 0 or day <= decided:
                    continue
                services.record_receipt(SYSTEM, fund, amount=amount, received_on=day, note="资金已拨付到位")
                self.dated(self.at(day, 15))


def _exists() -> bool:
    return Project.objects.filter(name=MARKER).exists()


@transaction.atomic
def load() -> str:
    if _exists():
        return "已存在，跳过"
    now = timezone.now()
    builder = Builder(timezone.localdate(now), now)
    builder.build()
    ids = list(Project.objects.values_list("pk", flat=True))
    status.refresh(ids)
    projects = Project.objects.filter(pk__in=ids)
    colours = {c: projects.filter(colour=c, withdrawn_on__isnull=True).count() for c in Colour.values}
    pool = projects.filter(stage__in=[Stage.PLANNING, Stage.RESERVE], withdrawn_on__isnull=True).count()
    funds = FundRequest.objects.filter(year=builder.year)
    received = sum(FundReceipt.objects.filter(fund__in=funds).values_list("amount", flat=True), Decimal(0))
    return (
        f"项目 {len(ids)} 个（绿 {colours['green']}、黄 {colours['yellow']}、红 {colours['red']}；"
        f"储备库在库 {pool} 个），投资月报 {builder.reports} 份，"
        f"争取资金 {funds.count()} 项（到位 {received:.0f} 万元）"
    )
