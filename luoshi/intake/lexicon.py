"""Word lists and patterns the extractors share: the vocabulary of work plans and policy notices.

They are kept in one place so a reader can see what the kernel knows, and extend it, without
reading the extractors. Every pattern here is a plain alternation or a bounded repetition: none
can backtrack catastrophically.
"""

from __future__ import annotations

import re

from luoshi.intake.numerals import NUMBER


def alt(words: str) -> str:
    """A regex alternation of the space-separated words, longest first."""
    return "|".join(sorted(words.split(), key=len, reverse=True))


# Verbs that make a clause a commitment to act (tasks) — used where a clause starts with one.
ACTION_VERBS = alt(
    "加快 推进 推动 实施 打造 深化 确保 建立 建设 完善 加强 开展 落实 提升 强化 培育 优化 扩大 促进 做好 抓好 "
    "办好 支持 组织 争取 引导 实现 力争 新建 建成 健全 构建 推广 谋划 统筹 保障 攻坚 整治 配合 制定 锚定 守牢 "
    "聚焦 坚持 用好 增进 防范 化解 牵头 调度 督查 督办 报送 解决 帮助 紧盯 依托 编制 开发 举办 引进 招引 改造 "
    "加装 增设 选取 走访 做强 做优 做大 做实 壮大 提高 开辟 会同 联合 发布 受理 拨付 审核 开工 启动 完成 协调 "
    "严防 扎实 实行 推行 发放 兑现 拓展 培训 编制 研究制定 全力 大力 着力 积极 持续 深入 全面 切实"
)
# Adverbs, times and modals that may come before the verb of a clause.
CLAUSE_PREFIX = re.compile(
    r"(?:全年|年度|年内|今年|明年|上半年|下半年|年底前|同时|此外|另外|其中|下一步|全区|全市|全县|我区|"
    r"重点|力争|确保|计划|预计|累计|同步|要求|[一二三四五六七八九十]{1,2}是|"
    r"全力|努力|进一步|持续|积极|大力|着力|加快|深入|全面|切实|共同|再|将|要|还|并|也|\d{1,2}月(?:底|中旬|上旬|下旬)?前?)*"
)
# A commitment marker anywhere in a sentence: it speaks of what will or must be done.
COMMITMENT = re.compile(r"将(?![其近])|(?<![重主需只纲])要(?![素点闻件])|力争|确保|务必|计划")
# The lead-in of a list of targets (主要预期目标是：…): what follows counts, it is not itself a task.
TARGET_LEAD = re.compile(r"目标(?:是|为)?$|目标任务(?:是|为)$")
# Past or background: what has been done, not what is to be done.
PAST = re.compile(
    r"截至|已有|已达|已经|已累计|已完成|已建成|已召开|过去一年|去年|上年(?!度)|听取了|研究了|审议了|提供了"
)
SPEECH = re.compile(r"表示|介绍|指出|说|强调|认为|坦言|透露|提出|明确|要求")

# Words that relate an indicator to its value (增长7.5%, 控制在5.5%以内, 不少于15个).
CHANGE_WORDS = alt(
    "增长 增加 下降 降低 减少 达到 突破 超过 控制在 保持在 稳定在 保持 提高到 提升到 提高至 提升至 增至 "
    "压缩至 压减至 缩短至 缩减至 降至 降到 不少于 不低于 不超过 不高于 至少 为 新增 累计 实现"
)
# Verbs that make a count a target when they start its clause (新建智能工厂3个, 引进物流企业5家).
TARGET_VERBS = alt(
    "新增 新建 新改建 新改造 改造 实施 完成 建设 建成 引进 招引 新招引 培育 新培育 开发 组织 开展 举办 走访 "
    "签约 加装 增设 攻克 共建 惠及 发展 推进 选取 建立 新认定 认定 争取 兑现 带动 帮助 推动 创建 打造 培训 "
    "吸纳 安置 开工 投产 新开工 改扩建 设立 招商 发放 实现 推广 新改 续建 提供 办理 完成改造"
)
# Units of measure a target is counted in (longest first, so 万人次 wins over 人次).
MEASURE_UNITS = alt(
    "个百分点 个工作日 万平方米 平方米 万人次 万千瓦 千瓦时 万亩 万吨 万户 万人 万台 万辆 万套 万元 亿元 人次 家次 "
    "公里 千米 千伏 兆瓦 千瓦 元 % 个 家 项 人 名 亩 吨 户 部 座 张 所 场 套 台 辆 条 次 批 处 栋 间 床 幢 宗 件 把"
)
QUANTITY = re.compile(
    rf"(?<![\d.])(?P<num>{NUMBER})(?P<approx>余|多)?(?P<unit>{MEASURE_UNITS})|百分之(?P<pnum>{NUMBER})"
)
SMALL_CN = set("一二三四五六七八九十两")

# Money: an amount in yuan (万元, 亿元, 元), a bare 亿元/万元 used as a threshold (亿元以上项目),
# or a class of size (百亿级).
MONEY = re.compile(
    rf"(?<![\d.一二三四五六七八九十百千万亿两〇零])(?P<bare>亿元|万元)(?=以上|以下|级)"
    rf"|(?<![\d.])(?P<num>{NUMBER})(?P<mult>千万|百万|亿|万|千)?(?:余|多)?(?P<cur>美元|港元|欧元|日元|元)"
    rf"|(?<![\d.])(?P<cnum>{NUMBER})(?P<cmult>亿|万)?级"
)
MONEY_QUALIFIERS = re.compile(
    r"最高不超过|最高|不超过|最多|最低|不低于|不少于|至少|超过|(?<![签制节大契公条相预])约|(?<![接将附最])近|累计|一次性|户均|人均|"
    r"每[人家户个台张场年月次餐项件辆套季]"
)
MONEY_SUFFIX = re.compile(r"以上|以下|以内|左右")
CAPS = ("最高", "不超过", "最高不超过", "最多")
PROPORTION = re.compile(rf"按(?P<base>[^，。；、]{{1,30}}?)的(?P<pct>{NUMBER}%)")

