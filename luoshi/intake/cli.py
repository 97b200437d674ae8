"""``luoshi intake``: parse a document into structured drafts.

    luoshi intake parse FILE [--json] [--year YYYY] [--directory units.json]

``--json`` prints exactly the structure of :meth:`luoshi.intake.Result.to_dict` (one object on
stdout). ``--directory`` is a JSON file with the unit directory: a list of
``[official name, [short names and aliases]]`` pairs, or an object with such a list under
``"units"``. Exit codes: 0 success; 2 input that cannot be read (the Chinese reason is printed,
as ``{"error": {"code", "message"}}`` with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from luoshi.intake.api import parse_file
from luoshi.intake.errors import IntakeError
from luoshi.intake.orgs import Directory
from luoshi.intake.result import Result

__all__ = ["main"]

EXIT_OK, EXIT_ERROR = 0, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="luoshi intake", description="从会议报道、工作要点和政策文件中提取结构化草稿")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{parse}")
    parse = commands.add_parser("parse", help="解析一个 .txt、.docx 或带文字层的 .pdf 文件")
    parse.add_argument("file", metavar="FILE", type=Path)
    parse.add_argument("--json", action="store_true", help="输出JSON")
    parse.add_argument("--year", type=int, metavar="YYYY", help="文件所属年份（默认取文首日期或文中最常出现的年份）")
    parse.add_argument("--directory", type=Path, metavar="FILE", help="单位名录JSON：[[全称, [简称, 别称…]], …]")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    try:
        directory = _directory(args.directory) if args.directory else None
        result = parse_file(args.file, directory=directory, year=args.year)
    except IntakeError as exc:
        if args.json:
            print(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
        else:
            print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(_summary(result))
    return EXIT_OK


def _directory(path: Path) -> Directory:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IntakeError("not_found", f"找不到单位名录文件“{path}”。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntakeError("bad_directory", f"单位名录文件“{path}”不是有效的 UTF-8 JSON：{exc}。") from None
    units = data.get("units") if isinstance(data, dict) else data
    if not isinstance(units, list) or not all(
        isinstance(u, list | tuple) and len(u) == 2 and isinstance(u[0], str) and isinstance(u[1], list) for u in units
    ):
        raise IntakeError("bad_directory", "单位名录应为 [[全称, [简称, 别称…]], …] 形式的列表。")
    return Directory.from_pairs([(name, [str(a) for a in aliases]) for name, aliases in units])


_LABELS = {
    "units": "单位",
    "people": "人员",
    "targets": "目标",
    "projects": "项目",
    "money": "金额",
    "dates": "日期",
    "key_tasks": "重点任务",
    "tasks": "工作任务",
    "clauses": "政策条款",
}


def _summary(result: Result) -> str:
    lines = [f"年份：{result.year or '未知'}"]
    for field, label in _LABELS.items():
        items = getattr(result, field)
        lines.append(f"\n{label}（{len(items)}）")
        for item in items:
            lines.append("  " + _line(field, item))
    return "\n".join(lines)


def _line(field: str, item) -> str:
    if field == "units":
        return item.name + (f"（{item.alias}）" if item.alias else "")
    if field == "people":
        return f"{item.name} {item.title or ''} {item.unit or ''}".rstrip()
    if field == "targets":
        owner = f" ［{item.owner}］" if item.owner else ""
        return f"{item.indicator} {item.change or ''} {item.value}{item.unit} {item.year or ''}{owner}"
    if field == "projects":
        return item.name
    if field == "money":
        return f"{item.text} = {item.value}元" + (f"（{item.qualifier}）" if item.qualifier else "")
    if field == "dates":
        return f"{item.text} → {item.date}"
    if field == "key_tasks":
        return f"{item.index}. {item.text}"
    if field == "tasks":
        return item.text + (f" ［{item.unit}］" if item.unit else "")
    return (
        f"{item.text}\n    条件：{'；'.join(item.conditions) or '无'}\n    规则：{item.rule}\n    金额：{item.amount}"
    )
