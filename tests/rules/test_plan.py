"""The evaluation plans (the fast path of evaluate) give exactly the plain evaluation's outcomes."""

import copy
import pickle
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from luoshi.rules import Context, Facts, evaluate, parse
from luoshi.rules import plan as plan_module
from luoshi.rules.plan import decimal_text
from luoshi.rules.reference import reference_evaluate
from luoshi.rules.render import _decimal_text
from tests.rules.test_batch import MONEY, combine, enterprises, leaf_texts

CTX = Context(2024, date(2025, 3, 1))
FIELDS = ("text", "variable", "label", "actual", "required", "passed", "gap")

FACTS = {
    "srdi_near": Facts(industry="3911", figures={2024: {"revenue": "2000.01", "rd_expense": "60.00"}}),
    "young": Facts(
        industry="6510",
        street="胜利路街道",
        founded=date(2023, 3, 2),
        size="小型",
        tags={"科技型中小企业", "外资"},
        figures={
            2024: {"revenue": "0.05", "rd_expense": 0, "employees": 12},
            2023: {"revenue": 0, "rd_expense": "3.5"},
        },
    ),
    "big": Facts(
        industry="39",
        street="中山路街道",
        founded=date(2010, 6, 1),
        chain="电子信息",
        size="中型",
        above_scale=True,
        tags={"高新技术企业", "专精特新"},
        figures={
            2024: {"revenue": "12345.67", "rd_expense": "610.5", "employees": 320, "exports": "4100", "tax_paid": "-3"},
            2023: {"revenue": "11000", "rd_expense": "500", "employees": 300, "tax_paid": "400"},
        },
    ),
    "empty": Facts(),
    "a_hair_under": Facts(figures={2024: {"revenue": "200000.01", "rd_expense": "6000"}}),
    "under_a_fine_threshold": Facts(figures={2024: {"revenue": "10000000", "rd_expense": "299998.49"}}),
}

