"""The project ledger (项目台账) in Excel: the template, the all-or-nothing import and the export.

Departments have long kept their key projects in spreadsheets; the columns here are the ones
those sheets use, and an exported file re-imports: a row whose 项目编号 names a project already
in the system updates it (and its plan for the chosen year), any other row registers a new one.

- :func:`template_workbook` — an empty ledger with an example row, drop-down lists and instructions.
- :func:`import_projects` — reads and checks every row first; any bad row means nothing is written and
  the uploaded rows come back with a 错误 column. Every write goes through :mod:`luoshi.projects.services`,
  whose permission checks apply row by row; a refusal there undoes the whole import and is reported.
- :func:`export_projects` — a streaming (write-only) export of any list or queryset of projects.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.core.errors import DomainError
from luoshi.enterprises.models import Enterprise
from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit
from luoshi.org.queries import find_unit
from luoshi.projects import queries, services
from luoshi.projects.choices import Channel, KeyLevel, Maturity, ProjectType, Stage
from luoshi.projects.models import MonthPlan, Project, YearPlan
from luoshi.tracking.choices import Colour, Status

SHEET = "项目台账"
HELP_SHEET = "填写说明"
ERROR_HEADER = "错误"

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60
HEADER_SCAN_ROWS = 10

CODE, NAME, TYPE, STAGE, LEVEL, LEAD, OWNER, TOWN = (
    "项目编号",
    "项目名称",
    "项目类型",
    "建设阶段",
    "项目级别",
    "牵头单位",
    "业主单位",
    "所在镇街",
)
TOTAL, BEFORE, START, END, CONTENT, MATURITY, CHANNEL, PLAN = (
    "总投资（万元）",
    "以前年度累计完成投资（万元）",
    "计划开工",
    "计划竣工",
    "建设内容",
    "前期工作深度",
    "资金渠道",
    "年度计划投资（万元）",
)
MONTHS = [f"{m}月计划" for m in range(1, 13)]
COLUMNS = [CODE, NAME, TYPE, STAGE, LEVEL, LEAD, OWNER, TOWN, TOTAL, BEFORE, START, END, CONTENT, MATURITY, CHANNEL]
COLUMNS += [PLAN, *MONTHS]
REQUIRED = [NAME, TYPE, LEAD, TOTAL]
EXPORT_ONLY = ["本年完成投资（万元）", "累计完成投资（万元）", "年度计划完成率（%）", "状态", "颜色", "状态说明"]
EXPORT_COLUMNS = COLUMNS + EXPORT_ONLY

# Headers older sheets use for the same thing (compared without spaces, asterisks and "（万元）").
SYNONYMS = {
    "编号": CODE,
    "项目名称": NAME,
    "项目": NAME,
    "类型": TYPE,
    "项目类别": TYPE,
    "阶段": STAGE,
    "项目阶段": STAGE,
    "级别": LEVEL,
    "责任单位": LEAD,
    "牵头部门": LEAD,
    "业主": OWNER,
    "项目业主": OWNER,
    "建设地点": TOWN,
    "镇街": TOWN,
    "总投资": TOTAL,
    "以前年度累计完成投资": BEFORE,
    "开工时间": START,
    "竣工时间": END,
    "建设规模及内容": CONTENT,
    "主要建设内容": CONTENT,
    "年度计划投资": PLAN,
    "本年计划投资": PLAN,
}

WIDTHS = {CODE: 12, NAME: 36, TYPE: 10, STAGE: 8, LEVEL: 10, LEAD: 20, OWNER: 28, TOWN: 12, TOTAL: 14}
WIDTHS |= {BEFORE: 14, START: 12, END: 12, CONTENT: 40, MATURITY: 12, CHANNEL: 16, PLAN: 14}
WIDTHS |= dict.fromkeys(MONTHS, 9) | dict.fromkeys(EXPORT_ONLY, 14) | {"状态说明": 40}

CHOICES = {TYPE: ProjectType, STAGE: Stage, LEVEL: KeyLevel, MATURITY: Maturity, CHANNEL: Channel}

# The column each service argument comes from.
SOURCE = {
    "name": NAME,
    "description": CONTENT,
    "project_type": TYPE,
    "key_level": LEVEL,
    "maturity": MATURITY,
    "channel": CHANNEL,
    "lead_unit": LEAD,
    "town": TOWN,
    "owner_enterprise": OWNER,
    "owner_name": OWNER,
    "total_investment": TOTAL,
    "invested_before": BEFORE,
    "start_date": START,
    "end_date": END,
}

DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFE0E0")
ERROR_FONT = Font(color="C00000", bold=True)
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"

NOT_XLSX = "文件不是有效的Excel（.xlsx）文件"
TOO_BIG = f"文件超过{MAX_BYTES // 1024 // 1024}MB，请拆分后分批导入。"
NO_ROWS = f"文件中没有项目数据，请在“{SHEET}”表的表头下逐行填写。"


@dataclass(frozen=True)
class RowError:
    """One problem in one row (``row`` is the Excel row number; 0 for the whole file)."""

    row: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_workbook: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# --- template ------------------------------------------------------------------------------

EXAMPLE = {
    CODE: "GY-2025-001",
    NAME: "智能检测装备产业园一期",
    TYPE: "产业",
    STAGE: "在建",
    LEVEL: "区级重点",
    LEAD: "区经信委",
    OWNER: "重庆永川智测装备有限公司",
    TOWN: "卫星湖街道",
    TOTAL: 50000,
    BEFORE: 12000,
    START: date(2024, 6, 1),
    END: date(2026, 12, 31),
    CONTENT: "新建标准厂房8万平方米及配套设施。",
    PLAN: 18000,
}

HELP = [
    (CODE, "否", "系统中已有该编号的项目时，本行更新该项目；否则新增项目。同一文件内不能重复。"),
    (NAME, "是", "不超过200字。"),
    (TYPE, "是", "产业、基础设施、城市更新或社会民生。"),
    (STAGE, "否", "谋划、储备、前期、新开工、在建、竣工或投产；新增项目不填按谋划。已有项目的阶段请在项目页面调整。"),
    (LEVEL, "否", "市级重点、区级重点或一般项目；不填按区级重点。"),
    (LEAD, "是", "一个牵头单位，可填全称、简称或别称，如“区经信委”。"),
    (OWNER, "否", "企业名录中的企业按名称自动关联；其他业主照填名称。"),
    (TOWN, "否", "项目所在的镇或街道。"),
    (TOTAL, "是", "以万元为单位的数字，不能为负数。"),
    (BEFORE, "否", "开工以来至上年底累计完成的投资，万元。"),
    (START, "否", "如 2025-03-01；也可只填年月，如 2025-03。"),
    (END, "否", "不能早于计划开工。"),
    (MATURITY, "否", "储备项目的前期工作深度：策划构思、项目建议书、可行性研究、初步设计或具备开工条件。"),
    (CHANNEL, "否", "主要资金渠道，如中央预算内投资、超长期特别国债、地方政府专项债券、市级专项资金。"),
    (
        PLAN,
        "否",
        "导入时选择的年度的计划投资，万元。填写后按月度计划下达；月度计划都不填时，按计划开工至竣工的月份平均分解。",
    ),
    ("1月计划…12月计划", "否", "各月计划投资，万元；填写时12个月合计须等于年度计划投资。"),
]

HELP_NOTES = [
    "第2行为示例，导入前请删除或改写。",
    "表头名称须与本模板一致，列的先后顺序可以调整；“项目名称”“项目类型”“牵头单位”“总投资（万元）”四列必须有。",
    "导入时先检查全部行：只要有一行有错，就一条也不导入，并返回一份在最后一列“错误”中逐行标明问题的文件。",
    "从系统导出的台账可直接修改后重新导入；“本年完成投资”“状态”等导出列在导入时会被忽略。",
    "投资月报由牵头单位在项目页面逐月报送，不通过本表导入。",
]


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    ws.append([EXAMPLE.get(c) for c in COLUMNS])
    _style_header(ws, len(COLUMNS))
    last = MAX_ROWS + 1
    for idx, name in enumerate(COLUMNS, 1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = WIDTHS[name]
        if name == CODE:
            ws.column_dimensions[letter].number_format = "@"
        if name in (START, END):
            ws.cell(row=2, column=idx).number_format = DATE_FORMAT
    for name, choices in CHOICES.items():
        letter = get_column_letter(COLUMNS.index(name) + 1)
        labels = [str(label) for label in choices.labels]
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{name}无效",
            error=f"请从下拉列表中选择：{'、'.join(labels)}",
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["列名", "是否必填", "填写说明"])
    for row in HELP:
        help_ws.append(list(row))
    help_ws.append([])
    help_ws.append(["注意事项"])
    for note in HELP_NOTES:
        help_ws.append(["", "", note])
    _style_header(help_ws, 3)
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in help_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    return _save(wb)


def _style_header(ws, width: int) -> None:
    for idx in range(1, width + 1):
        cell = ws.cell(row=1, column=idx)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- import --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    code: str
    fields: dict  # keyword arguments for create_project / update_project
    stage: str | None
    plan: Decimal | None
    months: list | None
    existing: Project | None = None


class _Problems:
    def __init__(self) -> None:
        self.by_row: dict[int, list[str]] = {}

    def add(self, row: int, text: str) -> None:
        self.by_row.setdefault(row, []).append(text)

    def __bool__(self) -> bool:
        return bool(self.by_row)

    def errors(self) -> list[RowError]:
        return [
            RowError(row, f"第{row}行：{text}" if row else text)
            for row in sorted(self.by_row)
            for text in self.by_row[row]
        ]


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every write made so far."""


