from decimal import Decimal

import pytest

from luoshi.codes.industries import UnknownIndustry
from luoshi.codes.size import SECTORS, SizeResult, SizeRuleError, classify_size, sector_for_industry

# The table of 《统计上大中小微型企业划分办法（2017）》, transcribed independently of
# the module: sector -> {figure: (大型, 中型, 小型) lower bounds}.
# X 从业人员 (人), Y 营业收入 (万元), Z 资产总额 (万元).
OFFICIAL_TABLE = {
    "农、林、牧、渔业": {"Y": (20000, 500, 50)},
    "工业": {"X": (1000, 300, 20), "Y": (40000, 2000, 300)},
    "建筑业": {"Y": (80000, 6000, 300), "Z": (80000, 5000, 300)},
    "批发业": {"X": (200, 20, 5), "Y": (40000, 5000, 1000)},
    "零售业": {"X": (300, 50, 10), "Y": (20000, 500, 100)},
    "交通运输业": {"X": (1000, 300, 20), "Y": (30000, 3000, 200)},
    "仓储业": {"X": (200, 100, 20), "Y": (30000, 1000, 100)},
    "邮政业": {"X": (1000, 300, 20), "Y": (30000, 2000, 100)},
    "住宿业": {"X": (300, 100, 10), "Y": (10000, 2000, 100)},
    "餐饮业": {"X": (300, 100, 10), "Y": (10000, 2000, 100)},
    "信息传输业": {"X": (2000, 100, 10), "Y": (100000, 1000, 100)},
    "软件和信息技术服务业": {"X": (300, 100, 10), "Y": (10000, 1000, 50)},
    "房地产开发经营": {"Y": (200000, 1000, 100), "Z": (10000, 5000, 2000)},
    "物业管理": {"X": (1000, 300, 100), "Y": (5000, 1000, 500)},
    "租赁和商务服务业": {"X": (300, 100, 10), "Z": (120000, 8000, 100)},
    "其他未列明行业": {"X": (300, 100, 10)},
}
SIZES = ("大型", "中型", "小型", "微型")
ARGUMENT = {"X": "employees", "Y": "revenue_wan", "Z": "assets_wan"}
LABEL = {"X": "从业人员", "Y": "营业收入", "Z": "资产总额"}
# One unit below a bound: a person, or 0.01万元 (100元) of money.
JUST_BELOW = {"X": 1, "Y": Decimal("0.01"), "Z": Decimal("0.01")}


def figures_at(sector, rank):
    """Every figure of ``sector`` exactly at the lower bound of class ``rank``."""
    return {fig: bounds[rank] for fig, bounds in OFFICIAL_TABLE[sector].items()}


def classify(sector, figures):
    as_type = {"X": int, "Y": Decimal, "Z": Decimal}
    return classify_size(sector, **{ARGUMENT[fig]: as_type[fig](value) for fig, value in figures.items()})


AT_BOUND = [(sector, rank) for sector in OFFICIAL_TABLE for rank in range(3)]
BELOW_BOUND = [(sector, rank, fig) for sector, rule in OFFICIAL_TABLE.items() for rank in range(3) for fig in rule]


def test_sectors_are_the_official_list_in_order():
    assert tuple(OFFICIAL_TABLE) == SECTORS


@pytest.mark.parametrize(("sector", "rank"), AT_BOUND)
def test_exactly_at_every_lower_bound_gives_that_class(sector, rank):
    assert classify(sector, figures_at(sector, rank)).size == SIZES[rank]


@pytest.mark.parametrize(("sector", "rank", "fig"), BELOW_BOUND)
def test_one_unit_below_any_single_bound_drops_one_class(sector, rank, fig):
    figures = figures_at(sector, rank)
    figures[fig] = figures[fig] - JUST_BELOW[fig]
    assert classify(sector, figures).size == SIZES[rank + 1]