# Written by evaluate() before the plans existed: (rule, facts, amount formula, verdict, amount, checks as
# (text, variable, label, actual, required, passed, gap), gaps as indexes into the checks).
GOLDEN = [
    ("industry in C and revenue >= 2000万元 and rd_ratio >= 3%", "srdi_near", None, "near_miss", None, [
        ("制造业企业", "industry", "行业", "计算机、通信和其他电子设备制造业（3911）", "属于制造业", True, None),
        ("2024年营业收入不低于2000万元", "revenue", "营业收入", "2000.01万元", "≥2000万元", True, None),
        ("2024年研发费用占营业收入比重不低于3%", "rd_ratio", "研发费用占营业收入比重", "2.999985%", "≥3%", False,
         "研发费用占营业收入比重2.999985%，需≥3%"),
    ], [2]),
    ("industry in C and revenue >= 2000万元 and rd_ratio >= 3%", "young", None, "ineligible", None, [
        ("制造业企业", "industry", "行业", "软件和信息技术服务业（6510）", "属于制造业", False,
         "行业为软件和信息技术服务业（6510），需属于制造业"),
        ("2024年营业收入不低于2000万元", "revenue", "营业收入", "500元", "≥2000万元", False,
         "营业收入500元，需≥2000万元"),
        ("2024年研发费用占营业收入比重不低于3%", "rd_ratio", "研发费用占营业收入比重", "0%", "≥3%", False,
         "研发费用占营业收入比重0%，需≥3%"),
    ], [0, 1, 2]),
    ('(revenue >= 1亿元 and employees >= 500) or (rd_ratio >= 5% and tags has "高新技术企业")', "big", None,
     "near_miss", None, [
        ("2024年营业收入不低于1亿元", "revenue", "营业收入", "12345.67万元", "≥1亿元", True, None),
        ("2024年从业人员不少于500人", "employees", "从业人员", "320人", "≥500人", False, "从业人员320人，需≥500人"),
        ("2024年研发费用占营业收入比重不低于5%", "rd_ratio", "研发费用占营业收入比重", "4.95%", "≥5%", False,
         "研发费用占营业收入比重4.95%，需≥5%"),
        ("具有“高新技术企业”标签", "tags", "企业标签", "专精特新、高新技术企业", "具有“高新技术企业”标签", True, None),
    ], [1]),
    ("revenue_growth >= 15% and rd_growth >= 30% and tax_growth > 0%", "big", None, "ineligible", None, [
        ("2024年营业收入增长率不低于15%", "revenue_growth", "营业收入增长率", "12.23%", "≥15%", False,
         "营业收入增长率12.23%，需≥15%"),
        ("2024年研发费用增长率不低于30%", "rd_growth", "研发费用增长率", "22.1%", "≥30%", False,
         "研发费用增长率22.1%，需≥30%"),
        ("2024年纳税额增长率高于0%", "tax_growth", "纳税额增长率", "-100.75%", "＞0%", False,
         "纳税额增长率-100.75%，需＞0%"),
    ], [0, 1, 2]),
    ("revenue_growth >= 15% and rd_growth >= 30% and tax_growth > 0%", "young", None, "ineligible", None, [
        ("2024年营业收入增长率不低于15%", "revenue_growth", "营业收入增长率", "未填报", "", False,
         "无法计算2024年营业收入增长率（2023年营业收入为0万元）"),
        ("2024年研发费用增长率不低于30%", "rd_growth", "研发费用增长率", "-100%", "≥30%", False,
         "研发费用增长率-100%，需≥30%"),
        ("2024年纳税额增长率高于0%", "tax_growth", "纳税额增长率", "未填报", "", False, "缺少2024年纳税额数据"),
    ], [0, 1, 2]),
    ('not above_scale and street in ["中山路街道", "卫星湖街道"] and size in ["小型", "微型"]', "big", None,
     "ineligible", None, [
        ("非规上企业", "above_scale", "规上企业", "是", "否", False, "是规上企业"),
        ("所在镇街为中山路街道或卫星湖街道", "street", "所在镇街", "中山路街道", "为中山路街道或卫星湖街道", True,
         None),
        ("企业规模为小型或微型", "size", "企业规模", "中型", "为小型或微型", False,
         "企业规模为中型，需为小型或微型"),
    ], [0, 2]),
    ('age < 3 and founded between 2020-01-01 and 2024-12-31 and not tags has "外资" and chain = "电子信息"', "young",
     None, "ineligible", None, [
        ("成立年限少于3年", "age", "成立年限", "1年", "＜3年", True, None),
        ("成立日期在2020年1月1日至2024年12月31日之间", "founded", "成立日期", "2023年3月2日",
         "在2020年1月1日至2024年12月31日之间", True, None),
        ("不具有“外资”标签", "tags", "企业标签", "外资、科技型中小企业", "不具有“外资”标签", False,
         "企业标签为外资、科技型中小企业，需不具有“外资”标签"),
        ("产业链为电子信息", "chain", "产业链", "未填报", "", False, "缺少产业链数据"),
    ], [2, 3]),
    ("employees between 10人 and 299人 and revenue / employees >= 30 and min(revenue, revenue[-1]) > 10000", "big",
     "min(rd_expense * 10%, 50万元)", "near_miss", None, [
        ("2024年从业人员在10人至299人之间", "employees", "从业人员", "320人", "在10人至299人之间", False,
         "从业人员320人，需在10人至299人之间"),
        ("2024年营业收入÷从业人员不低于30万元", "revenue", "营业收入", "38.58万元", "≥30万元", True, None),
        ("2024年营业收入与2023年营业收入中的较小者高于10000万元", "revenue", "营业收入", "11000万元", "＞10000万元",
         True, None),
    ], [0]),
    ("rd_expense >= 100万元 or (revenue >= 100万元 and rd_expense >= 100万元)", "big", "rd_expense * 3.3333%",
     "eligible", "203497.97", [
        ("2024年研发费用不低于100万元", "rd_expense", "研发费用", "610.5万元", "≥100万元", True, None),
        ("2024年营业收入不低于100万元", "revenue", "营业收入", "12345.67万元", "≥100万元", True, None),
    ], []),
    ("industry not in [K, F] and export_ratio >= 30% and (revenue - revenue[-1]) / 2 >= 600", "big", None,
     "eligible", None, [
        ("非（房地产业或批发和零售业）企业", "industry", "行业", "计算机、通信和其他电子设备制造业（39）",
         "不属于房地产业或批发和零售业", True, None),
        ("2024年出口占比不低于30%", "export_ratio", "出口占比", "33.21%", "≥30%", True, None),
        ("（2024年营业收入−2023年营业收入）÷2不低于600万元", "revenue", "营业收入", "672.84万元", "≥600万元", True,
         None),
    ], []),
    ("industry in [36, 37] and employees >= 100人", "empty", None, "ineligible", None, [
        ("汽车制造业或铁路、船舶、航空航天和其他运输设备制造业企业", "industry", "行业", "未填报", "", False,
         "缺少行业代码数据"),
        ("2024年从业人员不少于100人", "employees", "从业人员", "未填报", "", False, "缺少2024年从业人员数据"),
    ], [0, 1]),
    # Shown with as many decimals as it takes not to look like the threshold: 8, and 7 against a 6-decimal one.
    ("rd_ratio >= 3%", "a_hair_under", None, "near_miss", None, [
        ("2024年研发费用占营业收入比重不低于3%", "rd_ratio", "研发费用占营业收入比重", "2.99999985%", "≥3%", False,
         "研发费用占营业收入比重2.99999985%，需≥3%"),
    ], [0]),
    ("rd_ratio >= 2.999985%", "under_a_fine_threshold", None, "near_miss", None, [
        ("2024年研发费用占营业收入比重不低于2.999985%", "rd_ratio", "研发费用占营业收入比重", "2.9999849%",
         "≥2.999985%", False, "研发费用占营业收入比重2.9999849%，需≥2.999985%"),
    ], [0]),
]  # fmt: skip


