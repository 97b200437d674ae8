"""Demo enterprises and the service desk around them (一企一专员, 千企万户大走访, 诉求).

About two thousand enterprises across the district's 23 streets and towns, generated with a
fixed seed: valid 统一社会信用代码, names, GB/T 4754 classes that match their industry chain,
founding dates, capital, tags and two or three years of figures. Among them the enterprises
behind the conference's key industrial projects (普康医疗, 东方希望, 重庆理文) and the two demo
enterprises whose users sign in as ``qiye`` and ``qiye2``. Nine service commissioners serve them;
a year of visits raises demands that run through the case workflow to every state.

Everything is written through the services (:mod:`luoshi.enterprises.services`,
:mod:`luoshi.cases.services`, :mod:`luoshi.org.services`). The services act "now"; to give the
desk a past, dates, history rows and timeline events are then set back to when they would have
happened, with plain ``QuerySet.update`` calls — the same approach as the ledger demo.

Only the facts come from the seed (the industry chains it names, the key projects, the
commissioner and visit mechanisms); company names, people and texts are invented.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from luoshi import codes
from luoshi.cases import services as cases
from luoshi.cases.choices import Action, CaseSource, CaseState
from luoshi.cases.models import Case, CaseType
from luoshi.core.actors import SYSTEM
from luoshi.core.audit import stamp
from luoshi.core.errors import DomainError
from luoshi.demo.constants import PASSWORD
from luoshi.enterprises import services
from luoshi.enterprises.choices import FigureSource, VisitStatus
from luoshi.enterprises.models import ChainNode, CommissionerAssignment, Enterprise, EnterpriseTag, Visit, YearFigure
from luoshi.notices.services import notify
from luoshi.org import services as org
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Unit, User
from luoshi.org.queries import find_unit, users_with_role
from luoshi.tracking import calendar
from luoshi.tracking.choices import Colour
from luoshi.tracking.models import TimelineEvent
from luoshi.workdays import WorkCalendar

SEED = 20250102
GENERATED = 2000
AREA = "500118"

# --- reference data ---------------------------------------------------------------------------

# (name, first response, resolution — working days, default unit)
CASE_TYPES: list[tuple[str, int, int, str | None]] = [
    ("融资", 1, 10, "区财政局"),
    ("用工", 1, 10, "区人力社保局"),
    ("用地", 2, 20, "区规划自然资源局"),
    ("水电气要素保障", 1, 5, "区经信委"),
    ("审批", 1, 10, "区政务服务办"),
    ("政策咨询", 1, 3, "区经信委"),
    ("欠薪", 1, 5, "区人力社保局"),
    ("物业", 1, 10, "区住房城乡建委"),
    ("其他", 1, 10, None),
]

XIAOJUREN = "国家级专精特新“小巨人”"
ZJTX = "市级专精特新"
GAOXIN = "高新技术企业"
KEJI = "科技型中小企业"
WAIZI = "外资"
SHANGSHI = "上市"
TAGS = [XIAOJUREN, ZJTX, GAOXIN, KEJI, WAIZI, SHANGSHI]

# The district's modern-manufacturing chains (its “2515” system): chain → segments, each with
# the GB/T 4754-2017 classes its enterprises fall in, the words their names use, and a weight.
# fmt: off
CHAINS: list[tuple[str, list[tuple[str, float, tuple[tuple[str, tuple[str, ...]], ...]]]]] = [
    ("智能装备", [
        ("数控机床", 0.7, (("3421", ("数控机床", "精密机床", "机床")), ("3422", ("锻压机床", "成形装备")))),
        ("智能检测装备", 0.6, (("4015", ("检测设备", "试验机")), ("4014", ("检测技术", "分析仪器")),
                               ("4011", ("测控技术", "自动化")))),
        ("工业机器人及智能产线", 0.3, (("3491", ("机器人", "智能装备")), ("3484", ("机械", "传动")))),
    ]),
    ("汽摩及零部件", [
        ("整车及专用车", 0.15, (("3612", ("新能源汽车",)), ("3660", ("专用车", "车身")))),
        ("汽车零部件", 0.85, (("3670", ("汽车零部件", "汽车配件", "汽车部件")),)),
        ("摩托车及零部件", 0.3, (("3752", ("摩托车配件", "摩配")),)),
    ]),
    ("轨道交通装备", [
        ("车辆及部件", 0.4, (("3715", ("轨道交通部件", "轨道车辆配件")), ("3720", ("轨道交通装备", "城轨设备")))),
        ("专用设备及器材", 0.2, (("3716", ("铁路器材", "轨道交通设备")),)),
    ]),
    ("电子信息", [
        ("电子元器件", 0.55, (("3982", ("电子电路", "电子")), ("3981", ("电子元件",)), ("3976", ("光电",)))),
        ("智能终端", 0.35, (("3922", ("智能终端", "通讯设备")), ("3914", ("工控", "智能控制")))),
        ("软件和信息服务", 0.4, (("6513", ("软件", "网络科技", "信息技术")), ("6531", ("信息系统", "数字科技")))),
    ]),
    ("新材料", [
        ("金属材料", 0.4, (("3252", ("铝业", "铝材")), ("3130", ("钢材", "金属材料")))),
        ("化工及复合材料", 0.45, (("2651", ("新材料", "树脂")), ("2929", ("塑胶", "塑业")), ("3091", ("碳素",)))),
    ]),
    ("食品及农产品加工", [
        ("茶叶及饮品", 0.35, (("1530", ("茶业", "茶叶")), ("1512", ("酒业", "酿酒")))),
        ("农副食品", 0.6, (("1329", ("饲料",)), ("1353", ("食品", "肉制品")), ("1431", ("食品", "面业")),
                           ("1469", ("调味品",)))),
    ]),
    ("生物医药", [
        ("医疗器械", 0.35, (("3589", ("医疗器械", "医疗设备")), ("3584", ("医用器械",)), ("2770", ("医用材料",)))),
        ("药品", 0.2, (("2720", ("药业", "制药")), ("2740", ("中药", "药业")))),
    ]),
    ("纸业及包装", [
        ("造纸", 0.15, (("2221", ("纸业", "造纸")),)),
        ("包装印刷", 0.35, (("2231", ("包装", "纸制品")), ("2319", ("印务", "包装印刷")))),
    ]),
]
# fmt: on

# Enterprises off the chains: (class, kind, name words, shop words for 个体工商户, weight, share of 个体)
OTHERS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], float, float]] = [
    ("3311", "mfg", ("钢结构", "金属结构"), (), 3, 0),
    ("3399", "mfg", ("五金", "金属制品"), ("五金加工厂",), 2.5, 0.15),
    ("3824", "mfg", ("电气", "电器"), (), 1.2, 0),
    ("2110", "mfg", ("家具",), ("家具厂",), 1.5, 0.15),
    ("1810", "mfg", ("服饰", "制衣"), ("服装加工厂",), 1.5, 0.15),
    ("3021", "mfg", ("建材", "水泥制品"), (), 1.5, 0),
    ("3031", "mfg", ("页岩砖", "建材"), (), 0.8, 0),
    ("4710", "construction", ("建筑工程", "建设工程"), (), 5, 0),
    ("4990", "construction", ("安装工程", "机电安装"), (), 2, 0),
    ("5174", "wholesale", ("五金机电", "商贸"), ("五金店",), 3, 0.25),
    ("5179", "wholesale", ("机电设备", "商贸"), (), 3, 0),
    ("5121", "wholesale", ("粮油", "农产品"), ("粮油店",), 1.5, 0.3),
    ("5212", "retail", ("超市", "商贸"), ("超市",), 2.5, 0.4),
    ("5219", "retail", ("商贸", "百货"), ("便利店", "副食店", "商行"), 4, 0.8),
    ("5261", "retail", ("汽车销售", "汽车服务"), (), 1.5, 0),
    ("6110", "hotel", ("酒店", "大酒店"), (), 1, 0),
    ("6210", "catering", ("餐饮管理", "餐饮"), ("餐馆", "饭店"), 4, 0.7),
    ("6220", "catering", ("餐饮", "快餐"), ("小吃店", "面馆"), 2, 0.85),
    ("5431", "transport", ("物流", "运输"), ("货运部",), 3.5, 0.2),
    ("5920", "storage", ("仓储", "供应链"), (), 1.2, 0),
    ("7020", "property", ("物业管理", "物业服务"), (), 2, 0),
    ("7212", "business", ("投资", "资产管理"), (), 1, 0),
    ("7211", "business", ("企业管理",), (), 1, 0),
    ("0164", "agri", ("茶叶种植", "生态农业"), ("茶园",), 1, 0.3),
    ("0141", "agri", ("蔬菜种植", "农业开发"), ("家庭农场",), 1, 0.4),
    ("8111", "repair", ("汽车维修", "汽车服务"), ("汽车修理厂", "汽修店"), 2, 0.8),
]
CHAIN_SHARE = 0.6  # of the generated enterprises, those on a chain

# log10 of the latest year's revenue (万元): mean, spread; revenue per employee (万元)
REVENUE = {
    "chain": (3.0, 0.65, (35, 90)),
    "software": (2.7, 0.6, (20, 50)),
    "mfg": (2.85, 0.55, (30, 80)),
    "construction": (3.3, 0.6, (40, 100)),
    "wholesale": (3.0, 0.6, (80, 250)),
    "retail": (2.5, 0.6, (30, 80)),
    "hotel": (2.7, 0.5, (15, 35)),
    "catering": (2.2, 0.5, (12, 30)),
    "transport": (2.8, 0.6, (30, 80)),
    "storage": (2.7, 0.5, (30, 80)),
    "property": (2.6, 0.5, (8, 20)),
    "business": (2.6, 0.6, (20, 60)),
    "agri": (2.2, 0.5, (10, 30)),
    "repair": (2.0, 0.4, (12, 30)),
    "individual": (1.6, 0.35, (15, 40)),
}

# Where enterprises are: the streets and towns, weighted (industrial parks weigh more).
TOWN_WEIGHTS = {
    "中山路街道": 6,
    "胜利路街道": 6,
    "南大街街道": 8,
    "茶山竹海街道": 3,
    "大安街道": 7,
    "陈食街道": 4,
    "卫星湖街道": 6,
    "青峰镇": 2,
    "金龙镇": 3,
    "临江镇": 3,
    "何埂镇": 2,
    "松溉镇": 3,
    "仙龙镇": 3,
    "吉安镇": 3,
    "五间镇": 2,
    "来苏镇": 3,
    "宝峰镇": 3,
    "双石镇": 4,
    "红炉镇": 2,
    "永荣镇": 3,
    "三教镇": 5,
    "板桥镇": 3,
    "朱沱镇": 5,
}
CITY_STREETS = ("中山路街道", "胜利路街道", "南大街街道")

# The named enterprises: (key, name, segment, class, town, founded, capital 万元, tags,
# latest year's revenue 万元 and employees, the org demo's unit for it)
# fmt: off
NAMED: list[tuple[str, str, str, str, str, date, int, tuple[str, ...], int, int, str | None]] = [
    ("zhice", "重庆永川智测装备有限公司", "智能检测装备", "4015", "卫星湖街道", date(2016, 5, 18), 5000,
     (ZJTX, GAOXIN, KEJI), 26800, 318, "智测装备"),
    ("guijiao", "重庆永川轨道交通部件有限公司", "车辆及部件", "3715", "南大街街道", date(2019, 9, 6), 8000,
     (GAOXIN,), 41500, 462, "轨交部件"),
    ("pukang", "重庆普康医疗器械有限公司", "医疗器械", "3589", "大安街道", date(2023, 3, 14), 20000,
     (KEJI,), 4200, 136, None),
    ("dongfang", "重庆东方希望新材料有限公司", "金属材料", "3252", "三教镇", date(2022, 8, 9), 50000,
     (), 58600, 520, None),
    ("liwen", "重庆理文造纸有限公司", "造纸", "2221", "朱沱镇", date(2008, 4, 22), 120000,
     (WAIZI,), 386000, 1420, None),
]
# fmt: on

# Commissioners: the org demo's 'zhuanyuan' and eight more. (username, name, unit, groups served)
COMMISSIONERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("zhuanyuan", "杨帆", "区经信委", ("智能装备", "轨道交通装备")),
    ("zhuanyuan2", "邓雅琴", "区经信委", ("汽摩及零部件", "新材料")),
    ("zhuanyuan3", "唐俊杰", "区经信委", ("电子信息", "纸业及包装")),
    ("zhuanyuan4", "罗文博", "区经信委", ("食品及农产品加工", "mfg")),
    ("zhuanyuan5", "谢婉清", "区科技局", ("software", "生物医药")),
    ("zhuanyuan6", "蒋浩宇", "区商务委", ("wholesale", "retail", "hotel", "catering")),
    ("zhuanyuan7", "龚晓燕", "区发展改革委", ("construction", "transport", "storage", "property", "business")),
    ("zhuanyuan8", "秦志远", "区市场监管局", ("agri", "repair", "individual")),
    ("zhuanyuan9", "付佳宁", "中山路街道", ("zhongshanlu",)),
]
REASSIGN_REASONS = ("专员岗位调整", "按产业链重新划分服务企业", "企业迁址，按属地调整服务专员")

# --- name pools ---------------------------------------------------------------------------------

ZI_FIRST = "鑫瑞恒宏华盛隆锦嘉博聚凯航顺晟佳润丰汇众腾志明荣永昌富天合新宝金科益捷卓协万长东巨渝川弘泽齐尚友信元"
ZI_SECOND = "达源泰兴成裕创德欣宇安祥通联飞诚康海正力晖锐峰辉鸿鼎驰阳林远和发利威旺"
SURNAMES = (
    "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉力红林波宇浩凯鹏俊帆晨琳雪梅斌兵春燕玲亮成龙飞鑫婷"
ROADS = ("工业园路", "兴业路", "科技大道", "创新路", "民营路", "商贸街", "人民路", "新城大道", "园区大道", "环城路")
# Characters the 主体标识码 of codes issued since 2015 use (the USCC alphabet).
BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# --- case texts ---------------------------------------------------------------------------------

# Per type: (title, description, result when resolved, unit: None = the type's default, "town" = 属地)
# fmt: off
CASE_TEXTS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "融资": [
        ("申请转贷应急周转资金",
         "企业一笔{amount}万元流动资金贷款下月到期，续贷审批尚未完成，申请使用区转贷应急周转资金过桥。",
         "已协调区转贷应急周转资金{amount}万元，企业按期完成续贷。", None),
        ("对接首贷和信用贷款", "企业扩大生产需流动资金约{amount}万元，缺少抵押物，希望对接银行信用贷款产品。",
         "已组织三家银行上门对接，一家银行授信{amount}万元。", None),
        ("设备更新贷款贴息申报", "企业购置新设备拟申请设备更新贷款，咨询贴息申报条件和办理流程。",
         "已辅导企业准备申报材料，贷款已纳入贴息备选清单。", "区发展改革委"),
        ("知识产权质押融资", "企业持有发明专利{n}项，希望通过知识产权质押获得贷款。",
         "已对接合作银行完成专利评估，企业获批质押贷款{amount}万元。", None),
    ],
    "用工": [
        ("招聘技术工人", "企业新增产线需招聘数控操作工、焊工等技术工人{n}名，请协助对接职业院校和人力资源市场。",
         "已在春风行动专场招聘会设置专区，推荐求职者{n}人，企业录用过半。", None),
        ("申请稳岗返还", "企业去年未裁员，咨询失业保险稳岗返还申领条件，系统未显示企业名单。",
         "经核查企业符合条件，稳岗返还资金已拨付至企业账户。", None),
        ("校企合作订单式培养", "企业希望与区内职业院校合作开设订单班，定向培养技术工人。",
         "已组织企业与职业院校签订合作协议，首期订单班已开班。", None),
        ("员工技能培训补贴", "企业组织员工参加技能等级认定，咨询职业技能培训补贴申领办法。",
         "已指导企业完成培训备案，补贴按认定结果发放。", None),
    ],
    "用地": [
        ("扩建项目用地指标", "企业计划扩建生产车间，需新增工业用地约{n}亩，请协调用地指标和供地时序。",
         "已将项目纳入年度供地计划，完成用地预审。", None),
        ("不动产权证办理", "企业厂房已竣工验收，办理不动产权证时因历史遗留问题受阻。",
         "已会同相关部门联合会审，为企业办结不动产权证。", None),
        ("标准厂房租赁", "企业订单增加，现有厂房不足，希望在园区租赁标准厂房约{n}平方米。",
         "已推荐园区空置标准厂房三处，企业已签约入驻。", None),
    ],
    "水电气要素保障": [
        ("新建产线用电增容", "企业新建产线需将变压器容量增至{n}千伏安，申请加快报装和线路接入。",
         "已协调供电公司现场勘察并完成增容接入，产线按期送电。", None),
        ("天然气管道接入", "企业新上热处理工序需接入工业天然气，请协调燃气公司尽快敷设管道。",
         "已协调燃气公司完成管道敷设和通气。", None),
        ("厂区供水压力不足", "厂区用水高峰时段水压不足，影响冷却系统运行。",
         "已协调供水公司调整管网压力，企业用水恢复正常。", None),
        ("计划停电影响生产", "供电线路检修计划停电两天，企业有连续生产订单，请协调调整停电时段。",
         "已协调供电公司改为夜间分段检修，未影响企业生产。", None),
    ],
    "审批": [
        ("环评审批进度", "企业技改项目环评报告已提交，希望了解审批进度并加快办理。",
         "已开通绿色通道，环评批复已出具。", "区生态环境局"),
        ("施工许可办理", "企业新建厂房设计已完成，申请并联办理施工许可。",
         "已实行并联审批，施工许可证已核发。", None),
        ("消防验收", "企业新建仓库已完工，申请尽快组织消防验收。",
         "已组织现场验收，企业整改后通过消防验收。", "区住房城乡建委"),
        ("排污许可证延续", "企业排污许可证即将到期，咨询延续办理所需材料。",
         "已指导企业网上提交延续申请，许可证已换发。", "区生态环境局"),
    ],
    "政策咨询": [
        ("专精特新企业认定申报", "企业咨询市级专精特新中小企业认定条件和申报时间。",
         "已逐项对照认定条件辅导企业，企业已完成网上申报。", None),
        ("高新技术企业认定辅导", "企业研发投入逐年增加，希望获得高新技术企业认定辅导。",
         "已安排专业机构上门辅导，企业已提交认定申请。", "区科技局"),
        ("技改补助政策咨询", "企业今年实施智能化改造，咨询技改补助的申报条件和补助标准。",
         "已解读技改补助政策并辅导申报，项目已进入评审。", None),
        ("研发费用加计扣除", "企业咨询研发费用加计扣除的归集口径和申报时间。",
         "已会同税务部门上门讲解，企业已完成预缴申报。", "区科技局"),
        ("出口信用保险支持", "企业拓展海外订单，咨询出口信用保险保费补贴政策。",
         "已讲解保费补贴政策，企业已投保并提交补贴申请。", "区商务委"),
    ],
    "欠薪": [
        ("协调分包单位拖欠工资", "企业厂房建设项目分包单位拖欠农民工工资约{amount}万元，请协调处理。",
         "已约谈总包和分包单位，拖欠工资已全部支付。", None),
        ("员工反映工资迟发", "部分员工反映上月工资延迟发放，企业称下游货款未到账，请协助化解。",
         "已督促企业制定支付计划，工资已补发到位。", None),
    ],
    "物业": [
        ("园区物业服务不到位", "园区道路清扫和绿化养护不及时，企业多次反映未见改善。",
         "已督促物业公司整改并纳入考核，园区环境明显改善。", None),
        ("厂房物业收费争议", "企业对标准厂房物业费上调有异议，希望协调。",
         "已组织物业公司与企业协商，按原标准执行至合同期满。", None),
        ("写字楼电梯故障", "企业办公所在写字楼电梯频繁故障，存在安全隐患。",
         "已督促物业公司更换电梯主要部件并通过检验。", None),
    ],
    "其他": [
        ("厂区门前道路破损", "企业门前道路路面破损积水，货车进出困难，请协调修复。",
         "已完成路面修补和排水疏通。", "town"),
        ("员工通勤公交线路", "园区员工上下班通勤不便，建议增设或调整公交线路站点。",
         "已协调公交公司在上下班高峰增开园区专线。", "区交通运输委"),
        ("员工子女就近入学", "企业引进的技术骨干子女需就近入学，请协助协调学位。",
         "已协调辖区学校安排学位，子女已入学。", "town"),
        ("门前路灯不亮", "企业门前道路路灯损坏，夜间员工出行不安全。",
         "已更换损坏路灯，夜间照明恢复。", "区城市管理局"),
        ("周边餐饮油烟扰民", "企业办公楼周边餐饮店油烟排放影响办公，请协调处理。",
         "已督促餐饮店加装油烟净化设备。", "town"),
    ],
}
# fmt: on

# How a case's handling departs from the plain path, and how often.
QUIRKS = ("", "transfer", "return", "suspend", "reopen", "stuck")
QUIRK_WEIGHTS = (77, 7, 3, 5, 5, 3)

CASE_TYPE_WEIGHTS = {
    "政策咨询": 24,
    "融资": 15,
    "用工": 17,
    "水电气要素保障": 10,
    "审批": 10,
    "用地": 6,
    "其他": 9,
    "物业": 4,
    "欠薪": 4,
}
SMALL_CASE_TYPES = {"政策咨询": 30, "融资": 25, "其他": 25, "物业": 10, "用工": 10}

RETURN_NOTES = ("该事项不属于本单位职责范围，请重新交办。", "经核实应由属地镇街牵头处理，请重新交办。")
SUSPEND_NOTES = ("等待企业补充提供相关材料。", "需企业完成内部决策后再推进，暂停计时。", "等待上级部门答复。")
REOPEN_NOTES = ("问题只解决了一部分，希望继续跟进。", "办理结果与实际情况不符，请重新核实。", "承诺事项未落实到位。")
FOLLOW_NOTES = ("办理及时，感谢。", "专员和承办单位很负责。", "", "", "问题已解决。", "沟通顺畅，效率较高。")

FINDINGS_OPEN = (
    "了解企业生产经营、订单和用工情况。",
    "与企业负责人座谈，了解年度经营目标完成情况。",
    "实地查看生产车间，了解产能和订单情况。",
    "走访企业，宣讲惠企政策并听取意见建议。",
)
FINDINGS_STATE = (
    "企业生产经营正常，订单较为饱满。",
    "企业新产线已投产，产能逐步释放。",
    "企业反映原材料价格上涨，利润空间有所收窄。",
    "企业经营平稳，计划明年扩大产能。",
    "企业订单同比增长，用工需求增加。",
    "企业正在开拓新市场，对后续发展有信心。",
)
FINDINGS_POLICY = (
    "宣讲了专精特新、技改补助等惠企政策。",
    "介绍了稳岗返还、技能培训补贴等政策。",
    "介绍了设备更新和贷款贴息政策。",
    "提醒企业关注高新技术企业认定申报时间。",
)
FINDINGS_SHOP = (
    "了解商户经营情况，宣讲个体工商户扶持政策。",
    "查看经营场所，了解客流和营业收入情况。",
)


# --- the plan -----------------------------------------------------------------------------------


@dataclass
class Firm:
    """One enterprise to register, with everything the registry and desk need to know of it."""

    name: str
    uscc: str
    code: str
    kind: str
    group: str
    town: Unit
    founded: date
    capital: int
    tags: list[str]
    figures: dict[int, dict]
    segment: str = ""
    individual: bool = False
    legal: str = ""
    phone: str = ""
    address: str = ""
    key: str = ""
    unit_short: str | None = None
    enterprise: Enterprise | None = None
    registered: datetime | None = None


@dataclass
class CasePlan:
    """A demand and how its handling went: (day, action, arguments) in order."""

    firm: Firm
    case_type: CaseType
    title: str
    description: str
    result: str
    source: str
    submitted_on: date
    steps: list[tuple[date, str, dict]] = field(default_factory=list)
    submitter: object = None  # None: the enterprise's commissioner
    follower: object = None  # None: the enterprise's commissioner


@dataclass
class VisitPlan:
    firm: Firm
    commissioner: User
    planned_on: date
    plan_made_on: date
    visited_on: date | None
    findings: str = ""
    visitors: str = ""
    demands: list[CasePlan] = field(default_factory=list)


class Builder:
    """Registers the enterprises through the services, runs a year of the desk, then dates it back."""

    def __init__(self, today: date, now: datetime) -> None:
        self.today = today
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.cal: WorkCalendar = calendar.current()
        self.rng = random.Random(SEED)  # noqa: S311 -- demo data, not security
        # Events of the current day only once the working day has begun.
        local = timezone.localtime(now)
        self.last_day = today if local.hour >= 9 else today - timedelta(days=1)
        self.start = self.workday(today - timedelta(days=320), back=False)  # a year of the desk
        self.year = today.year
        self.units: dict[str, Unit] = {}
        self.towns: dict[str, Unit] = {}
        self.case_types: dict[str, CaseType] = {}
        self.chain: dict[str, ChainNode] = {}
        self.firms: list[Firm] = []
        self.named: dict[str, Firm] = {}
        self.commissioners: dict[str, User] = {}
        self.served_by: dict[int, User] = {}  # enterprise id → current commissioner
        self.reassigned_on: dict[int, date] = {}
        self.started_on: dict[int, date] = {}  # enterprise id → its commissioner's first day
        self.reporters: dict[int, User] = {}  # unit id → its reporter (only where the org demo has one)
        self.dispatcher: User | None = None
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.visits = 0
        self.planned = 0
        self.case_log: dict[int, list[tuple[datetime, dict, str]]] = {}  # case id → each save's date and values
        self.visit_log: list[tuple[int, int, datetime, datetime]] = []  # visit, enterprise, planned at, recorded at
        self.refused: list[str] = []

    # --- small helpers ------------------------------------------------------------------------

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            unit = find_unit(name)
            if unit is None:
                raise LookupError(f"演示单位“{name}”不存在，请先加载单位、人员与账号。")
            self.units[name] = unit
        return self.units[name]

    def workday(self, day: date, back: bool = True) -> date:
        if self.cal.is_workday(day):
            return day
        return self.cal.add_workdays(day, -1 if back else 1)

    def after(self, day: date, n: int) -> date:
        """``n`` working days after ``day`` (0: ``day`` itself, or the next working day)."""
        return self.cal.add_workdays(day, n) if n > 0 else self.workday(day, back=False)

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
        return min(moment, self.now - timedelta(minutes=5))

    def random_workday(self, lo: date, hi: date) -> date:
        """A working day in ``[lo, hi]`` (``hi`` itself when the span holds none)."""
        lo, hi = self.workday(lo, back=False), self.workday(hi)
        if hi <= lo:
            return hi
        return self.workday(lo + timedelta(days=self.rng.randint(0, (hi - lo).days)), back=False)

    def backdate(self, obj, moment: datetime, **fields) -> None:
        """Set ``fields`` on ``obj`` and on the history rows this load wrote for it, dated ``moment``."""
        model = type(obj)
        if fields:
            model.objects.filter(pk=obj.pk).update(**fields)
        model.history.filter(id=obj.pk, history_date__gte=self.now).update(history_date=moment, **fields)

    def person_name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    # --- reference data -----------------------------------------------------------------------

    def reference(self) -> None:
        for order, (name, first, resolution, unit) in enumerate(CASE_TYPES):
            case_type, _ = CaseType.objects.get_or_create(
                name=name,
                defaults={
                    "first_response_workdays": first,
                    "resolution_workdays": resolution,
                    "default_unit": self.unit(unit) if unit else None,
                    "sort_order": order,
                },
            )
            self.case_types[name] = case_type
        order = 0
        for chain, segments in CHAINS:
            root, _ = ChainNode.objects.get_or_create(name=chain, parent=None, defaults={"sort_order": order})
            order += 1
            for segment, _weight, _classes in segments:
                node, _ = ChainNode.objects.get_or_create(name=segment, parent=root, defaults={"sort_order": order})
                self.chain[segment] = node
                order += 1
        for order, name in enumerate(TAGS):
            EnterpriseTag.objects.get_or_create(name=name, defaults={"sort_order": order})
        self.towns = {u.name: u for u in Unit.objects.filter(kind=UnitKind.TOWN, name__in=list(TOWN_WEIGHTS))}
        missing = set(TOWN_WEIGHTS) - set(self.towns)
        if missing:
            raise LookupError(f"演示镇街“{'、'.join(sorted(missing))}”不存在，请先加载单位、人员与账号。")
        self.dispatcher = User.objects.get(username="duchayuan")
        for username, unit in (("jxw", "区经信委"), ("zhongshanlu", "中山路街道")):
            self.reporters[self.unit(unit).pk] = User.objects.get(username=username)

    def people(self) -> None:
        hashed = ""
        for username, name, unit_name, _groups in COMMISSIONERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                unit = self.unit(unit_name)
                user = org.create_user(
                    SYSTEM,
                    username=username,
                    full_name=name,
                    password=None if hashed else PASSWORD,
                    email=f"{username}@demo.luoshi.local",
                )
                # Hashing the published demo password takes most of a second each time; the
                # accounts share the first one's hash.
                if hashed:
                    User.objects.filter(pk=user.pk).update(password=hashed)
                hashed = hashed or user.password
                org.create_person(SYSTEM, unit=unit, name=name, title=f"{unit.display_name}企业服务专员", user=user)
                org.grant_role(SYSTEM, user=user, role=Role.COMMISSIONER, unit=unit)
            self.commissioners[username] = user

    # --- generating the enterprises -----------------------------------------------------------

    def uscc(self, founded: date, individual: bool) -> str:
        rng = self.rng
        while True:
            if founded >= date(2015, 10, 1) or individual:
                body = "MA" + rng.choice(("5U", "5Y", "60", "61")) + "".join(rng.choice(BODY_CHARS) for _ in range(4))
            else:
                body = rng.choice("257") + "".join(rng.choice("0123456789") for _ in range(7))
            # 9 市场监管登记; 1 企业, 2 个体工商户; both check characters computed.
            code = codes.build_uscc(body, kind="2" if individual else "1", area=AREA)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def zihao(self) -> str:
        first = self.rng.choice(ZI_FIRST)
        second = self.rng.choice(ZI_SECOND.replace(first, ""))
        return first + second

    def name(self, words: tuple[str, ...], *, individual: bool, shops: tuple[str, ...], foreign: bool, listed: bool):
        rng = self.rng
        for _ in range(50):
            zihao = self.zihao()
            if individual:
                name = f"永川区{zihao}{rng.choice(shops)}"
            elif foreign:
                name = f"{zihao}（重庆）{rng.choice(words)}有限公司"
            else:
                prefix = rng.choices(("重庆永川", "重庆", "重庆市永川区"), weights=(45, 40, 15))[0]
                middle = rng.choice(words)
                if rng.random() < 0.25 and not middle.endswith(("科技", "技术")):
                    middle += rng.choice(("科技", "技术"))
                suffix = "股份有限公司" if listed else rng.choices(("有限公司", "有限责任公司"), weights=(88, 12))[0]
                name = f"{prefix}{zihao}{middle}{suffix}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("演示企业名称重复过多")

    def founded(self, individual: bool) -> date:
        rng = self.rng
        first = 2012 if individual else 1998
        years = list(range(first, self.year + 1))
        # More enterprises are young; this year's are few (the year is not over).
        weights = [1 + (y - first) * 0.12 for y in years]
        weights[-1] *= 0.25
        year = rng.choices(years, weights=weights)[0]
        last = min(date(year, 12, 31), self.today - timedelta(days=40))
        first_day = date(year, 1, 1)
        if last < first_day:
            first_day, last = last - timedelta(days=200), last
        return first_day + timedelta(days=rng.randint(0, (last - first_day).days))

    def figures(self, kind: str, code: str, founded: date, revenue: float, *, tech: bool, exporter: bool):
        """Two or three years of figures (万元), the latest year's revenue ``revenue``."""
        rng = self.rng
        industrial = code[:2] >= "06" and code[:2] <= "46"
        years = [y for y in range(self.year - 3, self.year) if y >= founded.year]
        lo, hi = REVENUE[kind][2]
        per_head = rng.uniform(lo, hi)
        rd_ratio = rng.uniform(0.03, 0.07) if tech else rng.uniform(0.003, 0.025)
        result: dict[int, dict] = {}
        value = revenue
        for i, year in enumerate(reversed(years)):
            if i:
                growth = max(-0.35, min(0.7, rng.gauss(0.07, 0.15)))
                value = value / (1 + growth)
            r = value * (rng.uniform(0.25, 0.6) if year == founded.year else 1)
            employees = max(1 if kind == "individual" else 3, round(r / per_head))
            row = {
                "revenue": money(r),
                "employees": employees,
                "total_assets": money(r * rng.uniform(0.5, 1.6)),
                "tax_paid": money(r * rng.uniform(0.015, 0.06)),
            }
            if industrial or kind == "software":
                row["rd_expense"] = money(r * rd_ratio)
            if industrial:
                row["industrial_output"] = money(r * rng.uniform(0.96, 1.1))
                row["exports"] = money(r * rng.uniform(0.03, 0.3)) if exporter else money(0)
            result[year] = row
        return result

    def sector_above(self, code: str, revenue) -> bool:
        try:
            sector = codes.sector_for_industry(code)
            return codes.is_above_scale(sector, revenue_wan=revenue).above
        except (codes.SizeRuleError, ValueError):
            return False

    def town_for(self, kind: str) -> Unit:
        names = list(TOWN_WEIGHTS)
        weights = [TOWN_WEIGHTS[n] * (2.5 if kind not in ("chain", "mfg") and n in CITY_STREETS else 1) for n in names]
        return self.towns[self.rng.choices(names, weights=weights)[0]]

    def generate(self) -> None:
        rng = self.rng
        segments = [(chain, seg, w, classes) for chain, segs in CHAINS for seg, w, classes in segs]
        for key, name, segment, code, town, founded, capital, tags, revenue, employees, unit_short in NAMED:
            chain = next(c for c, s, _w, _cl in segments if s == segment)
            self.names.add(name)
            tech = bool(set(tags) & {XIAOJUREN, ZJTX, GAOXIN, KEJI})
            figures = self.figures("chain", code, founded, revenue, tech=tech, exporter=WAIZI in tags)
            latest = max(figures)
            scale = employees / figures[latest]["employees"]
            for row in figures.values():
                row["employees"] = max(3, round(row["employees"] * scale))
            firm = Firm(
                name=name,
                uscc=self.uscc(founded, False),
                code=code,
                kind="chain",
                group=chain,
                town=self.towns[town],
                founded=founded,
                capital=capital,
                tags=list(tags),
                figures=figures,
                segment=segment,
                key=key,
                unit_short=unit_short,
            )
            self.named[key] = firm
            self.firms.append(firm)

        seg_weights = [w for _c, _s, w, _cl in segments]
        other_weights = [o[4] for o in OTHERS]
        for _ in range(GENERATED):
            if rng.random() < CHAIN_SHARE:
                chain, segment, _w, classes = rng.choices(segments, weights=seg_weights)[0]
                code, words = rng.choice(classes)
                kind = "software" if code.startswith("65") else "chain"
                group = "software" if kind == "software" else chain
                shops: tuple[str, ...] = ()
                individual = False
            else:
                code, kind, words, shops, _w, individual_share = rng.choices(OTHERS, weights=other_weights)[0]
                segment, chain = "", ""
                individual = rng.random() < individual_share
                group = "individual" if individual else kind
            founded = self.founded(individual)
            mean, spread, _ = REVENUE["individual" if individual else kind]
            revenue = 10 ** min(rng.gauss(mean, spread), 5.4)
            tech = kind in ("chain", "software") and rng.random() < 0.35
            foreign = (
                not individual and kind in ("chain", "mfg", "wholesale") and revenue > 3000 and rng.random() < 0.06
            )
            listed = not individual and not foreign and kind == "chain" and revenue > 30000 and rng.random() < 0.25
            exporter = foreign or (kind in ("chain", "mfg") and rng.random() < 0.15)
            figures = self.figures(
                "individual" if individual else kind, code, founded, revenue, tech=tech, exporter=exporter
            )
            tags: list[str] = []
            latest = figures[max(figures)] if figures else None
            if tech and latest:
                r, staff = float(latest["revenue"]), latest["employees"]
                if staff < 500 and r < 20000 and rng.random() < 0.8:
                    tags.append(KEJI)
                if r >= 500 and rng.random() < 0.45:
                    tags.append(GAOXIN)
                if 1000 <= r <= 60000 and kind == "chain" and rng.random() < 0.3:
                    tags.append(XIAOJUREN if r >= 8000 and rng.random() < 0.25 else ZJTX)
            if foreign:
                tags.append(WAIZI)
            if listed:
                tags.append(SHANGSHI)
            town = self.town_for("individual" if individual else kind)
            if town.name == "中山路街道" and kind not in ("chain", "software", "mfg"):
                group = "zhongshanlu"
            capital = self.capital(revenue, individual)
            self.firms.append(
                Firm(
                    name=self.name(words, individual=individual, shops=shops, foreign=foreign, listed=listed),
                    uscc=self.uscc(founded, individual),
                    code=code,
                    kind=kind,
                    group=group,
                    town=town,
                    founded=founded,
                    capital=capital,
                    tags=tags,
                    figures=figures,
                    segment=segment,
                    individual=individual,
                )
            )
        for firm in self.firms:
            firm.legal = self.person_name()
            mobile = firm.individual or rng.random() < 0.3
            firm.phone = (
                f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}"
                if mobile
                else f"023-4{rng.randint(0, 9999999):07d}"
            )
            firm.address = f"重庆市永川区{firm.town.name}{rng.choice(ROADS)}{rng.randint(1, 399)}号"

    def capital(self, revenue: float, individual: bool) -> int:
        if individual:
            return self.rng.choice((3, 5, 10, 20, 30, 50))
        raw = revenue * self.rng.uniform(0.05, 0.4)
        step = 10 if raw < 100 else 50 if raw < 1000 else 500
        return max(10, round(raw / step) * step)

    # --- registering --------------------------------------------------------------------------

    def register(self) -> None:
        """The named enterprises through the services; the generated ones in bulk (the services,
        row by row with three years of figures, take minutes for two thousand enterprises), with
        the same checks, history rows and derived size."""
        loaded_day = self.cal.add_workdays(self.start, -5)  # the registry was loaded before the desk began
        for firm in self.firms:
            day = loaded_day if firm.founded < loaded_day else self.after(firm.founded, self.rng.randint(3, 10))
            firm.registered = self.at(min(day, self.last_day), 9, 30)
        for firm in self.named.values():
            enterprise = services.register_enterprise(
                SYSTEM,
                uscc=firm.uscc,
                name=firm.name,
                industry_code=firm.code,
                town=firm.town,
                founded_on=firm.founded,
                registered_capital=firm.capital,
                address=firm.address,
                legal_representative=firm.legal,
                contact_phone=firm.phone,
                tags=firm.tags,
                chain=self.chain.get(firm.segment),
            )
            firm.enterprise = enterprise
            for year in sorted(firm.figures):
                source, verified = self.figure_source(firm)
                services.record_figures(
                    SYSTEM, enterprise, year=year, source=source, verified=verified, **firm.figures[year]
                )
            self.backdate(enterprise, firm.registered, created_at=firm.registered)
            YearFigure.history.filter(enterprise_id=enterprise.pk).update(history_date=firm.registered)
            if firm.unit_short:
                # The demo enterprises' users are granted on units the org demo made; no service links
                # an existing unit to an enterprise (ensure_unit only creates a new one), so link it here.
                unit = self.unit(firm.unit_short)
                Enterprise.objects.filter(pk=enterprise.pk).update(unit=unit)
                enterprise.unit = unit

        generated = [f for f in self.firms if not f.key]
        rows = []
        for firm in generated:
            code, industry_name, sector = services.check_industry(firm.code)
            enterprise = Enterprise(
                uscc=services.check_uscc(firm.uscc),
                name=firm.name,
                industry_code=code,
                industry_name=industry_name,
                sector=sector,
                town=firm.town,
                founded_on=firm.founded,
                registered_capital=money(firm.capital),
                address=firm.address,
                legal_representative=firm.legal,
                contact_phone=firm.phone,
                chain=self.chain.get(firm.segment),
            )
            stamp(enterprise, SYSTEM, "登记企业")
            enterprise._history_date = firm.registered
            rows.append(enterprise)
        for firm, enterprise in zip(generated, bulk_create_with_history(rows, Enterprise, batch_size=500), strict=True):
            firm.enterprise = enterprise
        # created_at is stamped "now" on insert whatever it is given; set it afterwards.
        by_moment: dict[datetime, list[int]] = {}
        for firm in generated:
            by_moment.setdefault(firm.registered, []).append(firm.enterprise.pk)
        for moment, ids in by_moment.items():
            Enterprise.objects.filter(pk__in=ids).update(created_at=moment)
            Enterprise.history.filter(id__in=ids).update(created_at=moment)

        tags = dict(EnterpriseTag.objects.values_list("name", "pk"))
        through = Enterprise.tags.through
        through.objects.bulk_create(
            [through(enterprise_id=f.enterprise.pk, enterprisetag_id=tags[t]) for f in generated for t in f.tags],
            batch_size=1000,
        )
        figures = []
        for firm in generated:
            for year in sorted(firm.figures):
                source, verified = self.figure_source(firm)
                row = YearFigure(enterprise=firm.enterprise, year=year, source=source, verified=verified)
                for key, value in firm.figures[year].items():
                    setattr(row, key, value)
                stamp(row, SYSTEM, "录入年度数据")
                row._history_date = firm.registered
                figures.append(row)
        bulk_create_with_history(figures, YearFigure, batch_size=500)
        latest = {row.enterprise_id: row for row in figures}  # in year order, so the last one wins
        for firm in generated:
            derive_from(firm.enterprise, latest.get(firm.enterprise.pk))
        update_rows([f.enterprise for f in generated], ["size_class", "size_reason", "above_scale", "scale_reason"])

    def figure_source(self, firm: Firm) -> tuple[str, bool]:
        """Above-scale enterprises report to the statistics office; the others' figures come
        from the tax office or the enterprise itself."""
        if self.sector_above(firm.code, firm.figures[max(firm.figures)]["revenue"]):
            return FigureSource.STATISTICS, self.rng.random() < 0.95
        if self.rng.random() < 0.5:
            return FigureSource.TAX, self.rng.random() < 0.6
        return FigureSource.SELF, False

    # --- commissioners ------------------------------------------------------------------------

    def assign(self) -> None:
        """一企一专员: the named enterprises through the service, the others in bulk, from the
        desk's first day (or soon after a young enterprise was founded); a few change hands."""
        rng = self.rng
        by_group: dict[str, User] = {}
        for username, _name, _unit, groups in COMMISSIONERS:
            for group in groups:
                by_group.setdefault(group, self.commissioners[username])
        everyone = list(self.commissioners.values())
        moved: list[tuple[Firm, User]] = []
        rows = []
        for firm in self.firms:
            day = self.start if firm.founded < self.start else self.after(firm.founded, rng.randint(3, 12))
            day = min(day, self.last_day)
            self.started_on[firm.enterprise.pk] = day
            right = by_group[firm.group]
            first = right
            if not firm.key and rng.random() < 0.02:
                first = rng.choice([u for u in everyone if u.pk != right.pk])
                moved.append((firm, right))
            self.served_by[firm.enterprise.pk] = first
            if firm.key:
                assignment = services.assign_commissioner(SYSTEM, firm.enterprise, first)
                self.backdate(assignment, self.at(day, 9, 30), started_on=day)
            else:
                row = CommissionerAssignment(enterprise=firm.enterprise, commissioner=first, started_on=day)
                stamp(row, SYSTEM, "分配服务专员")
                row._history_date = self.at(day, 9, 30)
                rows.append(row)
        bulk_create_with_history(rows, CommissionerAssignment, batch_size=500)
        for firm, right in moved:
            enterprise = firm.enterprise
            lo = max(self.start + timedelta(days=30), self.started_on[enterprise.pk])
            day = min(self.random_workday(lo, lo + timedelta(days=80)), self.last_day)
            old = CommissionerAssignment.objects.get(enterprise=enterprise, ended_on__isnull=True)
            new = services.assign_commissioner(SYSTEM, enterprise, right, reason=rng.choice(REASSIGN_REASONS))
            moment = self.at(day, 15)
            self.backdate(old, moment, ended_on=day)
            self.backdate(new, moment, started_on=day)
            self.served_by[enterprise.pk] = right
            self.reassigned_on[enterprise.pk] = day

    # --- visits and demands -------------------------------------------------------------------

    def plan_desk(self) -> tuple[list[VisitPlan], list[CasePlan], list[VisitPlan]]:
        """Visits done this year (with their demands), demands raised outside visits, visits to come."""
        rng = self.rng
        done: list[VisitPlan] = []
        upcoming: list[VisitPlan] = []
        standalone: list[CasePlan] = []
        for firm in self.firms:
            enterprise = firm.enterprise
            begin = max(self.started_on[enterprise.pk], self.reassigned_on.get(enterprise.pk, self.start))
            begin = self.after(begin, 2)
            if begin >= self.last_day or firm.key:
                continue  # the named enterprises get their own visits below
            above = self.sector_above(firm.code, firm.figures[max(firm.figures)]["revenue"]) if firm.figures else False
            special = bool(set(firm.tags) & {XIAOJUREN, ZJTX, GAOXIN})
            chance = 0.92 if above else 0.8 if special else 0.22 if firm.individual else 0.5
            if rng.random() < chance:
                count = rng.choice((1, 2, 2, 3)) if above else rng.choice((1, 1, 1, 2))
                days = sorted(
                    self.random_workday(begin, self.cal.add_workdays(self.last_day, -1)) for _ in range(count)
                )
                for day in days:
                    done.append(self.visit_plan(firm, day))
            roll = rng.random()
            if roll < 0.07:
                upcoming.append(self.future_visit(firm, self.cal.add_workdays(self.last_day, rng.randint(1, 15))))
            elif roll < 0.08:  # planned last week, not yet recorded
                upcoming.append(self.future_visit(firm, self.cal.add_workdays(self.last_day, -rng.randint(1, 5))))
            # Demands raised outside visits: by the commissioner on the phone, or through 12345.
            roll = rng.random()
            if roll < 0.025:
                source = CaseSource.COMMISSIONER if roll < 0.015 else CaseSource.HOTLINE
                day = self.random_workday(begin, self.last_day)
                plan = self.case_plan(firm, day, source)
                if source == CaseSource.HOTLINE:
                    plan.submitter, plan.follower = SYSTEM, self.dispatcher
                standalone.append(plan)
        done, standalone = self.special_cases(done, standalone)
        return done, standalone, upcoming

    def visit_plan(self, firm: Firm, day: date, *, demands: int | None = None) -> VisitPlan:
        rng = self.rng
        commissioner = self.served_by[firm.enterprise.pk]
        plan_made = self.cal.add_workdays(day, -rng.randint(2, 8))
        planned = day if rng.random() < 0.85 else self.cal.add_workdays(day, -rng.randint(1, 4))
        plan = VisitPlan(
            firm=firm,
            commissioner=commissioner,
            planned_on=max(planned, plan_made),
            plan_made_on=plan_made,
            visited_on=day,
            visitors=self.visitors(firm, commissioner),
        )
        if demands is None:
            # Recent visits raise more demands, so that the queues are live on the day of loading.
            chance = 0.25 if self.cal.workdays_between(day, self.last_day) <= 25 else 0.055
            demands = 0 if rng.random() > chance else rng.choice((1, 1, 1, 1, 2))
        for _ in range(demands):
            plan.demands.append(self.case_plan(firm, day, CaseSource.VISIT))
        if firm.individual:
            text = rng.choice(FINDINGS_SHOP)
        else:
            text = rng.choice(FINDINGS_OPEN) + rng.choice(FINDINGS_STATE)
            if rng.random() < 0.6:
                text += rng.choice(FINDINGS_POLICY)
        if plan.demands:
            text += f"企业提出诉求{len(plan.demands)}项，已现场登记：" + "；".join(d.title for d in plan.demands) + "。"
        else:
            text += "企业暂无需要协调解决的问题。"
        plan.findings = text
        return plan

    def future_visit(self, firm: Firm, day: date) -> VisitPlan:
        commissioner = self.served_by[firm.enterprise.pk]
        made = min(self.cal.add_workdays(day, -self.rng.randint(2, 6)), self.last_day)
        return VisitPlan(
            firm=firm,
            commissioner=commissioner,
            planned_on=day,
            plan_made_on=made,
            visited_on=None,
            visitors=self.visitors(firm, commissioner),
        )

    def visitors(self, firm: Firm, commissioner: User) -> str:
        if self.rng.random() < 0.5:
            return commissioner.full_name
        return f"{commissioner.full_name}、{firm.town.name}经济发展办{self.person_name()}"

    def case_plan(
        self,
        firm: Firm,
        day: date,
        source: str,
        *,
        type_name: str | None = None,
        text: int | None = None,
    ) -> CasePlan:
        rng = self.rng
        if type_name is None:
            weights = SMALL_CASE_TYPES if firm.individual or firm.kind in ("retail", "catering", "repair") else None
            weights = weights or CASE_TYPE_WEIGHTS
            type_name = rng.choices(list(weights), weights=list(weights.values()))[0]
        texts = CASE_TEXTS[type_name]
        title, description, result, unit = texts[text if text is not None else rng.randrange(len(texts))]
        values = {"amount": rng.choice((200, 300, 500, 800, 1000, 1500)), "n": rng.choice((10, 15, 20, 30, 50, 80))}
        plan = CasePlan(
            firm=firm,
            case_type=self.case_types[type_name],
            title=title,
            description=description.format(**values),
            result=result.format(**values),
            source=source,
            submitted_on=day,
        )
        plan.steps = self.lifecycle(plan, unit)
        return plan

    def target_unit(self, plan: CasePlan, hint: str | None) -> Unit:
        if hint == "town":
            return plan.firm.town
        if hint:
            return self.unit(hint)
        default = plan.case_type.default_unit
        if plan.case_type.name == "物业" and plan.firm.town.name == "中山路街道":
            return plan.firm.town
        if plan.case_type.name == "融资" and self.rng.random() < 0.3:
            return self.unit("区发展改革委")
        return default or plan.firm.town

    def other_unit(self, plan: CasePlan, unit: Unit) -> Unit:
        """Where a case goes when the unit it was given passes it on."""
        if unit.kind == UnitKind.TOWN:
            default = plan.case_type.default_unit
            return default if default and default.pk != unit.pk else self.unit("区城市管理局")
        if plan.case_type.name == "融资":
            return self.unit("区发展改革委" if unit.name != self.unit("区发展改革委").name else "区财政局")
        return plan.firm.town

    def lifecycle(self, plan: CasePlan, hint: str | None, quirk: str | None = None) -> list[tuple[date, str, dict]]:
        """The case's handling as it would run from its submission, cut off at today."""
        rng, cal = self.rng, self.cal
        resolution = plan.case_type.resolution_workdays
        if quirk is None:
            quirk = rng.choices(QUIRKS, weights=QUIRK_WEIGHTS)[0]
        steps: list[tuple[date, str, dict]] = []
        day = self.after(plan.submitted_on, rng.choice((0, 0, 0, 1, 1, 2)))
        steps.append((day, Action.ACCEPT, {}))
        accepted = day
        unit = self.target_unit(plan, hint)
        day = self.after(day, rng.choice((0, 0, 1)))
        steps.append((day, Action.ASSIGN, {"unit": unit}))
        if quirk == "return":
            day = self.after(day, rng.choice((0, 1)))
            note = RETURN_NOTES[1] if unit.kind != UnitKind.TOWN and self.rng.random() < 0.5 else RETURN_NOTES[0]
            steps.append((day, Action.RETURN, {"note": note}))
            unit = self.other_unit(plan, unit)
            day = self.after(day, rng.choice((0, 1)))
            steps.append((day, Action.ASSIGN, {"unit": unit}))
        delay = rng.choices((0, 1, rng.randint(2, 4), rng.randint(6, 9)), weights=(45, 35, 12, 8))[0]
        day = self.after(day, delay)
        steps.append((day, Action.START, {}))
        if quirk == "transfer":
            day = self.after(day, rng.choice((0, 1, 2)))
            new = self.other_unit(plan, unit)
            reason = (
                f"属地事项，转{new.display_name}牵头办理。"
                if new.kind == UnitKind.TOWN
                else f"涉及{new.display_name}职责，转其办理。"
            )
            steps.append((day, Action.TRANSFER, {"unit": new, "note": reason}))
            unit = new
            day = self.after(day, rng.choice((0, 1, 1, 2)))
            steps.append((day, Action.START, {}))
        paused = 0
        if quirk == "suspend":
            day = self.after(day, rng.randint(1, 3))
            steps.append((day, Action.SUSPEND, {"note": rng.choice(SUSPEND_NOTES)}))
            paused = rng.randint(5, 20)
            day = self.after(day, paused)
            steps.append((day, Action.RESUME, {}))
        if quirk == "stuck":
            span = resolution * rng.uniform(2.5, 6)
        elif rng.random() < 0.12:
            span = resolution * rng.uniform(1.1, 1.8)
        else:
            span = resolution * rng.uniform(0.2, 0.9)
        day = max(self.after(day, rng.choice((0, 1))), cal.add_workdays(accepted, max(1, round(span)) + paused))
        steps.append((day, Action.RESOLVE, {"note": plan.result}))
        day = self.after(day, rng.randint(1, 4) if rng.random() < 0.85 else rng.randint(5, 12))
        if quirk == "reopen":
            steps.append((day, Action.REOPEN, {"rating": rng.choice((1, 2, 2, 3)), "note": rng.choice(REOPEN_NOTES)}))
            day = cal.add_workdays(day, max(1, round(resolution * rng.uniform(0.2, 0.7))))
            steps.append((day, Action.RESOLVE, {"note": "经再次核实并跟进，" + plan.result}))
            day = self.after(day, rng.randint(1, 3))
            steps.append((day, Action.FOLLOW_UP, {"rating": rng.choice((4, 4, 5)), "note": rng.choice(FOLLOW_NOTES)}))
        else:
            rating = rng.choices((5, 4, 3), weights=(70, 25, 5))[0]
            steps.append((day, Action.FOLLOW_UP, {"rating": rating, "note": rng.choice(FOLLOW_NOTES)}))
        return [step for step in steps if step[0] <= self.last_day]

    def special_cases(self, done: list[VisitPlan], standalone: list[CasePlan]):
        """Cases the demo accounts meet: qiye's and qiye2's enterprises, and the queues of the two
        units that have a reporter (区经信委: jxw, 中山路街道: zhongshanlu)."""
        cal, last = self.cal, self.last_day
        qiye = User.objects.get(username="qiye")
        qiye2 = User.objects.get(username="qiye2")
        zhice, guijiao = self.named["zhice"], self.named["guijiao"]

        def back(n: int) -> date:
            return cal.add_workdays(last, -n) if n else self.workday(last)

        def online(firm, user, days_ago, type_name, text, steps):
            plan = self.case_plan(firm, back(days_ago), CaseSource.ONLINE, type_name=type_name, text=text)
            plan.submitter = plan.follower = user
            plan.steps = self.script(plan, steps)
            standalone.append(plan)
            return plan

        def by_visit(firm, days_ago, type_name, text, steps):
            visit = self.visit_plan(firm, back(days_ago), demands=0)
            case = self.case_plan(firm, visit.visited_on, CaseSource.VISIT, type_name=type_name, text=text)
            case.steps = self.script(case, steps)
            visit.demands = [case]
            opening = self.rng.choice(FINDINGS_OPEN) + self.rng.choice(FINDINGS_STATE)
            visit.findings = f"{opening}企业提出诉求1项，已现场登记：{case.title}。"
            done.append(visit)
            return case

        jxw, town = self.unit("区经信委"), self.towns["中山路街道"]
        hr, land, approval = self.unit("区人力社保局"), self.unit("区规划自然资源局"), self.unit("区政务服务办")
        A = Action
        # fmt: off
        # 智测装备 (qiye): one followed up, one resolved waiting for its follow-up, one in hand, one new.
        done.append(self.visit_plan(zhice, back(150), demands=0))
        online(zhice, qiye, 62, "政策咨询", 0, [(0, A.ACCEPT), (0, A.ASSIGN, jxw), (1, A.START), (2, A.RESOLVE),
                                               (4, A.FOLLOW_UP, 5, "辅导很细致，申报材料一次通过。")])
        by_visit(zhice, 6, "水电气要素保障", 0, [(0, A.ACCEPT), (0, A.ASSIGN, jxw), (1, A.START), (4, A.RESOLVE)])
        online(zhice, qiye, 4, "用工", 0, [(0, A.ACCEPT), (0, A.ASSIGN, hr), (1, A.START)])
        online(zhice, qiye, 0, "融资", 1, [])
        # 轨交部件 (qiye2): one stuck and overdue, one reopened after an unsatisfied follow-up, one done.
        by_visit(guijiao, 45, "用地", 0, [(0, A.ACCEPT), (1, A.ASSIGN, land), (2, A.START)])
        online(guijiao, qiye2, 20, "审批", 1, [(0, A.ACCEPT), (0, A.ASSIGN, approval), (1, A.START), (6, A.RESOLVE),
                                              (8, A.REOPEN, 2, "施工许可只批了一期，二期仍未办理。")])
        done.append(self.visit_plan(guijiao, back(95), demands=0))
        plan = self.case_plan(guijiao, back(80), CaseSource.COMMISSIONER, type_name="政策咨询", text=2)
        plan.steps = self.script(plan, [(0, A.ACCEPT), (0, A.ASSIGN, jxw), (1, A.START), (3, A.RESOLVE),
                                        (5, A.FOLLOW_UP, 4, "")])
        standalone.append(plan)
        for key in ("pukang", "dongfang", "liwen"):
            for days_ago in (130, 60, 12):
                done.append(self.visit_plan(self.named[key], back(days_ago), demands=0))

        # The unit queues of 区经信委 (jxw) and 中山路街道 (zhongshanlu).
        ours = [f for f in self.firms if not f.key and f.group == "智能装备" and f.founded < self.start]
        local = [f for f in self.firms if f.town.pk == town.pk and not f.key and f.founded < self.start]
        by_visit(ours[0], 3, "用工", 2, [(0, A.ACCEPT), (0, A.ASSIGN, jxw)])  # first response late: yellow
        by_visit(ours[1], 10, "水电气要素保障", 0, [(0, A.ACCEPT), (0, A.ASSIGN, jxw), (1, A.START),
                                                   (2, A.SUSPEND, "等待企业提交用电报装材料。")])
        by_visit(ours[2], 2, "水电气要素保障", 1, [(0, A.ACCEPT), (0, A.ASSIGN, jxw), (1, A.START)])
        by_visit(local[0], 9, "其他", 0, [(0, A.ACCEPT), (0, A.ASSIGN, town)])  # no response for days: red
        by_visit(local[1], 5, "物业", 0, [(0, A.ACCEPT), (0, A.ASSIGN, self.unit("区住房城乡建委")),
                                         (1, A.TRANSFER, town, "属地事项，转中山路街道牵头办理。"), (2, A.START)])
        by_visit(local[2], 6, "用工", 2, [(0, A.ACCEPT), (0, A.ASSIGN, town), (1, A.START)])
        by_visit(local[5], 8, "物业", 1, [(0, A.ACCEPT), (0, A.ASSIGN, town), (1, A.START),
                                         (3, A.SUSPEND, "等待物业公司提交收费调整依据。")])
        by_visit(ours[4], 15, "用地", 2, [(0, A.ACCEPT), (1, A.ASSIGN, land), (2, A.START),
                                         (4, A.SUSPEND, "等待企业完成租赁厂房的内部决策。")])
        # Returned by the unit it was given, waiting to be given again; accepted, not yet given; just in.
        by_visit(local[3], 2, "融资", 0, [(0, A.ACCEPT), (0, A.ASSIGN, self.unit("区财政局")),
                                         (1, A.RETURN, RETURN_NOTES[0])])
        by_visit(ours[3], 1, "用工", 0, [(1, A.ACCEPT)])
        # fmt: on
        hotline = self.case_plan(local[4], back(0), CaseSource.HOTLINE, type_name="其他", text=3)
        hotline.submitter, hotline.follower, hotline.steps = SYSTEM, self.dispatcher, []
        standalone.append(hotline)
        return done, standalone

    def script(self, plan: CasePlan, steps) -> list[tuple[date, str, dict]]:
        """Scripted steps (working days after submission, action, unit or rating, note) as plan steps."""
        result = []
        for step in steps:
            offset, action, *rest = step
            day = self.after(plan.submitted_on, offset)
            args: dict = {}
            if action in (Action.ASSIGN, Action.TRANSFER):
                args["unit"] = rest[0]
                if len(rest) > 1:
                    args["note"] = rest[1]
            elif action in (Action.FOLLOW_UP, Action.REOPEN):
                args["rating"], args["note"] = rest
            elif action in (Action.RETURN, Action.SUSPEND):
                args["note"] = rest[-1]
            elif action == Action.RESOLVE:
                args["note"] = plan.result
            if day <= self.last_day:
                result.append((min(day, self.last_day), action, args))
        return result

    # --- running the year ---------------------------------------------------------------------

    def run(self) -> None:
        done, standalone, upcoming = self.plan_desk()
        # Visits that raised nothing are written in bulk; visits with demands, the named
        # enterprises' visits and every case go through the services.
        quiet = [v for v in done if not v.demands and not v.firm.key]
        self.bulk_visits(quiet + upcoming)
        self.visits += len(quiet)
        self.planned += len(upcoming)
        events: list[tuple[date, int, VisitPlan | CasePlan]] = []
        events += [(v.visited_on, i, v) for i, v in enumerate(done) if v.demands or v.firm.key]
        events += [(c.submitted_on, len(done) + i, c) for i, c in enumerate(standalone)]
        events.sort(key=lambda e: (e[0], e[1]))
        # In the order they happened, so that case numbers follow the submission times.
        last = None
        for day, _i, item in events:
            moment = self.at(day, self.rng.randint(9, 16), self.rng.randint(0, 59))
            if last is not None and moment <= last:
                moment = min(last + timedelta(minutes=self.rng.randint(3, 25)), self.now - timedelta(minutes=5))
            last = moment
            if isinstance(item, VisitPlan):
                self.do_visit(item, moment)
            else:
                self.do_case(item, moment)
        self.settle()

    def bulk_visits(self, plans: list[VisitPlan]) -> None:
        rng = self.rng
        rows, made, events = [], [], []
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        for plan in plans:
            visit = Visit(
                enterprise=plan.firm.enterprise,
                commissioner=plan.commissioner,
                planned_on=plan.planned_on,
                visited_on=plan.visited_on,
                status=VisitStatus.DONE if plan.visited_on else VisitStatus.PLANNED,
                visitors=plan.visitors[:200],
                findings=plan.findings,
            )
            planned_at = self.at(plan.plan_made_on, rng.randint(9, 17), rng.randint(0, 59))
            if plan.visited_on:
                moment = self.at(plan.visited_on, rng.randint(14, 17), rng.randint(0, 59))
                stamp(visit, plan.commissioner, "登记走访")
                events.append(
                    TimelineEvent(
                        content_type=enterprise_type,
                        object_id=plan.firm.enterprise.pk,
                        at=moment,
                        actor=plan.commissioner,
                        kind="visit",
                        text=f"走访：{plan.findings[:80]}",
                        data={},
                    )
                )
            else:
                moment = planned_at
                stamp(visit, plan.commissioner, "计划走访")
            visit._history_date = moment
            rows.append(visit)
            made.append(planned_at)
        rows = bulk_create_with_history(rows, Visit, batch_size=500)
        TimelineEvent.objects.bulk_create(events, batch_size=500)
        # created_at is stamped "now" on insert; give it (and its history copy) the planning day.
        created = {}
        for visit, moment in zip(rows, made, strict=True):
            visit.created_at = created[visit.pk] = moment
        update_rows(rows, ["created_at"])
        history = list(Visit.history.filter(id__in=list(created)))
        for row in history:
            row.created_at = created[row.id]
        update_rows(history, ["created_at"])

    def do_visit(self, plan: VisitPlan, moment: datetime) -> None:
        rng = self.rng
        enterprise = plan.firm.enterprise
        visit = services.plan_visit(plan.commissioner, enterprise, planned_on=plan.planned_on, visitors=plan.visitors)
        demands = [{"case_type": d.case_type, "title": d.title, "description": d.description} for d in plan.demands]
        services.record_visit(
            plan.commissioner, visit, visited_on=plan.visited_on, findings=plan.findings, demands=demands
        )
        made = self.at(plan.plan_made_on, rng.randint(9, 17), rng.randint(0, 59))
        self.visit_log.append((visit.pk, enterprise.pk, made, moment))
        self.visits += 1
        new_cases = list(Case.objects.filter(visit=visit).order_by("id"))
        for case, demand in zip(new_cases, plan.demands, strict=True):
            self.handle(case, demand, moment)

    def do_case(self, plan: CasePlan, moment: datetime) -> None:
        submitter = plan.submitter or self.served_by[plan.firm.enterprise.pk]
        case = cases.submit_case(
            submitter,
            case_type=plan.case_type,
            title=plan.title,
            description=plan.description,
            source=plan.source,
            enterprise=plan.firm.enterprise,
        )
        self.handle(case, plan, moment)

    def handle(self, case: Case, plan: CasePlan, moment: datetime) -> None:
        """Run the plan's steps through the workflow. The services date everything "now"; the
        dates each save should have carried are logged here and set by :meth:`settle`."""
        rng, cal = self.rng, self.cal
        case_type = plan.case_type
        unit: Unit | None = None
        due: date | None = None
        suspended: date | None = None
        mine: dict = {"submitted_at": moment}
        log: list[tuple[datetime, dict, str]] = [(moment, dict(mine), "")]
        self.case_log[case.pk] = log
        for day, action, args in plan.steps:
            if action in (Action.ACCEPT, Action.ASSIGN):
                actor = self.dispatcher
            elif action in (Action.FOLLOW_UP, Action.REOPEN):
                actor = plan.follower or self.served_by[plan.firm.enterprise.pk]
            else:
                actor = self.reporters.get(unit.pk, SYSTEM) if unit else SYSTEM
            try:
                case = cases.transition(actor, case, action, **args)
            except DomainError as exc:  # a refusal is a finding: record it and stop this case
                self.refused.append(f"{case.number} {Action(action).label}（{actor}）：{exc}")
                return
            moment = max(
                self.at(day, rng.randint(9, 17), rng.randint(0, 59)), moment + timedelta(minutes=rng.randint(5, 40))
            )
            moment = min(moment, self.now - timedelta(minutes=5))
            text = ""
            if action == Action.ACCEPT:
                deadline = cal.deadline(day, case_type.resolution_workdays)
                due = deadline.date
                mine.update(accepted_at=moment, resolution_due=due, due_provisional=deadline.provisional)
                text = f"受理，办结时限{due:%Y-%m-%d}"
            elif action in (Action.ASSIGN, Action.TRANSFER):
                unit = args["unit"]
                first = cal.deadline(day, case_type.first_response_workdays).date
                mine.update(assigned_at=moment, first_response_due=first)
                if action == Action.ASSIGN:
                    text = f"交办{unit.display_name}，{first:%Y-%m-%d}前首次响应"
            elif action == Action.RETURN:
                unit = None
            elif action == Action.START:
                mine["first_response_at"] = moment
            elif action == Action.SUSPEND:
                suspended = mine["suspended_on"] = day
            elif action == Action.RESUME:
                paused = cal.workdays_between(suspended or day, day)
                if due is not None and paused > 0:
                    due = cal.add_workdays(due, paused)
                mine["resolution_due"] = due
                text = f"恢复办理，挂起{paused}个工作日，办结时限顺延至{due:%Y-%m-%d}"
            elif action == Action.RESOLVE:
                mine["resolved_at"] = moment
            elif action == Action.REOPEN:
                deadline = cal.deadline(day, case_type.resolution_workdays)
                due = deadline.date
                mine.update(resolution_due=due, due_provisional=deadline.provisional)
            log.append((moment, dict(mine), text))

    def settle(self) -> None:
        """Date back what the services wrote "now": each case (row, history rows, timeline), and
        the visits recorded through the services. A field the service left empty stays empty
        (a transfer clears the first response, a reopening the resolution); one it filled takes
        the date the replayed year gives it."""

        def apply(obj, values: dict) -> None:
            for name, value in values.items():
                if name == "due_provisional" or getattr(obj, name) is not None:
                    setattr(obj, name, value)

        fields = [
            "submitted_at",
            "accepted_at",
            "assigned_at",
            "first_response_at",
            "first_response_due",
            "resolution_due",
            "due_provisional",
            "suspended_on",
            "resolved_at",
        ]
        ids = list(self.case_log)
        rows = Case.objects.in_bulk(ids)
        for pk, log in self.case_log.items():
            apply(rows[pk], log[-1][1])
        update_rows(list(rows.values()), fields)
        history = list(Case.history.filter(id__in=ids, history_date__gte=self.now).order_by("id", "history_id"))
        saves: dict[int, list] = {}
        for row in history:
            saves.setdefault(row.id, []).append(row)
        for pk, log in self.case_log.items():
            if len(saves.get(pk, ())) != len(log):
                raise RuntimeError(f"诉求{pk}的历史记录与回放步骤数不一致")
            for row, (moment, values, _text) in zip(saves[pk], log, strict=True):
                row.history_date = moment
                apply(row, values)
        update_rows(history, ["history_date", *fields])

        case_type = ContentType.objects.get_for_model(Case)
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        visit_moments: dict[int, list[datetime]] = {}
        for _visit, enterprise, _made, moment in self.visit_log:
            visit_moments.setdefault(enterprise, []).append(moment)
        events = list(
            TimelineEvent.objects.filter(at__gte=self.now, content_type__in=[case_type, enterprise_type]).order_by("id")
        )
        by_object: dict[tuple[int, int], list[TimelineEvent]] = {}
        for event in events:
            by_object.setdefault((event.content_type_id, event.object_id), []).append(event)
        for (type_id, object_id), found in by_object.items():
            if type_id == case_type.pk and object_id in self.case_log:
                for event, (moment, _values, text) in zip(found, self.case_log[object_id], strict=True):
                    event.at = moment
                    event.text = text or event.text
            elif type_id == enterprise_type.pk and object_id in visit_moments:
                for event, moment in zip(found, visit_moments[object_id], strict=True):
                    event.at = moment
        update_rows(events, ["at", "text"])

        visits = Visit.objects.in_bulk([v for v, *_ in self.visit_log])
        made = {v: m for v, _e, m, _ in self.visit_log}
        for pk, visit in visits.items():
            visit.created_at = made[pk]
        update_rows(list(visits.values()), ["created_at"])
        history = list(
            Visit.history.filter(id__in=list(visits), history_date__gte=self.now).order_by("id", "history_id")
        )
        moments = {v: (m, moment) for v, _e, m, moment in self.visit_log}
        for row in history:
            planned, recorded = moments[row.id]
            row.created_at = planned
            row.history_date = planned if row.history_type == "+" else recorded
        update_rows(history, ["created_at", "history_date"])

        # Colours as of today; a followed-up case keeps the colour its last save gave it, so
        # those are worked out here once their dates are right.
        cases.refresh_colours()
        done = list(Case.objects.filter(pk__in=ids, state=CaseState.FOLLOWED_UP).select_related("case_type"))
        for case in done:
            case.colour, case.colour_reason = cases.assess_case(case)
        update_rows(done, ["colour", "colour_reason"])

    # --- after the year -----------------------------------------------------------------------

    def notices(self) -> None:
        """The inbox as it stands today: what waits for each demo account now (the services'
        own notices, sent as the year was replayed, are dropped — they would all be dated today
        and mostly about things long since done)."""
        open_cases = Case.objects.filter(pk__in=list(self.case_log)).select_related("unit", "enterprise__town")
        for case in open_cases.filter(state=CaseState.SUBMITTED):
            supervisors = users_with_role((Role.SUPERVISOR,), case.enterprise.town) if case.enterprise_id else []
            title = f"新诉求待受理：{case.title[:40]}"
            notify(supervisors, cause=f"cases:{case.pk}:submitted", title=title, link=f"/cases/{case.pk}/", email=False)
        for case in open_cases.filter(state=CaseState.ASSIGNED, unit_id__in=list(self.reporters)):
            reporters = users_with_role((Role.UNIT_REPORTER,), case.unit)
            title = f"新交办诉求：{case.title[:40]}"
            notify(reporters, cause=f"cases:{case.pk}:assign:demo", title=title, link=f"/cases/{case.pk}/", email=False)
        for case in open_cases.filter(state=CaseState.RESOLVED, submitted_by__isnull=False):
            title = f"您的诉求已办结，请评价：{case.title[:40]}"
            notify(
                [case.submitted_by],
                cause=f"cases:{case.pk}:resolve:demo",
                title=title,
                link=f"/cases/{case.pk}/",
                email=False,
            )


