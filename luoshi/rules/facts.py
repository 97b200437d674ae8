"""What rules read: one enterprise's facts (:class:`Facts`) and the evaluation date (:class:`Context`).

Money figures are Decimal 万元 kept to 0.01万元 (rounded half up on entry),
so every path that evaluates a rule sees the same exact numbers.

>>> from datetime import date
>>> f = Facts(industry="C3911", founded=date(2015, 3, 1), figures={"2024": {"revenue": "12000.004"}})
>>> f.industry, f.figures[2024]["revenue"]
('3911', Decimal('12000.00'))
>>> f.age(date(2025, 2, 28)), f.age(date(2025, 3, 1))
(9, 10)
>>> Context.for_date(date(2025, 6, 1))
Context(figure_year=2024, as_of=datetime.date(2025, 6, 1))
>>> Facts(size="特大型")
Traceback (most recent call last):
    ...
luoshi.rules.errors.RuleError: 企业规模“特大型”无效，应为大型、中型、小型或微型
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from luoshi.codes.industries import UnknownIndustry, lookup
from luoshi.rules.errors import RuleError
from luoshi.rules.variables import FIGURES, MONEY_FIGURES, SIZES

__all__ = ["Context", "Facts", "industry_number"]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Context:
    """When a rule is evaluated: ``figure_year`` is the year 上年度 figures mean, ``as_of`` dates 成立年限."""

    figure_year: int
    as_of: date

    @classmethod
    def for_date(cls, d: date) -> Context:
        """The usual context on day ``d``: figures of the previous year."""
        return cls(d.year - 1, d)


def _bad(message: str) -> RuleError:
    return RuleError(message, code="bad_facts")


def industry_number(code: str) -> int:
    """A normalised 2–4 digit code as the integer of its 4-digit form (``"39"`` → 3900).

    Codes shorter than four digits are padded with zeros, so an enterprise
    recorded only by division still matches its division and section.
    """
    return int(code.ljust(4, "0"))


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool):
        raise _bad(f"{what}应为数值，而不是{value}")
    try:
        number = Decimal(str(value)) if isinstance(value, int | float | str) else value
        if not isinstance(number, Decimal) or not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _bad(f"{what}“{value}”不是有效的数值") from None
    return number


def _date(value: object, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _bad(f"{what}“{value}”不是有效日期，应写成2020-01-01") from None


@dataclass(frozen=True)
class Facts:
    """One enterprise as rules see it.

    ``figures`` maps a year to that year's figures: money in 万元 (Decimal,
    int, str or float), ``employees`` as a whole number.  A figure that is
    absent or None is missing data.
    """

    industry: str | None = None
    street: str | None = None
    tags: frozenset[str] = frozenset()
    founded: date | None = None
    chain: str | None = None
    size: str | None = None
    above_scale: bool = False
    figures: Mapping[int, Mapping[str, Decimal | int]] = field(default_factory=dict)
    # Figures as exact integers (money in 0.01万元), keyed by (name, year), for the fast paths.
    units: Mapping[tuple[str, int], int] = field(init=False, repr=False, compare=False)
    industry_code: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        code = 0
        if self.industry:
            try:
                industry = lookup(str(self.industry))
            except (UnknownIndustry, KeyError) as exc:
                raise _bad(f"行业代码“{self.industry}”无效：{exc}") from None
            if industry.level == "门类":
                raise _bad(f"行业代码“{self.industry}”只有门类，请填写2–4位数字的行业代码")
            put(self, "industry", industry.code)
            code = industry_number(industry.code)
        else:
            put(self, "industry", None)
        put(self, "industry_code", code)
        for name in ("street", "chain", "size"):
            if getattr(self, name) == "":
                put(self, name, None)
        if self.size is not None and self.size not in SIZES:
            raise _bad(f"企业规模“{self.size}”无效，应为大型、中型、小型或微型")
        if isinstance(self.tags, str) or not isinstance(self.tags, Iterable):
            raise _bad("企业标签应为标签列表")
        put(self, "tags", frozenset(str(t) for t in self.tags))
        put(self, "founded", _date(self.founded, "成立日期"))
        if not isinstance(self.above_scale, bool):
            raise _bad("规上企业应为是或否")
        figures: dict[int, dict[str, Decimal | int]] = {}
        units: dict[tuple[str, int], int] = {}
        if not isinstance(self.figures, Mapping):
            raise _bad("年度数据应按年份填写，例如 {2024: {revenue: 1200}}")
        for raw_year, values in self.figures.items():
            try:
                year = int(raw_year)
            except (TypeError, ValueError):
                raise _bad(f"年份“{raw_year}”无效") from None
            if not isinstance(values, Mapping):
                raise _bad(f"{year}年数据应为“指标: 数值”的列表")
            row = figures.setdefault(year, {})
            for name, value in values.items():
                if name not in FIGURES:
                    raise _bad(f"{year}年数据中有未知指标“{name}”，可用指标：{'、'.join(FIGURES)}")
                if value is None or value == "":
                    continue
                number = _decimal(value, f"{year}年{name}")
                if name in MONEY_FIGURES:
                    number = number.quantize(CENT, ROUND_HALF_UP)
                    units[name, year] = int(number * 100)
                else:
                    if number != number.to_integral_value():
                        raise _bad(f"{year}年{name}“{value}”应为整数")
                    number = int(number)
                    units[name, year] = number
                row[name] = number
        put(self, "figures", figures)
        put(self, "units", units)

    @classmethod
    def from_mapping(cls, data: Mapping) -> Facts:
        """Facts from a JSON-ish dict (dates and decimals as strings, years as str or int)."""
        if not isinstance(data, Mapping):
            raise _bad("企业数据应为“字段: 值”的映射")
        known = {"industry", "street", "tags", "founded", "chain", "size", "above_scale", "figures"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise _bad(f"企业数据中有未知字段“{'、'.join(map(str, unknown))}”，可用字段：{'、'.join(sorted(known))}")
        values = dict(data)
        if values.get("industry") is not None:
            values["industry"] = str(values["industry"])
        values["tags"] = values.get("tags") or ()
        values["figures"] = values.get("figures") or {}
        return cls(**values)

    def age(self, as_of: date) -> int | None:
        """Full years from the founding date to ``as_of`` (成立年限); None when the date is unknown."""
        if self.founded is None:
            return None
        f = self.founded
        return as_of.year - f.year - ((as_of.month, as_of.day) < (f.month, f.day))
