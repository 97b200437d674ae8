"""``luoshi codes``: check a 统一社会信用代码, classify an enterprise's size, look up an industry.

Exit codes: 0 success; 1 a well-formed question whose answer is "no" (an
invalid credit code, a name search with no match); 2 a request that cannot be
answered (bad arguments, unknown industry code, figures the size rules reject).
With ``--json`` every answer, errors included, is one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from luoshi.codes import industries
from luoshi.codes.industries import Industry, UnknownIndustry
from luoshi.codes.size import SECTORS, SizeRuleError, classify_size, sector_for_industry
from luoshi.codes.uscc import validate_uscc

__all__ = ["main"]

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2

# A section letter, optionally followed by digits, or 2–4 digits: anything else is a name.
_CODE_PATTERN = re.compile(r"[A-Za-z]|[A-Za-z]?[0-9]{2,4}")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # argparse exits on --help (0) and on usage errors (2); callers get the code back instead.
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi codes", description="统一社会信用代码、国民经济行业分类与企业划型")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{uscc,size,industry}")

    uscc = commands.add_parser("uscc", help="校验统一社会信用代码（GB 32100-2015）")
    uscc.add_argument("code", metavar="CODE", help="18位统一社会信用代码")
    uscc.add_argument("--json", action="store_true", help="输出JSON")
    uscc.set_defaults(handler=_run_uscc)

    size = commands.add_parser("size", help="按《统计上大中小微型企业划分办法（2017）》划型")
    which = size.add_mutually_exclusive_group(required=True)
    which.add_argument("--sector", metavar="SECTOR", help=f"划型行业：{'、'.join(SECTORS)}")
    which.add_argument("--industry", metavar="CODE", help="GB/T 4754-2017 行业代码，如 3411")
    size.add_argument("--employees", type=int, metavar="N", help="从业人员（人）")
    size.add_argument("--revenue-wan", type=_decimal, metavar="X", help="营业收入（万元）")
    size.add_argument("--assets-wan", type=_decimal, metavar="Z", help="资产总额（万元）")
    size.add_argument("--json", action="store_true", help="输出JSON")
    size.set_defaults(handler=_run_size)

    industry = commands.add_parser("industry", help="查询国民经济行业分类（GB/T 4754-2017）")
    industry.add_argument("query", metavar="CODE_OR_NAME", help="行业代码（如 C、34、3411）或名称片段")
    industry.add_argument("--json", action="store_true", help="输出JSON")
    industry.set_defaults(handler=_run_industry)
    return parser


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"“{text}”不是数字") from None


def _run_uscc(args: argparse.Namespace) -> int:
    check = validate_uscc(args.code)
    if args.json:
        _print_json({"code": check.code, "valid": check.valid, "reason": check.reason})
    elif check.valid:
        print(f"{check.code}：有效的统一社会信用代码")
    else:
        print(f"{check.code}：无效，{check.reason}")
    return EXIT_OK if check.valid else EXIT_NO


def _run_size(args: argparse.Namespace) -> int:
    try:
        sector = args.sector or sector_for_industry(args.industry)
        result = classify_size(
            sector, employees=args.employees, revenue_wan=args.revenue_wan, assets_wan=args.assets_wan
        )
    except (SizeRuleError, UnknownIndustry) as error:
        return _fail(str(error), as_json=args.json)
    if args.json:
        _print_json({"size": result.size, "sector": result.sector, "reason": result.reason})
    else:
        print(result.reason)
    return EXIT_OK


def _run_industry(args: argparse.Namespace) -> int:
    query = args.query.strip()
    if _CODE_PATTERN.fullmatch(query):
        try:
            found = industries.lookup(query)
        except UnknownIndustry as error:
            return _fail(str(error), as_json=args.json)
        if args.json:
            _print_json(_industry_json(found))
        else:
            print(_describe(found))
        return EXIT_OK

    matches = industries.search(query)
    if args.json:
        _print_json({"query": query, "results": [_industry_json(match) for match in matches]})
    elif matches:
        for match in matches:
            print(f"{match.code} {match.name}（{match.level}）")
    else:
        print(f"没有找到名称含“{query}”的行业")
    return EXIT_OK if matches else EXIT_NO


def _industry_json(industry: Industry) -> dict[str, Any]:
    section = industries.section_of(industry.section)
    division = industries.division(industry.division) if industry.division else None
    return {
        "code": industry.code,
        "name": industry.name,
        "level": industry.level,
        "named_by_division": industry.named_by_division,
        "section": {"code": section.code, "name": section.name},
        "division": {"code": division.code, "name": division.name} if division else None,
        "industrial": industry.section in industries.INDUSTRIAL_SECTIONS,
    }


def _describe(industry: Industry) -> str:
    section = industries.section_of(industry.section)
    in_section = f"门类{section.code} {section.name}"
    if industry.division is None:
        return f"{industry.code} {industry.name}（门类，含大类{section.divisions[0]}–{section.divisions[-1]}）"
    if industry.level == "大类":
        return f"{industry.code} {industry.name}（大类，{in_section}）"
    division = industries.division(industry.division)
    in_division = f"大类{division.code} {division.name}"
    if industry.named_by_division:
        return f"{industry.code}（{industry.level}，名称未收录；属{in_division}，{in_section}）"
    return f"{industry.code} {industry.name}（{industry.level}，属{in_division}，{in_section}）"


def _fail(message: str, *, as_json: bool) -> int:
    if as_json:
        _print_json({"error": message})
    else:
        print(f"错误：{message}", file=sys.stderr)
    return EXIT_ERROR


def _print_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
