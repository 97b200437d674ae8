"""``luoshi rules``: check a rule, evaluate it for one enterprise, simulate it over the registry.

``check`` and ``eval --facts`` need no database; ``eval --enterprise`` and ``simulate`` read the
enterprise registry (the caller sets Django up through ``setup``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from luoshi import rules

EXIT_RULE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi rules", description="申报条件与金额公式（规则语言）")
    sub = parser.add_subparsers(dest="action", required=True, metavar="操作")
    check = sub.add_parser("check", help="检查规则，输出中文释义；有误时输出出错位置并以状态2退出")
    check.add_argument("rule")
    check.add_argument("--amount", action="store_true", help="按金额公式检查")
    check.add_argument("--json", action="store_true")

    ev = sub.add_parser("eval", help="对一家企业判断是否符合条件：结论、金额、逐条核对、差距")
    ev.add_argument("rule")
    who = ev.add_mutually_exclusive_group(required=True)
    who.add_argument("--facts", type=Path, help="企业数据 JSON 文件")
    who.add_argument("--enterprise", metavar="USCC", help="按统一社会信用代码读取企业库")
    ev.add_argument("--amount", default="", help="金额公式，如 'min(rd_expense * 10%%, 50万元)'")
    ev.add_argument("--year", type=int, help="数据年度（默认评估日期的上一年）")
    ev.add_argument("--as-of", type=date.fromisoformat, default=None, help="评估日期（默认今天）")
    ev.add_argument("--json", action="store_true")

    cases = sub.add_parser("cases", help="运行规则案例文件（YAML）：企业情况 → 应有的结论和金额")
    cases.add_argument("files", nargs="+", type=Path)

    sim = sub.add_parser("simulate", help="在全部企业上测算：符合条件的企业数、资金需求、分行业分镇街分规模")
    sim.add_argument("rule")
    sim.add_argument("--amount", default="", help="金额公式")
    sim.add_argument("--budget", default=None, help="预算（元）")
    sim.add_argument("--year", type=int, help="数据年度（默认今年的上一年）")
    sim.add_argument("--json", action="store_true")
    return parser


def _fail(exc: rules.RuleError, text: str, *, as_json: bool) -> int:
    if as_json:
        payload = {"ok": False, "error": exc.message, "line": exc.line, "column": exc.column, "code": exc.code}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        lines = text.splitlines() or [""]
        line = lines[min(max(exc.line, 1), len(lines)) - 1]
        print(f"规则有误：{exc}", file=sys.stderr)
        print(f"  {line}", file=sys.stderr)
        print("  " + " " * max(exc.column - 1, 0) + "^", file=sys.stderr)
    return EXIT_RULE_ERROR


def _parse(text: str, kind: str, as_json: bool) -> rules.Rule | int:
    try:
        return rules.parse(text, kind=kind)
    except rules.RuleError as exc:
        return _fail(exc, text, as_json=as_json)


def _check(args) -> int:
    rule = _parse(args.rule, "amount" if args.amount else "condition", args.json)
    if isinstance(rule, int):
        return rule
    if args.json:
        print(
            json.dumps({"ok": True, "sentence": rule.render(), "variables": sorted(rule.variables)}, ensure_ascii=False)
        )
    else:
        print(rule.render())
    return 0


def _eval(args, setup: Callable[[], None]) -> int:
    rule = _parse(args.rule, "condition", args.json)
    if isinstance(rule, int):
        return rule
    amount = None
    if args.amount:
        amount = _parse(args.amount, "amount", args.json)
        if isinstance(amount, int):
            return amount
    as_of = args.as_of or date.today()  # noqa: DTZ011 — a calendar date typed by the operator's clock
    ctx = rules.Context(figure_year=args.year or as_of.year - 1, as_of=as_of)
    if args.facts is not None:
        try:
            facts = rules.Facts.from_mapping(json.loads(args.facts.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            message = exc.message if isinstance(exc, rules.RuleError) else str(exc)
            print(f"读取企业数据失败：{message}", file=sys.stderr)
            return EXIT_RULE_ERROR
    else:
        setup()
        from luoshi.enterprises.facts import facts_of
        from luoshi.enterprises.models import Enterprise

        enterprise = Enterprise.objects.filter(uscc=args.enterprise.strip().upper()).first()
        if enterprise is None:
            print(f"企业库中没有统一社会信用代码为{args.enterprise}的企业。", file=sys.stderr)
            return 1
        facts = facts_of(enterprise, ctx)
    outcome = rules.evaluate(rule, facts, ctx, amount=amount)
    if args.json:
        print(json.dumps({"figure_year": ctx.figure_year, **outcome.to_dict()}, ensure_ascii=False, default=str))
        return 0
    verdicts = {"eligible": "符合条件", "near_miss": "差一项条件", "ineligible": "不符合条件"}
    print(f"{verdicts[outcome.verdict]}（按{ctx.figure_year}年数据）")
    if outcome.amount is not None:
        print(f"测算金额：{outcome.amount}元")
    for check in outcome.checks:
        mark = "✓" if check.passed else "✗"
        print(f"  {mark} {check.text}：{check.actual}（要求{check.required}）")
    for gap in outcome.gaps:
        print(f"  差距：{gap.gap}")
    return 0


def _simulate(args, setup: Callable[[], None]) -> int:
    rule = _parse(args.rule, "condition", args.json)
    if isinstance(rule, int):
        return rule
    if args.amount and isinstance(_parse(args.amount, "amount", args.json), int):
        return EXIT_RULE_ERROR
    setup()
    from luoshi.core.actors import SYSTEM
    from luoshi.core.errors import DomainError
    from luoshi.policies.simulation import simulate

    variant = {"label": "方案", "rule": args.rule, "amount": args.amount, "budget": args.budget}
    try:
        outcome = simulate(SYSTEM, [variant], figure_year=args.year)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_RULE_ERROR
    result = outcome["variants"][0]
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False))
        return 0
    print(result["rule_sentence"])
    base = f"企业库 {outcome['enterprises']} 家（{outcome['figure_year']}年数据）"
    print(f"{base}，符合条件 {result['eligible']} 家（{result['share']}%）")
    if result["cost"] is not None:
        line = f"资金需求 {result['cost']} 元"
        if result["budget"] is not None:
            line += f"，预算 {result['budget']} 元，使用 {result['budget_use']}%" + (
                "，超出预算" if result["over_budget"] else ""
            )
        print(line)
    for row in result["by_section"][:8]:
        if row["eligible"]:
            print(f"  {row['name']}：{row['eligible']} 家")
    return 0


def _cases(args) -> int:
    """Run regulation case files; exit 1 if any case fails, 2 if a file cannot be read."""
    failed = 0
    for path in args.files:
        try:
            results = rules.run_case_file(path)
        except (OSError, rules.RuleError) as exc:
            print(f"{path}：{getattr(exc, 'message', exc)}", file=sys.stderr)
            return EXIT_RULE_ERROR
        passed = sum(r.passed for r in results)
        print(f"{path}：{passed}/{len(results)} 通过")
        for result in results:
            if not result.passed:
                failed += 1
                print(f"  ✗ {result.name}：{result.message}")
    return 1 if failed else 0


def main(argv: list[str], setup: Callable[[], None]) -> int:
    args = _parser().parse_args(argv)
    if args.action == "check":
        return _check(args)
    if args.action == "cases":
        return _cases(args)
    if args.action == "eval":
        return _eval(args, setup)
    return _simulate(args, setup)
