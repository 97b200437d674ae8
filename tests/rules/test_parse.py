from datetime import date
from fractions import Fraction

import pytest

from luoshi.rules import VARIABLES, RuleError, parse
from luoshi.rules import nodes as n


def error_of(text: str, kind: str = "condition") -> RuleError:
    with pytest.raises(RuleError) as info:
        parse(text, kind=kind)
    return info.value


def test_it_parses_money_percent_dates_and_lists():
    rule = parse('revenue >= 1亿元 and rd_ratio >= 2.5% and founded <= 2020-1-1 and street in ["甲", "乙"]')
    revenue, ratio, founded, street = rule.ast.items
    assert revenue.right == n.Num(Fraction(10000), "money", "万元")
    assert ratio.right.value == Fraction(25, 1000)
    assert founded.right.value == date(2020, 1, 1)
    assert street == n.InText(n.Var("street"), ("甲", "乙"))


def test_a_bare_number_next_to_money_means_wan_yuan():
    assert parse("revenue >= 2000").ast.right == parse("revenue >= 2000万元").ast.right
    assert parse("revenue >= 500元").ast.right.value == Fraction(1, 20)


def test_constants_go_to_the_right_of_a_comparison():
    assert parse("2000万元 <= revenue").ast == parse("revenue >= 2000万元").ast


def test_chinese_labels_and_connectives_are_accepted():
    assert (
        parse("营业收入 >= 2000万元 且 非 规上企业 或 研发费用占营业收入比重 ≥ 3%").ast
        == parse("revenue >= 2000万元 and not above_scale or rd_ratio >= 3%").ast
    )


def test_full_width_punctuation_is_accepted():
    assert parse("min（revenue，revenue[-1]） ＞ 100").ast == parse("min(revenue, revenue[-1]) > 100").ast


def test_it_records_variables_with_their_dependencies_and_years():
    rule = parse('revenue_growth >= 10% and age >= 2 and tags has "专精特新"')
    assert rule.variables == {"revenue_growth", "revenue", "age", "founded", "tags"}
    assert rule.years == {0, -1}
    assert parse("rd_expense[-2] > 0").years == {-2}


def test_industry_codes_may_be_letters_numbers_names_or_prefixed():
    rule = parse('industry in [C, 65, "6510", "制造业", "C3911"]')
    assert rule.ast == n.InIndustry(("C", "65", "6510", "3911"))
    assert parse('industry = "I"').ast == n.InIndustry(("I",))
    assert parse('industry != "I"').ast == n.InIndustry(("I",), negated=True)


def test_comments_and_line_breaks_are_allowed():
    rule = parse("# 规上工业企业\nabove_scale\n  and industry in [B, C, D]  # 工业\n")
    assert len(rule.ast.items) == 2


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "fragment"),
    [
        ("revenue >= ", "syntax", 1, 12, "缺少"),
        ("revenue >= 100 and\n  (rd_ratio >= 3%", "syntax", 2, 18, "右括号"),
        ("revenue >= 100 rd_ratio >= 3%", "syntax", 1, 16, "and 或 or"),
        ("revenue @ 100", "syntax", 1, 9, "无法识别的字符“@”"),
        ("revenu >= 100", "unknown_variable", 1, 1, "revenue（营业收入）"),
        ("营业收 >= 100", "unknown_variable", 1, 1, "营业收入"),
        ("street >= 100", "type_mismatch", 1, 8, "所在镇街（文本）"),
        ("revenue >= 2020-01-01", "type_mismatch", 1, 9, "不能将营业收入（金额）与日期比较"),
        ("founded >= 100万元", "type_mismatch", 1, 9, "成立日期（日期）"),
        ("employees >= 100万元", "type_mismatch", 1, 11, "从业人员（数值）"),
        ("rd_ratio >= 3", "type_mismatch", 1, 13, "请写成3%"),
        ("revenue * revenue > 1", "type_mismatch", 1, 9, "不能对营业收入（金额）和营业收入（金额）做“*”运算"),
        ("mean(revenue, 1) > 1", "unknown_function", 1, 1, "可用函数：min、max、avg"),
        ("founded[-1] < 2020-01-01", "bad_literal", 1, 8, "不是年度数据"),
        ("revenue[1] > 0", "bad_literal", 1, 9, "偏移应为0或负数"),
        ("revenue[-11] > 0", "bad_literal", 1, 10, "最多读取前10年"),
        ("founded < 2023-02-30", "bad_literal", 1, 11, "不存在"),
        ('industry in ["99"]', "bad_literal", 1, 14, "没有大类"),
        ('size in ["特大型"]', "bad_literal", 1, 10, "企业规模“特大型”无效"),
        ('tags in ["外资"]', "type_mismatch", 1, 6, "请用 has"),
        ("revenue / 0 > 1", "bad_literal", 1, 11, "除数必须是正数"),
        ("revenue", "type_mismatch", 1, 1, "结果必须是条件"),
        ("1 < revenue < 3", "syntax", 1, 13, "不能连续比较"),
        ("", "syntax", 1, 1, "规则为空"),
    ],
)
def test_errors_point_at_line_and_column_with_a_chinese_message(text, code, line, column, fragment):
    err = error_of(text)
    assert (err.code, err.line, err.column) == (code, line, column), str(err)
    assert fragment in err.message
    assert str(err) == f"第{line}行第{column}列：{err.message}"


def test_amount_formulas_must_be_money():
    assert parse("min(rd_expense * 10%, 50万元)", kind="amount").kind == "amount"
    assert "金额公式的结果必须是金额" in error_of("rd_ratio * 2", kind="amount").message
    assert "请写明单位" in error_of("50", kind="amount").message
    assert error_of("revenue >= 1", kind="amount").code == "type_mismatch"


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('true')", "revenue.__class__", "exec('1')", "revenue; x", "lambda: 1", "revenue ** 2"],
)
def test_nothing_in_the_text_is_executed(text):
    with pytest.raises(RuleError):
        parse(text)


def test_every_variable_has_a_chinese_label_type_and_parses_by_both_names():
    for variable in VARIABLES.values():
        assert variable.label
        assert variable.type
        assert variable.description
        if variable.type in ("money", "number", "percent"):
            literal = {"money": "1万元", "number": "1", "percent": "1%"}[variable.type]
            assert parse(f"{variable.name} >= {literal}").ast == parse(f"{variable.label} >= {literal}").ast


def test_to_dict_is_json_safe():
    import json

    data = parse("industry in C and min(revenue, revenue[-1]) >= 100 and founded >= 2020-01-01").to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False))["rendered"].startswith("制造业企业")
