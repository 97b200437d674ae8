"""The variable registry: every name a rule may use, with its Chinese label, type and unit.

Types: ``industry`` (a GB/T 4754-2017 code), ``text``, ``tags`` (a set of
labels), ``date``, ``number``, ``money`` (万元), ``percent`` (a ratio shown as
%) and ``bool``.  Yearly variables are read for the figure year of the
:class:`~luoshi.rules.facts.Context` (offset 0) or an earlier year
(``revenue[-1]``).  Derived variables have a ``formula`` written in the rule
language itself, over the stored figures of the same year.

>>> VARIABLES["rd_ratio"].label, VARIABLES["rd_ratio"].formula
('研发费用占营业收入比重', 'rd_expense / revenue')
>>> resolve_name("营业收入")
'revenue'
>>> [v.name for v in VARIABLES.values() if v.stored and v.yearly][:3]
['revenue', 'rd_expense', 'employees']
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["FIGURES", "MONEY_FIGURES", "SIZES", "VARIABLES", "Variable", "resolve_name"]

SIZES = ("大型", "中型", "小型", "微型")


@dataclass(frozen=True)
class Variable:
    """One enterprise variable as rules see it."""

    name: str
    label: str
    type: str
    unit: str = ""
    description: str = ""
    yearly: bool = False
    formula: str | None = None
    choices: tuple[str, ...] = ()

    @property
    def stored(self) -> bool:
        """Whether the value is recorded (True) or computed from other variables (False)."""
        return self.formula is None and self.name != "age"


_ALL = (
    Variable(
        "industry",
        "行业",
        "industry",
        description="国民经济行业分类（GB/T 4754-2017）代码，按门类、大类、中类或小类匹配",
    ),
    Variable("street", "所在镇街", "text", description="企业所在镇街"),
    Variable("chain", "产业链", "text", description="企业所属产业链"),
    Variable(
        "size", "企业规模", "text", description="大型、中型、小型或微型（统计上大中小微型企业划分办法）", choices=SIZES
    ),
    Variable("tags", "企业标签", "tags", description="规上、专精特新、高新技术企业、科技型中小企业、外资、上市等"),
    Variable("above_scale", "规上企业", "bool", description="是否规模以上企业"),
    Variable("founded", "成立日期", "date", description="营业执照上的成立日期"),
    Variable("age", "成立年限", "number", "年", "成立日期到评估日期满的整年数"),
    Variable("revenue", "营业收入", "money", "万元", "全年营业收入", yearly=True),
    Variable("rd_expense", "研发费用", "money", "万元", "全年研发费用", yearly=True),
    Variable("employees", "从业人员", "number", "人", "从业人员数", yearly=True),
    Variable("total_assets", "资产总额", "money", "万元", "年末资产总额", yearly=True),
    Variable("tax_paid", "纳税额", "money", "万元", "全年实缴税金", yearly=True),
    Variable("industrial_output", "工业总产值", "money", "万元", "全年工业总产值（当年价）", yearly=True),
    Variable("exports", "出口额", "money", "万元", "全年出口额", yearly=True),
    Variable("rd_ratio", "研发费用占营业收入比重", "percent", "%", "研发费用÷营业收入", True, "rd_expense / revenue"),
    Variable("export_ratio", "出口占比", "percent", "%", "出口额÷营业收入", True, "exports / revenue"),
    Variable("tax_ratio", "纳税额占营业收入比重", "percent", "%", "纳税额÷营业收入", True, "tax_paid / revenue"),
    Variable(
        "revenue_growth",
        "营业收入增长率",
        "percent",
        "%",
        "（本年营业收入−上一年营业收入）÷上一年营业收入",
        True,
        "(revenue - revenue[-1]) / revenue[-1]",
    ),
    Variable(
        "rd_growth",
        "研发费用增长率",
        "percent",
        "%",
        "（本年研发费用−上一年研发费用）÷上一年研发费用",
        True,
        "(rd_expense - rd_expense[-1]) / rd_expense[-1]",
    ),
    Variable(
        "output_growth",
        "工业总产值增长率",
        "percent",
        "%",
        "（本年工业总产值−上一年工业总产值）÷上一年工业总产值",
        True,
        "(industrial_output - industrial_output[-1]) / industrial_output[-1]",
    ),
    Variable(
        "tax_growth",
        "纳税额增长率",
        "percent",
        "%",
        "（本年纳税额−上一年纳税额）÷上一年纳税额",
        True,
        "(tax_paid - tax_paid[-1]) / tax_paid[-1]",
    ),
)

VARIABLES: MappingProxyType[str, Variable] = MappingProxyType({v.name: v for v in _ALL})
FIGURES = tuple(v.name for v in _ALL if v.yearly and v.stored)
MONEY_FIGURES = frozenset(name for name in FIGURES if VARIABLES[name].type == "money")
_BY_LABEL = {v.label: v.name for v in _ALL} | {"出口额占营业收入比重": "export_ratio", "镇街": "street"}


def resolve_name(word: str) -> str | None:
    """The registry name for an English name or a Chinese label; None if neither."""
    if word in VARIABLES:
        return word
    return _BY_LABEL.get(word)


def all_names() -> list[str]:
    """Every accepted spelling, for suggestions."""
    return [*VARIABLES, *_BY_LABEL]