def import_projects(actor, file_or_bytes, *, year: int) -> ImportResult:
    """Register or update the projects of an uploaded 项目台账, all or nothing; plans are for ``year``."""
    data = _read_bytes(file_or_bytes)
    if data is None:
        return _whole_file(TOO_BIG)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, an .xls, a text file … all read the same to a person
        return _whole_file(NOT_XLSX)
    try:
        return _import(actor, wb, year)
    finally:
        wb.close()


def _read_bytes(file_or_bytes) -> bytes | None:
    if isinstance(file_or_bytes, bytes | bytearray | memoryview):
        data = bytes(file_or_bytes)
        return None if len(data) > MAX_BYTES else data
    size = getattr(file_or_bytes, "size", None)
    if isinstance(size, int) and size > MAX_BYTES:
        return None
    if hasattr(file_or_bytes, "seek"):
        file_or_bytes.seek(0)
    data = file_or_bytes.read(MAX_BYTES + 1)
    return None if len(data) > MAX_BYTES else data


def _whole_file(message: str) -> ImportResult:
    return ImportResult(errors=[RowError(0, message)])


def _import(actor, wb, year: int) -> ImportResult:
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    try:
        header_number, header, sheet_rows = _read_sheet(ws)
    except _TooManyRows:
        return _whole_file(f"文件超过{MAX_ROWS}行项目，请拆分后分批导入。")
    except Exception:  # a workbook whose sheet XML cannot be read
        return _whole_file(NOT_XLSX)
    if not sheet_rows:
        return _whole_file(NO_ROWS)
    problems = _Problems()
    columns = _map_header(header, problems, header_number)
    data_rows = [(n, values) for n, values in sheet_rows if n > header_number and not _is_empty(values)]
    if not problems and not data_rows:
        return _whole_file(NO_ROWS)
    rows: list[_Row] = []
    if not problems:
        rows = _parse_rows(actor, data_rows, columns, problems)
    if problems:
        return _failed(problems, header_number, header, sheet_rows)
    result = ImportResult()
    try:
        with transaction.atomic():
            _write_all(actor, rows, year, problems, result)
            if problems:
                raise _Rollback
    except _Rollback:
        return _failed(problems, header_number, header, sheet_rows)
    return result


