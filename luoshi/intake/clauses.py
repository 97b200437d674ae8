"""Policy clauses proposed from a notice: the benefit, its conditions, and a suggested eligibility
rule and amount formula in luoshi's rules language (docs/rules.md) for a person to check.

A clause is a sentence (or ；-part) of a policy notice that grants a benefit (给予, 奖励, 补贴,
补助, 贴息 …) with an amount or a proportion. Its conditions are the phrases that qualify the
beneficiary (对上年度研发费用达到200万元以上、且…的规上工业企业). Conditions that name a variable
the rules language knows become a rule; the others stay in ``conditions`` for the person. The
suggestions are validated with :func:`luoshi.rules.parse` and dropped (None) when they do not
parse, so a suggestion is never a rule that cannot be used.

>>> c = propose("对上年度研发费用达到200万元以上、且研发费用占营业收入比重不低于3%的规上工业企业，"
...             "按上年度研发费用的10%给予补助，最高50万元")
>>> c.conditions
['上年度研发费用达到200万元以上', '研发费用占营业收入比重不低于3%', '规上工业企业']
>>> c.rule
'rd_expense >= 200万元 and rd_ratio >= 3% and above_scale and industry in [B, C, D]'
>>> c.amount
'min(rd_expense * 10%, 50万元)'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from luoshi.intake import lexicon as lx
from luoshi.intake.numerals import NUMBER, read_number

__all__ = ["Proposal", "propose"]

# Variables of the rules language that a condition phrase can name, most specific first.
_RATIOS = [
    (re.compile(r"研发(?:费用|投入|经费)(?:总额)?占(?:营业|销售|主营业务)收入(?:总额)?(?:的)?比(?:重|例)"), "rd_ratio"),
    (re.compile(r"出口(?:额)?占(?:营业|销售)收入(?:的)?比(?:重|例)|出口占比"), "export_ratio"),
    (re.compile(r"(?:纳税|税收)(?:额)?占(?:营业|销售)收入(?:的)?比(?:重|例)"), "tax_ratio"),
]
_GROWTHS = [
    (re.compile(r"(?:营业|销售|主营业务)收入(?:同比)?增长"), "revenue_growth"),
    (re.compile(r"研发(?:费用|投入)(?:同比)?增长"), "rd_growth"),
    (re.compile(r"(?:工业总)?产值(?:同比)?增长"), "output_growth"),
    (re.compile(r"(?:纳税|税收)(?:额)?(?:同比)?增长"), "tax_growth"),
]
_AMOUNTS = [
    (re.compile(r"(?:营业|销售|主营业务)收入"), "revenue"),
    (re.compile(r"研发(?:费用|投入|经费)"), "rd_expense"),
    (re.compile(r"出口(?:额)?"), "exports"),
    (re.compile(r"工业总产值|产值"), "industrial_output"),
    (re.compile(r"资产总额|总资产"), "total_assets"),
    (re.compile(r"实缴税金|纳税(?:额)?|税收"), "tax_paid"),
]
_EMPLOYEES = re.compile(r"从业人员|职工人数|员工人数|用工人数|从业人数")
_AGE = re.compile(rf"(?:成立|注册|登记|经营|运营)(?:时间)?满(?P<n>{NUMBER})(?:个)?年")
_THRESHOLD = re.compile(
    rf"(?P<op>达到|不低于|不少于|超过|高于|在|为|≥|不高于|不超过|低于|≤)?(?P<num>{NUMBER})(?P<unit>亿元|万元|元|%|人)"
    r"(?P<suffix>以上|以下|及以上|及以下)?"
)
_KINDS = [
    (re.compile(r"规上|规模以上|限额以上"), "above_scale"),
    (re.compile(r"制造业企业"), "industry in C"),
    (re.compile(r"工业企业"), "industry in [B, C, D]"),
    (re.compile(r"批发、零售、住宿和餐饮企业|商贸企业"), "industry in [F, H]"),
    (re.compile(r"餐饮企业"), 'industry in ["62"]'),
    (re.compile(r"高新技术企业"), 'tags has "高新技术企业"'),
    (re.compile(r"科技型中小企业"), 'tags has "科技型中小企业"'),
    (re.compile(r"专精特新"), 'tags has "专精特新"'),
    (re.compile(r"外贸企业"), 'tags has "外贸企业"'),
    (re.compile(r"中小微企业"), 'size in ["中型", "小型", "微型"]'),
    (re.compile(r"小微企业"), 'size in ["小型", "微型"]'),
    (re.compile(r"大型企业"), 'size in ["大型"]'),
]
_BASES = [
    (re.compile(r"(?:营业|销售)收入(?:的)?增量|新增(?:营业|销售)收入"), "(revenue - revenue[-1])"),
    (re.compile(r"出口(?:额)?(?:的)?增量|新增出口(?:额)?"), "(exports - exports[-1])"),
    (re.compile(r"研发(?:费用|投入)(?:的)?增量"), "(rd_expense - rd_expense[-1])"),
    (re.compile(r"^(?:其)?(?:上年度|年度|当年)?(?:实际)?研发(?:费用|投入|经费)(?:总额)?$"), "rd_expense"),
    (re.compile(r"^(?:其)?(?:上年度|年度|当年)?(?:实际)?出口(?:额)?(?:总额)?$"), "exports"),
    (re.compile(r"^(?:其)?(?:上年度|年度|当年)?(?:营业|销售|主营业务)收入(?:总额)?$"), "revenue"),
    (re.compile(r"^(?:其)?(?:上年度|年度|当年)?(?:实缴税金|纳税(?:额)?|地方税收贡献)$"), "tax_paid"),
]
_CUT = re.compile(r"[，,]?(?:按|分别给予|分别|给予|每[人家户个招张台]|可申请|再给予|再奖励|一次性给予)")
_COND_SPLIT = re.compile(r"、且|，且|且|并且|并|以及")
_LOAN = re.compile(r"贷款(?!利息|贴息)")


@dataclass(frozen=True, slots=True)
class Proposal:
    conditions: list[str]
    rule: str | None
    amount: str | None


def is_clause(segment: str) -> bool:
    """Whether a sentence of a policy notice grants a benefit with an amount or a proportion."""
    return bool(lx.BENEFIT.search(segment) and (lx.MONEY.search(segment) or lx.PROPORTION.search(segment)))


def propose(segment: str) -> Proposal:
    """Conditions, a suggested rule and a suggested amount formula for one clause."""
    conditions = _conditions(segment)
    atoms: list[str] = []
    for phrase in conditions:
        for atom in _atoms(phrase):
            if atom not in atoms:
                atoms.append(atom)
    rule = _valid(" and ".join(atoms), "condition") if atoms else None
    amount = _amount(segment)
    return Proposal(conditions, rule, _valid(amount, "amount") if amount else None)


def _conditions(segment: str) -> list[str]:
    cut = _CUT.search(segment, 1)
    head = segment[: cut.start()] if cut else segment
    head = re.sub(r"^对", "", head).strip("，, ")
    out: list[str] = []
    for part in re.split(r"[，,]", head):
        part = part.strip()
        if part.endswith("的"):
            part = part[:-1]
        if len(part) < 2:
            continue
        modifier, sep, noun = part.rpartition("的")
        pieces = [*(_COND_SPLIT.split(modifier) if sep else []), noun if sep else part]
        out.extend(p.strip("、， ") for p in pieces if len(p.strip("、， ")) >= 2)
    return out


def _atoms(phrase: str) -> list[str]:
    atoms = []
    seen: set[str] = set()
    for m in _THRESHOLD.finditer(phrase):
        variable = _variable(phrase[: m.start()], m.group("unit"))
        if variable is None or variable in seen:
            continue  # 首次突破10亿元、50亿元、100亿元: the first tier is the condition
        seen.add(variable)
        value = read_number(m.group("num"))
        if value is None:
            continue
        op = _operator(m.group("op"), m.group("suffix"))
        literal = f"{_fmt(value)}{m.group('unit')}" if m.group("unit") != "人" else _fmt(value)
        atoms.append(f"{variable} {op} {literal}")
    age = _AGE.search(phrase)
    if age and read_number(age.group("n")) is not None:
        atoms.append(f"age >= {_fmt(read_number(age.group('n')))}")
    for pattern, atom in _KINDS:
        if pattern.search(phrase):
            atoms.append(atom)
            if atom == "above_scale" and "工业" in phrase:
                atoms.append("industry in [B, C, D]")
            break
    return atoms


def _variable(before: str, unit: str) -> str | None:
    before = before[-24:]
    if unit == "%":
        for pattern, name in _RATIOS + _GROWTHS:
            if pattern.search(before):
                return name
        return None
    if unit == "人":
        return "employees" if _EMPLOYEES.search(before) else None
    found = None
    for pattern, name in _AMOUNTS:
        m = pattern.search(before)
        if m and (found is None or m.end() > found[0]):
            found = (m.end(), name)
    return found[1] if found else None


def _operator(op: str | None, suffix: str | None) -> str:
    if op in ("不高于", "不超过", "≤") or suffix in ("以下", "及以下"):
        return "<="
    if op in ("低于",):
        return "<"
    if op in ("超过", "高于"):
        return ">"
    return ">="


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _amount(segment: str) -> str | None:
    if _LOAN.search(segment):
        return None  # a guaranteed loan's ceiling is not a payment
    cut = _CUT.search(segment, 1)
    benefit = segment[cut.start() :] if cut else segment
    amounts = [m for m in lx.MONEY.finditer(benefit) if m.group("cur") == "元"]
    prop = lx.PROPORTION.search(benefit)
    if prop:
        base = _base(prop.group("base"))
        if base is None:
            return None
        pct = prop.group("pct")
        caps = [
            m for m in amounts if m.start() > prop.end() and re.search(r"最高|不超过", benefit[prop.end() : m.start()])
        ]
        if len(amounts) > 1 and not caps:
            return None
        return f"min({base} * {pct}, {_money(caps[0])})" if caps else f"{base} * {pct}"
    # A fixed sum per enterprise (每家) is the amount; per hire, per person, per car … is not one.
    if len(amounts) != 1 or re.search(
        r"每(?:招用|吸纳|新招)|按每|分别|每[人户个台张辆套]", benefit[: amounts[0].start()] if amounts else ""
    ):
        if len(amounts) == 1 and re.search(r"每人", benefit) and _PERSONS.search(segment[: cut.start() if cut else 0]):
            return _money(amounts[0])  # a fixed sum per person when persons are the beneficiaries
        return None
    return _money(amounts[0])


_PERSONS = re.compile(r"研究生|人才|毕业生|职工|个人|劳动者|人员|博士|硕士")


def _base(text: str) -> str | None:
    text = text.strip()
    for pattern, expr in _BASES:
        if pattern.search(text):
            return expr
    return None


_MULT = {"千万": 10_000_000, "百万": 1_000_000, "亿": 100_000_000, "万": 10_000, "千": 1_000}


def _money(m: re.Match) -> str:
    """An amount as a literal of the rules language: 50万元, 1亿元, 5000元."""
    value = read_number(m.group("num"))
    if value is None:
        return m.group()
    yuan = value * _MULT.get(m.group("mult") or "", 1)
    if yuan >= 100_000_000 and yuan % 100_000_000 == 0:
        return f"{_fmt(yuan / 100_000_000)}亿元"
    if yuan >= 10_000:
        return f"{_fmt(round(yuan / 10_000, 4))}万元"
    return f"{_fmt(round(yuan, 2))}元"


@functools.lru_cache(maxsize=4096)
def _valid(text: str, kind: str) -> str | None:
    from luoshi.rules import RuleError, parse  # the rules kernel loads NumPy: only when a clause needs it

    try:
        parse(text, kind=kind)
    except RuleError:
        return None
    return text
