"""``luoshi bench ledger``: the supervision ledger's pages at a district's and a municipality's scale.

1. Configures Django itself (database from ``--database-url``, production settings: DEBUG off),
   migrates an empty database and generates a ledger with a fixed seed (DESIGN.md §4): a real
   unit tree, a tree of tasks with lead and co-units, milestones, progress reports whose periods
   follow :mod:`luoshi.ledger.periods`, timeline events, task history, users and role grants.
   Rows are written straight into the tables (PostgreSQL COPY, SQLite executemany in one
   transaction), bypassing the services; every derived status is computed by the same rule
   the services use (:func:`luoshi.ledger.status.assess_task`).
2. Times the pages in-process with Django's test client through the full middleware stack:
   the trivial page ``/help/`` (the baseline: a signed-in page rendering the base layout and nothing
   that depends on the data), ``/healthz/`` (no session, no template; shown for reference), the
   filtered ledger list as a supervisor covering everything and as a unit reporter, a task page, and
   the full scorecard.
3. Prints p50/p95/max per page, each page's p95 against the trivial page's p95 (and ``/healthz/``'s),
   the SQL queries of one request per page (count, time, the slowest statement and its plan) and
   PASS/MISS against the targets: list and task page p95 within 5× the trivial page's p95,
   the full scorecard under 2 s. Nothing is asserted.

Run ``luoshi bench ledger --help`` for the options; benchmarks/README.md explains the rest.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from benchmarks.common import (
    DEFAULT_VAR_DIR,
    BenchError,
    Database,
    Loader,
    configure_django,
    machine,
    parse_database,
    percentile,
    table,
)
from luoshi.core.tree import child_path, depth_of  # pure Python: safe before django.setup()

GENERATOR_VERSION = 2  # 2: zero-padded tree paths (luoshi.core.tree)
MARKER = "bench:ledger"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST_TARGET_RATIO = 5.0
SCORECARD_TARGET_MS = 2000.0
WARMUP = 3
SLOW_MS = 2000.0
PAGES = ("healthz", "trivial", "list_supervisor", "list_reporter", "task", "scorecard")
BASELINES = ("healthz", "trivial")  # always measured


@dataclass(frozen=True)
class Scale:
    name: str
    tasks: int
    reports: int
    users: int
    districts: int  # 0: one district is the whole world; otherwise districts under a municipality
    towns: int  # towns and streets per district (the real 23 for Yongchuan)
    cadences: dict[str, float]
    note: str = ""


# DESIGN.md §4. The municipality's 10,000,000 reports are cut to the issue's ≥1,000,000.
SCALES = {
    "tiny": Scale(
        "tiny",
        tasks=300,
        reports=3_000,
        users=150,
        districts=0,
        towns=6,
        cadences={"weekly": 0.2, "fortnightly": 0.15, "monthly": 0.5, "quarterly": 0.1, "none": 0.05},
    ),
    "district": Scale(
        "district",
        tasks=5_000,
        reports=200_000,
        users=2_000,
        districts=0,
        towns=23,
        cadences={"weekly": 0.55, "fortnightly": 0.15, "monthly": 0.25, "quarterly": 0.03, "none": 0.02},
    ),
    "municipality": Scale(
        "municipality",
        tasks=100_000,
        reports=1_000_000,
        users=100_000,
        districts=38,
        towns=27,
        cadences={"weekly": 0.04, "fortnightly": 0.08, "monthly": 0.55, "quarterly": 0.25, "none": 0.08},
        note="progress reports cut from DESIGN.md's 10,000,000 to 1,000,000 (the issue's figure)",
    ),
}

# --- names ---------------------------------------------------------------------------------

YONGCHUAN = ("重庆市永川区", "永川区", "500118")
# Chongqing's 26 districts and 12 counties with their GB/T 2260 codes.
CHONGQING = [
    ("万州区", "500101"), ("涪陵区", "500102"), ("渝中区", "500103"), ("大渡口区", "500104"),
    ("江北区", "500105"), ("沙坪坝区", "500106"), ("九龙坡区", "500107"), ("南岸区", "500108"),
    ("北碚区", "500109"), ("綦江区", "500110"), ("大足区", "500111"), ("渝北区", "500112"),
    ("巴南区", "500113"), ("黔江区", "500114"), ("长寿区", "500115"), ("江津区", "500116"),
    ("合川区", "500117"), ("永川区", "500118"), ("南川区", "500119"), ("璧山区", "500120"),
    ("铜梁区", "500151"), ("潼南区", "500152"), ("荣昌区", "500153"), ("开州区", "500154"),
    ("梁平区", "500155"), ("武隆区", "500156"), ("城口县", "500229"), ("丰都县", "500230"),
    ("垫江县", "500231"), ("忠县", "500233"), ("云阳县", "500235"), ("奉节县", "500236"),
    ("巫山县", "500237"), ("巫溪县", "500238"), ("石柱土家族自治县", "500240"),
    ("秀山土家族苗族自治县", "500241"), ("酉阳土家族苗族自治县", "500242"), ("彭水苗族土家族自治县", "500243"),
]  # fmt: skip
YONGCHUAN_TOWNS = [
    "中山路街道", "胜利路街道", "南大街街道", "茶山竹海街道", "大安街道", "陈食街道", "卫星湖街道",
    "青峰镇", "金龙镇", "临江镇", "何埂镇", "松溉镇", "仙龙镇", "吉安镇", "五间镇", "来苏镇",
    "宝峰镇", "双石镇", "红炉镇", "永荣镇", "三教镇", "板桥镇", "朱沱镇",
]  # fmt: skip
TOWN_SYLLABLES = "青龙安河石马金山桥溪坪兴隆清水江家坝凤双新白沙林峰宝仙荣文华太和高庙铁兰天星长乐福寿云南北东西中"
# (name after the party committee's name, short-name tail)
PARTY_UNITS = [
    ("办公室", "委办"), ("督查室", "委督查室"), ("组织部", "委组织部"),
    ("宣传部", "委宣传部"), ("统战部", "委统战部"), ("政法委员会", "委政法委"),
]  # fmt: skip
# (name after the government's place name, short-name tail); the first is the government's office.
GOV_UNITS = [
    ("人民政府办公室", "政府办"), ("发展和改革委员会", "发展改革委"), ("经济和信息化委员会", "经信委"),
    ("商务委员会", "商务委"), ("住房和城乡建设委员会", "住房城乡建委"), ("民政局", "民政局"),
    ("财政局", "财政局"), ("科学技术局", "科技局"), ("人力资源和社会保障局", "人力社保局"),
    ("规划和自然资源局", "规划自然资源局"), ("生态环境局", "生态环境局"), ("交通运输委员会", "交通运输委"),
    ("农业农村委员会", "农业农村委"), ("城市管理局", "城市管理局"), ("市场监督管理局", "市场监管局"),
    ("统计局", "统计局"), ("政务服务管理办公室", "政务服务办"), ("应急管理局", "应急局"),
    ("教育委员会", "教委"), ("卫生健康委员会", "卫生健康委"), ("文化和旅游发展委员会", "文化旅游委"),
    ("水利局", "水利局"), ("林业局", "林业局"), ("退役军人事务局", "退役军人局"), ("审计局", "审计局"),
    ("公安局", "公安局"), ("司法局", "司法局"), ("国有资产监督管理委员会", "国资委"),
    ("医疗保障局", "医保局"), ("体育局", "体育局"), ("机关事务管理局", "机关事务局"),
    ("大数据应用发展管理局", "大数据发展局"), ("信访办公室", "信访办"), ("投资促进中心", "投资促进中心"),
]  # fmt: skip
# Departments that lead the most work get the heaviest weights.
BUSY = {"经信委": 6, "发展改革委": 5, "住房城乡建委": 5, "商务委": 4, "农业农村委": 3, "民政局": 3, "交通运输委": 3}

AREAS = ["工业", "商贸", "住建", "民政", "开放", "改革", "农业", "交通", "生态", "科技", "教育", "卫生"]
TOPICS = {
    "工业": ["智能制造产业集群建设", "规上工业企业培育", "工业技术改造升级", "数字化车间和智能工厂建设",
             "新能源汽车零部件产业链招商", "产业园区标准厂房建设"],
    "商贸": ["消费品以旧换新", "夜间经济示范街区打造", "电商直播基地建设", "农村物流配送体系建设", "重点商圈提质升级"],
    "住建": ["城市更新项目储备和实施", "老旧小区改造", "保障性租赁住房筹集", "白名单房地产项目融资协调",
             "城市燃气管道老化更新"],
    "民政": ["社会救助一件事改革", "公民身后一件事联办", "老年助餐服务扩面", "社区养老服务站建设", "困难群众救助帮扶"],
    "开放": ["招商引资重点项目攻坚", "外贸企业开拓市场", "西部陆海新通道物流组织", "跨境电商综合试验区建设"],
    "改革": ["营商环境优化提升", "国有企业改革深化提升", "要素市场化配置改革", "政务服务一网通办"],
    "农业": ["高标准农田建设", "特色产业基地建设", "乡村振兴示范村创建", "农产品品牌培育"],
    "交通": ["城乡公交一体化", "农村公路提档升级", "重点交通项目前期工作"],
    "生态": ["大气污染综合治理", "河长制工作落实", "生活垃圾分类推广"],
    "科技": ["科技型企业培育", "创新平台建设", "科技成果转化项目"],
    "教育": ["义务教育学校扩容", "职业教育产教融合"],
    "卫生": ["紧密型医共体建设", "基层医疗机构能力提升"],
}  # fmt: skip
VERBS = ["推进", "加快", "实施", "完成", "深化", "抓好", "落实", "开展"]
SUFFIXES = ["", "", "", "专项行动", "年度任务", "三年行动", "攻坚行动"]
KEYWORDS = ["城市更新", "招商", "养老", "产业", "以旧换新", "改造", "一件事"]
MILESTONES = ["完成实施方案编制", "启动实施", "完成主体工作", "完成阶段评估", "完成验收销号"]
REPORT_OPENINGS = ["本期", "本月以来", "截至目前", "本周期内", "近期"]
REPORT_ACTIONS = [
    "召开专题推进会{n}次，协调解决问题{m}个",
    "完成项目现场踏勘{n}处，形成问题清单{m}项",
    "走访企业{n}家，收集诉求{m}条并逐条交办",
    "完成投资{n}亿元，占年度计划的{m}%",
    "签约项目{n}个，协议金额{m}亿元",
    "新开工项目{n}个，竣工项目{m}个",
    "完成入户核查{n}户，发放救助资金{m}万元",
    "组织业务培训{n}场，覆盖人员{m}人次",
]  # fmt: skip
REPORT_NEXT = [
    "下一步将加快推进剩余工作。",
    "下一步将加强与配合单位的协调，确保按期完成。",
    "下一步将对照时间节点倒排工期、挂图作战。",
    "下一步将做好资金保障和要素保障。",
    "下一步将强化调度，按周通报进展。",
]
PROBLEMS = [
    "用地指标尚未落实，需规划自然资源部门协调。",
    "项目资金缺口较大，申请上级资金仍在审核中。",
    "部分企业配合度不高，数据报送不及时。",
    "施工受天气影响，进度有所延后。",
    "审批环节较多，前期手续办理较慢。",
    "专业人员不足，需要增加力量。",
]
RETURN_NOTES = ["请补充佐证材料后重报。", "进度数据与上期不衔接，请核实。", "请写明存在问题和下一步措施。"]


# --- the plan of the generated world ---------------------------------------------------------


@dataclass
class UnitRow:
    id: int
    name: str
    short: str
    kind: str
    parent: UnitRow | None
    area_code: str = ""
    sort: int = 0
    path: str = ""
    depth: int = 0


@dataclass
class Scope:
    """One district (or the municipality's own level): its units, people and sources."""

    root: UnitRow
    place: str  # 永川区, or 重庆市 for the municipal level
    code: str
    departments: list[UnitRow] = field(default_factory=list)
    dept_weights: list[float] = field(default_factory=list)
    towns: list[UnitRow] = field(default_factory=list)
    co_pool: list[UnitRow] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    sources: list[tuple[int, date]] = field(default_factory=list)
    supervision_office: UnitRow | None = None
    share: float = 1.0


@dataclass
class TaskPlan:
    id: int
    scope: Scope
    parent: TaskPlan | None
    path: str
    depth: int
    code: str
    title: str
    description: str
    lead: UnitRow
    co: list[UnitRow]
    areas: list[int]
    owner: int | None
    source: int | None
    start: date
    due: date
    cadence: str
    priority: int
    created_at: datetime
    children: int = 0
    done_on: date | None = None
    closed_on: date | None = None
    overdue: bool = False
    profile: str = "on_track"
    target_percent: int = 0
    percent: int = 0
    closed_by: int | None = None


class World:
    """Everything generated, kept as rows ready for the loader."""

    def __init__(self, scale: Scale, seed: int, today: date, loader: Loader):
        from luoshi.tracking import calendar

        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.loader = loader
        self.cal = calendar.current()
        self.units: list[UnitRow] = []
        self.scopes: list[Scope] = []
        self.users: list[tuple] = []
        self.people: list[tuple] = []
        self.grants: list[tuple] = []
        self.reporters: dict[int, list[int]] = defaultdict(list)
        self.heads: dict[int, int] = {}  # unit id → the person heading it
        self._task_periods: dict[int, list] = {}
        self.sources: list[tuple] = []
        self.tasks: list[TaskPlan] = []
        self.task_rows: list[tuple] = []
        self.co_rows: list[tuple] = []
        self.area_rows: list[tuple] = []
        self.milestones: list[tuple] = []
        self.reports: list[tuple] = []
        self.events: list[tuple] = []
        self.history: list[tuple] = []
        self.evaluations: list[tuple] = []
        self.ids: Counter = Counter()
        self.personas: dict[str, int] = {}
        self._periods: dict[str, tuple[list, list[int]]] = {}
        self.report_texts = [self._report_text() for _ in range(600)]

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    # --- units ---------------------------------------------------------------------------

    def unit(self, name, short, kind, parent, area_code="", sort=0) -> UnitRow:
        u = UnitRow(self.next_id("unit"), name, short, kind, parent, area_code, sort)
        u.path = child_path(parent.path if parent else None, u.id)  # as luoshi.org.services writes it
        u.depth = depth_of(u.path)
        self.units.append(u)
        return u

    def build_scope(self, root: UnitRow, place: str, full: str, short_prefix: str, code: str, towns: list[str]):
        from luoshi.org.choices import UnitKind

        scope = Scope(root=root, place=place, code=code)
        party = self.unit(f"中共{full}委员会", f"{short_prefix}委", UnitKind.PARTY, root, sort=1)
        gov = self.unit(f"{full}人民政府", f"{short_prefix}政府", UnitKind.GOVERNMENT, root, sort=2)
        scope.co_pool = [gov]
        for i, (tail, short) in enumerate(PARTY_UNITS):
            u = self.unit(f"中共{full}委{tail}", f"{short_prefix}{short}", UnitKind.PARTY, party, sort=i)
            scope.departments.append(u)
            scope.dept_weights.append(0.3)
            if tail == "督查室":
                scope.supervision_office = u
        for i, (tail, short) in enumerate(GOV_UNITS):
            kind = UnitKind.GOVERNMENT if i == 0 else UnitKind.DEPARTMENT
            u = self.unit(f"{full}{tail}", f"{short_prefix}{short}", kind, gov, sort=i)
            scope.departments.append(u)
            scope.dept_weights.append(BUSY.get(short, self.rng.uniform(0.4, 1.6)))
        for i, name in enumerate(towns):
            serial = i + 1 if name.endswith("街道") else 100 + i
            scope.towns.append(self.unit(name, "", UnitKind.TOWN, root, f"{code}{serial:03d}", sort=10 + i))
        scope.co_pool += scope.departments[6:] + scope.towns
        self.scopes.append(scope)
        return scope

    def synthetic_towns(self, n: int) -> list[str]:
        names: list[str] = []
        seen = set()
        streets = max(2, n // 4)
        while len(names) < n:
            stem = self.rng.choice(TOWN_SYLLABLES) + self.rng.choice(TOWN_SYLLABLES)
            name = stem + ("街道" if len(names) < streets else "镇")
            if stem not in seen and stem[0] != stem[1]:
                seen.add(stem)
                names.append(name)
        return names

    def build_units(self) -> None:
        from luoshi.org.choices import UnitKind

        s = self.scale
        if s.districts == 0:
            full, place, code = YONGCHUAN
            root = self.unit(full, place, UnitKind.OTHER, None, code)
            towns = YONGCHUAN_TOWNS if s.towns >= len(YONGCHUAN_TOWNS) else YONGCHUAN_TOWNS[:: -(-23 // s.towns)]
            scope = self.build_scope(root, place, full, "区", code, list(towns)[: s.towns])
            if s.towns < 23:  # tiny: fewer departments lead and co-operate
                scope.departments = scope.departments[:14]
                scope.dept_weights = scope.dept_weights[:14]
                scope.co_pool = scope.co_pool[:1] + scope.departments[6:] + scope.towns
            return
        root = self.unit("重庆市", "重庆市", UnitKind.OTHER, None, "500000")
        city = self.build_scope(root, "重庆市", "重庆市", "市", "500000", [])
        city.share = 0.05
        for i, (place, code) in enumerate(CHONGQING):
            full = f"重庆市{place}"
            droot = self.unit(full, place, UnitKind.OTHER, root, code, sort=100 + i)
            n_towns = 23 if place == "永川区" else self.rng.randint(s.towns - 12, s.towns + 12)
            towns = YONGCHUAN_TOWNS if place == "永川区" else self.synthetic_towns(n_towns)
            prefix = place[:-1] if len(place) <= 4 else place[:2]
            scope = self.build_scope(droot, place, full, prefix, code, towns)
            scope.share = 0.95 / len(CHONGQING) * self.rng.uniform(0.6, 1.4)
        # The municipal level assigns work to the districts' governments as co-units.
        city.co_pool += [sc.co_pool[0] for sc in self.scopes[1:]]

    # --- people --------------------------------------------------------------------------

    def add_user(self, username: str, name: str, unit: UnitRow, title: str, grants, *, head=False) -> int:
        uid = self.next_id("user")
        joined = self.now - timedelta(days=self.rng.randint(30, 900))
        self.users.append((uid, username, name, joined))
        self.people.append((self.next_id("person"), name, title, unit.id, uid, head))
        for role, grant_unit, subunits in grants:
            self.grants.append((self.next_id("grant"), uid, role, grant_unit.id, subunits, joined))
        return uid

    def person_name(self) -> str:
        return self.rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高") + "".join(
            self.rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国")
            for _ in range(self.rng.randint(1, 2))
        )

    def build_people(self) -> None:
        from luoshi.org.choices import Role, UnitKind

        top = self.scopes[0]
        # The two personas the pages are measured as.
        busiest = Counter(t.lead.id for t in self.tasks if t.lead.kind == UnitKind.DEPARTMENT).most_common(1)[0][0]
        dept = next(u for u in self.units if u.id == busiest)
        self.personas["supervisor"] = self.add_user(
            "bench_supervisor", "督查员（基准）", top.supervision_office, "督查员", [(Role.SUPERVISOR, top.root, True)]
        )
        self.personas["reporter"] = self.add_user(
            "bench_reporter", "联络员（基准）", dept, "联络员", [(Role.UNIT_REPORTER, dept, False)]
        )
        self.persona_units = {"reporter": dept.short or dept.name, "supervisor": top.root.name}
        for scope in self.scopes:
            office = scope.supervision_office
            for k in range(6):
                uid = self.add_user(
                    f"sup{scope.code}_{k}", self.person_name(), office, "督查员", [(Role.SUPERVISOR, scope.root, True)]
                )
                scope.supervisors.append(uid)
            for k in range(4):
                self.add_user(
                    f"lead{scope.code}_{k}",
                    self.person_name(),
                    scope.co_pool[0],
                    "区领导",
                    [(Role.LEADER, scope.root, True)],
                )
            self.add_user(
                f"adm{scope.code}", self.person_name(), office, "系统管理员", [(Role.ADMIN, scope.root, True)]
            )
            for unit in scope.departments + scope.towns:
                town = unit.kind == UnitKind.TOWN
                self.add_user(f"head{unit.id}", self.person_name(), unit, "镇长" if town else "主任", [], head=True)
                self.heads[unit.id] = self.ids["person"]
                for k in range(2):
                    uid = self.add_user(
                        f"rep{unit.id}_{k}", self.person_name(), unit, "联络员", [(Role.UNIT_REPORTER, unit, town)]
                    )
                    self.reporters[unit.id].append(uid)
        # Everyone else: enterprise service commissioners (一企一专员) in departments and towns.
        pool = [u for sc in self.scopes for u in sc.departments[6:] + sc.towns]
        k = 0
        while len(self.users) < self.scale.users:
            unit = pool[k % len(pool)]
            k += 1
            self.add_user(
                f"com{unit.id}_{k}", self.person_name(), unit, "企业服务专员", [(Role.COMMISSIONER, unit, False)]
            )
        for scope in self.scopes:  # units report through their own reporters; a district's government too
            for unit in scope.co_pool[:1]:
                if unit.id not in self.reporters:
                    uid = self.add_user(
                        f"rep{unit.id}_0", self.person_name(), unit, "联络员", [(Role.UNIT_REPORTER, unit, False)]
                    )
                    self.reporters[unit.id].append(uid)
        # 责任人: the lead unit's head, for the tasks planned with one.
        for t in self.tasks:
            if t.owner:
                t.owner = self.heads.get(t.lead.id)

    # --- sources and tasks ----------------------------------------------------------------

    def build_sources(self) -> None:
        from luoshi.ledger.choices import Level, SourceKind

        # A ledger holds about two years of work: this year's and last year's economic work
        # conference (each the source of many tasks), meetings, documents and instructions.
        year = self.today.year
        if (self.today - date(year, 1, 15)).days < 60:
            year -= 1
        conferences = [date(year, 1, 15), date(year - 1, 1, 15)]
        for scope in self.scopes:
            level = Level.MUNICIPAL if scope.place == "重庆市" else Level.DISTRICT
            who = "市" if level == Level.MUNICIPAL else "区"
            for n in range(24 if self.scale.districts else 30):
                if n < len(conferences):
                    held, kind = conferences[n], SourceKind.MEETING
                    title = f"{held.year}年{who}委经济工作会议"
                else:
                    held = self.today - timedelta(days=self.rng.randint(25, 700))
                    kind = self.rng.choice([SourceKind.MEETING, SourceKind.DOCUMENT, SourceKind.INSTRUCTION])
                    title = {
                        SourceKind.MEETING: f"{who}政府第{n}次常务会议",
                        SourceKind.DOCUMENT: f"关于印发{held.year}年重点工作任务分解方案的通知（{n}）",
                        SourceKind.INSTRUCTION: f"{who}领导批示（{held:%Y年%m月%d日}）",
                    }[kind]
                doc = f"{scope.place[:2]}府发〔{held.year}〕{n}号" if kind == SourceKind.DOCUMENT else ""
                sid = self.next_id("source")
                created = datetime.combine(held, datetime.min.time(), SHANGHAI) + timedelta(hours=17)
                self.sources.append((sid, title, kind, level, held, doc, created))
                scope.sources += [(sid, held)] * (6 if n < len(conferences) else 1)

    def _month_end(self, d: date) -> date:
        return (d.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    def build_tasks(self) -> None:
        from luoshi.ledger.choices import Priority
        from luoshi.org.choices import UnitKind

        rng = self.rng
        total = self.scale.tasks
        shares = [sc.share for sc in self.scopes]
        quota = [max(1, round(total * s / sum(shares))) for s in shares]
        quota[-1] += total - sum(quota)
        cadences = list(self.scale.cadences)
        cadence_weights = list(self.scale.cadences.values())
        area_ids = {name: i + 1 for i, name in enumerate(AREAS)}

        for scope, n in zip(self.scopes, quota, strict=True):
            made = 0
            top_no = 0
            prefix = f"{scope.code[-3:]}-" if self.scale.districts else ""
            towns = scope.towns or [u for u in scope.co_pool if u.kind == UnitKind.GOVERNMENT][:20] or scope.departments

            def new_task(parent, lead, code, area, topic, start, due, depth, scope=scope):
                nonlocal made
                made += 1
                tid = self.next_id("task")
                path = child_path(parent.path if parent else None, tid)  # as luoshi.ledger.services writes it
                assert depth_of(path) == depth
                k = rng.choice([0, 1, 1, 2, 2, 2, 3, 4])
                pool = [u for u in rng.sample(scope.co_pool, min(len(scope.co_pool), k + 1)) if u.id != lead.id][:k]
                areas = [area_ids[area]]
                if rng.random() < 0.3:
                    other = area_ids[rng.choice(AREAS)]
                    if other not in areas:
                        areas.append(other)
                verb = rng.choice(VERBS)
                where = lead.name if lead.kind == UnitKind.TOWN else ""
                title = f"{verb}{where}{topic}{rng.choice(SUFFIXES) if depth else ''}"
                co_names = "、".join(u.short or u.name for u in pool)
                description = f"由{lead.short or lead.name}牵头" + (f"，{co_names}配合" if co_names else "")
                description += f"，{due:%Y年%m月%d日}前完成{topic}相关工作，按期报送进展。"
                source = parent.source if parent else rng.choice(scope.sources)[0]
                created = datetime.combine(start - timedelta(days=rng.randint(1, 6)), datetime.min.time(), SHANGHAI)
                created += timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))
                priority = (
                    Priority.HIGH if depth == 0 else rng.choice([Priority.NORMAL] * 5 + [Priority.HIGH, Priority.LOW])
                )
                owner = 1 if rng.random() < 0.6 else None  # the head of the lead unit, once people exist
                cadence = rng.choices(cadences, cadence_weights)[0]
                t = TaskPlan(
                    tid, scope, parent, path, depth, code, title[:300], description, lead, pool, areas, owner,
                    source, start, due, cadence, priority, created,
                )  # fmt: skip
                if parent:
                    parent.children += 1
                self.tasks.append(t)
                return t

            while made < n:
                top_no += 1
                src_id, held = rng.choice(scope.sources)
                area = rng.choice(AREAS)
                topic = rng.choice(TOPICS[area])
                start = held + timedelta(days=rng.randint(0, 15))
                due = self._month_end(start + timedelta(days=rng.choice([270, 330, 365, 450, 540, 730])))
                lead = rng.choices(scope.departments, scope.dept_weights)[0]
                top = new_task(None, lead, f"{prefix}{start.year}-{top_no:03d}", area, topic, start, due, 0)
                top.source = src_id
                for j in range(rng.randint(4, 14)):
                    if made >= n:
                        break
                    sub_start = start + timedelta(days=rng.randint(0, 50))
                    sub_due = self._month_end(sub_start + timedelta(days=rng.choice([60, 90, 120, 180, 240, 300, 365])))
                    sub_due = min(sub_due, due)
                    if sub_due < sub_start + timedelta(days=14):
                        sub_due = due
                    sub_area = area if rng.random() < 0.8 else rng.choice(AREAS)
                    sub_topic = rng.choice(TOPICS[sub_area])
                    sub_lead = (
                        rng.choice(towns)
                        if rng.random() < 0.25
                        else rng.choices(scope.departments, scope.dept_weights)[0]
                    )
                    sub = new_task(top, sub_lead, f"{top.code}-{j + 1:02d}", sub_area, sub_topic, sub_start, sub_due, 1)
                    if sub_lead.kind != UnitKind.TOWN and rng.random() < 0.3:
                        for i in range(rng.randint(2, 5)):
                            if made >= n:
                                break
                            leaf_start = sub_start + timedelta(days=rng.randint(0, 20))
                            leaf_due = (
                                sub_due
                                if leaf_start + timedelta(days=14) > sub_due
                                else self._month_end(
                                    min(sub_due, leaf_start + timedelta(days=rng.choice([30, 60, 90, 150])))
                                )
                            )
                            leaf_due = max(min(leaf_due, sub_due), leaf_start)
                            new_task(
                                sub,
                                rng.choice(towns),
                                f"{sub.code}-{i + 1}",
                                sub_area,
                                sub_topic,
                                leaf_start,
                                leaf_due,
                                2,
                            )

    # --- how each task's year went --------------------------------------------------------

    def periods(self, cadence: str) -> tuple[list, list[int]]:
        """Every period of ``cadence`` from well before the first task to after the last due date."""
        from luoshi.ledger.periods import period_of

        if cadence not in self._periods:
            first = min(t.start for t in self.tasks) - timedelta(days=100)
            last = max(t.due for t in self.tasks) + timedelta(days=100)
            out = []
            p = period_of(self.cal, cadence, first)
            while p.start <= last:
                out.append(p)
                p = period_of(self.cal, cadence, p.end + timedelta(days=1))
            self._periods[cadence] = (out, [q.end.toordinal() for q in out])
        return self._periods[cadence]

    def task_periods(self, t: TaskPlan) -> list:
        """The periods this task reports for: from the one it starts in to the one it ends in.

        A task without a cadence (不定期) reports now and then; such a report's period is its
        date, as the services store it.
        """
        from luoshi.ledger.choices import Cadence

        if t.id in self._task_periods:
            return self._task_periods[t.id]
        end = t.done_on or min(t.due, self.today)
        out = []
        if t.cadence == Cadence.NONE:
            day = t.start + timedelta(days=self.rng.randint(20, 60))
            while day <= end and day < self.today:
                out.append(SimpleNamespace(key=day.isoformat(), start=day, end=day, due=day, label="不定期"))
                day += timedelta(days=self.rng.randint(30, 75))
            if t.done_on and (not out or out[-1].end < t.done_on):
                d = t.done_on
                out.append(SimpleNamespace(key=d.isoformat(), start=d, end=d, due=d, label="不定期"))
        else:
            periods, ends = self.periods(t.cadence)
            i = bisect.bisect_left(ends, t.start.toordinal())
            while i < len(periods) and periods[i].start <= end and periods[i].end < self.today:
                out.append(periods[i])
                i += 1
            if t.done_on and i < len(periods) and periods[i].start <= t.done_on:
                out.append(periods[i])  # the report that completes the task, sent before its period ends
        self._task_periods[t.id] = out
        return out

    def plan_outcomes(self) -> None:
        from luoshi.tracking.status import expected_percent

        rng, today = self.rng, self.today
        leaves = {t.id for t in self.tasks if t.children == 0}
        for t in self.tasks:
            if t.start > today:
                t.profile = "future"
                continue
            if t.due < today:
                # Most work past its deadline got done; what stays open is mostly recent.
                if rng.random() < (0.93 if (today - t.due).days > 60 else 0.75):
                    t.done_on = min(
                        today - timedelta(days=1),
                        max(t.start + timedelta(days=7), t.due + timedelta(days=rng.randint(-30, 8))),
                    )
                    t.done_on = max(t.done_on, t.start)
                else:
                    t.overdue = True
                    t.target_percent = rng.randint(40, 95)
            elif rng.random() < 0.04 and (today - t.start).days > 20:
                t.done_on = t.start + timedelta(days=rng.randint(10, (today - t.start).days - 1))
            if t.done_on:
                t.target_percent = 100
                if t.id in leaves and (today - t.done_on).days > 10 and rng.random() < 0.4:
                    t.closed_on = t.done_on + timedelta(days=rng.randint(3, min(40, (today - t.done_on).days - 1)))
                    t.closed_by = rng.choice(t.scope.supervisors)
                continue
            if t.overdue:
                continue
            expected = expected_percent(self.cal, t.start, t.due, today)
            r = rng.random()
            if r < 0.72:
                t.profile, t.target_percent = "on_track", expected + rng.randint(-12, 10)
            elif r < 0.93:
                t.profile, t.target_percent = "lagging", expected - rng.randint(16, 45)
            else:
                t.profile, t.target_percent = "silent", expected + rng.randint(-10, 5)
            t.target_percent = max(0, min(99, t.target_percent))

    def co_probability(self) -> float:
        """How often a co-unit reports, chosen so that the reports add up to the scale's figure."""
        lead = co = 0
        for t in self.tasks:
            n = len(self.task_periods(t))
            lead += n
            co += n * len(t.co)
        wanted = self.scale.reports * 1.005 / 1.02  # returned reports are sent again
        p = (wanted - 0.95 * lead) / co if co else 0.0
        self.slots = (lead, co)
        return max(0.0, min(1.0, p))

    def _report_text(self) -> str:
        rng = self.rng
        action = rng.choice(REPORT_ACTIONS).format(n=rng.randint(1, 30), m=rng.randint(1, 95))
        return f"{rng.choice(REPORT_OPENINGS)}{action}。{rng.choice(REPORT_NEXT)}"

    def _at(self, day: date, hour_from=9, hour_to=17) -> datetime:
        local = datetime.combine(day, datetime.min.time(), SHANGHAI)
        return (
            local + timedelta(hours=self.rng.randint(hour_from, hour_to), minutes=self.rng.randint(0, 59))
        ).astimezone(UTC)

    def build_reports(self) -> None:
        from luoshi.ledger import status
        from luoshi.ledger.choices import ReportState
        from luoshi.tracking.choices import Status

        rng, today, L = self.rng, self.today, self.loader
        now = self.now
        p_co = self.co_probability()
        self.p_co = p_co
        task_ct = self.content_type_id
        for t in self.tasks:
            periods = self.task_periods(t)
            sups = t.scope.supervisors
            first_report: dict[str, date] = {}
            percent_events: list[tuple[datetime, int, int, int]] = []  # (when, percent, reviewer, report id)
            m = len(periods)
            silent = rng.randint(1, 3) if t.profile == "silent" else 0
            units = [(t.lead, True)] + [(u, False) for u in t.co]
            created_text = f"交办：牵头单位{t.lead.short or t.lead.name}"
            if t.co:
                created_text += "，配合单位" + "、".join(u.short or u.name for u in t.co)
            self.events.append(
                (
                    self.next_id("event"),
                    task_ct,
                    t.id,
                    L.dt(t.created_at),
                    rng.choice(sups),
                    "created",
                    created_text,
                    "{}",
                )
            )
            for k, p in enumerate(periods):
                final = t.done_on is not None and k == m - 1
                planned = 100 if final else round(t.target_percent * (k + 1) / max(m, 1))
                for unit, is_lead in units:
                    if is_lead:
                        if k >= m - silent or (not final and rng.random() < 0.02):
                            continue
                    elif rng.random() >= p_co:
                        continue
                    pct = planned if is_lead else max(0, min(100, planned + rng.randint(-6, 6)))
                    if final and is_lead:
                        day = t.done_on
                    elif rng.random() < 0.10:
                        day = p.due + timedelta(days=rng.randint(1, 9))
                    else:
                        day = p.end + timedelta(days=rng.randint(-2, max(0, (p.due - p.end).days)))
                    day = max(day, t.start)
                    if t.done_on and not final:
                        day = min(day, t.done_on)  # nothing is reported on a task after it is done
                    if day > today:
                        continue
                    reporter = rng.choice(self.reporters[unit.id])
                    submitted = min(self._at(day), now - timedelta(minutes=5))
                    text = rng.choice(self.report_texts)
                    problems = rng.choice(PROBLEMS) if rng.random() < 0.2 else ""
                    rounds = 2 if (not final and rng.random() < 0.025) else 1
                    for attempt in range(rounds):
                        is_late = day > p.due
                        rid = self.next_id("report")
                        returned = rounds == 2 and attempt == 0
                        age = (today - day).days
                        if returned:
                            state = ReportState.RETURNED
                        elif not final and age <= 7 and rng.random() < 0.6:
                            state = ReportState.SUBMITTED
                        else:
                            state = ReportState.ACCEPTED
                        reviewer = reviewed = None
                        note = ""
                        if state != ReportState.SUBMITTED:
                            reviewer = rng.choice(sups)
                            reviewed = min(submitted + timedelta(hours=rng.randint(1, 60)), now - timedelta(minutes=1))
                            note = rng.choice(RETURN_NOTES) if returned else ""
                        self.reports.append((
                            rid, t.id, p.key, L.d(p.end), L.d(p.due), unit.id, text, problems, pct, reporter,
                            L.dt(submitted), is_late, state, reviewer, L.dt(reviewed), note,
                            f"web:{reporter}:{rng.getrandbits(128):032x}",
                        ))  # fmt: skip
                        late = "（迟报）" if is_late else ""
                        self.events.append((
                            self.next_id("event"), task_ct, t.id, L.dt(submitted), reporter, "report",
                            f"{unit.short or unit.name}报送{p.label}进展{late}：进度{pct}%", f'{{"report":{rid}}}',
                        ))  # fmt: skip
                        if reviewed is not None:
                            verdict = f"退回（{note}）" if returned else "采纳"
                            self.events.append((
                                self.next_id("event"), task_ct, t.id, L.dt(reviewed), reviewer, "review",
                                f"{unit.short or unit.name}的{p.key}进展报告已{verdict}", "{}",
                            ))  # fmt: skip
                        if is_lead and state != ReportState.RETURNED:
                            first_report.setdefault(p.key, day)
                        if is_lead and state == ReportState.ACCEPTED:
                            percent_events.append((reviewed, pct, reviewer, rid))
                        if not returned:
                            break
                        # Sent again a few days after it came back.
                        day = reviewed.astimezone(SHANGHAI).date() + timedelta(days=rng.randint(0, 3))
                        if day > today:
                            break
                        submitted = max(
                            min(self._at(day), now - timedelta(minutes=5)), reviewed + timedelta(minutes=30)
                        )
                        day = submitted.astimezone(SHANGHAI).date()

            percent_events.sort()
            t.percent = percent_events[-1][1] if percent_events else 0
            if t.done_on is not None:
                t.percent = 100
            # Milestones: about two per task, spread over its term, the last on its due date.
            n_ms = rng.choice([1, 2, 2, 2, 3])
            titles = (
                [MILESTONES[0], *MILESTONES[1:-1][: n_ms - 2], MILESTONES[-1]][-n_ms:] if n_ms > 1 else [MILESTONES[-1]]
            )
            span = (t.due - t.start).days
            facts = []
            for i, title in enumerate(titles):
                due = t.start + timedelta(days=round(span * (i + 1) / n_ms))
                if t.done_on:
                    done = min(t.done_on, max(t.start, due + timedelta(days=rng.randint(-12, 3))))
                elif due < today:
                    done = (
                        max(t.start, min(today, due + timedelta(days=rng.randint(-12, 5))))
                        if rng.random() < 0.85
                        else None
                    )
                else:
                    done = (
                        t.start + timedelta(days=rng.randint(0, max(0, (today - t.start).days)))
                        if (t.start <= today and rng.random() < 0.08)
                        else None
                    )
                evidence = f"{title}，相关材料已归档。" if done else ""
                self.milestones.append(
                    (
                        self.next_id("milestone"),
                        t.id,
                        title,
                        L.d(due),
                        self.cal.is_provisional(due),
                        L.d(done),
                        evidence,
                        i,
                    )
                )
                facts.append(SimpleNamespace(title=title, due_date=due, done_on=done))
                if done and done <= today:
                    actor = self.reporters[t.lead.id][0]
                    self.events.append((
                        self.next_id("event"), task_ct, t.id, L.dt(self._at(done, 15, 17)), actor, "milestone_done",
                        f"里程碑“{title}”完成", "{}",
                    ))  # fmt: skip
            # The derived status, by the rule the services apply (luoshi.ledger.status).
            facts_task = SimpleNamespace(
                cadence=t.cadence, start_date=t.start, due_date=t.due, percent=t.percent, done_on=t.done_on,
                closed_on=t.closed_on, is_open=t.done_on is None and t.closed_on is None,
            )  # fmt: skip
            a = status.assess_task(self.cal, facts_task, today, facts, first_report)
            t.status = (a.status, a.colour, a.reason[:500], a.expected_percent)
            # History as the services leave it: created (path filled in afterwards without a
            # history row), then one row per accepted lead report, then the closing.
            base = self._history_base(t)
            self.history.append(
                self._history_row(base, t.created_at, "+", "交办任务", rng.choice(sups), path="", depth=0)
            )
            done_seen = False
            for when, pct, reviewer, _ in percent_events:
                done_on = t.done_on if (pct == 100 and t.done_on) else None
                done_seen = done_seen or done_on is not None
                self.history.append(
                    self._history_row(base, when, "~", "采纳进展报告", reviewer, percent=pct, done_on=done_on)
                )
            if t.done_on and done_seen:
                self.events.append((
                    self.next_id("event"), task_ct, t.id, L.dt(percent_events[-1][0]), percent_events[-1][2], "done",
                    "任务完成（采纳100%进展报告）", "{}",
                ))  # fmt: skip
            if t.closed_on:
                when = self._at(t.closed_on, 10, 16)
                self.history.append(
                    self._history_row(
                        base, when, "~", "销号", t.closed_by, percent=100, done_on=t.done_on, closed_on=t.closed_on,
                        closed_by=t.closed_by, close_note="已完成全部工作任务，佐证材料齐全",
                    )
                )  # fmt: skip
                self.events.append((
                    self.next_id("event"), task_ct, t.id, L.dt(when), t.closed_by, "closed",
                    "销号：已完成全部工作任务，佐证材料齐全", "{}",
                ))  # fmt: skip
                score = f"{rng.uniform(70, 100):.1f}"
                self.evaluations.append(
                    (self.next_id("evaluation"), t.id, score, "按期完成，成效明显。", t.closed_by, L.dt(when))
                )
            if a.status == Status.DONE and t.done_on is None:
                raise AssertionError("generator inconsistency: done without a done date")

    HISTORY_FIELDS = (
        "id", "path", "depth", "code", "title", "description", "start_date", "due_date", "due_provisional", "cadence",
        "priority", "percent", "done_on", "closed_on", "close_note", "created_at", "source_id", "parent_id",
        "lead_unit_id", "owner_id", "closed_by_id",
    )  # fmt: skip

    def _history_base(self, t: TaskPlan) -> dict:
        L = self.loader
        return {
            "id": t.id, "path": t.path, "depth": t.depth, "code": t.code, "title": t.title,
            "description": t.description, "start_date": L.d(t.start), "due_date": L.d(t.due),
            "due_provisional": self.cal.is_provisional(t.due), "cadence": t.cadence, "priority": t.priority,
            "percent": 0, "done_on": None, "closed_on": None, "close_note": "", "created_at": L.dt(t.created_at),
            "source_id": t.source, "parent_id": t.parent.id if t.parent else None, "lead_unit_id": t.lead.id,
            "owner_id": t.owner, "closed_by_id": None,
        }  # fmt: skip

    def _history_row(self, base: dict, when: datetime, kind: str, reason: str, user: int | None, **changes) -> tuple:
        values = {**base, **changes}
        if "done_on" in changes:
            values["done_on"] = self.loader.d(changes["done_on"])
        if "closed_on" in changes:
            values["closed_on"] = self.loader.d(changes["closed_on"])
        row = tuple(values[f] for f in self.HISTORY_FIELDS)
        return (*row, self.next_id("history"), self.loader.dt(when), reason, kind, user)

    # --- writing ---------------------------------------------------------------------------

    def generate(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from luoshi.ledger.models import Task

        self.content_type_id = ContentType.objects.get_for_model(Task).pk
        self.build_units()
        self.build_sources()
        self.build_tasks()
        # People after tasks: the reporter persona belongs to the department leading the most tasks.
        self.build_people()
        self.plan_outcomes()
        started = time.perf_counter()
        self.build_reports()
        lead, co = self.slots
        print(
            f"  planned {len(self.tasks):,} tasks, {len(self.reports):,} reports "
            f"(lead-unit periods {lead:,}, co-unit periods {co:,}, co-units report {self.p_co:.0%}), "
            f"{len(self.events):,} timeline events, {len(self.history):,} task history rows "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

    def write(self) -> dict[str, int]:
        from django.contrib.auth.hashers import make_password

        from luoshi.ledger.models import (
            AreaTag,
            Milestone,
            ProgressReport,
            Source,
            Task,
            TaskEvaluation,
        )
        from luoshi.org.models import Person, RoleGrant, Unit, User
        from luoshi.tracking.models import TimelineEvent

        L = self.loader
        now = L.dt(self.now)
        L.load(
            Unit,
            ["id", "name", "short_name", "kind", "parent_id", "path", "depth", "area_code", "sort_order", "is_active"],
            (
                (
                    u.id,
                    u.name,
                    u.short,
                    u.kind,
                    u.parent.id if u.parent else None,
                    u.path,
                    u.depth,
                    u.area_code,
                    u.sort,
                    True,
                )
                for u in self.units
            ),
            total=len(self.units),
            label="units",
        )
        password = make_password("bench-" + str(self.scale.name))  # one hash for every account: they never log in
        L.load(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
            ],
            (
                (uid, password, False, name, "", "", "", False, True, L.dt(joined), full)
                for uid, name, full, joined in self.users
            ),
            total=len(self.users),
            label="users",
        )
        L.load(
            Person,
            ["id", "name", "title", "unit_id", "user_id", "phone", "email", "is_head", "sort_order", "is_active"],
            ((pid, name, title, unit, uid, "", "", head, 0, True) for pid, name, title, unit, uid, head in self.people),
            total=len(self.people),
            label="people",
        )
        L.load(
            RoleGrant,
            ["id", "user_id", "role", "unit_id", "include_subunits", "granted_at"],
            ((gid, uid, role, unit, sub, L.dt(at)) for gid, uid, role, unit, sub, at in self.grants),
            total=len(self.grants),
            label="role grants",
        )
        L.load(AreaTag, ["id", "name", "sort_order"], ((i + 1, name, i) for i, name in enumerate(AREAS)), label="areas")
        L.load(
            Source,
            ["id", "title", "kind", "level", "held_on", "doc_number", "file", "note", "created_at"],
            (
                (sid, title, kind, level, L.d(held), doc, "", "", L.dt(at))
                for sid, title, kind, level, held, doc, at in self.sources
            ),
            total=len(self.sources),
            label="sources",
        )
        status_at = now

        def task_rows():
            for t in self.tasks:
                st, colour, reason, expected = t.status
                yield (
                    t.id, t.source, t.parent.id if t.parent else None, t.path, t.depth, t.code, t.title, t.description,
                    t.lead.id, t.owner, L.d(t.start), L.d(t.due), self.cal.is_provisional(t.due), t.cadence,
                    t.priority, t.percent, L.d(t.done_on), L.d(t.closed_on), t.closed_by,
                    "已完成全部工作任务，佐证材料齐全" if t.closed_on else "", L.dt(t.created_at), st, colour, reason,
                    status_at, expected,
                )  # fmt: skip

        L.load(
            Task,
            [
                "id",
                "source_id",
                "parent_id",
                "path",
                "depth",
                "code",
                "title",
                "description",
                "lead_unit_id",
                "owner_id",
                "start_date",
                "due_date",
                "due_provisional",
                "cadence",
                "priority",
                "percent",
                "done_on",
                "closed_on",
                "closed_by_id",
                "close_note",
                "created_at",
                "status",
                "colour",
                "status_reason",
                "status_at",
                "expected_percent",
            ],
            task_rows(),
            total=len(self.tasks),
            label="tasks",
        )
        co = Task.co_units.through
        n = 0

        def co_rows():
            nonlocal n
            for t in self.tasks:
                for u in t.co:
                    n += 1
                    yield (n, t.id, u.id)

        L.load(co, ["id", "task_id", "unit_id"], co_rows(), label="task co-units")
        m = 0

        def area_rows():
            nonlocal m
            for t in self.tasks:
                for a in t.areas:
                    m += 1
                    yield (m, t.id, a)

        L.load(Task.areas.through, ["id", "task_id", "areatag_id"], area_rows(), label="task areas")
        L.load(
            Milestone,
            ["id", "task_id", "title", "due_date", "due_provisional", "done_on", "evidence", "sort_order"],
            self.milestones,
            total=len(self.milestones),
            label="milestones",
        )
        L.load(
            ProgressReport,
            [
                "id",
                "task_id",
                "period",
                "period_end",
                "due_date",
                "unit_id",
                "text",
                "problems",
                "percent",
                "submitted_by_id",
                "submitted_at",
                "is_late",
                "state",
                "reviewed_by_id",
                "reviewed_at",
                "review_note",
                "idempotency_key",
            ],
            self.reports,
            total=len(self.reports),
            label="progress reports",
        )
        L.load(
            TaskEvaluation,
            ["id", "task_id", "score", "comment", "evaluated_by_id", "evaluated_at"],
            self.evaluations,
            total=len(self.evaluations),
            label="evaluations",
        )
        L.load(
            TimelineEvent,
            ["id", "content_type_id", "object_id", "at", "actor_id", "kind", "text", "data"],
            self.events,
            total=len(self.events),
            label="timeline events",
        )
        L.load(
            Task.history.model,
            [
                *self.HISTORY_FIELDS,
                "history_id",
                "history_date",
                "history_change_reason",
                "history_type",
                "history_user_id",
            ],
            self.history,
            total=len(self.history),
            label="task history",
        )
        L.reset_sequences()
        return dict(L.counts)


# --- the database ------------------------------------------------------------------------------


def _tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _marker() -> dict | None:
    from django.db import DatabaseError

    from luoshi.tracking.models import JobRun

    try:
        run = JobRun.objects.filter(name=MARKER).first()
    except DatabaseError:
        return None
    if run is None:
        return None
    try:
        return json.loads(run.last_result)
    except ValueError:
        return None


def _write_marker(info: dict) -> None:
    from django.utils import timezone

    from luoshi.tracking.models import JobRun

    text = json.dumps(info, ensure_ascii=False, separators=(",", ":"))
    JobRun.objects.update_or_create(
        name=MARKER, defaults={"last_day": timezone.localdate(), "last_at": timezone.now(), "last_result": text[:300]}
    )


def _drop_tables() -> None:
    """Remove every table of a database this run found empty and filled."""
    from django.db import connection

    tables = _tables()
    if not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")


def _sqlite_tuning(on: bool) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if on:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB while loading
            cursor.execute("PRAGMA temp_store=MEMORY")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")


def _analyze() -> None:
    """PostgreSQL's autovacuum analyses a freshly loaded table within a minute; do it now.

    SQLite gathers no statistics unless someone runs ANALYZE, and luoshi does not: it is
    measured as it would run.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _row_counts() -> dict[str, int]:
    from luoshi.ledger.models import Milestone, ProgressReport, Task
    from luoshi.org.models import RoleGrant, Unit, User
    from luoshi.tracking.models import TimelineEvent

    models = {
        "units": Unit,
        "users": User,
        "role grants": RoleGrant,
        "tasks": Task,
        "task co-units": Task.co_units.through,
        "milestones": Milestone,
        "progress reports": ProgressReport,
        "timeline events": TimelineEvent,
        "task history": Task.history.model,
    }
    return {label: model.objects.count() for label, model in models.items()}


# --- measurement ----------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    persona: str
    urls: list[str]
    target: str  # "baseline", "ratio" or "absolute"
    samples: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    queries: dict = field(default_factory=dict)
    profile: str = ""
    warmup: int = 0
    note: str = ""

    def figures(self, baseline_p95: float | None, healthz_p95: float | None = None) -> dict:
        p50, p95 = percentile(self.samples, 50), percentile(self.samples, 95)
        ratio = p95 / baseline_p95 if baseline_p95 else None
        ratio_healthz = p95 / healthz_p95 if healthz_p95 else None
        if self.target == "ratio":
            verdict = "PASS" if ratio is not None and ratio <= LIST_TARGET_RATIO else "MISS"
            goal = f"p95 ≤ {LIST_TARGET_RATIO:g}× trivial"
        elif self.target == "absolute":
            verdict = "PASS" if p95 < SCORECARD_TARGET_MS else "MISS"
            goal = f"p95 < {SCORECARD_TARGET_MS:g} ms"
        elif self.target == "reference":
            verdict, goal = "", "reference"
        else:
            verdict, goal = "", "baseline"
        return {
            "label": self.label,
            "persona": self.persona,
            "urls": self.urls,
            "samples": len(self.samples),
            "warmup": self.warmup,
            "note": self.note,
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(self.samples), 2),
            "mean_ms": round(sum(self.samples) / len(self.samples), 2),
            "ratio_p95_to_trivial": None if ratio is None else round(ratio, 2),
            "ratio_p95_to_healthz": None if ratio_healthz is None else round(ratio_healthz, 2),
            "status_codes": {str(k): v for k, v in sorted(self.statuses.items())},
            "all_200": set(self.statuses) == {200},
            "target": goal,
            "verdict": verdict,
            "queries": self.queries,
        }


class Non200(BenchError):
    pass


def _get(client, url: str, page: Page) -> float:
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST="testserver")
    _ = response.content
    elapsed = (time.perf_counter() - started) * 1000
    page.statuses[response.status_code] += 1
    if response.status_code != 200:
        where = response.get("Location", "")
        raise Non200(
            f"{page.label}：{url} 返回 {response.status_code}{'（跳转到 ' + where + '）' if where else ''}，"
            "基准测试中止。请检查生成的数据和登录身份。"
        )
    return elapsed


def _explain(sql: str) -> list[str]:
    from django.db import DatabaseError, connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except DatabaseError as exc:
        return [f"(no plan: {exc})"]
    if connection.vendor == "postgresql":
        return [r[0] for r in rows]
    return [" " * (2 * (r[1] != 0)) + str(r[-1]) for r in rows]


def _capture(client, page: Page) -> float:
    """One request with its SQL: CaptureQueriesContext for the statements (parameters filled
    in), an execute wrapper for their times (the context rounds them to whole milliseconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        total = _get(client, page.urls[0], page)
    sqls = [q["sql"] for q in ctx.captured_queries]
    if len(times) != len(sqls):  # never expected; fall back on the context's own figures
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
    ranked = sorted(zip(times, sqls, strict=True), key=lambda q: -q[0])
    page.queries = {
        "url": page.urls[0],
        "count": len(sqls),
        "request_ms": round(total, 2),
        "sql_ms": round(sum(times), 2),
        "slowest": [{"ms": round(ms, 2), "sql": sql} for ms, sql in ranked[:3]],
        "plan_of_slowest": _explain(ranked[0][1]) if ranked else [],
    }
    return total


def _profile(client, page: Page) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _get(client, page.urls[0], page)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    page.profile = out.getvalue()


def build_pages(rng: random.Random, n: int) -> list[Page]:
    from django.db.models import Count, Exists, OuterRef
    from django.utils import timezone

    from luoshi.ledger.models import AreaTag, ProgressReport, Task
    from luoshi.org.choices import UnitKind

    def lead_units(kind, **filters):
        rows = (
            Task.objects.filter(lead_unit__kind=kind, **filters)
            .values("lead_unit")
            .annotate(n=Count("id"))
            .order_by("-n", "lead_unit")[:12]
        )
        return [r["lead_unit"] for r in rows]

    departments = lead_units(UnitKind.DEPARTMENT, status="lagging") or lead_units(UnitKind.DEPARTMENT)
    towns = lead_units(UnitKind.TOWN) or departments
    areas = list(AreaTag.objects.values_list("id", flat=True))
    supervisor_urls = []
    for i in range(8):
        kind = i % 4
        if kind == 0:
            supervisor_urls.append(f"/ledger/?status=lagging&unit={departments[i % len(departments)]}")
        elif kind == 1:
            supervisor_urls.append(f"/ledger/?q={rng.choice(KEYWORDS)}&area={rng.choice(areas)}")
        elif kind == 2:
            supervisor_urls.append("/ledger/?colour=red&open_only=on")
        else:
            supervisor_urls.append(f"/ledger/?unit={towns[i % len(towns)]}&status=on_track")
    reporter_urls = [
        "/ledger/?status=on_track",
        f"/ledger/?q={rng.choice(KEYWORDS[:4])}",
        "/ledger/?colour=red",
        "/ledger/?open_only=on&top_only=",
    ]
    with_reports = Task.objects.filter(Exists(ProgressReport.objects.filter(task=OuterRef("pk")))).values_list(
        "id", flat=True
    )
    ids = sorted(with_reports)
    task_urls = [f"/ledger/tasks/{i}/" for i in rng.sample(ids, min(len(ids), n + WARMUP))]
    today = timezone.localdate()
    scorecard_urls = [f"/ledger/scorecard/?year={today.year}&q={(today.month - 1) // 3 + 1}"]
    return [
        Page("healthz", "/healthz/ (no session, no template)", "supervisor", ["/healthz/"], "reference"),
        Page("trivial", "trivial page /help/ (signed in)", "supervisor", ["/help/"], "baseline"),
        Page("list_supervisor", "ledger list, supervisor (all units)", "supervisor", supervisor_urls, "ratio"),
        Page("list_reporter", "ledger list, unit reporter", "reporter", reporter_urls, "ratio"),
        Page("task", "task page", "supervisor", task_urls, "ratio"),
        Page("scorecard", "full scorecard (all units)", "supervisor", scorecard_urls, "absolute"),
    ]


def measure(
    n: int, seed: int, *, profile: bool = False, only: set[str] | None = None, budget: float = 300
) -> list[Page]:
    from django.test import Client

    from luoshi.org.models import User

    rng = random.Random(seed + 1)
    pages = [p for p in build_pages(rng, n) if only is None or p.key in only or p.key in BASELINES]
    clients = {}
    for persona in ("supervisor", "reporter"):
        client = Client(HTTP_HOST="testserver")
        client.force_login(User.objects.get(username=f"bench_{persona}"))
        clients[persona] = client
    for page in pages:
        client = clients[page.persona]
        # The first warm-up request also counts the SQL; a page taking seconds is warm after it,
        # and is not asked again just to count its queries.
        warm = [_capture(client, page)]
        slow = warm[0] >= SLOW_MS
        if not slow:
            warm += [_get(client, page.urls[i % len(page.urls)], page) for i in range(1, WARMUP)]
        page.warmup = len(warm)
        # A page too slow for n samples within the budget gets fewer, and says so.
        count = n
        if min(warm) * n > budget * 1000:
            count = max(1, min(n, int(budget * 1000 / min(warm))))
            page.note = f"{count} samples instead of {n}: one request takes {min(warm) / 1000:.0f} s"
        for i in range(count):
            page.samples.append(_get(client, page.urls[(len(warm) + i) % len(page.urls)], page))
        note = f" ({page.note})" if page.note else ""
        print(f"  {page.label}: {count} requests, p95 {percentile(page.samples, 95):.1f} ms{note}", flush=True)
        if not slow:
            _capture(client, page)  # warm figures for the fast pages
        if profile:
            _profile(client, page)
    return pages


# --- the command --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luoshi bench ledger",
        description="督办台账性能基准：按固定种子生成区县或市级规模的数据，测量台账列表、任务页和考核评价页。",
    )
    parser.add_argument("--scale", choices=list(SCALES), default="district", help="数据规模（默认 district）")
    parser.add_argument(
        "--database-url",
        help="数据库地址；默认在 var/bench/ 下新建 SQLite 文件。PostgreSQL 数据库须为空（或用 --reuse）",
    )
    parser.add_argument("--requests", type=int, default=50, help="每个页面的计时请求数（默认 50）")
    parser.add_argument("--seed", type=int, default=20250102, help="随机种子（默认 20250102）")
    parser.add_argument("--keep", action="store_true", help="保留生成的数据（供以后 --reuse）")
    parser.add_argument("--reuse", action="store_true", help="复用此前以同一规模和种子生成并保留的数据")
    parser.add_argument("--json", type=Path, help="把测量结果写入此 JSON 文件")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="静态文件等的工作目录（默认 var/bench）")
    parser.add_argument("--profile", action="store_true", help="对每个页面的一次请求做 cProfile 并打印")
    parser.add_argument(
        "--pages",
        type=lambda text: set(text.split(",")),
        help=f"只测这些页面（逗号分隔：{','.join(PAGES)}；healthz 与 trivial 总会测）",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        help="每个页面计时的时间预算（秒，默认 300）；太慢的页面少测几次，至少 1 次",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.requests < 1:
        print("--requests 至少为 1。", file=sys.stderr)
        return 2
    if args.pages and not args.pages <= set(PAGES):
        print(f"--pages 只能是 {','.join(PAGES)} 中的页面。", file=sys.stderr)
        return 2
    try:
        return _run(args)
    except BenchError as exc:
        print(f"\n错误：{exc}", file=sys.stderr)
        return 1


def _run(args) -> int:
    scale = SCALES[args.scale]
    default_db = args.database_url is None
    if default_db:
        path = (args.var_dir / f"ledger-{scale.name}.sqlite3").resolve()
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = Database(f"sqlite:///{path}", "sqlite", path)
    else:
        database = parse_database(args.database_url)
    keep = args.keep or args.reuse
    configure_django(database, args.var_dir.resolve())

    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.utils import timezone

    print(f"luoshi bench ledger — scale {scale.name}, {database.label}, seed {args.seed}", flush=True)
    try:
        existing = _tables()
    except OperationalError as exc:
        raise BenchError(
            f"无法连接数据库：{exc}。PostgreSQL 请先建库，例如：createdb -h 127.0.0.1 -U postgres luoshi_bench"
        ) from exc
    marker = _marker() if existing else None
    reuse = False
    if existing:
        if not args.reuse:
            raise BenchError(
                f"数据库不是空的（已有 {len(existing)} 张表）。基准测试只在空数据库上建表和生成数据；"
                "若其中是此前用 --keep 保留的基准数据，请加 --reuse。"
            )
        wanted = {"scale": scale.name, "seed": args.seed, "v": GENERATOR_VERSION}
        if marker is None or any(marker.get(k) != v for k, v in wanted.items()):
            raise BenchError(
                f"数据库里没有规模 {scale.name}、种子 {args.seed} 的基准数据（找到：{marker}），"
                "不能 --reuse；请换一个空数据库。"
            )
        reuse = True

    generated_here = not reuse
    result: dict = {"scale": scale.name, "seed": args.seed, "database_url_kind": database.vendor}
    try:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        migrate_s = time.perf_counter() - started
        print(f"· migrate: {migrate_s:.1f} s", flush=True)
        started = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        print(
            f"· collectstatic (production static storage, manifest): {time.perf_counter() - started:.1f} s", flush=True
        )

        if reuse:
            print(f"· reusing data generated on {marker.get('today')}", flush=True)
            generation = {"reused": True, "generated_on": marker.get("today"), "seconds": marker.get("seconds")}
        else:
            today = timezone.localdate()
            print(f"· generating ({scale.name}: {scale.tasks:,} tasks, ~{scale.reports:,} reports, "
                  f"{scale.users:,} users; today {today})", flush=True)  # fmt: skip
            if scale.note:
                print(f"  note: {scale.note}", flush=True)
            started = time.perf_counter()
            _sqlite_tuning(True)
            loader = Loader()
            world = World(scale, args.seed, today, loader)
            world.generate()
            plan_s = time.perf_counter() - started
            world.write()
            write_s = time.perf_counter() - started - plan_s
            _sqlite_tuning(False)
            t0 = time.perf_counter()
            _analyze()
            analyze_s = time.perf_counter() - t0
            total_s = time.perf_counter() - started
            _write_marker(
                {
                    "scale": scale.name,
                    "seed": args.seed,
                    "v": GENERATOR_VERSION,
                    "today": today.isoformat(),
                    "seconds": round(total_s, 1),
                }
            )
            print(
                f"· generation: {total_s:.1f} s (planning in Python {plan_s:.1f} s, writing {write_s:.1f} s"
                + (f", VACUUM ANALYZE {analyze_s:.1f} s" if connection.vendor == "postgresql" else "")
                + ")",
                flush=True,
            )
            generation = {
                "reused": False,
                "generated_on": today.isoformat(),
                "seconds": round(total_s, 1),
                "planning_seconds": round(plan_s, 1),
                "writing_seconds": round(write_s, 1),
                "analyze_seconds": round(analyze_s, 1),
                "co_unit_report_probability": round(world.p_co, 3),
                "reporter_persona_unit": world.persona_units["reporter"],
            }
            del world
        connection.close()  # measure on a fresh connection, as a new server process would

        counts = _row_counts()
        result.update(
            {
                "date": timezone.now().astimezone(SHANGHAI).isoformat(timespec="seconds"),
                "machine": machine(),
                "generation": generation,
                "rows": counts,
                "requests_per_page": args.requests,
                "warmup_per_page": WARMUP,
            }
        )
        print("· rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
        if scale.users > counts["users"]:
            print(f"  note: {counts['users']:,} users of the scale's {scale.users:,}", flush=True)
        print(f"· measuring {args.requests} requests per page after {WARMUP} warm-up requests", flush=True)
        load_before = _load()
        try:
            pages = measure(args.requests, args.seed, profile=args.profile, only=args.pages, budget=args.budget)
        except Non200 as exc:
            result["error"] = str(exc)
            _write_json(args.json, result)
            raise
        # Other work on the machine shows up in the figures; the load average says how much.
        result["load_average"] = {"before": load_before, "after": _load()}
        base_p95 = percentile(next(p for p in pages if p.key == "trivial").samples, 95)
        healthz_p95 = percentile(next(p for p in pages if p.key == "healthz").samples, 95)
        result["pages"] = {p.key: p.figures(base_p95, healthz_p95) for p in pages}
        print()
        print(report_text(result, pages))
        _write_json(args.json, result)
        return 0
    except BenchError:
        raise
    except Exception:
        traceback.print_exc()
        raise BenchError("基准测试意外中止（见上面的错误）。") from None
    finally:
        if not keep and generated_here:
            _cleanup(database)


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _write_json(path: Path | None, result: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"· figures written to {path}", flush=True)


def _cleanup(database: Database) -> None:
    from django.db import connection

    try:
        if database.vendor == "sqlite":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database.sqlite_path}{suffix}").unlink(missing_ok=True)
        else:
            _drop_tables()
            connection.close()
        print("· generated data removed (use --keep to keep it)", flush=True)
    except Exception as exc:  # cleaning up must not hide the run's own outcome
        print(f"· could not remove the generated data: {exc}", file=sys.stderr)


def report_text(result: dict, pages: list[Page]) -> str:
    figures = result["pages"]
    rows = []
    for p in pages:
        f = figures[p.key]
        ratio, ratio_healthz = f["ratio_p95_to_trivial"], f["ratio_p95_to_healthz"]
        rows.append([
            f["label"], f"{f['p50_ms']:.2f}", f"{f['p95_ms']:.2f}", f"{f['max_ms']:.2f}",
            f"{ratio:.1f}×" if ratio is not None else "",
            f"{ratio_healthz:.1f}×" if ratio_healthz is not None else "",
            f["queries"]["count"], f"{f['queries']['sql_ms']:.1f}", f["target"], f["verdict"] or "—",
        ])  # fmt: skip
    headers = [
        "page", "p50 ms", "p95 ms", "max ms", "p95/trivial", "p95/healthz", "queries", "SQL ms", "target", "result"
    ]  # fmt: skip
    m = result["machine"]
    lines = [
        f"Scale {result['scale']} on {m['database']}, {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"Django {m['django']}, {result['requests_per_page']} requests per page",
        f"Load average (1/5/15 min) before measuring {result['load_average']['before']}, "
        f"after {result['load_average']['after']}",
        table(headers, rows),
        "",
        "queries and SQL ms: one request per page, captured with CaptureQueriesContext (its first URL).",
        "",
        "Slowest SQL per page:",
    ]
    for p in pages:
        q = figures[p.key]["queries"]
        if not q["slowest"]:
            lines.append(f"- {p.label}: no SQL")
            continue
        s = q["slowest"][0]
        sql = s["sql"] if len(s["sql"]) < 600 else s["sql"][:600] + " …"
        lines.append(f"- {p.label} ({q['url']}): {s['ms']:.1f} ms of {q['sql_ms']:.1f} ms SQL")
        lines.append(f"    {sql}")
        for plan_line in q["plan_of_slowest"][:14]:
            lines.append(f"      | {plan_line}")
    if any(p.profile for p in pages):
        lines.append("")
        for p in pages:
            lines.append(f"--- profile: {p.label} ---")
            lines.append(p.profile)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
