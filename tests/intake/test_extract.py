"""What the kernel finds in the genre's typical sentences (texts written for these tests)."""

import re

from luoshi.intake import Directory, parse_text
from luoshi.rules import parse as parse_rule

DIRECTORY = [
    ("重庆市永川区经济和信息化委员会", ["区经信委", "区经济和信息化委员会"]),
    ("重庆市永川区住房和城乡建设委员会", ["区住房城乡建委", "区住建委"]),
    ("重庆市永川区财政局", ["区财政局"]),
    ("中共重庆市永川区委员会", ["区委", "永川区委"]),
    ("中山路街道", ["永川区中山路街道"]),
]


def test_units_are_normalised_to_the_directorys_official_names():
    r = parse_text("区经信委会同区住建委、区财政局和中山路街道研究，区委督办。", directory=DIRECTORY)
    assert [(u.name, u.alias) for u in r.units] == [
        ("重庆市永川区经济和信息化委员会", "区经信委"),
        ("重庆市永川区住房和城乡建设委员会", "区住建委"),
        ("重庆市永川区财政局", "区财政局"),
        ("中山路街道", None),
        ("中共重庆市永川区委员会", "区委"),
    ]


def test_without_a_directory_abbreviations_are_written_out():
    r = parse_text("区经信委、区发改委、市教委和区人社局联合发文。")
    assert [(u.name, u.alias) for u in r.units] == [
        ("区经济和信息化委员会", "区经信委"),
        ("区发展和改革委员会", "区发改委"),
        ("市教育委员会", "市教委"),
        ("区人力资源和社会保障局", "区人社局"),
    ]


def test_a_directory_built_once_serves_many_texts():
    d = Directory.from_pairs(DIRECTORY)
    assert Directory.from_pairs(d) is d
    assert parse_text("区住房城乡建委牵头。", directory=d).units[0].name == "重庆市永川区住房和城乡建设委员会"


def test_organisations_with_a_legal_or_institutional_suffix_are_units_and_generic_words_are_not():
    r = parse_text(
        "活动现场，重庆长风精密机械有限公司与重庆文理学院签约，各镇街、区级有关部门和社区负责人参加，共建产业学院3个。"
    )
    assert [u.name for u in r.units] == ["重庆长风精密机械有限公司", "重庆文理学院"]


def test_people_come_with_title_and_unit_and_their_later_mentions():
    r = parse_text(
        "区经济和信息化委员会党组书记、主任李明远表示，将加快发展。李明远介绍，今年重点抓好技改。", directory=DIRECTORY
    )
    assert [(p.name, p.title, p.unit) for p in r.people] == [
        ("李明远", "党组书记、主任", "重庆市永川区经济和信息化委员会"),
        ("李明远", "党组书记、主任", "重庆市永川区经济和信息化委员会"),
    ]


def test_a_title_covers_every_name_listed_after_it():
    r = parse_text("区政府副区长王小兰、陈国强出席会议。")
    assert [(p.name, p.title) for p in r.people] == [("王小兰", "区政府副区长"), ("陈国强", "区政府副区长")]


def test_targets_have_indicator_change_value_unit_year_and_owner():
    r = parse_text("2025年1月5日\n区住房城乡建委负责人表示，将全年新建5G基站500个、智慧停车场12个，"
                   "商品房销售面积达到85万平方米，"
                   "城镇调查失业率控制在5.5%以内。", directory=DIRECTORY)  # fmt: skip
    owner = "重庆市永川区住房和城乡建设委员会"
    got = [(t.indicator, t.change, t.value, t.unit, t.year, t.owner) for t in r.targets]
    assert got == [
        ("5G基站", "新建", 500, "个", 2025, owner),
        ("智慧停车场", "新建", 12, "个", 2025, owner),
        ("商品房销售面积", "达到", 85, "万平方米", 2025, owner),
        ("城镇调查失业率", "控制在", 5.5, "%", 2025, owner),
    ]


def test_results_of_past_years_are_not_targets():
    r = parse_text(
        "2025年工作安排\n2024年，全区地区生产总值增长6.1%，新增规上企业52家。2025年，地区生产总值增长6%左右。"
    )
    assert [(t.indicator, t.value) for t in r.targets] == [("地区生产总值", 6)]


def test_money_is_in_yuan_with_its_qualifiers():
    r = parse_text("对上年度研发费用达到200万元以上的企业，按研发费用的10%给予补助，最高不超过50万元；"
                   "对新引进的博士每人给予一次性补贴5万元，全年安排资金1.5亿元，另有补贴两千元。")  # fmt: skip
    assert [(m.text, m.value, m.qualifier) for m in r.money] == [
        ("200万元", 2_000_000, "以上"),
        ("50万元", 500_000, "按研发费用的10%，最高不超过"),
        ("5万元", 50_000, "每人，一次性"),
        ("1.5亿元", 150_000_000, None),
        ("两千元", 2000, None),
    ]