# Benefits a policy clause grants (a noun like 补贴资金 is not one).
BENEFIT = re.compile(r"(?:给予|奖励|补贴|补助|资助|贴息|返还|奖补|担保贷款)(?!资金|专项|政策|对象|标准的|范围)")

# Enumeration markers of key tasks.
CN_INDEX = "一二三四五六七八九十"
HEADING_MARK = re.compile(
    rf"^(?:(?P<h1>[{CN_INDEX}]{{1,3}})、|[（(](?P<h2>[{CN_INDEX}]{{1,3}})[）)]|(?P<h3>\d{{1,2}})[.．、](?!\d))"
)
INLINE_MARK = re.compile(rf"(?:(?<=^)|(?<=[，；。：,;:\n]))(?P<n>[{CN_INDEX}]{{1,2}})是")
COUNT_LIST = re.compile(
    rf"(?P<n>\d{{1,2}}|[{CN_INDEX}]{{1,3}})(?:项|个方面|大|条)(?:重点|主要)?(?:任务|工作|重点任务|重点工作|举措|行动)"
)
NOT_TASK_HEADINGS = re.compile(
    r"(?:总体要求|主要目标|工作目标|目标任务|重点任务|主要任务|重点工作|基本原则|指导思想|保障措施|工作要求|组织领导|"
    r"组织实施|申报条件|支持标准|"
    r"申报材料|申报程序|附则|其他事项|其他|资金管理|适用范围|支持对象|工作职责|职责分工|监督管理|有关要求)"
)
POLICY_TITLE = re.compile(r"措施|办法|细则|政策|若干|通知|实施意见|指南|规定")
PLAN_TITLE = re.compile(
    r"(?:\d{4}年)?.{0,24}?(?:工作要点|工作安排|工作计划|实施方案|工作方案|行动方案|行动计划|要点|计划)$"
)

# Projects: the word a project name ends in, and words that alone make no name.
PROJECT_HEAD = re.compile(
    r"(?:项目|工程|产业园|物流园|园区|综合体|城际铁路|铁路|高铁|高速公路|连接线|快速路|大道|管廊|变电站|输变电|"
    r"水库|新校区|新院区|校区|院区|研究院|转化中心|服务中心|综合服务中心|物流中心|生产基地|基地|港区|码头)"
    r"(?:[一二三四五六七八九十\d]期)?(?:项目|工程)?(?!库|清单|名单|储备|谋划|申报|前期|资金|融资|建设单位|业主)"
)
PROJECT_GENERIC = re.compile(
    r"(?:重点|重大|市区|市级|区级|县级|国家级|省级|产业|工业|基础设施|民生|城市更新|更新|技术改造|技改|改造|改革|"
    r"合作|招商|在建|新开工|开工|续建|储备|前期|亿元以上|亿元级|首批|各类|相关|互联互通|示范|试点|数字化转型|数字化|"
    r"转型|智能制造|惠民|社会|类|的|建设|交通|水利|能源|环保|生态|农业|集中|签约|落地|招引|引进|投资|大|小|好|新|"
    r"老|批|个|该|此|这|其|等|和|及|与|城市|城镇|老旧小区|地下管网|安置房|保障性住房|白名单|“|”|创业孵化|孵化|"
    r"直播电商|电商|示范街区|一批|多个|\d+个|[一二三四五六七八九十两]+个|本|我|全区|各|有关|其他|上述|以上|年度|"
    r"单个|同一|每个|一次|主体|路基|附属|整体|全部|所有|首个|该类|此类)+"
)
PROJECT_VERBS = re.compile(
    r"推进|实施|建设|建成|开工|投产|启动|谋划|抓好|做好|完工|续建|新建|改造|开展|加快|确保|保障|配合|攻坚|竣工|投用"
)
PROJECT_LIST_END = re.compile(r"等(?:[\u4e00-\u9fff]{0,6}?)(?:项目|工程)")
# Where a name stops when read leftwards: verbs, times and function words before it.
NAME_STOP = re.compile(
    r"(?:推进|实施|建设|建成|加快|推动|开工|启动|抓好|做好|完成|依托|确保|开展|谋划|争取|引进|落实|配合|支持|围绕|"
    r"聚焦|重点|全力|积极|加速|新建|开辟|同步|力争|用好|形成|建立|保障|协调|投资|签订|参与|启用|助推|"
    r"促成|促进|引导|组织|申报|包装|对接|储备|招引|招商|打造|培育|发展|带动|强化|加强|完善|提升|优化|深化|加大|推广|"
    r"做实|做优|做强|做大|壮大|构建|健全|撬动|着力|大力|持续|深入|全面|切实|"
    r"\d{4}年|[一二三四]季度|\d{1,2}月(?:底|中旬|上旬|下旬)?前?|年内|年底前?|上半年|下半年|今年|全年|明年|"
    r"[在对与向的将把由和为从是了等])"
)
# A project named without 项目/工程 (…产业园, …综合体) needs something only a name has: a place,
# a phase (二期) or a figure.
PROJECT_PROPER = re.compile(
    r"[\d]|[一二三四五六七八九十]期|永川|重庆|片区|湖|港|村|镇|街道|路|江|河|山|桥|城东|城南|城西|城北|至|^区|^市"
)