class _TooManyRows(Exception):
    pass


def _read_sheet(ws) -> tuple[int, list[str], list[tuple[int, tuple]]]:
    """(header row number, header cells, every non-empty row as (number, values))."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    all_rows = enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)
    top: list[tuple[int, tuple]] = []
    for number, values in all_rows:
        if not _is_empty(values):
            top.append((number, tuple(values)))
        if number >= HEADER_SCAN_ROWS:
            break
    if not top:
        return 0, [], []
    header_at = 0
    for idx, (_number, values) in enumerate(top):
        if len({_normalise_header(v) for v in values} & set(COLUMNS)) >= 2:
            header_at = idx
            break
    header_number, header_values = top[header_at]
    header = [_text(v) for v in header_values]
    while header and not header[-1]:
        header.pop()
    width = max(len(header), 1)
    rows = [(number, values[:width]) for number, values in top]
    count = sum(1 for number, values in rows if number > header_number)
    for number, values in all_rows:
        values = tuple(values[:width])
        if _is_empty(values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _TooManyRows
        rows.append((number, values))
    return header_number, header, rows


def _normalise_header(value) -> str:
    text = re.sub(r"\s+", "", _text(value))
    text = re.sub(r"[*＊]|[（(]必填[)）]", "", text)
    if text in COLUMNS:
        return text
    bare = re.sub(r"[（(]万元[)）]", "", text)
    if bare in SYNONYMS:
        return SYNONYMS[bare]
    return next((c for c in COLUMNS if re.sub(r"[（(]万元[)）]", "", c) == bare), text)


def _map_header(header: list[str], problems: _Problems, header_number: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for idx, raw in enumerate(header):
        name = _normalise_header(raw)
        if name in COLUMNS:
            if name in columns:
                problems.add(header_number, f"表头“{name}”出现了两次，请只保留一列。")
            else:
                columns[name] = idx
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        names = "、".join(f"“{c}”" for c in missing)
        problems.add(header_number, f"缺少必填列{names}，请使用导入模板的表头。")
    return columns


def _is_empty(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def _date(value) -> date:
    """A date from an Excel cell (a year and month alone mean its first day); ValueError when it is none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise ValueError
        return from_excel(value).date()
    match = DATE_TEXT.match(_text(value))
    if not match:
        raise ValueError
    y, m, d = match.groups()
    return date(int(y), int(m), int(d or 1))