def test_foreign_currency_is_not_counted_in_yuan():
    assert parse_text("出口额达到500万美元。").money == []


def test_projects_listed_with_commas_and_and_are_one_each():
    r = parse_text("加快实施城东110千伏变电站工程和港桥园区天然气管网延伸工程，"
                   "重点推进红旗片区、萱花片区和棠城片区老旧小区改造项目，"
                   "确保普安医疗、东方光电、重庆理昂等重点项目加快建设，全年实施城市更新项目46个。")  # fmt: skip
    assert [p.name for p in r.projects] == [
        "城东110千伏变电站工程",
        "港桥园区天然气管网延伸工程",
        "红旗片区老旧小区改造项目",
        "萱花片区老旧小区改造项目",
        "棠城片区老旧小区改造项目",
        "普安医疗",
        "东方光电",
        "重庆理昂",
    ]


def test_key_tasks_in_three_shapes():
    counted = parse_text(
        "会议要求，要在5项重点任务上下功夫：做强制造业；扩大有效投资；深化改革；推进城市更新；增进民生福祉。"
    )
    assert [(k.index, k.text) for k in counted.key_tasks] == [
        (1, "做强制造业"), (2, "扩大有效投资"), (3, "深化改革"), (4, "推进城市更新"), (5, "增进民生福祉"),
    ]  # fmt: skip
    inline = parse_text("实施梯度培育，一是开展攻坚，建立名单；二是加快培育；三是落实专员制度。")
    assert [(k.index, k.text) for k in inline.key_tasks] == [
        (1, "开展攻坚，建立名单"),
        (2, "加快培育"),
        (3, "落实专员制度"),
    ]
    headed = parse_text(
        "工作要点\n一、总体要求\n坚持稳中求进。\n二、重点任务\n（一）做强智能装备产业。依托园区。\n（二）做优汽车产业。"
    )
    assert [(k.index, k.text) for k in headed.key_tasks] == [(1, "做强智能装备产业"), (2, "做优汽车产业")]


def test_tasks_carry_the_unit_of_their_speaker_or_their_plan():
    r = parse_text("区委经济工作会议召开\n会议要求，全区上下要真抓实干。区经信委负责人表示，将加快技术改造。"
                   "同时，积极培育新兴产业。\n"
                   "会议强调，各部门要守牢安全底线。", directory=DIRECTORY)  # fmt: skip
    assert [(t.text, t.unit) for t in r.tasks] == [
        ("会议要求，全区上下要真抓实干", None),
        ("区经信委负责人表示，将加快技术改造", "重庆市永川区经济和信息化委员会"),
        ("同时，积极培育新兴产业", "重庆市永川区经济和信息化委员会"),
        ("会议强调，各部门要守牢安全底线", None),
    ]
    plan = parse_text("区住房城乡建委2025年工作要点\n一、推进城市更新\n年内改造老旧小区38个。", directory=DIRECTORY)
    assert {t.unit for t in plan.tasks} == {"重庆市永川区住房和城乡建设委员会"}


def test_policy_clauses_get_a_rule_and_an_amount_that_parse():
    r = parse_text("关于支持制造业发展的若干措施\n"
                   "一、对上年度研发费用达到200万元以上、且研发费用占营业收入比重不低于3%的规上工业企业，"
                   "按上年度研发费用的10%给予补助，最高50万元。\n二、对年营业收入首次突破1亿元的制造业企业，给予一次性奖励20万元。\n"
                   "三、对新引进的博士，每招用1人给予补贴3000元。")  # fmt: skip
    assert len(r.clauses) == 3
    first = r.clauses[0]
    assert first.amount == "min(rd_expense * 10%, 50万元)"
    assert first.rule == "rd_expense >= 200万元 and rd_ratio >= 3% and above_scale and industry in [B, C, D]"
    assert "研发费用占营业收入比重不低于3%" in first.conditions
    assert r.clauses[1].amount == "20万元"
    assert r.clauses[1].rule == "revenue >= 1亿元 and industry in C"
    assert r.clauses[2].amount is None  # per hire: no formula the rules language can write
    for clause in r.clauses:
        for text, kind in ((clause.rule, "condition"), (clause.amount, "amount")):
            if text is not None:
                parse_rule(text, kind=kind)
    assert r.targets == []  # a notice's amounts are benefits and conditions, not targets


def test_spans_index_the_original_even_across_wrapped_lines():
    column = "\n\n".join(["区经信委将推动全区规上工", "业增加值增长7.5%，确保完", "成全年目标任务。今年全区"] * 3)
    r = parse_text(column)
    for item in [*r.units, *r.targets, *r.dates, *r.tasks]:
        start, end = item.span
        found = re.sub(r"\s", "", column[start:end])
        assert found, item
    t = r.targets[0]
    assert re.sub(r"\s", "", column[t.span[0] : t.span[1]]).endswith("7.5%")
