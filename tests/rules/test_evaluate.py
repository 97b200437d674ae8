from datetime import date
from decimal import Decimal

import pytest

from luoshi.rules import Context, Facts, RuleError, amount_of, evaluate, parse

CTX = Context(2024, date(2025, 3, 1))
SRDI = parse("industry in C and revenue >= 2000万元 and rd_ratio >= 3%")


def facts(**figures) -> Facts:
    this_year = {k: v for k, v in figures.items() if not k.endswith("_1")}
    last_year = {k[:-2]: v for k, v in figures.items() if k.endswith("_1")}
    return Facts(industry="3911", figures={2024: this_year, 2023: last_year})


def test_exactly_three_percent_is_eligible():
    assert evaluate(SRDI, facts(revenue="2000.00", rd_expense="60.00"), CTX).verdict == "eligible"


def test_one_failing_leaf_is_a_near_miss_with_its_gap():
    outcome = evaluate(SRDI, facts(revenue=10000, rd_expense=210), CTX)
    assert outcome.verdict == "near_miss"
    (gap,) = outcome.gaps
    assert gap.gap == "研发费用占营业收入比重2.1%，需≥3%"
    assert (gap.actual, gap.required, gap.passed, gap.variable) == ("2.1%", "≥3%", False, "rd_ratio")
    assert [c.passed for c in outcome.checks] == [True, True, False]


def test_two_failing_leaves_are_ineligible_and_both_are_gaps():
    outcome = evaluate(SRDI, facts(revenue=1000, rd_expense=10), CTX)
    assert outcome.verdict == "ineligible"
    assert [g.variable for g in outcome.gaps] == ["revenue", "rd_ratio"]


def test_a_value_just_under_the_threshold_is_not_shown_as_the_threshold():
    outcome = evaluate(SRDI, facts(revenue="2000.01", rd_expense="60.00"), CTX)
    assert outcome.gaps[0].gap == "研发费用占营业收入比重2.999985%，需≥3%"


def test_missing_figures_fail_with_the_year_in_the_gap():
    outcome = evaluate(SRDI, facts(revenue=5000), CTX)
    assert outcome.verdict == "near_miss"
    assert outcome.gaps[0].gap == "缺少2024年研发费用数据"
    assert outcome.gaps[0].actual == "未填报"


def test_division_by_zero_fails_the_condition_instead_of_crashing():
    outcome = evaluate(parse("rd_ratio >= 3%"), facts(revenue=0, rd_expense=10), CTX)
    assert outcome.verdict == "near_miss"
    assert outcome.gaps[0].gap == "无法计算2024年研发费用占营业收入比重（2024年营业收入为0万元）"
    assert evaluate(parse("revenue / employees >= 1"), facts(revenue=10, employees=0), CTX).verdict == "near_miss"


def test_missing_data_never_makes_a_negated_condition_true():
    rule = parse('not (revenue < 1000万元) and not street in ["中山路街道"]')
    outcome = evaluate(rule, Facts(), CTX)
    assert outcome.verdict == "ineligible"
    assert [c.text for c in outcome.checks] == ["2024年营业收入不低于1000万元", "所在镇街不为中山路街道"]


def test_not_flips_the_meaning_of_its_leaves():
    rule = parse('not (above_scale or tags has "外资")')
    assert evaluate(rule, Facts(above_scale=False), CTX).verdict == "eligible"
    outcome = evaluate(rule, Facts(above_scale=True), CTX)
    assert outcome.verdict == "near_miss"
    assert outcome.gaps[0].text == "非规上企业"
    assert evaluate(rule, Facts(above_scale=True, tags={"外资"}), CTX).verdict == "ineligible"


def test_in_an_or_the_gaps_are_the_cheapest_branch():
    rule = parse('(revenue >= 1亿元 and employees >= 500) or (rd_ratio >= 5% and tags has "高新技术企业")')
    outcome = evaluate(rule, facts(revenue=2000, rd_expense=40, employees=100), CTX)
    assert outcome.verdict == "ineligible"
    assert [g.variable for g in outcome.gaps] == ["revenue", "employees"]
    outcome = evaluate(rule, facts(revenue=2000, rd_expense=200, employees=100), CTX)
    assert outcome.verdict == "near_miss"
    assert outcome.gaps[0].gap == "企业标签为无，需具有“高新技术企业”标签"


def test_earlier_years_and_growth():
    rule = parse("revenue_growth >= 8% and revenue[-1] >= 1000")
    assert evaluate(rule, facts(revenue="50.76", revenue_1="47.00"), CTX).gaps[0].gap == (
        "2023年营业收入47万元，需≥1000万元"
    )
    # 3.76 / 47 is exactly 8%: a float computation would say 7.9999…% and refuse it.
    assert evaluate(parse("revenue_growth >= 8%"), facts(revenue="50.76", revenue_1="47.00"), CTX).eligible
    outcome = evaluate(rule, facts(revenue=1000), CTX)
    assert outcome.gaps[0].gap == "缺少2023年营业收入数据"


