"""Demo supervision ledger (督办台账): the district's economic work conference of the current
year, its nine key tasks and every department's commitments under them, with milestones,
months of progress reports, reviews, evaluations and the year's indicators.

The facts (units, heads, targets, projects, the nine key tasks) come from the coverage of
Yongchuan's economic work conference in shared/seeds; the task wording is our own. The demo
year is the current year, so that deadlines, reports and colours are live on the day the demo
is loaded: most tasks are on track, some lag or are overdue, a few are done or closed.

Everything is written through :mod:`luoshi.ledger.services` acting as the system. The services
always act "now"; to give the ledger a past, reports, reviews and timeline events are then
dated back to when they would have happened, with plain ``QuerySet.update`` calls.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.ledger import services, status
from luoshi.ledger.choices import Cadence, Level, Priority, ReportState, SourceKind, TargetKind
from luoshi.ledger.models import Indicator, Milestone, ProgressReport, Source, Task, TaskLink
from luoshi.ledger.periods import Period, period_of
from luoshi.org.models import Person, Unit
from luoshi.org.queries import find_unit
from luoshi.tracking import calendar
from luoshi.tracking.choices import Colour, Status
from luoshi.tracking.models import TimelineEvent
from luoshi.tracking.status import expected_percent
from luoshi.workdays import WorkCalendar

MEETING_SUFFIX = "年区委经济工作会议"

M = Cadence.MONTHLY
Q = Cadence.QUARTERLY
HIGH = Priority.HIGH

# Heads named by the conference coverage; the org demo registers them as people.
OWNERS = {"区经信委": "李国财", "区商务委": "周萍", "区住房城乡建委": "张静", "区民政局": "赵德君"}


@dataclass
class T:
    """One task of the demo ledger and how its year went.

    ``profile``: green (on track), lag_y / lag_r (progress behind the time-proportional
    path by about 20 / 35 points), overdue (deadline passed, not done), miss (latest report
    not sent), done (completed in month ``done``), closed (done, evaluated and closed).
    ``ms``: milestones as (title, month) — due on the month's last working day — or
    (title, "recent") — due two working days ago; ``open_ms`` is the index of a past
    milestone left open. ``pending``: this period's report is still waiting for review;
    ``late``: how many past reports came in late; ``returned``: "mid" — a mid-year report was
    returned and sent again, "recent" — this period's report was just returned.
    """

    code: str
    title: str
    lead: str
    co: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    cadence: str = M
    profile: str = "green"
    ms: tuple[tuple[str, int | str], ...] = ()
    open_ms: int | None = None
    due: tuple[int, int] | None = None
    done: int | None = None
    pending: bool = False
    late: int = 0
    returned: str = ""
    problem: str = ""
    work: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    priority: int = Priority.NORMAL
    desc: str = ""
    score: tuple[float, str] | None = None
    children: list[T] = field(default_factory=list)


KEY_MS = (("制定年度工作方案，分解责任清单", 2), ("开展上半年督查评估", 7), ("完成年度工作总结和成效评估", 12))

# --- the conference's nine key tasks and the commitments under them ----------------------------

CONFERENCE: list[T] = [
    T(
        "1",
        "加快渝西国际开放枢纽建设，壮大开放型经济",
        "区商务委",
        co=("区发展改革委", "区交通运输委"),
        areas=("开放",),
        cadence=Q,
        priority=HIGH,
        ms=KEY_MS,
        indicators=("外贸进出口总额",),
        desc="统筹开放平台和通道建设，稳外贸、稳外资，扩大开放型经济规模。",
        work=("统筹开放平台建设，梳理开放通道项目清单", "调度外贸外资重点企业，跟踪进出口运行"),
        children=[
            T(
                "1.1",
                "争创市级内外贸一体化先行示范区",
                "区商务委",
                co=("区市场监管局",),
                areas=("开放", "改革"),
                ms=(
                    ("制定内外贸一体化改革工作方案", 3),
                    ("遴选内外贸一体化试点企业", 7),
                    ("报送示范区创建材料", "recent"),
                ),
                open_ms=2,
                work=("对标市级评价指标，逐项查找差距", "组织试点企业开展同线同标同质认证", "整理创建佐证材料"),
            ),
            T(
                "1.2",
                "推动“渝车出海”行动和“渝企出海”服务",
                "区商务委",
                co=("区经信委",),
                areas=("开放",),
                late=2,
                ms=(("建立出海企业服务清单", 3), ("组织车企参加境外推介", 8)),
                work=(
                    "走访整车和零部件企业，摸排出口意向",
                    "对接市级出海服务平台，协调物流和结算",
                    "帮助企业办理出口资质",
                ),
            ),
            T(
                "1.3",
                "发展跨境电商和数字贸易，探索数字资产出海",
                "区商务委",
                co=("区科技局",),
                areas=("开放", "商贸"),
                profile="lag_y",
                ms=(("引进跨境电商经营主体", 5), ("开展跨境电商业务培训", 9)),
                problem="数字资产出海缺少可参照的政策和监管口径，试点企业观望情绪较重。",
                work=("对接跨境电商平台，推动本地企业开设店铺", "研究数字资产出海路径，走访意向企业"),
            ),
            T(
                "1.4",
                "组织企业参与“百团千企”国际市场开拓",
                "区商务委",
                co=("区经信委",),
                areas=("开放",),
                cadence=Q,
                profile="done",
                done=10,
                ms=(("发布年度境外展会计划", 3), ("组织企业参加境外展会", 9)),
                work=("发布境外展会目录，动员企业报名", "组织企业赴境外参展洽谈"),
            ),
            T(
                "1.5",
                "落实外商投资圆桌会议制度，稳住外资",
                "区商务委",
                co=("区发展改革委",),
                areas=("开放",),
                cadence=Q,
                ms=(("召开上半年外商投资圆桌会议", 6), ("召开下半年外商投资圆桌会议", 12)),
                work=("收集外资企业诉求并分办", "跟踪在谈外资项目，推动签约落地"),
            ),
        ],
    ),
    T(
        "2",
        "培育新质生产力，建设现代化产业体系",
        "区经信委",
        co=("区科技局", "区发展改革委"),
        areas=("工业",),
        cadence=Q,
        priority=HIGH,
        ms=KEY_MS,
        indicators=("规上工业增加值",),
        desc="坚持工业立区、制造强区，推动重大项目落地，发展新兴产业和未来产业，稳住工业增长。",
        work=("调度工业运行和重点项目，研判增长形势", "推动产业研究院、产业基金和产业园区联动"),
        children=[
            T(
                "2.1",
                "迭代升级现代制造业“2515”产业体系",
                "区经信委",
                co=("区科技局",),
                areas=("工业",),
                cadence=Q,
                ms=(("优化“研究院+基金+园区”产业生成路径", 4), ("承接智能检测装备、轨道交通装备会议成果", 8)),
                work=(
                    "梳理重点产业链图谱，确定补链强链项目",
                    "跟进智能检测装备大会签约项目",
                    "对接轨道交通装备企业落地需求",
                ),
            ),
            T(
                "2.2",
                "申报兑现“专精特新6条”措施",
                "区经信委",
                co=("区财政局",),
                areas=("工业", "惠企"),
                returned="mid",
                ms=(("发布年度申报指南", 3), ("完成第一批企业审核兑现", 6), ("完成第二批企业审核兑现", 10)),
                work=("组织企业申报，逐户辅导申报材料", "会同财政部门审核兑现资金", "公示兑现名单并拨付资金"),
            ),
            T(
                "2.3",
                "深化落实服务企业专员制度",
                "区经信委",
                areas=("工业", "营商环境"),
                pending=True,
                ms=(("调整专员联系企业名单", 2), ("开展专员服务半年评估", 7)),
                work=("专员走访联系企业，收集企业诉求", "分办企业诉求并跟踪办结", "通报专员服务情况"),
            ),
            T(
                "2.4",
                "推动重点工业项目加快建设",
                "区经信委",
                co=("区发展改革委", "区规划自然资源局"),
                areas=("工业", "项目"),
                priority=HIGH,
                ms=(("建立重点工业项目调度台账", 2), ("开展项目建设“比学赶超”现场会", 6)),
                work=("按周调度重点工业项目，协调用地用能问题", "组织项目现场督导"),
                children=[
                    T(
                        "2.4.1",
                        "普康医疗项目加快建设",
                        "区经信委",
                        areas=("工业", "项目"),
                        priority=HIGH,
                        pending=True,
                        ms=(("主体厂房封顶", 5), ("生产设备进场安装", 9), ("首条产线试生产", 12)),
                        work=("协调施工单位增加作业面", "推进设备采购和进场", "协调供电供气配套接入"),
                    ),
                    T(
                        "2.4.2",
                        "东方希望项目加快建设",
                        "区经信委",
                        co=("区规划自然资源局",),
                        areas=("工业", "项目"),
                        priority=HIGH,
                        profile="lag_y",
                        ms=(("完成二期用地报批", 4), ("二期主体工程开工", 8)),
                        problem="二期用地报批耗时超出预期，主体工程开工推迟，正协调市级部门加快审批。",
                        work=("对接市级部门推进用地报批", "协调企业优化施工组织"),
                    ),
                    T(
                        "2.4.3",
                        "重庆理文项目加快建设",
                        "区经信委",
                        areas=("工业", "项目"),
                        priority=HIGH,
                        late=1,
                        ms=(("完成技改设备招标", 4), ("新增产能投产", 10)),
                        work=("跟踪技改设备招标和到货", "协调解决用能指标问题", "督促企业加快调试"),
                    ),
                ],
            ),
            T(
                "2.5",
                "规上工业增加值增长7.5%",
                "区经信委",
                co=("区统计局",),
                areas=("工业",),
                priority=HIGH,
                indicators=("规上工业增加值",),
                ms=(("一季度工业运行分析", 4), ("上半年工业运行分析", 7), ("前三季度工业运行分析", 10)),
                work=("监测重点企业产值，开展月度运行分析", "对增速下滑企业逐户走访帮扶", "推动新投产项目尽快入规"),
            ),
        ],
    ),
    T(
        "3",
        "提振有效需求，释放消费和投资潜力",
        "区发展改革委",
        co=("区商务委", "区财政局"),
        areas=("商贸", "投资"),
        cadence=Q,
        priority=HIGH,
        ms=KEY_MS,
        indicators=("社会消费品零售总额", "固定资产投资"),
        desc="扩大消费和有效投资，建设区域消费中心城市，保障重点项目推进。",
        work=("调度重点投资项目和消费运行", "分析投资和消费数据，提出提振措施"),
        children=[
            T(
                "3.1",
                "实施消费“三大行动”，建设区域消费中心城市",
                "区商务委",
                co=("中山路街道", "区城市管理局"),
                areas=("商贸",),
                priority=HIGH,
                indicators=("社会消费品零售总额",),
                ms=(("印发消费三大行动实施方案", 3),),
                work=("统筹三大行动推进，按月调度", "分析消费市场运行，研究促消费举措"),
                children=[
                    T(
                        "3.1.1",
                        "消费载体培优：提升商圈能级",
                        "区商务委",
                        co=("中山路街道",),
                        areas=("商贸",),
                        ms=(("完成商圈提升规划", 4), ("完善商圈标识和氛围营造", 9)),
                        work=("推进商圈形象标识设计", "引导商业综合体差异化定位"),
                        children=[
                            T(
                                "3.1.1.1",
                                "整合打造百亿级“高—兴”商圈",
                                "区商务委",
                                areas=("商贸",),
                                pending=True,
                                ms=(("商圈整合方案通过审议", 4), ("商圈统一标识上线", 8)),
                                work=("梳理商圈业态，制定招商清单", "推进商圈统一标识和导视系统"),
                            ),
                            T(
                                "3.1.1.2",
                                "渝西广场传统商圈转型升级",
                                "区商务委",
                                co=("中山路街道", "区城市管理局"),
                                areas=("商贸", "城市更新"),
                                ms=(("完成商圈环境改造设计", 5), ("外立面和街区环境改造完工", "recent")),
                                open_ms=1,
                                work=("推进商圈外立面和街区改造", "引进品牌商户，调整业态"),
                            ),
                        ],
                    ),
                    T(
                        "3.1.2",
                        "消费供给提升：首店品牌和以旧换新",
                        "区商务委",
                        co=("区市场监管局",),
                        areas=("商贸",),
                        late=2,
                        ms=(("发布首店引进支持措施", 3), ("开展以旧换新集中促销", 5), ("培育区域原创品牌", 10)),
                        work=("对接品牌首店落户", "组织商户参与以旧换新活动", "培育本地原创品牌"),
                    ),
                    T(
                        "3.1.3",
                        "消费提振赋能：培育新业态新场景",
                        "区商务委",
                        areas=("商贸",),
                        ms=(("打造影视体验消费场景", 6), ("发展即时零售和直播电商", 10)),
                        work=("推进影视体验消费场景建设", "组织直播电商培训和带货活动", "推动即时零售平台拓展网点"),
                        children=[
                            T(
                                "3.1.3.1",
                                "承办科技电影周等重要展会活动",
                                "区商务委",
                                co=("区科技局",),
                                areas=("商贸", "会展"),
                                profile="done",
                                done=9,
                                ms=(("确定展会活动方案", 4), ("完成科技电影周举办", 9)),
                                work=("对接主办方确定活动方案", "筹备场馆和配套消费活动", "举办活动并总结"),
                            ),
                        ],
                    ),
                ],
            ),
            T(
                "3.2",
                "谋划储备城市更新项目，争取上级资金",
                "区住房城乡建委",
                co=("区发展改革委", "区财政局"),
                areas=("住建", "城市更新", "投资"),
                priority=HIGH,
                indicators=("城市更新项目投资",),
                pending=True,
                ms=(("更新城市更新项目储备库", 3), ("申报上级补助资金", 6), ("开工第二批更新项目", 9)),
                work=("对照国家增量政策梳理可包装项目", "动态更新项目储备库", "对接市级部门争取资金"),
            ),
            T(
                "3.3",
                "壮大中山路街道商圈、楼宇、夜间等特色经济",
                "中山路街道",
                co=("区商务委",),
                areas=("商贸",),
                returned="recent",
                ms=(("摸清辖区楼宇和商户底数", 3), ("打造夜间消费街区", 7)),
                work=("走访商圈和楼宇企业，收集经营困难", "推进校园周边和夜间消费街区提档", "引进总部型企业入驻楼宇"),
            ),
            T(
                "3.4",
                "培育健身康养、社区服务等新型产业",
                "中山路街道",
                areas=("商贸", "民生"),
                cadence=Q,
                profile="miss",
                ms=(("引进健身康养经营主体", 6),),
                work=("梳理社区闲置用房，引进康养服务机构", "扶持社区服务类企业"),
            ),
            T(
                "3.5",
                "保障成渝高速扩容、渝西水资源配置等重点项目",
                "中山路街道",
                co=("区交通运输委", "区规划自然资源局"),
                areas=("项目",),
                cadence=Q,
                priority=HIGH,
                ms=(("完成辖区段征地摸底", 3), ("完成施工用地交付", 8)),
                work=("做好沿线群众工作，协调施工矛盾", "配合开展征地补偿和交地"),
            ),
        ],
    ),
    T(
        "4",
        "推进深层次改革，争创标志性成果",
        "区发展改革委",
        co=("区住房城乡建委", "区民政局"),
        areas=("改革",),
        cadence=Q,
        ms=KEY_MS,
        desc="抓好住建、民政等领域改革试点，形成具有永川辨识度的改革成果。",
        work=("调度各领域改革试点进度", "梳理可复制推广的改革经验"),
        children=[
            T(
                "4.1",
                "推进住建领域改革试点",
                "区住房城乡建委",
                areas=("住建", "改革"),
                ms=(("印发年度改革试点任务清单", 3),),
                work=("统筹四项改革试点，按月通报进度", "总结试点阶段性成果"),
                children=[
                    T(
                        "4.1.1",
                        "现代社区数字管线试点",
                        "区住房城乡建委",
                        co=("区城市管理局",),
                        areas=("住建", "改革", "数字化"),
                        profile="lag_r",
                        ms=(("完成试点社区管线普查", 5), ("数字管线平台上线", 11)),
                        problem="管线权属单位数据共享不足，普查数据归集慢，平台建设推迟。",
                        work=("开展试点社区地下管线普查", "推进管线数据归集入库"),
                    ),
                    T(
                        "4.1.2",
                        "智能建造试点",
                        "区住房城乡建委",
                        areas=("住建", "改革"),
                        cadence=Q,
                        ms=(("确定智能建造试点项目", 3), ("试点项目应用智能建造技术", 9)),
                        work=("遴选试点项目和企业", "推广装配式和智能施工设备"),
                    ),
                    T(
                        "4.1.3",
                        "“愉悦·农房”试点",
                        "区住房城乡建委",
                        co=("区农业农村委",),
                        areas=("住建", "改革", "城乡"),
                        cadence=Q,
                        ms=(("编制农房设计图集", 4), ("建成示范农房", 10)),
                        work=("编制农房风貌设计图集", "指导示范村农房建设"),
                    ),
                    T(
                        "4.1.4",
                        "城镇房屋体检试点",
                        "区住房城乡建委",
                        areas=("住建", "改革"),
                        ms=(("制定房屋体检技术导则", 4), ("完成试点片区房屋体检", 9)),
                        open_ms=1,
                        problem="第三方检测机构人手不足，试点片区体检报告尚未全部出具。",
                        work=("组织第三方机构开展房屋体检", "建立房屋体检档案"),
                    ),
                ],
            ),
            T(
                "4.2",
                "推进“社会救助一件事”改革",
                "区民政局",
                co=("区人力社保局", "区政务服务办"),
                areas=("民政", "改革"),
                pending=True,
                ms=(("梳理救助事项和部门协同流程", 3), ("上线一件事联办功能", 7), ("全区镇街推广应用", 10)),
                work=("梳理社会救助事项清单和办理流程", "对接部门数据，实现一次申请多部门联办", "培训镇街经办人员"),
            ),
            T(
                "4.3",
                "推进“公民身后一件事”改革",
                "区民政局",
                co=("区政务服务办", "区人力社保局"),
                areas=("民政", "改革"),
                profile="done",
                done=8,
                ms=(("明确联办事项和牵头部门", 3), ("联办窗口投入运行", 7)),
                work=("梳理身后事项清单", "推动公安、人社、医保等事项联办"),
            ),
            T(
                "4.4",
                "推行婚姻登记跨省通办",
                "区民政局",
                areas=("民政", "改革"),
                profile="closed",
                done=5,
                due=(6, 30),
                ms=(("完成婚姻登记系统升级", 3), ("开始受理跨省通办业务", 5)),
                work=("升级婚姻登记系统，培训登记员", "开始受理跨省婚姻登记"),
                score=(95, "按期上线跨省通办，群众办事少跑路，成效明显。"),
            ),
            T(
                "4.5",
                "推进“精康融合”改革",
                "区民政局",
                areas=("民政", "改革"),
                cadence=Q,
                ms=(("确定精康融合服务机构", 5), ("开展康复服务", 10)),
                work=("遴选精神障碍社区康复服务机构", "组织康复对象接受服务"),
            ),
        ],
    ),
    T(
        "5",
        "统筹发展和安全，防范化解重点领域风险",
        "区政府办",
        co=("区应急局", "区财政局", "区住房城乡建委"),
        areas=("安全",),
        cadence=Q,
        priority=HIGH,
        ms=KEY_MS,
        desc="保障能源要素安全，稳妥处置房地产等领域风险，守住安全底线。",
        work=("调度能源、燃气、房地产等领域风险处置", "组织安全生产检查"),
        children=[
            T(
                "5.1",
                "重庆永川城东220千伏输变电工程",
                "区经信委",
                co=("区规划自然资源局",),
                areas=("安全", "项目", "能源"),
                priority=HIGH,
                profile="overdue",
                due=(9, 30),
                ms=(("完成线路路径协调", 3), ("变电站主体完工", 7)),
                problem="个别线路塔基征地协调难度大，架线工程滞后，投运时间推迟。",
                work=("协调线路塔基征地", "督促施工单位加快变电站建设", "推进架线施工"),
            ),
            T(
                "5.2",
                "铜梁1000千伏特高压站500千伏送出工程（永川段）",
                "区经信委",
                co=("区规划自然资源局",),
                areas=("安全", "项目", "能源"),
                priority=HIGH,
                ms=(("完成永川段塔基用地交付", 4), ("永川段铁塔组立", 9)),
                work=("协调沿线镇街完成用地交付", "跟踪铁塔组立和架线进度"),
            ),
            T(
                "5.3",
                "来三线至港桥燃气管线工程",
                "区经信委",
                co=("区住房城乡建委",),
                areas=("安全", "项目", "能源"),
                profile="done",
                done=10,
                ms=(("管线主体焊接完成", 6), ("管线试压通气", 10)),
                work=("协调管线穿越道路审批", "督促施工单位加快焊接和试压"),
            ),
            T(
                "5.4",
                "城镇燃气油气安全专项整治",
                "区经信委",
                co=("区住房城乡建委", "区应急局", "区市场监管局"),
                areas=("安全",),
                priority=HIGH,
                late=3,
                ms=(("完成燃气隐患全面排查", 4), ("完成老旧燃气管道更新", 10)),
                work=("开展燃气用户隐患排查", "督促燃气企业整改隐患", "推进老旧燃气管道更新"),
            ),
            T(
                "5.5",
                "协调“白名单”项目融资，稳妥化解房地产风险",
                "区住房城乡建委",
                co=("区财政局",),
                areas=("住建", "安全"),
                priority=HIGH,
                returned="mid",
                ms=(("推送第一批白名单项目", 3), ("推动白名单项目放款", 6), ("完成保交房年度任务", 11)),
                work=("审核推送白名单项目", "协调银行加快贷款审批和发放", "跟踪保交房项目进度"),
            ),
            T(
                "5.6",
                "根治欠薪，化解物业管理热点问题",
                "区住房城乡建委",
                co=("区人力社保局",),
                areas=("住建", "民生"),
                pending=True,
                ms=(("开展工程建设领域欠薪排查", 4), ("岁末年初欠薪专项治理", 12)),
                work=("排查在建项目工资支付情况", "处理欠薪和物业投诉", "落实农民工实名制和工资专户"),
            ),
            T(
                "5.7",
                "建筑施工安全生产监管",
                "区住房城乡建委",
                co=("区应急局",),
                areas=("住建", "安全"),
                ms=(("开展汛期安全大检查", 6), ("完成危大工程专项检查", "recent")),
                open_ms=1,
                work=("检查在建工地安全措施", "督促企业整改安全隐患"),
            ),
        ],
    ),
    T(
        "6",
        "以数字赋能和“大综合一体化”提升城市治理",
        "区城市管理局",
        co=("区政务服务办",),
        areas=("治理", "数字化"),
        cadence=Q,
        ms=KEY_MS,
        work=("推进城市运行管理平台建设", "整合执法和服务事项"),
        children=[
            T(
                "6.1",
                "提升物业服务质量，化解物业矛盾",
                "区住房城乡建委",
                co=("中山路街道",),
                areas=("住建", "治理"),
                profile="lag_y",
                ms=(("开展物业服务质量评价", 6), ("完成问题小区整治", 11)),
                problem="部分老旧小区无物业管理，业主委员会组建慢，整治进度不及预期。",
                work=("开展物业服务质量评价", "督促物业企业整改投诉问题"),
            ),
            T(
                "6.2",
                "深化“千企万户”大走访和“一企一专员”机制",
                "中山路街道",
                co=("区经信委",),
                areas=("营商环境", "治理"),
                late=1,
                ms=(("完成辖区企业走访全覆盖", 6), ("企业诉求办结率达到95%", 11)),
                work=("网格员走访辖区企业和住户", "专员跟踪企业诉求办理", "建立企业服务台账"),
            ),
            T(
                "6.3",
                "建设民政综合服务体，打造特色服务品牌",
                "区民政局",
                areas=("民政", "治理"),
                cadence=Q,
                ms=(("组建社会救助、公益慈善、社会组织三大联合体", 5), ("“永助桥”“海棠花”品牌发布", 9)),
                work=("整合民政服务资源组建联合体", "培育特色服务品牌"),
            ),
        ],
    ),
    T(
        "7",
        "深化城乡协调发展，推进城乡融合和乡村振兴",
        "区农业农村委",
        co=("区住房城乡建委",),
        areas=("城乡",),
        cadence=Q,
        ms=KEY_MS,
        work=("调度乡村振兴重点项目", "推进城乡基础设施一体化"),
        children=[
            T(
                "7.1",
                "推进城镇老旧小区改造",
                "区住房城乡建委",
                co=("中山路街道",),
                areas=("住建", "城市更新"),
                priority=HIGH,
                ms=(("确定年度改造小区名单", 2), ("改造项目全部开工", 6), ("完工验收", 12)),
                work=("组织改造小区居民议事", "督促改造项目开工", "巡查施工质量"),
                children=[
                    T(
                        "7.1.1",
                        "中山路街道老旧小区改造",
                        "中山路街道",
                        co=("区住房城乡建委",),
                        areas=("住建", "城市更新"),
                        returned="recent",
                        ms=(("完成居民改造意愿征集", 3), ("辖区改造小区开工", 6)),
                        work=("入户征集居民改造意见", "协调施工期间居民出行和停车"),
                    ),
                ],
            ),
            T(
                "7.2",
                "推进地下管网、城中村和危旧房改造",
                "区住房城乡建委",
                co=("区城市管理局",),
                areas=("住建", "城市更新"),
                cadence=Q,
                ms=(("完成管网改造项目招标", 4), ("危旧房改造完成年度任务量六成", 9)),
                work=("推进雨污管网改造", "组织危旧房鉴定和改造"),
            ),
            T(
                "7.3",
                "双龙村“城中村”征地拆迁",
                "中山路街道",
                co=("区规划自然资源局",),
                areas=("城市更新", "城乡"),
                priority=HIGH,
                profile="lag_r",
                ms=(("完成入户调查和评估", 4), ("签约率达到80%", 9)),
                open_ms=1,
                problem="少数户对补偿标准有异议，签约进度慢，正在逐户做工作。",
                work=("入户开展调查评估", "组织签约和腾房", "逐户化解补偿争议"),
            ),
            T(
                "7.4",
                "盘活街道社区闲置资源，壮大集体经济",
                "中山路街道",
                co=("区农业农村委",),
                areas=("城乡",),
                cadence=Q,
                profile="miss",
                ms=(("摸清闲置资产底数", 4),),
                work=("清查社区闲置资产", "引入经营主体盘活闲置用房"),
            ),
        ],
    ),
    T(
        "8",
        "建设美丽永川，服务长江经济带高质量发展",
        "区生态环境局",
        co=("区城市管理局", "区农业农村委"),
        areas=("生态",),
        cadence=Q,
        ms=KEY_MS,
        work=("调度污染防治攻坚任务", "跟踪生态环境质量变化"),
        children=[
            T(
                "8.1",
                "重点河流水质稳定达标",
                "区生态环境局",
                co=("区农业农村委",),
                areas=("生态",),
                cadence=Q,
                ms=(("完成入河排污口排查", 4), ("完成农业面源污染治理项目", 10)),
                work=("开展河流断面水质监测", "整治入河排污口"),
            ),
            T(
                "8.2",
                "大气污染防治攻坚",
                "区生态环境局",
                co=("区城市管理局", "区住房城乡建委"),
                areas=("生态",),
                late=2,
                ms=(("完成重点企业挥发性有机物治理", 6), ("秋冬季大气污染防治方案实施", 10)),
                work=("检查工地扬尘防治", "督促企业治理废气"),
            ),
            T(
                "8.3",
                "生态环保督察反馈问题整改",
                "区生态环境局",
                areas=("生态",),
                cadence=Q,
                profile="closed",
                done=7,
                ms=(("制定整改方案", 3), ("完成整改验收", 7)),
                work=("逐项制定整改措施", "组织整改验收"),
                score=(92, "整改措施到位，已通过验收，群众反映问题得到解决。"),
            ),
        ],
    ),
    T(
        "9",
        "尽力而为、量力而行，持续增进民生福祉",
        "区民政局",
        co=("区人力社保局",),
        areas=("民生", "民政"),
        cadence=Q,
        priority=HIGH,
        ms=KEY_MS,
        indicators=("新增养老服务床位",),
        work=("调度民生实事项目", "督促养老、救助等民生政策落实"),
        children=[
            T(
                "9.1",
                "发展助餐、助浴、助医“三助”养老服务",
                "区民政局",
                areas=("民政", "养老"),
                priority=HIGH,
                late=1,
                ms=(("新建社区老年助餐点", 6), ("开通上门助浴服务", 8), ("签约家庭医生助医服务", 10)),
                work=("新建社区助餐点", "引入专业机构提供上门助浴", "联系医疗机构开展助医服务"),
            ),
            T(
                "9.2",
                "促成区级养老综合服务中心落地",
                "区民政局",
                co=("区发展改革委", "区规划自然资源局"),
                areas=("民政", "养老"),
                priority=HIGH,
                profile="lag_y",
                indicators=("新增养老服务床位",),
                ms=(("确定中心选址", 4), ("完成项目立项", 8)),
                problem="中心选址调整后项目立项推迟，新增床位建设慢于年度计划。",
                work=("比选中心选址方案", "办理项目立项手续", "洽谈专业运营机构"),
            ),
            T(
                "9.3",
                "发展“一刻钟”“家门口”社区养老服务",
                "区民政局",
                co=("中山路街道",),
                areas=("民政", "养老"),
                pending=True,
                ms=(("建成社区养老服务站", 6), ("社区养老服务覆盖率达到90%", 11)),
                work=("改造社区养老服务站", "组织社区为老服务活动"),
            ),
            T(
                "9.4",
                "中山路街道扩就业促增收",
                "中山路街道",
                co=("区人力社保局",),
                areas=("民生", "就业"),
                cadence=Q,
                ms=(("举办春风行动招聘会", 3), ("开展技能培训", 9)),
                work=("举办招聘会，推荐就业岗位", "组织失业人员技能培训"),
            ),
        ],
    ),
]

# --- a district document that carries the municipal policy package into measures -------------

POLICY_DOC: list[T] = [
    T(
        "Z1",
        "制定区级提信心稳增长促发展政策措施",
        "区发展改革委",
        co=("区财政局", "区经信委", "区商务委"),
        areas=("改革", "惠企"),
        priority=HIGH,
        profile="closed",
        done=4,
        due=(4, 30),
        ms=(("形成政策措施征求意见稿", 3), ("政策措施印发", 4)),
        work=("对照国家和市级政策逐条研究区级配套措施", "征求部门和企业意见，修改完善"),
        score=(96, "按期出台配套政策，覆盖稳增长、惠企业各方面，政策叠加效应初显。"),
    ),
    T(
        "Z2",
        "争取超长期特别国债和地方政府专项债券项目",
        "区发展改革委",
        co=("区财政局",),
        areas=("投资", "争取上级支持"),
        priority=HIGH,
        ms=(("报送第一批项目", 3), ("报送第二批项目", 7)),
        work=("梳理符合投向的项目，完善前期手续", "对接市级部门争取项目入库"),
    ),
    T(
        "Z3",
        "兑付消费品以旧换新补贴资金",
        "区商务委",
        co=("区财政局",),
        areas=("商贸", "惠企"),
        pending=True,
        ms=(("确定参与商户名单", 3), ("完成上半年补贴核销", 7)),
        work=("审核以旧换新补贴申请", "会同财政部门拨付补贴资金"),
    ),
    T(
        "Z4",
        "建立政策兑现全链条跟踪问效机制",
        "区政府办",
        co=("区委督查室", "区财政局"),
        areas=("改革", "督查"),
        profile="overdue",
        due=(9, 30),
        ms=(("制定跟踪问效工作办法", 5), ("建成政策兑现台账", 8)),
        problem="部门政策兑现数据口径不一致，台账归集未全部完成。",
        work=("制定政策兑现跟踪问效办法", "归集各部门政策兑现数据"),
    ),
]

# (name, measure, target kind, target, owner, baseline, note)
INDICATORS = [
    ("规上工业增加值", "%", TargetKind.GROWTH, "7.5", "区经信委", None, "区统计局月度数据，按可比价格计算的累计增速"),
    ("社会消费品零售总额", "亿元", TargetKind.GROWTH, "6.5", "区商务委", "486.20", "年初至今累计值及同比增速"),
    ("固定资产投资", "%", TargetKind.GROWTH, "6.0", "区发展改革委", None, "区统计局月度数据，累计增速"),
    ("外贸进出口总额", "亿元", TargetKind.GROWTH, "8.0", "区商务委", "152.40", "海关统计，年初至今累计"),
    ("城市更新项目投资", "亿元", TargetKind.LEVEL, "45.00", "区住房城乡建委", None, "年初至今累计完成投资"),
    ("新增养老服务床位", "张", TargetKind.LEVEL, "400", "区民政局", None, "年初至今累计新增床位"),
]

# Cumulative year-to-date growth (%) published for months 2..12, and the year-to-date share of
# the prior year's total reached by each month end (level indicators: share of the target).
GROWTH = {
    "规上工业增加值": [6.9, 7.3, 7.6, 7.8, 8.1, 7.9, 7.7, 7.8, 7.9, 8.0, 7.9],
    "社会消费品零售总额": [5.8, 6.1, 6.4, 6.6, 6.9, 6.8, 6.7, 6.9, 7.0, 7.1, 7.0],
    "固定资产投资": [4.2, 5.1, 5.6, 6.0, 6.3, 6.2, 6.4, 6.5, 6.6, 6.5, 6.4],
    "外贸进出口总额": [9.5, 8.8, 8.6, 8.9, 9.2, 9.0, 8.7, 8.8, 9.1, 9.0, 8.9],
    "城市更新项目投资": [11.2, 12.5, 13.1, 14.0, 15.2, 14.8, 15.5, 16.0, 15.7, 15.9, 16.1],
    "新增养老服务床位": [-12.0, -10.5, -9.0, -8.2, -6.5, -5.1, -4.8, -4.0, -3.2, -2.5, -2.0],
}
SHARE = {
    "社会消费品零售总额": [0.16, 0.24, 0.315, 0.395, 0.48, 0.56, 0.64, 0.725, 0.81, 0.90, 1.0],
    "外贸进出口总额": [0.14, 0.23, 0.31, 0.39, 0.48, 0.57, 0.65, 0.74, 0.82, 0.91, 1.0],
    # ahead of the time-proportional path
    "城市更新项目投资": [0.18, 0.27, 0.36, 0.45, 0.54, 0.63, 0.71, 0.80, 0.88, 0.95, 1.0],
    # behind it: the district elderly-care centre is late
    "新增养老服务床位": [0.08, 0.12, 0.17, 0.22, 0.28, 0.34, 0.40, 0.47, 0.54, 0.62, 0.72],
}

INDICATOR_LINKS = {"规上工业增加值": "年度目标：增长7.5%"}

GENERIC_WORK = (
    "召开专题调度会，逐项对账推进",
    "对接市级部门，争取政策和资金支持",
    "深入现场调研，协调解决推进中的具体问题",
    "细化责任分工，落实周调度、月通报",
    "梳理问题清单，明确整改时限和责任人",
    "会同配合单位会商，推动关键环节提速",
)
CO_WORK = (
    "按分工提供数据和审批支持",
    "参加联席会议，配合协调解决问题",
    "落实本单位承担的配套事项",
)
GREEN_PROBLEMS = (
    "个别环节推进偏慢，已建立周调度机制加快推进。",
    "受天气影响部分现场作业有所延后，已调整施工计划。",
    "部分企业材料不全，正在逐户辅导补充。",
)
RETURN_REASONS = (
    "进展情况缺少量化数据，请补充完成量、投资额等具体数字后重报。",
    "未附佐证材料，请补充会议纪要或现场照片后重报。",
    "本期进度较上期变化较大但未说明依据，请补充说明。",
)
EVIDENCE = ("会议纪要及工作台账", "批复文件及现场照片", "验收资料及工作简报", "书面报告及相关文件")


class Builder:
    """Writes the demo ledger through the services, then dates it back to when it happened."""

    def __init__(self, today: date, now: datetime) -> None:
        self.today = today
        self.now = now
        self.year = today.year
        self.cal: WorkCalendar = calendar.current()
        self.rng = random.Random(self.year)  # noqa: S311 -- demo data, not security
        self.tz = timezone.get_current_timezone()
        self.units: dict[str, Unit] = {}
        self.owners: dict[str, Person | None] = {}
        self.indicators: dict[str, Indicator] = {}
        self.tasks: list[Task] = []
        self.reports = 0

    # --- small helpers ---------------------------------------------------------------------

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            unit = find_unit(name)
            if unit is None:
                raise LookupError(f"演示单位“{name}”不存在，请先加载单位、人员与账号。")
            self.units[name] = unit
        return self.units[name]

    def owner(self, unit_name: str) -> Person | None:
        if unit_name not in self.owners:
            name = OWNERS.get(unit_name)
            self.owners[unit_name] = (
                Person.objects.filter(unit=self.unit(unit_name), name=name).first() if name else None
            )
        return self.owners[unit_name]

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
        return min(moment, self.now - timedelta(minutes=30))

    def dated(self, moment: datetime) -> None:
        """Date back the timeline events the services wrote since the last call.

        The services stamp events "now", and every event dated back lies before the load
        began, so the events still at or after its start are exactly the new ones.
        """
        TimelineEvent.objects.filter(at__gte=self.now).update(at=moment)

    def workday(self, day: date, back: bool = True) -> date:
        if self.cal.is_workday(day):
            return day
        return self.cal.add_workdays(day, -1 if back else 1)

    def month_end(self, month: int) -> date:
        first_next = date(self.year + (month == 12), month % 12 + 1, 1)
        return self.workday(first_next - timedelta(days=1))

    def clamp(self, day: date, lo: date, hi: date) -> date:
        return max(lo, min(day, hi))

    def periods(self, cadence: str, start: date, last_day: date) -> list[Period]:
        """Every period of ``cadence`` from the one holding ``start`` to the one holding ``last_day``."""
        result = []
        period = period_of(self.cal, cadence, start)
        while period is not None and period.start <= last_day:
            result.append(period)
            period = period_of(self.cal, cadence, period.end + timedelta(days=1))
        return result

    def expected(self, task: Task, day: date) -> int:
        return expected_percent(self.cal, task.start_date, task.due_date, day)

    # --- the ledger ------------------------------------------------------------------------

    def build(self) -> None:
        for name, measure, kind, target, owner, baseline, note in INDICATORS:
            self.indicator(name, measure, kind, target, owner, baseline, note)

        meeting_day = date(self.year, 1, 2)
        conference = services.create_source(
            SYSTEM,
            title=f"{self.year}{MEETING_SUFFIX}",
            held_on=meeting_day,
            kind=SourceKind.MEETING,
            level=Level.DISTRICT,
            note="总结上年经济工作，部署本年经济工作，明确九个方面重点任务；各部门、镇街会后逐项认领。",
        )
        start = self.cal.add_workdays(meeting_day, 3)
        for spec in CONFERENCE:
            self.task(spec, conference, start, None)
        Task.objects.filter(source=conference).update(created_at=self.at(start, 9, 30))

        doc_day = self.workday(date(self.year, 2, 27))
        document = services.create_source(
            SYSTEM,
            title="永川区贯彻落实市级一揽子增量政策措施的实施方案",
            held_on=doc_day,
            kind=SourceKind.DOCUMENT,
            level=Level.DISTRICT,
            doc_number=f"永川府发〔{self.year}〕5号",
            note="区政府对照市级一揽子增量政策，明确区级配套措施、责任单位和完成时限。",
        )
        start = self.cal.add_workdays(doc_day, 2)
        if start < self.today:
            for spec in POLICY_DOC:
                self.task(spec, document, start, None)
            Task.objects.filter(source=document).update(created_at=self.at(start, 9, 30))

    def indicator(self, name, measure, kind, target, owner, baseline, note) -> None:
        indicator = services.create_indicator(
            SYSTEM,
            name=name,
            measure=measure,
            target=target,
            year=self.year,
            owner_unit=self.unit(owner),
            target_kind=kind,
            baseline=baseline,
            note=note,
        )
        self.indicators[name] = indicator
        # Statistics for a month come out in the next one; January and February come out together.
        for month in range(2, min(self.today.month - 1, 12) + 1):
            i = month - 2
            growth = Decimal(str(GROWTH[name][i]))
            value = None
            if name in SHARE:
                base = Decimal(baseline) if baseline else Decimal(target)
                value = base * Decimal(str(SHARE[name][i]))
                if kind == TargetKind.GROWTH:
                    value *= 1 + growth / 100
                if measure == "张":
                    value = value.quantize(Decimal(1))
            services.record_indicator_value(
                SYSTEM,
                indicator,
                period_end=date(self.year, month + 1, 1) - timedelta(days=1),
                value=value,
                growth=growth,
                note="1-2月合计" if month == 2 else "",
            )

    def task(self, spec: T, source: Source, start: date, parent: Task | None) -> Task:
        due = date(self.year, *spec.due) if spec.due else date(self.year, 12, 31)
        lead = self.unit(spec.lead)
        task = services.create_task(
            SYSTEM,
            title=spec.title,
            lead_unit=lead,
            start_date=start,
            due_date=due,
            parent=parent,
            source=source,
            co_units=[self.unit(name) for name in spec.co],
            owner=self.owner(spec.lead),
            cadence=spec.cadence,
            priority=spec.priority,
            areas=spec.areas,
            code=spec.code,
            description=spec.desc,
        )
        self.dated(self.at(start, 9, 30))
        self.tasks.append(task)
        for name in spec.indicators:
            indicator = self.indicators[name]
            TaskLink.objects.create(
                task=task,
                content_type=ContentType.objects.get_for_model(Indicator),
                object_id=indicator.pk,
                label=INDICATOR_LINKS.get(name, f"关联指标：{indicator.name}"),
            )
        self.history(spec, task)
        for child in spec.children:
            self.task(child, source, start, task)
        return task

    def history(self, spec: T, task: Task) -> None:
        """The task's year: milestones, reports and reviews, up to today."""
        rng, cal, today = self.rng, self.cal, self.today
        profile = spec.profile
        done_on = None
        if profile in ("done", "closed") and spec.done:
            done_on = self.workday(date(self.year, spec.done, rng.randint(12, 24)), back=False)
            if not task.start_date < done_on < today:
                done_on, profile = None, "green"
        if profile in ("done", "closed") and done_on is None:
            profile = "green"

        # Milestones: past ones done (a few late), the chosen one left open, future ones open.
        milestones: list[tuple[Milestone, bool]] = []
        for i, (title, when) in enumerate(spec.ms):
            day = cal.add_workdays(today, -2) if when == "recent" else self.month_end(when)
            day = self.clamp(day, task.start_date, task.due_date)
            ms = services.add_milestone(SYSTEM, task, title=title, due_date=day)
            self.dated(self.at(task.start_date, 9, 40))
            leave_open = i == spec.open_ms and profile not in ("done", "closed")
            milestones.append((ms, leave_open))

        completed: list[tuple[date, str]] = []
        for ms, leave_open in milestones:
            limit = done_on or today - timedelta(days=1)
            if leave_open or (ms.due_date > limit and done_on is None):
                continue
            if rng.random() < 0.2 and done_on is None:
                day = cal.add_workdays(ms.due_date, rng.randint(1, 4))  # a little late
            else:
                day = cal.add_workdays(ms.due_date, -rng.randint(0, 6))
            day = self.clamp(day, task.start_date, limit)
            services.complete_milestone(
                SYSTEM, ms, done_on=day, evidence=f"{task.lead_unit.display_name}报送的{rng.choice(EVIDENCE)}"
            )
            self.dated(self.at(day, 17))
            completed.append((day, ms.title))

        self.reports_of(spec, task, profile, done_on, completed)

        if profile == "closed":
            score, comment = spec.score or (90, "任务按期完成，成效较好。")
            closed_on = min(cal.add_workdays(done_on, rng.randint(5, 12)), today)
            services.evaluate_task(SYSTEM, task, score=score, comment=comment)
            self.dated(self.at(closed_on, 10))
            services.close_task(SYSTEM, task, note="经核查，任务已完成，予以销号。")
            Task.objects.filter(pk=task.pk).update(closed_on=closed_on)
            self.dated(self.at(closed_on, 10, 30))

    def reports_of(self, spec: T, task: Task, profile: str, done_on: date | None, completed) -> None:
        rng, cal, today = self.rng, self.cal, self.today
        lead = task.lead_unit
        if done_on is not None:
            periods = [p for p in self.periods(task.cadence, task.start_date, done_on) if p.end < done_on]
        else:
            # Every period whose report is due by today; units keep reporting after a missed deadline.
            periods = [p for p in self.periods(task.cadence, task.start_date, today) if p.due <= today]
        # This period's report, sent in its last days (before it is owed).
        current = period_of(cal, task.cadence, today)
        early = None
        if (
            done_on is None
            and profile != "miss"
            and (spec.pending or spec.returned == "recent")
            and current is not None
            and current.start >= task.start_date
            and current.end <= task.due_date
            and cal.workdays_between(today, current.end) <= 6
        ):
            early = current
        if profile == "miss" and periods:
            periods = periods[:-1]
        if not periods and early is None and done_on is None:
            return

        # Percent at the last accepted report, by profile, then a curve that follows the
        # time-proportional path up to it.
        expected_now = self.expected(task, today)
        if done_on is not None:
            final = rng.randint(82, 92)
        elif profile == "lag_y":
            final = expected_now - rng.randint(18, 26)
        elif profile == "lag_r":
            final = expected_now - rng.randint(33, 42)
        elif profile == "overdue":
            final = rng.randint(78, 90)
        elif profile == "miss" and periods:
            final = self.expected(task, periods[-1].end) + rng.randint(-3, 4)
        else:
            final = expected_now + rng.randint(-8, 5)
        final = max(3, min(final, 97))
        pending_late = spec.pending and early is None and bool(periods) and done_on is None
        accepted_periods = periods[:-1] if pending_late else periods
        ends = [self.expected(task, p.end) or 1 for p in accepted_periods] or [1]
        curve = [max(1, round(final * e / ends[-1])) for e in ends]
        for i in range(1, len(curve)):
            curve[i] = max(curve[i], curve[i - 1])
        if accepted_periods:
            curve[-1] = final

        late_idx = set(rng.sample(range(len(periods)), min(spec.late, max(len(periods) - 1, 0))))
        return_idx = len(periods) // 2 if spec.returned == "mid" and len(periods) >= 3 else None
        co_unit = self.unit(spec.co[0]) if spec.co and spec.priority == HIGH else None

        percent = 0
        for i, period in enumerate(periods):
            if i < len(accepted_periods):
                percent = curve[i]
                late = i in late_idx
                decide = True
            else:  # a late report for the last period, still waiting for review
                percent = min(97, percent + rng.randint(3, 6))
                late = True
                decide = False
            day = self.report_day(period, late)
            if done_on is not None:
                day = min(day, done_on - timedelta(days=1))
            if return_idx == i:
                first = self.report(spec, task, lead, period, day, percent, i, completed)
                self.review(first, day, accept=False, note=rng.choice(RETURN_REASONS))
                day = min(cal.add_workdays(day, 2), today - timedelta(days=1))
            report = self.report(spec, task, lead, period, day, percent, i, completed)
            if decide:
                self.review(report, day, accept=True)
            if co_unit is not None and period.end.month in (3, 6, 9):
                other = self.report(spec, task, co_unit, period, day, percent, i, completed, co=True)
                self.review(other, day, accept=True)

        if done_on is not None:
            final_period = period_of(cal, task.cadence, done_on)
            report = self.report(spec, task, lead, final_period, done_on, 100, len(periods), completed, final=True)
            self.review(report, done_on, accept=True)
        elif early is not None:
            day = min(cal.add_workdays(today, -rng.randint(1, 3)), today - timedelta(days=1))
            day = max(day, early.start)
            report = self.report(spec, task, lead, early, day, min(98, percent + rng.randint(2, 5)), 99, completed)
            if spec.returned == "recent":
                self.review(report, day, accept=False, note=rng.choice(RETURN_REASONS))

    def report_day(self, period: Period, late: bool) -> date:
        cal, rng = self.cal, self.rng
        if late:
            day = cal.add_workdays(period.due, rng.randint(1, 6))
        else:
            day = cal.add_workdays(period.end, rng.choice((-1, 0, 1, 1, 2, 2, 3)))
            day = min(day, period.due)
        return min(day, self.today - timedelta(days=1))

    def report(self, spec, task, unit, period, day, percent, i, completed, *, co=False, final=False):
        rng = self.rng
        if co:
            text = (
                f"{period.label}，{unit.display_name}配合{task.lead_unit.display_name}：{CO_WORK[i % len(CO_WORK)]}。"
            )
            problems = ""
        else:
            work = spec.work or GENERIC_WORK
            clause = work[i % len(work)] if i < 99 else rng.choice(work)
            done = [title for d, title in completed if period.start <= d <= period.end]
            parts = [f"{period.label}，{clause}。"]
            if done:
                parts.append("完成“" + "”“".join(done) + "”。")
            parts.append("任务已全部完成，申请销号。" if final else f"累计完成进度{percent}%。")
            text = "".join(parts)
            if final:
                problems = ""
            elif spec.problem and spec.profile in ("lag_y", "lag_r", "overdue") and i >= 2:
                problems = spec.problem
            elif rng.random() < 0.12:
                problems = rng.choice(GREEN_PROBLEMS)
            else:
                problems = ""
        report = services.submit_report(SYSTEM, task, text=text, percent=percent, unit=unit, problems=problems)
        submitted_at = self.at(day, rng.randint(9, 17), rng.choice((0, 10, 20, 30, 40, 50)))
        late = day > period.due
        ProgressReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted_at,
            period=period.key,
            period_end=period.end,
            due_date=period.due,
            is_late=late,
        )
        # The service named the period it would report for today; name the one reported.
        TimelineEvent.objects.filter(at__gte=self.now, kind="report").update(
            text=f"{unit.display_name}报送{period.label}进展{'（迟报）' if late else ''}：进度{percent}%"
        )
        self.dated(submitted_at)
        self.reports += 1
        return report

    def review(self, report: ProgressReport, day: date, *, accept: bool, note: str = "") -> None:
        services.review_report(SYSTEM, report, accept=accept, note=note)
        reviewed = self.cal.add_workdays(day, self.rng.randint(1, 2))
        reviewed_at = self.at(min(reviewed, self.today), self.rng.randint(9, 17), 15)
        ProgressReport.objects.filter(pk=report.pk).update(reviewed_at=reviewed_at)
        self.dated(reviewed_at)


def _exists() -> bool:
    return Source.objects.filter(title__endswith=MEETING_SUFFIX, kind=SourceKind.MEETING).exists()


@transaction.atomic
def load() -> str:
    if _exists():
        return "已存在，跳过"
    now = timezone.now()
    builder = Builder(timezone.localdate(now), now)
    builder.build()
    ids = [t.pk for t in builder.tasks]
    status.refresh(ids)
    colours = Counter(Task.objects.filter(pk__in=ids).values_list("colour", flat=True))
    states = Counter(Task.objects.filter(pk__in=ids).values_list("status", flat=True))
    waiting = ProgressReport.objects.filter(task_id__in=ids, state=ReportState.SUBMITTED).count()
    return (
        f"任务 {len(ids)} 项（绿 {colours[Colour.GREEN]}、黄 {colours[Colour.YELLOW]}、红 {colours[Colour.RED]}；"
        f"已完成 {states[Status.DONE]}、已销号 {states[Status.CLOSED]}），"
        f"进展报告 {builder.reports} 份（待审核 {waiting} 份），指标 {len(builder.indicators)} 个"
    )