def test_the_trace_is_the_golden_one():
    for text, facts, amount_text, verdict, amount, checks, gaps in GOLDEN:
        rule = parse(text)
        amount_rule = parse(amount_text, kind="amount") if amount_text else None
        for _ in range(2):  # the second time from the plan the first one built
            outcome = evaluate(rule, FACTS[facts], CTX, amount=amount_rule)
            assert (outcome.verdict, None if outcome.amount is None else str(outcome.amount)) == (verdict, amount)
            assert [tuple(c.to_dict()[f] for f in FIELDS) for c in outcome.checks] == checks, text
            assert outcome.gaps == [outcome.checks[i] for i in gaps], text
            plain = evaluate(rule, FACTS[facts], CTX, amount=amount_rule, trace=False)
            assert (plain.verdict, plain.amount, plain.checks, plain.gaps) == (verdict, outcome.amount, [], [])


# Leaves beyond test_batch's: derived variables whose divisor is not positive, variable bounds, values shown
# with more decimals near their threshold, money under 1万元, dates, text and negated leaves, equal leaves
# written differently.
MORE_LEAVES = [
    "tax_growth > 0%",
    "rd_growth >= 30%",
    "output_growth >= 5%",
    "tax_ratio < 1%",
    "rd_ratio >= 2.999985%",
    "rd_ratio * 2 >= 6%",
    "rd_ratio + 1% >= 4%",
    "revenue - 0.005 > 1999.99",
    "revenue between revenue[-1] and 2000万元",
    "not (revenue between 0.5 and 1999.99)",
    "50 between rd_expense and revenue",
    "revenue < revenue[-1] * 1.08",
    "rd_expense / (revenue - revenue[-1]) >= 1%",
    "exports / 3 >= 0.01",
    "avg(revenue, revenue[-1], rd_expense) > 1000",
    "max(revenue / 3, exports) <= 666.67",
    "employees >= employees[-1]",
    "employees > 10.5",
    "revenue >= 0.2亿元",
    "revenue >= 2000",
    "-revenue < -0.5",
    "-(revenue - revenue[-1]) >= 0",
    'chain = "电子信息"',
    'street != "中山路街道"',
    "not above_scale",
    "industry not in [K, F]",
    "industry in 制造业",
    "founded > 2020-01-01",
    "founded != 2023-03-01",
    "age between 1 and 5",
    'not (size in ["小型"])',
]
rule_texts = st.recursive(st.one_of(leaf_texts, st.sampled_from(MORE_LEAVES)), combine, max_leaves=6)
amount_texts = st.sampled_from(
    [
        None,
        "min(rd_expense * 10%, 50万元)",
        "max(revenue - revenue[-1], 0) * 3.3333%",
        "rd_expense / 3",
        "rd_ratio * 100万元",
        "(revenue - revenue[-1]) * 1%",
        "revenue / employees * 0.5%",
    ]
)
money = st.one_of(st.sampled_from(MONEY), st.decimals(min_value=-1000, max_value=10**9, places=2))


