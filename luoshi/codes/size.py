"""Enterprise size (大型/中型/小型/微型) under 《统计上大中小微型企业划分办法（2017）》.

The NBS rules give, per sector, lower bounds for up to two of three figures:
从业人员 (persons), 营业收入 and 资产总额 (both in 万元).  大型、中型 and 小型
must meet the lower bounds of *every* listed figure, otherwise the enterprise
drops one class; whatever meets none of them is 微型.  So the classes are tried
top-down and the first whose bounds all hold wins.

>>> classify_size("工业", employees=300, revenue_wan=2000).reason
'工业：从业人员300人≥300人且营业收入2000万元≥2000万元，属中型企业'
>>> classify_size("工业", employees=300, revenue_wan=1999).size
'小型'
>>> classify_size("零售业", employees=9, revenue_wan=50000).reason
'零售业：从业人员9人<10人，属微型企业'
>>> sector_for_industry("5910"), sector_for_industry("5920"), sector_for_industry("7020")
('交通运输业', '仓储业', '物业管理')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from luoshi.codes import industries

__all__ = ["SECTORS", "SIZES", "SizeResult", "SizeRuleError", "classify_size", "sector_for_industry"]

Size = Literal["大型", "中型", "小型", "微型"]
SIZES: tuple[Size, ...] = ("大型", "中型", "小型", "微型")

_LABELS = {"employees": ("从业人员", "人"), "revenue": ("营业收入", "万元"), "assets": ("资产总额", "万元")}

# The table of the 2017 rules: for each figure, the lower bounds of 大型, 中型 and 小型.
_TABLE: dict[str, dict[str, tuple[int, int, int]]] = {
    "农、林、牧、渔业": {"revenue": (20000, 500, 50)},
    "工业": {"employees": (1000, 300, 20), "revenue": (40000, 2000, 300)},
    "建筑业": {"revenue": (80000, 6000, 300), "assets": (80000, 5000, 300)},
    "批发业": {"employees": (200, 20, 5), "revenue": (40000, 5000, 1000)},
    "零售业": {"employees": (300, 50, 10), "revenue": (20000, 500, 100)},
    "交通运输业": {"employees": (1000, 300, 20), "revenue": (30000, 3000, 200)},
    "仓储业": {"employees": (200, 100, 20), "revenue": (30000, 1000, 100)},
    "邮政业": {"employees": (1000, 300, 20), "revenue": (30000, 2000, 100)},
    "住宿业": {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)},
    "餐饮业": {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)},
    "信息传输业": {"employees": (2000, 100, 10), "revenue": (100000, 1000, 100)},
    "软件和信息技术服务业": {"employees": (300, 100, 10), "revenue": (10000, 1000, 50)},
    "房地产开发经营": {"revenue": (200000, 1000, 100), "assets": (10000, 5000, 2000)},
    "物业管理": {"employees": (1000, 300, 100), "revenue": (5000, 1000, 500)},
    "租赁和商务服务业": {"employees": (300, 100, 10), "assets": (120000, 8000, 100)},
    "其他未列明行业": {"employees": (300, 100, 10)},
}

SECTORS: tuple[str, ...] = tuple(_TABLE)


class SizeRuleError(ValueError):
    """The figures or the industry cannot be classified; the message is in Chinese."""


@dataclass(frozen=True)
class SizeResult:
    size: Size
    sector: str
    reason: str


def classify_size(
    sector: str,
    *,
    employees: int | None = None,
    revenue_wan: Decimal | float | int | None = None,
    assets_wan: Decimal | float | int | None = None,
) -> SizeResult:
    """Classify an enterprise of ``sector`` (one of :data:`SECTORS`) by its figures.

    Figures the sector's rules do not use leave the result alone, though a
    negative or non-numeric one is still rejected as bad input.

    >>> classify_size("建筑业", revenue_wan=9000)
    Traceback (most recent call last):
        ...
    luoshi.codes.size.SizeRuleError: 建筑业的划型需要资产总额（万元）
    """
    rule = _TABLE.get(sector)
    if rule is None:
        raise SizeRuleError(f"未知的划型行业“{sector}”，可选：{_quoted(SECTORS)}")
    given = {
        "employees": _headcount(employees),
        "revenue": _money("revenue", revenue_wan),
        "assets": _money("assets", assets_wan),
    }
    figures: dict[str, Decimal] = {}
    missing: list[str] = []
    for key in rule:
        value = given[key]
        if value is None:
            missing.append(f"{_LABELS[key][0]}（{_LABELS[key][1]}）")
        else:
            figures[key] = Decimal(value)
    if missing:
        raise SizeRuleError(f"{sector}的划型需要{'和'.join(missing)}")

    for rank, size in enumerate(SIZES[:3]):
        bounds = {key: Decimal(rule[key][rank]) for key in rule}
        if all(figures[key] >= bound for key, bound in bounds.items()):
            met = "且".join(_compare(key, figures[key], "≥", bound) for key, bound in bounds.items())
            reason = f"{sector}：{met}，属{size}企业{_drop_note(rule, figures, rank)}"
            return SizeResult(size, sector, reason)

    small = {key: Decimal(rule[key][2]) for key in rule}
    failed = "或".join(_compare(key, figures[key], "<", bound) for key, bound in small.items() if figures[key] < bound)
    return SizeResult("微型", sector, f"{sector}：{failed}，属微型企业")


def _quoted(names: tuple[str, ...]) -> str:
    # Quote each name: 农、林、牧、渔业 itself contains the list separator.
    return "、".join(f"“{name}”" for name in names)


def _drop_note(rule: Mapping[str, tuple[int, int, int]], figures: Mapping[str, Decimal], rank: int) -> str:
    """Explain a drop caused by the all-figures rule: some figure reached the class above, another did not."""
    if rank == 0:
        return ""
    above = {key: Decimal(rule[key][rank - 1]) for key in rule}
    short = [key for key, bound in above.items() if figures[key] < bound]
    if len(short) == len(above):
        return ""
    shortfall = "、".join(_compare(key, figures[key], "<", above[key]) for key in short)
    return f"（{SIZES[rank - 1]}须同时达到各项下限，{shortfall}）"


def _compare(key: str, value: Decimal, op: str, bound: Decimal) -> str:
    label, unit = _LABELS[key]
    return f"{label}{_number(value)}{unit}{op}{_number(bound)}{unit}"


def _number(value: Decimal) -> str:
    # normalize() turns 2000.00 into 2E+3; the "f" format writes it back as 2000.
    return f"{value.normalize():f}"


def _headcount(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SizeRuleError(f"从业人员应为整数（人），实际为“{value}”")
    if value < 0:
        raise SizeRuleError(f"从业人员不能为负数，实际为{value}人")
    return value


def _money(key: str, value: object) -> Decimal | None:
    if value is None:
        return None
    label, unit = _LABELS[key]
    if isinstance(value, bool) or not isinstance(value, Decimal | float | int):
        raise SizeRuleError(f"{label}应为数字（{unit}），实际为“{value}”")
    # str() of a float is its shortest repr, so 0.1 becomes Decimal("0.1"), not a binary tail.
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite():
        raise SizeRuleError(f"{label}应为有限的数字（{unit}），实际为“{value}”")
    if amount < 0:
        raise SizeRuleError(f"{label}不能为负数，实际为{_number(amount)}{unit}")
    return amount


# ---------------------------------------------------------------- industry → sector

_RULES_NAME = "《统计上大中小微型企业划分办法（2017）》"


def _span(first: int, last: int, sector: str) -> dict[str, str]:
    return {f"{n:02d}": sector for n in range(first, last + 1)}


# Divisions whose whole range falls under one sector.  工业 is sections B–D;
# 其他未列明行业 is M, N, O, 85 社会工作 and R, as the rules' notes list them.
_SECTOR_BY_DIVISION = {
    **_span(1, 5, "农、林、牧、渔业"),
    **_span(6, 46, "工业"),
    **_span(47, 50, "建筑业"),
    "51": "批发业",
    "52": "零售业",
    **_span(54, 58, "交通运输业"),
    "60": "邮政业",
    "61": "住宿业",
    "62": "餐饮业",
    **_span(63, 64, "信息传输业"),
    "65": "软件和信息技术服务业",
    **_span(71, 72, "租赁和商务服务业"),
    **_span(73, 82, "其他未列明行业"),
    "85": "其他未列明行业",
    **_span(86, 90, "其他未列明行业"),
}

# Divisions 59 and 70 are split by group: 装卸搬运 counts as 交通运输业 and the
# storage groups as 仓储业; 房地产中介服务 and 其他房地产业 are named in the
# notes under 其他未列明行业.
_SECTOR_BY_GROUP = {
    "591": "交通运输业",
    **dict.fromkeys(("592", "593", "594", "595", "596", "599"), "仓储业"),
    "701": "房地产开发经营",
    "702": "物业管理",
    "703": "其他未列明行业",
    "709": "其他未列明行业",
}

_SPLIT_DIVISIONS = {
    "59": "591装卸搬运属交通运输业，592–599各类仓储属仓储业",
    "70": "701房地产开发经营、702物业管理各有标准，703、709属其他未列明行业，704不在划型范围",
}

# The rules apply to 15 sections plus division 85 社会工作; these are left out.
# Each entry is (what, note), the note saying where to turn instead.
_OUTSIDE_RULES: dict[str, tuple[str, str]] = {
    "53": ("铁路运输业", "办法中的交通运输业不含铁路运输业"),
    **dict.fromkeys(("66", "67", "68", "69"), ("金融业", "金融业企业另按《金融业企业划型标准规定》划型")),
    "83": ("教育", ""),
    "84": ("卫生", ""),
    **dict.fromkeys(("91", "92", "93", "94", "95", "96"), ("公共管理、社会保障和社会组织", "")),
    "97": ("国际组织", ""),
    # 7040 was called 自有房地产经营活动 in GB/T 4754-2011, which the rules' notes exclude by that name.
    "704": ("房地产租赁经营（7040）", "办法注明不含自有房地产经营活动，即2011版行业分类中的7040"),
}


def sector_for_industry(code: str) -> str:
    """The size-rule sector (one of :data:`SECTORS`) for a GB/T 4754-2017 code.

    Raises :class:`~luoshi.codes.industries.UnknownIndustry` for a code the
    standard lacks and :class:`SizeRuleError` for an industry the rules leave
    out or a code too coarse to decide.

    >>> sector_for_industry("C3411")
    '工业'
    >>> sector_for_industry("5300")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    luoshi.codes.size.SizeRuleError: 铁路运输业不在《...》的划型范围内，办法中的交通运输业不含铁路运输业
    """
    industry = industries.lookup(code)
    if industry.division is None:
        return _sector_for_section(industry.code)
    group = industry.code[:3] if len(industry.code) > 2 else None
    for key in (group, industry.division):
        if key in _OUTSIDE_RULES:
            what, note = _OUTSIDE_RULES[key]
            raise SizeRuleError(f"{what}不在{_RULES_NAME}的划型范围内" + (f"，{note}" if note else ""))
    if group in _SECTOR_BY_GROUP:
        return _SECTOR_BY_GROUP[group]
    if industry.division in _SPLIT_DIVISIONS:
        name = industries.division(industry.division).name
        raise SizeRuleError(
            f"大类{industry.division}“{name}”要按中类划型（{_SPLIT_DIVISIONS[industry.division]}），"
            "请提供3位或4位行业代码"
        )
    return _SECTOR_BY_DIVISION[industry.division]


def _sector_for_section(letter: str) -> str:
    section = industries.lookup(letter)
    divisions = industries.section_of(letter).divisions
    sectors = [_SECTOR_BY_DIVISION.get(div) for div in divisions]
    if sectors[0] is not None and all(sector == sectors[0] for sector in sectors):
        return sectors[0]
    raise SizeRuleError(f"门类{letter}“{section.name}”不能直接对应一个划型行业，请提供大类代码（2–4位数字）")