def _by_label(choices) -> dict[str, str]:
    return {str(c.label): c.value for c in choices} | {c.value: c.value for c in choices}


def _parse_rows(actor, data_rows, columns: dict[str, int], problems: _Problems) -> list[_Row]:
    cache: dict[str, Unit | None] = {}

    def unit(name: str) -> Unit | None:
        if name not in cache:
            cache[name] = find_unit(name)
        return cache[name]

    def cell(values, name: str):
        idx = columns.get(name)
        return values[idx] if idx is not None and idx < len(values) else None

    labels = {name: _by_label(choices) for name, choices in CHOICES.items()}
    codes = [_text(cell(v, CODE)) for _, v in data_rows]
    existing = {
        p.code: p
        for p in queries.visible_projects(actor).filter(code__in=[c for c in codes if c]).select_related("lead_unit")
    }
    owners = {e.name: e for e in Enterprise.objects.filter(name__in=[_text(cell(v, OWNER)) for _, v in data_rows])}
    first_row: dict[str, int] = {}
    rows = []
    for number, values in data_rows:

        def fail(text: str, number=number) -> None:
            problems.add(number, text)

        texts = {name: _text(cell(values, name)) for name in COLUMNS}
        for name in REQUIRED:
            if not texts[name]:
                fail(f"未填写“{name}”")
        code = texts[CODE]
        if code:
            if len(code) > 30:
                fail("项目编号超过30个字")
            if code in first_row:
                fail(f"项目编号“{code}”与第{first_row[code]}行重复")
            first_row.setdefault(code, number)
        if len(texts[NAME]) > 200:
            fail("项目名称超过200个字，请精简")
        fields: dict = {"name": texts[NAME], "description": texts[CONTENT]}
        for name, key in ((TYPE, "project_type"), (LEVEL, "key_level"), (MATURITY, "maturity"), (CHANNEL, "channel")):
            if texts[name]:
                value = labels[name].get(texts[name].replace(" ", ""))
                if value is None:
                    options = "、".join(str(label) for label in CHOICES[name].labels)
                    fail(f"{name}“{texts[name]}”无效，请填写{options}")
                fields[key] = value
        stage = None
        if texts[STAGE]:
            stage = labels[STAGE].get(texts[STAGE].replace(" ", ""))
            if stage is None:
                fail(f"建设阶段“{texts[STAGE]}”无效，请填写{'、'.join(str(s) for s in Stage.labels)}")
        lead = unit(texts[LEAD]) if texts[LEAD] else None
        if texts[LEAD] and lead is None:
            fail(f"牵头单位“{texts[LEAD]}”不存在，请使用单位全称或简称")
        fields["lead_unit"] = lead
        town = unit(texts[TOWN]) if texts[TOWN] else None
        if texts[TOWN] and (town is None or town.kind != UnitKind.TOWN):
            fail(f"所在镇街“{texts[TOWN]}”不是本区的镇或街道")
        fields["town"] = town
        owner = owners.get(texts[OWNER])
        fields["owner_enterprise"] = owner
        fields["owner_name"] = "" if owner else texts[OWNER][:200]
        for name, key in ((TOTAL, "total_investment"), (BEFORE, "invested_before")):
            if texts[name]:
                fields[key] = _amount(cell(values, name), name, fail)
        if BEFORE in columns and not texts[BEFORE]:
            fields["invested_before"] = Decimal(0)
        for name, key in ((START, "start_date"), (END, "end_date")):
            fields[key] = None
            if texts[name]:
                try:
                    fields[key] = _date(cell(values, name))
                except (ValueError, OverflowError):
                    fail(f"{name}“{texts[name]}”不是有效日期，请按2025-03-31的格式填写")
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            fail("计划竣工早于计划开工")
        plan = _amount(cell(values, PLAN), PLAN, fail) if texts[PLAN] else None
        months = None
        if any(texts[m] for m in MONTHS):
            months = [_amount(cell(values, m), m, fail) if texts[m] else Decimal(0) for m in MONTHS]
            if plan is None:
                fail("填写了月度计划，但没有填写年度计划投资")
            elif None not in months and sum(months, Decimal(0)) != plan:
                fail(f"1—12月计划合计{sum(months, Decimal(0))}万元，与年度计划投资{plan}万元不一致")
        # Only what the sheet has a column for: a sheet without 建设内容 leaves descriptions alone.
        fields = {key: value for key, value in fields.items() if SOURCE[key] in columns}
        current = existing.get(code) if code else None
        if current is not None and stage and stage != current.stage:
            fail(f"建设阶段与系统中不一致（系统中为{current.get_stage_display()}），请在项目页面调整阶段")
        if current is None and code and Project.objects.filter(code=code).exists():
            fail(f"项目编号“{code}”已被您无权修改的项目使用")
        rows.append(_Row(number, code, fields, stage, plan, months, current))
    return rows