def test_age_counts_full_years_at_the_evaluation_date():
    rule = parse("age >= 2")
    assert evaluate(rule, Facts(founded=date(2023, 3, 1)), CTX).eligible
    outcome = evaluate(rule, Facts(founded=date(2023, 3, 2)), CTX)
    assert outcome.gaps[0].gap == "成立年限1年，需≥2年"
    assert evaluate(rule, Facts(), CTX).gaps[0].gap == "缺少成立日期数据"


def test_text_industry_and_date_gaps_read_as_sentences():
    outcome = evaluate(
        parse('industry in C and street = "中山路街道" and founded <= 2020-12-31'),
        Facts(industry="6510", street="胜利路街道", founded=date(2021, 5, 1)),
        CTX,
    )
    assert [g.gap for g in outcome.gaps] == [
        "行业为软件和信息技术服务业（6510），需属于制造业",
        "所在镇街为胜利路街道，需为中山路街道",
        "成立日期2021年5月1日，需不晚于2020年12月31日",
    ]


def test_amount_is_decimal_yuan_rounded_half_up_only_when_eligible():
    amount = parse("min(rd_expense * 10%, 50万元)", kind="amount")
    rule = parse("rd_expense >= 100万元")
    assert evaluate(rule, facts(rd_expense=300), CTX, amount=amount).amount == Decimal("300000.00")
    assert evaluate(rule, facts(rd_expense=800), CTX, amount=amount).amount == Decimal("500000.00")
    assert evaluate(rule, facts(rd_expense=99), CTX, amount=amount).amount is None
    # 123.45万元 × 3.3333% = 41149.5885元 → 41149.59; 100元 × 0.005% = 0.005元, a half, goes up to 0.01.
    assert amount_of(parse("rd_expense * 3.3333%", kind="amount"), facts(rd_expense="123.45"), CTX) == Decimal(
        "41149.59"
    )
    assert amount_of(parse("rd_expense * 0.005%", kind="amount"), facts(rd_expense="0.01"), CTX) == Decimal("0.01")
    assert amount_of(parse("rd_expense * 0.5%", kind="amount"), facts(rd_expense="0.01"), CTX) == Decimal("0.50")
    assert amount_of(parse("rd_expense / 3", kind="amount"), facts(rd_expense="0.01"), CTX) == Decimal("33.33")
    assert amount_of(parse("(revenue - revenue[-1]) * 1%", kind="amount"), facts(revenue=1, revenue_1=2), CTX) == 0
    assert amount_of(amount, facts(), CTX) is None


def test_trace_can_be_left_out():
    outcome = evaluate(SRDI, facts(revenue=10000, rd_expense=210), CTX, trace=False)
    assert (outcome.verdict, outcome.checks, outcome.gaps) == ("near_miss", [], [])


def test_outcome_to_dict_is_json_safe():
    import json

    amount = parse("min(rd_expense * 10%, 50万元)", kind="amount")
    data = evaluate(SRDI, facts(revenue=10000, rd_expense=300), CTX, amount=amount).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False))["amount"] == "300000.00"


def test_facts_from_mapping_accepts_json_and_rejects_malformed_input():
    data = {"industry": "C3911", "founded": "2015-03-01", "tags": ["规上"], "figures": {"2024": {"revenue": "1.005"}}}
    f = Facts.from_mapping(data)
    assert (f.industry, f.founded, f.figures[2024]["revenue"]) == ("3911", date(2015, 3, 1), Decimal("1.01"))
    for bad, fragment in [
        ({"industry": "98"}, "行业代码“98”无效"),
        ({"founded": "2015-13-01"}, "不是有效日期"),
        ({"figures": {"2024": {"profit": 1}}}, "未知指标“profit”"),
        ({"figures": {"2024": {"revenue": "abc"}}}, "不是有效的数值"),
        ({"figures": {"2024": {"employees": 1.5}}}, "应为整数"),
        ({"name": "甲"}, "未知字段“name”"),
        ({"tags": "外资"}, "标签列表"),
    ]:
        with pytest.raises(RuleError) as info:
            Facts.from_mapping(bad)
        assert info.value.code == "bad_facts"
        assert fragment in info.value.message


def test_evaluate_accepts_a_mapping_and_rejects_an_amount_rule_as_condition():
    assert evaluate(SRDI, {"industry": "3911", "figures": {2024: {"revenue": 2000, "rd_expense": 60}}}, CTX).eligible
    with pytest.raises(ValueError, match="amount"):
        evaluate(parse("50万元", kind="amount"), Facts(), CTX)