def derive_from(enterprise: Enterprise, latest: YearFigure | None) -> None:
    """What :func:`luoshi.enterprises.services.derive` works out, from the latest figures at hand
    (derive reads them back and saves, one enterprise at a time); the caller saves the fields.
    The demo's tests check the two agree."""
    size, size_reason, above, scale_reason = "", "", False, ""
    if latest is not None and enterprise.sector:
        try:
            result = codes.classify_size(
                enterprise.sector,
                employees=latest.employees,
                revenue_wan=latest.revenue,
                assets_wan=latest.total_assets,
            )
            size, size_reason = result.size, f"{latest.year}年数据：{result.reason}"
        except codes.SizeRuleError as exc:
            size_reason = f"{latest.year}年数据不足以划型：{exc}"
        if latest.revenue is not None:
            scale = codes.is_above_scale(enterprise.sector, revenue_wan=latest.revenue)
            above, scale_reason = scale.above, f"{latest.year}年{scale.reason}"
    enterprise.size_class, enterprise.size_reason = size, size_reason[:300]
    enterprise.above_scale, enterprise.scale_reason = above, scale_reason[:300]


def update_rows(rows: list, fields: list[str]) -> None:
    """Save ``fields`` of many rows of one model: one UPDATE statement run for each row.

    ``QuerySet.bulk_update`` builds a CASE expression per row and field, which takes many
    seconds for the few thousand rows the demo dates back; history and signals are not involved
    either way.
    """
    if not rows:
        return
    meta = type(rows[0])._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    # Identifiers come from the model's meta; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [[c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0.0), 2))).quantize(Decimal("0.01"))


