import re
from datetime import date
from pathlib import Path

import pytest

from luoshi.rules import VARIABLES, Context, parse, render


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "industry in C and revenue >= 2000万元 and rd_ratio >= 3%",
            "制造业企业，且上年度营业收入不低于2000万元，且研发费用占营业收入比重不低于3%",
        ),
        ("revenue[-1] < 2000 and revenue >= 2000", "前年度营业收入低于2000万元，且上年度营业收入不低于2000万元"),
        ("industry in [B, C, D] and above_scale", "采矿业或制造业或电力、热力、燃气及水生产和供应业企业，且为规上企业"),
        ('not industry in ["65", "3911"]', "非（软件和信息技术服务业或计算机、通信和其他电子设备制造业（3911））企业"),
        ('size in ["中型", "小型", "微型"] and age >= 2', "企业规模为中型、小型或微型，且成立年限不少于2年"),
        ('street != "中山路街道" or not tags has "外资"', "所在镇街不为中山路街道，或不具有“外资”标签"),
        ("employees between 10 and 300", "上年度从业人员在10人至300人之间"),
        ("not rd_ratio between 3% and 5%", "上年度研发费用占营业收入比重不在3%至5%之间"),
        ("(rd_expense + rd_expense[-1]) / 2 >= 1000万元", "（上年度研发费用＋前年度研发费用）÷2不低于1000万元"),
        (
            "avg(revenue, revenue[-1], revenue[-2]) > 1亿元",
            "上年度营业收入、前年度营业收入与2年前营业收入的平均值高于1亿元",
        ),
        ("founded between 2020-01-01 and 2022-12-31", "成立日期在2020年1月1日至2022年12月31日之间"),
        ("revenue_growth > 0", "上年度营业收入增长率高于0%"),
        ("not (revenue >= 100 and employees >= 10)", "上年度营业收入低于100万元，或从业人员少于10人"),
    ],
)
def test_rules_render_as_chinese_sentences(text, sentence):
    assert render(parse(text)) == sentence
    assert parse(text).render() == sentence


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("min(rd_expense * 10%, 50万元)", "按上年度研发费用的10%计算，最高50万元"),
        ("max(min(exports * 1%, 100万元), 5万元)", "按上年度出口额的1%计算，最高100万元，最低5万元"),
        ("10万元", "定额10万元"),
        ("(revenue - revenue[-1]) * 0.5%", "按（上年度营业收入−前年度营业收入）的0.5%计算"),
        ("employees * 2000元", "按上年度从业人员×2000元计算"),
    ],
)
def test_amount_formulas_render_as_chinese(text, sentence):
    assert render(parse(text, kind="amount")) == sentence


def test_with_a_context_years_are_concrete():
    rule = parse("revenue >= 2000万元 and revenue[-1] >= 1000万元")
    assert (
        render(rule, Context(2024, date(2025, 3, 1))) == "2024年营业收入不低于2000万元，且2023年营业收入不低于1000万元"
    )


def test_literals_keep_the_unit_the_officer_wrote():
    assert (
        render(parse("revenue >= 1亿元 and rd_expense >= 500元")) == "上年度营业收入不低于1亿元，且研发费用不低于500元"
    )
    assert render(parse("revenue >= 10000")) == "上年度营业收入不低于10000万元"


DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def documented_examples():
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| `([^`]+)` \| ([^|`]+) \|", line)
        if match:
            yield match.groups()


def test_the_language_reference_lists_every_variable():
    text = DOCS.read_text(encoding="utf-8")
    for variable in VARIABLES.values():
        assert f"| `{variable.name}` | {variable.label} |" in text


def test_the_examples_in_the_language_reference_render_as_documented():
    examples = list(documented_examples())
    assert len(examples) >= 12
    for text, sentence in examples:
        kind = "amount" if sentence.startswith(("按", "定额")) else "condition"
        assert render(parse(text, kind=kind)) == sentence.strip()