@pytest.mark.parametrize("sector", SECTORS)
def test_zero_everything_is_micro(sector):
    figures = dict.fromkeys(OFFICIAL_TABLE[sector], 0)
    assert classify(sector, figures).size == "微型"


def test_reason_cites_figures_and_thresholds():
    result = classify_size("工业", employees=300, revenue_wan=2000)
    assert result == SizeResult("中型", "工业", "工业：从业人员300人≥300人且营业收入2000万元≥2000万元，属中型企业")


def test_reason_explains_a_drop_under_the_all_figures_rule():
    result = classify_size("工业", employees=300, revenue_wan=1999)
    assert result.size == "小型"
    assert result.reason == (
        "工业：从业人员300人≥20人且营业收入1999万元≥300万元，属小型企业"
        "（中型须同时达到各项下限，营业收入1999万元<2000万元）"
    )


def test_reason_for_micro_names_every_figure_below_the_small_bound():
    result = classify_size("建筑业", revenue_wan=Decimal("299.5"), assets_wan=100)
    assert result.reason == "建筑业：营业收入299.5万元<300万元或资产总额100万元<300万元，属微型企业"


def test_single_figure_sector_reason():
    assert classify_size("农、林、牧、渔业", revenue_wan=600).reason == (
        "农、林、牧、渔业：营业收入600万元≥500万元，属中型企业"
    )


def test_floats_compare_as_their_decimal_value():
    # 0.1 + 0.2 is 0.30000000000000004 in binary; Decimal(str()) keeps what was meant.
    assert classify_size("软件和信息技术服务业", employees=10, revenue_wan=49.99).size == "微型"
    assert classify_size("软件和信息技术服务业", employees=10, revenue_wan=50.0).size == "小型"


def test_trailing_zeros_are_not_shown_in_reasons():
    assert "营业收入2000万元" in classify_size("工业", employees=300, revenue_wan=Decimal("2000.00")).reason


def test_figures_the_sector_does_not_use_are_ignored():
    plain = classify_size("农、林、牧、渔业", revenue_wan=600)
    assert classify_size("农、林、牧、渔业", employees=5, revenue_wan=600, assets_wan=1) == plain


@pytest.mark.parametrize(("sector", "fig"), [(s, fig) for s, rule in OFFICIAL_TABLE.items() for fig in rule])
def test_each_missing_figure_is_named(sector, fig):
    figures = figures_at(sector, 0)
    del figures[fig]
    with pytest.raises(SizeRuleError, match=f"^{sector}的划型需要{LABEL[fig]}"):
        classify(sector, figures)


def test_construction_without_assets_says_what_is_needed():
    with pytest.raises(SizeRuleError) as raised:
        classify_size("建筑业", revenue_wan=9000)
    assert str(raised.value) == "建筑业的划型需要资产总额（万元）"


def test_all_missing_figures_are_listed_together():
    with pytest.raises(SizeRuleError) as raised:
        classify_size("工业")
    assert str(raised.value) == "工业的划型需要从业人员（人）和营业收入（万元）"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"employees": -1, "revenue_wan": 100}, "从业人员不能为负数，实际为-1人"),
        ({"employees": 10, "revenue_wan": -0.5}, "营业收入不能为负数，实际为-0.5万元"),
        ({"employees": 10, "revenue_wan": 100, "assets_wan": Decimal(-3)}, "资产总额不能为负数"),
        ({"employees": 10.0, "revenue_wan": 100}, "从业人员应为整数"),
        ({"employees": True, "revenue_wan": 100}, "从业人员应为整数"),
        ({"employees": 10, "revenue_wan": "100"}, "营业收入应为数字"),
        ({"employees": 10, "revenue_wan": float("nan")}, "营业收入应为有限的数字"),
        ({"employees": 10, "revenue_wan": Decimal("Infinity")}, "营业收入应为有限的数字"),
    ],
)
def test_bad_figures_are_rejected(kwargs, message):
    with pytest.raises(SizeRuleError, match=message):
        classify_size("工业", **kwargs)