def _exists() -> bool:
    return Enterprise.objects.filter(unit__name="重庆永川智测装备有限公司").exists()


@transaction.atomic
def load() -> str:
    if _exists():
        return "已存在，跳过"
    # The services notify as the year is replayed; those notices would all be dated today and
    # mostly be about things long done (and, with email on, print hundreds of mails), so the
    # callbacks registered by this step are dropped and the current inbox is written at the end.
    mark = len(connection.run_on_commit)
    now = timezone.now()
    builder = Builder(timezone.localdate(now), now)
    builder.reference()
    builder.people()
    builder.generate()
    builder.register()
    builder.assign()
    builder.run()
    del connection.run_on_commit[mark:]
    builder.notices()
    return summary(builder)


def summary(builder: Builder) -> str:
    enterprises = Enterprise.objects.filter(pk__in=[f.enterprise.pk for f in builder.firms])
    above = enterprises.filter(above_scale=True).count()
    commissioners = (
        CommissionerAssignment.objects.filter(ended_on__isnull=True).values("commissioner").distinct().count()
    )
    qs = Case.objects.filter(pk__in=list(builder.case_log))
    states = Counter(qs.values_list("state", flat=True))
    open_qs = qs.exclude(state__in=[CaseState.RESOLVED, CaseState.FOLLOWED_UP])
    overdue = open_qs.filter(resolution_due__lt=builder.today).exclude(state=CaseState.SUSPENDED).count()
    colours = Counter(open_qs.values_list("colour", flat=True))
    return (
        f"企业 {enterprises.count():,} 家（规上 {above:,} 家），服务专员 {commissioners} 名，"
        f"走访 {builder.visits:,} 次（另有计划走访 {builder.planned} 次），"
        f"诉求 {qs.count():,} 件（待受理 {states[CaseState.SUBMITTED]}、待交办 {states[CaseState.ACCEPTED]}、"
        f"办理中 {states[CaseState.ASSIGNED] + states[CaseState.IN_PROGRESS]}、已挂起 {states[CaseState.SUSPENDED]}、"
        f"待回访 {states[CaseState.RESOLVED]}、已回访 {states[CaseState.FOLLOWED_UP]}；"
        f"逾期 {overdue}、红色预警 {colours[Colour.RED]}、黄色预警 {colours[Colour.YELLOW]}）"
    ) + (f"；服务拒绝 {len(builder.refused)} 项操作：" + "；".join(builder.refused[:5]) if builder.refused else "")