def _amount(value, name: str, fail) -> Decimal | None:
    try:
        return services.parse_amount(value, field=name, label=name.split("（")[0])
    except DomainError as exc:
        fail(exc.message.rstrip("。"))
        return None


def _write_all(actor, rows: list[_Row], year: int, problems: _Problems, result: ImportResult) -> None:
    for row in rows:
        try:
            if row.existing is not None:
                fields = {k: v for k, v in row.fields.items() if k != "lead_unit" or v.pk != row.existing.lead_unit_id}
                project = services.update_project(actor, row.existing, **fields)
                result.updated += 1
            else:
                project = services.create_project(actor, code=row.code, stage=row.stage or Stage.PLANNING, **row.fields)
                result.created += 1
            if row.plan is not None:
                services.set_year_plan(actor, project, year=year, amount=row.plan, months=row.months)
        except DomainError as exc:
            problems.add(row.number, exc.message.rstrip("。"))


def _failed(problems: _Problems, header_number: int, header: list[str], sheet_rows) -> ImportResult:
    return ImportResult(
        errors=problems.errors(), error_workbook=_error_workbook(problems, header_number, header, sheet_rows)
    )


def _error_workbook(problems: _Problems, header_number: int, header: list[str], sheet_rows) -> bytes:
    """The uploaded rows, at their original row numbers, with a 错误 column; bad rows highlighted."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    width = max(len(header), 1)
    for idx, name in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS.get(_normalise_header(name), 14)
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    if header_number:
        ws.freeze_panes = f"A{header_number + 1}"
    written = 0
    for number, values in sheet_rows:
        while written < number - 1:
            ws.append([])
            written += 1
        values = list(values[:width]) + [None] * (width - len(values[:width]))
        texts = problems.by_row.get(number)
        if number == header_number:
            label = f"{ERROR_HEADER}：{'；'.join(texts)}" if texts else ERROR_HEADER
            cells = []
            for value in [*values, label]:
                cell = WriteOnlyCell(ws, value=value)
                cell.font = ERROR_FONT if texts else HEADER_FONT
                cell.fill = ERROR_FILL if texts else HEADER_FILL
                cells.append(cell)
            ws.append(cells)
        elif texts:
            cells = []
            for value in values:
                cell = WriteOnlyCell(ws, value=_plain(value))
                cell.fill = ERROR_FILL
                cells.append(cell)
            error = WriteOnlyCell(ws, value="；".join(texts))
            error.font = ERROR_FONT
            error.fill = ERROR_FILL
            error.alignment = Alignment(wrap_text=True, vertical="top")
            ws.append([*cells, error])
        else:
            ws.append([_plain(v) for v in values])
        written += 1
    return _save(wb)


def _plain(value):
    return value.date() if isinstance(value, datetime) and value.time() == datetime.min.time() else value


# --- export --------------------------------------------------------------------------------


def export_projects(projects: Iterable[Project], *, year: int) -> bytes:
    """Any list of projects as a 项目台账 .xlsx, in the import's columns (plans of ``year``) plus figures and status."""
    out = io.BytesIO()
    write_projects(projects, out, year=year)
    return out.getvalue()