def test_unknown_sector_lists_the_valid_ones():
    with pytest.raises(SizeRuleError) as raised:
        classify_size("制造业", employees=10)
    message = str(raised.value)
    assert message.startswith("未知的划型行业“制造业”，可选：")
    assert all(f"“{sector}”" in message for sector in SECTORS)


def test_size_rule_error_is_a_value_error():
    assert issubclass(SizeRuleError, ValueError)


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("0111", "农、林、牧、渔业"),
        ("05", "农、林、牧、渔业"),
        ("06", "工业"),
        ("3411", "工业"),
        ("C3411", "工业"),
        ("4430", "工业"),
        ("4710", "建筑业"),
        ("5011", "建筑业"),
        ("5110", "批发业"),
        ("5211", "零售业"),
        ("5411", "交通运输业"),
        ("5810", "交通运输业"),
        ("591", "交通运输业"),
        ("5910", "交通运输业"),
        ("592", "仓储业"),
        ("5942", "仓储业"),
        ("5990", "仓储业"),
        ("6020", "邮政业"),
        ("6110", "住宿业"),
        ("6210", "餐饮业"),
        ("6311", "信息传输业"),
        ("6421", "信息传输业"),
        ("6510", "软件和信息技术服务业"),
        ("7010", "房地产开发经营"),
        ("702", "物业管理"),
        ("7030", "其他未列明行业"),
        ("7090", "其他未列明行业"),
        ("7111", "租赁和商务服务业"),
        ("7211", "租赁和商务服务业"),
        ("7310", "其他未列明行业"),
        ("7810", "其他未列明行业"),
        ("8010", "其他未列明行业"),
        ("85", "其他未列明行业"),
        ("8810", "其他未列明行业"),
        ("A", "农、林、牧、渔业"),
        ("B", "工业"),
        ("C", "工业"),
        ("E", "建筑业"),
        ("L", "租赁和商务服务业"),
        ("M", "其他未列明行业"),
        ("R", "其他未列明行业"),
    ],
)
def test_industry_codes_map_to_size_sectors(code, sector):
    assert sector_for_industry(code) == sector


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("53", "铁路运输业不在《统计上大中小微型企业划分办法（2017）》的划型范围内"),
        ("5311", "铁路运输业不在"),
        ("6621", "金融业不在.*金融业企业划型标准规定"),
        ("8310", "教育不在"),
        ("8411", "卫生不在"),
        ("9210", "公共管理、社会保障和社会组织不在"),
        ("97", "国际组织不在"),
        ("7040", "房地产租赁经营（7040）不在.*自有房地产经营活动"),
        ("59", "大类59“装卸搬运和仓储业”要按中类划型.*请提供3位或4位行业代码"),
        ("70", "大类70“房地产业”要按中类划型"),
        ("F", "门类F“批发和零售业”不能直接对应一个划型行业"),
        ("Q", "门类Q“卫生和社会工作”不能直接对应一个划型行业"),
        ("J", "门类J“金融业”不能直接对应一个划型行业"),
    ],
)
def test_industries_outside_the_rules_or_too_coarse_raise_size_rule_error(code, message):
    with pytest.raises(SizeRuleError, match=message):
        sector_for_industry(code)


def test_only_excluded_or_split_divisions_lack_a_sector():
    without_sector = []
    for number in range(1, 98):
        try:
            assert sector_for_industry(f"{number:02d}") in SECTORS
        except SizeRuleError:
            without_sector.append(number)
    assert without_sector == [53, 59, 66, 67, 68, 69, 70, 83, 84, 91, 92, 93, 94, 95, 96, 97]


def test_unknown_industry_codes_stay_unknown_industry():
    with pytest.raises(UnknownIndustry):
        sector_for_industry("99")
