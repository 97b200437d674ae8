"""Regulation cases: small YAML files a policy officer can read, run against the kernel.

A case file names a policy, its rule (and amount formula), the figure year,
and enterprises with the verdict (and amount, gap) the officer expects::

    title: 研发投入补助
    figure_year: 2024
    rule: rd_expense >= 100万元 and rd_ratio >= 3%
    amount: min(rd_expense * 10%, 50万元)
    enterprises:
      - name: 研发投入300万元
        facts: {figures: {2024: {revenue: 10000, rd_expense: 300}}}
        expect: {verdict: eligible, amount: 300000}

``verdict`` is ``eligible``/``near_miss``/``ineligible`` or 符合/差一项/不符合;
``amount`` is in yuan; ``gap`` is the one gap text of a near miss (or
``gaps``, a list).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.yaml"
>>> _ = path.write_text(__doc__.split("::")[1].split("``verdict``")[0], encoding="utf-8")
>>> [(r.name, r.passed, r.message) for r in run_case_file(path)]
[('研发投入300万元', True, '通过')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from luoshi.rules.errors import RuleError
from luoshi.rules.evaluate import Outcome, evaluate
from luoshi.rules.facts import Context, Facts
from luoshi.rules.syntax import Rule, parse

__all__ = ["Case", "CaseFile", "CaseResult", "load_case_file", "run_case_file"]

VERDICT_NAMES = {"eligible": "符合条件", "near_miss": "差一项", "ineligible": "不符合条件"}
VERDICT_ALIASES = {"符合": "eligible", "符合条件": "eligible", "差一项": "near_miss", "不符合": "ineligible"}
VERDICT_ALIASES |= {"不符合条件": "ineligible"} | {v: v for v in VERDICT_NAMES}


@dataclass(frozen=True)
class Case:
    """One enterprise of a case file and what the officer expects for it."""

    name: str
    facts: Facts
    verdict: str
    amount: Decimal | None = None
    gaps: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CaseFile:
    path: str
    title: str
    rule: Rule
    amount: Rule | None
    context: Context
    cases: list[Case] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    message: str
    outcome: Outcome


def _bad(path: str, message: str) -> RuleError:
    return RuleError(f"案例文件{path}：{message}", code="bad_case")


def _parse(path: str, text: object, kind: str, what: str) -> Rule:
    if not isinstance(text, str):
        raise _bad(path, f"{what}应为文字")
    try:
        return parse(text, kind=kind)
    except RuleError as err:
        raise RuleError(
            f"案例文件{path}的{what}有误：{err.message}", line=err.line, column=err.column, code=err.code
        ) from None


def load_case_file(path: str | Path) -> CaseFile:
    """Read and check a case file; raise RuleError (code ``bad_case`` or the rule's own code) on any fault."""
    name = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _bad(name, f"无法读取（{exc}）") from None
    if not isinstance(data, dict):
        raise _bad(name, "内容应为“字段: 值”的映射")
    for key in ("title", "rule", "figure_year", "enterprises"):
        if key not in data:
            raise _bad(name, f"缺少字段“{key}”")
    rule = _parse(name, data["rule"], "condition", "规则")
    amount = _parse(name, data["amount"], "amount", "金额公式") if data.get("amount") else None
    try:
        year = int(data["figure_year"])
        as_of = data.get("as_of") or date(year + 1, 1, 1)
        as_of = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
    except (TypeError, ValueError):
        raise _bad(name, "figure_year 应为年份，as_of 应为日期（如2025-03-01）") from None
    if not isinstance(data["enterprises"], list) or not data["enterprises"]:
        raise _bad(name, "enterprises 应为企业列表")
    cases = [_case(name, i, entry) for i, entry in enumerate(data["enterprises"], start=1)]
    return CaseFile(name, str(data["title"]), rule, amount, Context(year, as_of), cases, str(data.get("source", "")))


def _case(path: str, index: int, entry: object) -> Case:
    if not isinstance(entry, dict) or "expect" not in entry:
        raise _bad(path, f"第{index}家企业应有 name、facts 和 expect")
    label = str(entry.get("name") or f"第{index}家企业")
    try:
        facts = Facts.from_mapping(entry.get("facts") or {})
    except RuleError as err:
        raise _bad(path, f"{label}的数据有误：{err.message}") from None
    expect = entry["expect"]
    if isinstance(expect, str):
        expect = {"verdict": expect}
    verdict = VERDICT_ALIASES.get(str(expect.get("verdict")))
    if verdict is None:
        raise _bad(path, f"{label}的预期结论应为 eligible、near_miss 或 ineligible（符合、差一项、不符合）")
    amount = expect.get("amount")
    if amount is not None:
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise _bad(path, f"{label}的预期金额“{amount}”不是数值") from None
    gaps = expect.get("gaps", [expect["gap"]] if expect.get("gap") else None)
    return Case(label, facts, verdict, amount, tuple(map(str, gaps)) if gaps is not None else None)


def run_case_file(case_file: CaseFile | str | Path) -> list[CaseResult]:
    """Run every enterprise of a case file; each result passes or says in Chinese what differed."""
    if not isinstance(case_file, CaseFile):
        case_file = load_case_file(case_file)
    results = []
    for case in case_file.cases:
        outcome = evaluate(case_file.rule, case.facts, case_file.context, amount=case_file.amount)
        problems = []
        if outcome.verdict != case.verdict:
            problems.append(f"预期{VERDICT_NAMES[case.verdict]}，实际{VERDICT_NAMES[outcome.verdict]}")
        if case.amount is not None and outcome.amount != case.amount:
            problems.append(f"预期金额{case.amount}元，实际{'无' if outcome.amount is None else f'{outcome.amount}元'}")
        gaps = tuple(g.gap for g in outcome.gaps)
        if case.gaps is not None and gaps != case.gaps:
            problems.append(f"预期差距“{'；'.join(case.gaps)}”，实际“{'；'.join(gaps) or '无'}”")
        message = "通过" if not problems else "；".join(problems)
        results.append(CaseResult(case.name, not problems, message, outcome))
    return results