@st.composite
def figured(draw):
    """An enterprise with arbitrary figures (to the fen) and the tags, chain and dates rules read."""

    def year():
        names = ("revenue", "rd_expense", "exports", "tax_paid", "industrial_output")
        return {name: draw(money) for name in names} | {"employees": draw(st.sampled_from([None, 0, 10, 11, 320]))}

    return Facts(
        industry=draw(st.sampled_from([None, "3911", "39", "7010", "5212", "0111"])),
        street=draw(st.sampled_from([None, "中山路街道", "胜利路街道"])),
        chain=draw(st.sampled_from([None, "电子信息", "智能装备"])),
        tags=draw(st.sets(st.sampled_from(["专精特新", "外资", "高新技术企业"]))),
        founded=draw(st.sampled_from([None, date(2010, 1, 1), date(2023, 3, 1), date(2023, 3, 2)])),
        size=draw(st.sampled_from([None, "小型", "中型"])),
        above_scale=draw(st.booleans()),
        figures={2024: year(), 2023: year()},
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(rule_texts, min_size=1, max_size=3),
    st.lists(st.one_of(enterprises(), figured()), min_size=1, max_size=8),
    amount_texts,
)
def test_plans_give_exactly_the_plain_outcomes(texts, facts, amount_text):
    amount = parse(amount_text, kind="amount") if amount_text else None
    contexts = [CTX, Context(2025, date(2026, 3, 1))]  # the texts name other years, most figures are missing
    for text in texts:
        rule = parse(text)
        for ctx in contexts:
            for f in facts:
                for trace in (True, False):
                    got = evaluate(rule, f, ctx, amount=amount, trace=trace)
                    assert got == reference_evaluate(rule, f, ctx, amount=amount, trace=trace), (text, f)


def test_every_extra_leaf_gives_exactly_the_plain_outcome():
    enterprises = [
        *FACTS.values(),
        *(
            Facts(figures={2024: {"revenue": r, "rd_expense": rd, "exports": "0.05"}, 2023: {"revenue": r1}})
            for r, rd, r1 in [("2000", "60", "2000"), ("2000.01", "59.99", "1851.86"), ("0.3", "0", "-2"), (0, 1, 1)]
        ),
    ]
    for text in MORE_LEAVES:
        rule = parse(text)
        for ctx in (CTX, Context(2023, date(2024, 2, 29))):
            for f in enterprises:
                assert evaluate(rule, f, ctx) == reference_evaluate(rule, f, ctx), (text, f)


def _outcome(function, *args):
    try:
        return function(*args)
    except InvalidOperation as exc:  # more digits than the decimal context holds: both give up alike
        return type(exc)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.tuples(st.integers(-(10**12), 10**12), st.integers(1, 10**8)),
        st.tuples(st.integers(-(10**40), 10**40), st.integers(1, 10**40)),
        # exact ties, and values a hair from a tie (where the division's 28 digits decide)
        st.builds(lambda q, k: (2 * q + 1, 2 * 10**k), st.integers(-(10**20), 10**20), st.integers(0, 10)),
        st.builds(
            lambda q, k, e, d: ((2 * q + 1) * 10**e + d, 2 * 10 ** (k + e)),
            st.integers(0, 10**12),
            st.integers(0, 8),
            st.integers(10, 40),
            st.integers(-3, 3),
        ),
    ),
    st.sampled_from([0, 2, 4, 6, 8]),
)
@example((1, 3), 2)
@example((-1, 1000), 2)
@example((0, 7), 2)
@example((10**30, 1), 2)
@example((15 * 10**30 - 1, 10**33), 2)  # 0.01499…9 (30 nines): 28 digits make it a tie, half-even → 0.02
def test_decimal_text_on_integers_equals_the_decimal_division(fraction, places):
    num, den = fraction
    assert _outcome(decimal_text, num, den, places) == _outcome(_decimal_text, Fraction(num, den), places)


def test_equal_conditions_written_differently_keep_their_own_text():
    facts = Facts(figures={2024: {"revenue": 100}})
    for text, shown in [("revenue >= 2000", "2000万元"), ("revenue >= 0.2亿元", "0.2亿元")]:
        (check,) = evaluate(parse(text), facts, CTX).checks
        assert (check.text, check.required) == (f"2024年营业收入不低于{shown}", f"≥{shown}")


def test_a_rule_with_its_plan_still_pickles_and_copies():
    rule = parse("revenue >= 1 and revenue_growth >= 10%")
    outcome = evaluate(rule, Facts(), CTX)
    assert plan_module.plan_of(rule) is plan_module.plan_of(rule)
    for twin in (pickle.loads(pickle.dumps(rule)), copy.copy(rule), copy.deepcopy(rule)):  # noqa: S301 (our own bytes)
        assert twin == rule
        assert "_plan" not in twin.__dict__
        assert evaluate(twin, Facts(), CTX) == outcome


def test_amounts_round_half_up_to_the_fen_as_before():
    rule = parse("revenue >= 0")
    for figure, formula, expected in [
        ("123.45", "revenue * 3.3333%", "41149.59"),
        ("0.01", "revenue * 0.005%", "0.01"),
        ("0.01", "revenue / 3", "33.33"),
        ("0.01", "revenue * -1", "0.00"),
    ]:
        outcome = evaluate(rule, Facts(figures={2024: {"revenue": figure}}), CTX, amount=parse(formula, kind="amount"))
        assert outcome.amount == Decimal(expected)