def write_projects(projects: Iterable[Project], out, *, year: int) -> None:
    if isinstance(projects, QuerySet):
        projects = projects.select_related("lead_unit", "town", "owner_enterprise").prefetch_related(None)
    projects = list(projects)
    plans: dict[int, dict[int, Decimal]] = {}
    rows = MonthPlan.objects.filter(plan__project__in=[p.pk for p in projects], plan__year=year)
    for project_id, month, amount in rows.values_list("plan__project_id", "month", "amount"):
        plans.setdefault(project_id, {})[month] = amount
    year_amounts = dict(
        YearPlan.objects.filter(project__in=[p.pk for p in projects], year=year).values_list("project_id", "amount")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for idx, name in enumerate(EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS[name]
    ws.freeze_panes = "C2"
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    ws.append(header)
    for project in projects:
        months = plans.get(project.pk, {})
        plan = year_amounts.get(project.pk)
        ws.append(
            [
                project.code or None,
                project.name,
                _label(ProjectType, project.project_type),
                _label(Stage, project.stage),
                _label(KeyLevel, project.key_level),
                project.lead_unit.name,
                project.owner_display or None,
                project.town.name if project.town_id else None,
                _money(ws, project.total_investment),
                _money(ws, project.invested_before),
                _date_cell(ws, project.start_date),
                _date_cell(ws, project.end_date),
                project.description or None,
                _label(Maturity, project.maturity) if project.maturity else None,
                _label(Channel, project.channel) if project.channel else None,
                _money(ws, plan),
                *[_money(ws, months.get(m)) if plan is not None else None for m in range(1, 13)],
                _money(ws, project.year_done),
                _money(ws, project.invested),
                project.percent if project.year_plan else None,
                _label(Status, project.status),
                _label(Colour, project.colour),
                project.status_reason or None,
            ]
        )
    wb.save(out)


def _money(ws, value: Decimal | None):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def _date_cell(ws, value: date | None):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
