"""The supervision ledger (督办台账) in Excel: the template, the all-or-nothing import and the export.

Units have kept their ledgers in Excel for years; this module lets them bring those sheets in
and take any filtered list back out, in the same columns, so that an exported file re-imports.

- :func:`template_workbook` — an empty ledger with an example row, drop-down lists and a sheet of instructions.
- :func:`import_ledger` — reads every row first; any bad row means nothing is written and the uploaded rows
  come back with a 错误 column. Every task is created through :func:`luoshi.ledger.services.create_task`.
- :func:`export_tasks` — a streaming (write-only) export of any list or queryset of tasks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.core.errors import DomainError
from luoshi.ledger import services
from luoshi.ledger.choices import Cadence, Priority, SourceKind
from luoshi.ledger.models import AreaTag, Source, Task
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit
from luoshi.org.queries import find_unit
from luoshi.tracking.choices import Colour, Status

SHEET = "督办台账"
HELP_SHEET = "填写说明"
ERROR_HEADER = "错误"

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100  # an uploaded sheet is read this far to the right, no further
HEADER_SCAN_ROWS = 10  # a title row or two above the header is tolerated

# Column keys, in the order the template and the export write them.
CODE, PARENT, TITLE, DESCRIPTION, LEAD, CO_UNITS, START, DUE, CADENCE, PRIORITY, AREAS, SOURCE = (
    "编号",
    "上级编号",
    "任务",
    "具体要求",
    "牵头单位",
    "配合单位",
    "开始日期",
    "完成时限",
    "报送频次",
    "优先级",
    "领域",
    "来源",
)
COLUMNS = [CODE, PARENT, TITLE, DESCRIPTION, LEAD, CO_UNITS, START, DUE, CADENCE, PRIORITY, AREAS, SOURCE]
REQUIRED = [TITLE, LEAD, START, DUE]
EXPORT_ONLY = ["状态", "颜色", "状态说明", "完成进度", "完成日期", "销号日期"]
EXPORT_COLUMNS = COLUMNS + EXPORT_ONLY

# Headers older ledgers use for the same thing.
SYNONYMS = {
    "序号编号": CODE,
    "任务编号": CODE,
    "上级任务编号": PARENT,
    "父任务编号": PARENT,
    "任务内容": TITLE,
    "工作任务": TITLE,
    "任务名称": TITLE,
    "工作要求": DESCRIPTION,
    "责任单位": LEAD,
    "牵头部门": LEAD,
    "配合部门": CO_UNITS,
    "协同单位": CO_UNITS,
    "完成时间": DUE,
    "截止日期": DUE,
    "完成期限": DUE,
    "起始日期": START,
    "开始时间": START,
    "任务来源": SOURCE,
}

WIDTHS = {
    CODE: 10,
    PARENT: 10,
    TITLE: 40,
    DESCRIPTION: 50,
    LEAD: 24,
    CO_UNITS: 30,
    START: 13,
    DUE: 13,
    CADENCE: 10,
    PRIORITY: 8,
    AREAS: 16,
    SOURCE: 30,
    "状态": 10,
    "颜色": 8,
    "状态说明": 40,
    "完成进度": 10,
    "完成日期": 13,
    "销号日期": 13,
}

MAX_LENGTHS = {CODE: 30, TITLE: 300, SOURCE: 200}

CADENCE_BY_LABEL = {str(c.label): c.value for c in Cadence} | {c.value: c.value for c in Cadence}
PRIORITY_BY_LABEL = {str(p.label): p.value for p in Priority} | {str(p.value): p.value for p in Priority}

UNIT_SEPARATORS = re.compile(r"[、，,；;\n]+")
AREA_SEPARATORS = re.compile(r"[、，,；;\n]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFE0E0")
ERROR_FONT = Font(color="C00000", bold=True)
DATE_FORMAT = "yyyy-mm-dd"

NOT_XLSX = "文件不是有效的Excel（.xlsx）文件"
TOO_BIG = f"文件超过{MAX_BYTES // 1024 // 1024}MB，请拆分后分批导入。"
NO_ROWS = f"文件中没有任务数据，请在“{SHEET}”表的表头下逐行填写。"


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem found in one row (``row`` is the Excel row number; 0 for the whole file)."""

    row: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_workbook: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# --- template ------------------------------------------------------------------------------

EXAMPLE_ROW = {
    CODE: "1",
    PARENT: "",
    TITLE: "推动规上工业企业数字化改造",
    DESCRIPTION: "年内完成不少于20家企业数字化诊断，形成改造清单并按月推进。",
    LEAD: "区经信委",
    CO_UNITS: "区商务委、中山路街道",
    START: date(2025, 3, 1),
    DUE: date(2025, 12, 31),
    CADENCE: str(Cadence.MONTHLY.label),
    PRIORITY: str(Priority.HIGH.label),
    AREAS: "工业、改革",
    SOURCE: "区政府常务会议",
}

HELP = [
    (
        CODE,
        "否",
        "本表内任务的编号，如 1、1.1、2。有下级任务时必须填写，同一文件内不能重复；按文本填写，1.10 不会变成 1.1。",
    ),
    (PARENT, "否", "上级任务的编号：可以是本文件中的编号，也可以是系统中已有任务的编号。顶层任务不填。"),
    (TITLE, "是", "任务内容，不超过300字。"),
    (DESCRIPTION, "否", "具体要求、工作目标、完成标准等。"),
    (
        LEAD,
        "是",
        "一个牵头单位。可填单位全称，也可填简称或别称，如“区经信委”“区经济和信息化委员会”。"
        "您只能为自己有督查权限的单位交办任务。",
    ),
    (CO_UNITS, "否", "可填多个单位，用顿号“、”、逗号“，”或“,”分隔；单位名称规则同牵头单位。"),
    (START, "是", "填写如 2025-03-31 的日期，或直接使用 Excel 日期格式。"),
    (DUE, "是", "填写如 2025-12-31 的日期，或直接使用 Excel 日期格式；不能早于开始日期。"),
    (CADENCE, "否", "每周、每两周、每月、每季度或不定期；不填按每月。"),
    (PRIORITY, "否", "重点、一般或较低；不填按一般。"),
    (AREAS, "否", "任务所属领域，可填多个，用顿号“、”分隔，如“工业、开放”。"),
    (SOURCE, "否", "会议、文件或领导批示的名称；系统中没有的来源会自动登记。下级任务不填时沿用上级任务的来源。"),
]

HELP_NOTES = [
    "第2行为示例，导入前请删除或改写。",
    "表头名称须与本模板一致，列的先后顺序可以调整；“任务”“牵头单位”“开始日期”“完成时限”四列必须有。",
    "空行会被跳过。一次最多导入20000行、文件不超过10MB。",
    "导入时先检查全部行：只要有一行有错，就一条也不导入，并返回一份在最后一列“错误”中逐行标明问题的文件，修改后重新上传即可。",
    "从系统导出的台账可直接修改后重新导入；“状态”“颜色”等导出列在导入时会被忽略。",
]


def template_workbook() -> bytes:
    """An empty 督办台账 to fill in: headers, one example row, drop-downs and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    ws.append([EXAMPLE_ROW[c] or None for c in COLUMNS])
    _style_header(ws, len(COLUMNS))
    last = MAX_ROWS + 1
    for idx, name in enumerate(COLUMNS, 1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = WIDTHS[name]
        if name in (CODE, PARENT):
            # Text, so that 1.10 stays 1.10 and is not read back as the number 1.1.
            ws.column_dimensions[letter].number_format = "@"
            for row in ws.iter_rows(min_row=2, max_row=2, min_col=idx, max_col=idx):
                row[0].number_format = "@"
        if name in (START, DUE):
            ws.column_dimensions[letter].number_format = DATE_FORMAT
            ws.cell(row=2, column=idx).number_format = DATE_FORMAT
    for name, labels in ((CADENCE, Cadence.labels), (PRIORITY, Priority.labels)):
        letter = get_column_letter(COLUMNS.index(name) + 1)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(str(label) for label in labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{name}无效",
            error=f"请从下拉列表中选择：{'、'.join(str(label) for label in labels)}",
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
    for name in (START, DUE):
        letter = get_column_letter(COLUMNS.index(name) + 1)
        dv = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="36526",  # 2000-01-01
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{name}无效",
            error="请填写日期，如 2025-03-31。",
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["列名", "是否必填", "填写说明"])
    for row in HELP:
        help_ws.append(list(row))
    help_ws.append([])
    help_ws.append(["注意事项"])
    for note in HELP_NOTES:
        help_ws.append(["", "", note])
    _style_header(help_ws, 3)
    help_ws.column_dimensions["A"].width = 12
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in help_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    help_ws.cell(row=len(HELP) + 3, column=1).font = HEADER_FONT
    help_ws.freeze_panes = "A2"
    return _save(wb)


def _style_header(ws, width: int) -> None:
    for idx in range(1, width + 1):
        cell = ws.cell(row=1, column=idx)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- import --------------------------------------------------------------------------------


@dataclass
class _Row:
    """One data row, parsed: what create_task needs, plus where it came from."""

    number: int
    code: str
    parent_code: str
    title: str
    description: str
    lead: Unit | None
    co_units: list[Unit]
    start: date | None
    due: date | None
    cadence: str
    priority: int
    areas: list[str]
    source_title: str


class _Problems:
    """Problems found so far, row by row, in the order they were found."""

    def __init__(self) -> None:
        self.by_row: dict[int, list[str]] = {}

    def add(self, row: int, text: str) -> None:
        self.by_row.setdefault(row, []).append(text)

    def __bool__(self) -> bool:
        return bool(self.by_row)

    def errors(self) -> list[RowError]:
        out = []
        for row in sorted(self.by_row):
            for text in self.by_row[row]:
                out.append(RowError(row, f"第{row}行：{text}" if row else text))
        return out


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every task created so far."""


def import_ledger(actor, file_or_bytes, *, source: Source | None = None) -> ImportResult:
    """Create the tasks of an uploaded 督办台账, all or nothing.

    Every row is read and checked first; if any row is wrong nothing is written and the result
    carries the errors and ``error_workbook`` (the uploaded rows with a 错误 column). Otherwise
    the tasks are created, parents before children, in one transaction through
    :func:`services.create_task`, which checks ``actor``'s permission for each lead unit; a
    refusal there undoes the whole import and is reported against its row. ``source`` is the
    来源 of top-level rows that name none.
    """
    data = _read_bytes(file_or_bytes)
    if data is None:
        return _whole_file(TOO_BIG)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, an .xls, a text file … all read the same to a person
        return _whole_file(NOT_XLSX)
    try:
        return _import(actor, wb, source)
    finally:
        wb.close()


def _read_bytes(file_or_bytes) -> bytes | None:
    """The upload's bytes, or None when it is over the size limit (read no further than that)."""
    if isinstance(file_or_bytes, bytes | bytearray | memoryview):
        data = bytes(file_or_bytes)
        return None if len(data) > MAX_BYTES else data
    size = getattr(file_or_bytes, "size", None)
    if isinstance(size, int) and size > MAX_BYTES:
        return None
    if hasattr(file_or_bytes, "seek"):
        file_or_bytes.seek(0)
    data = file_or_bytes.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode()
    return None if len(data) > MAX_BYTES else data


def _whole_file(message: str) -> ImportResult:
    return ImportResult(created=0, errors=[RowError(0, message)], error_workbook=None)


def _import(actor, wb, default_source: Source | None) -> ImportResult:
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    try:
        header_number, header, sheet_rows = _read_sheet(ws)
    except _TooManyRows:
        return _whole_file(f"文件超过{MAX_ROWS}行任务，请拆分后分批导入。")
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
        rows = _parse_rows(data_rows, columns, problems)
        _check_tree(actor, rows, problems)
    if problems:
        return _failed(problems, header_number, header, sheet_rows)

    try:
        with transaction.atomic():
            created = _create_all(actor, rows, default_source, problems)
            if problems:
                raise _Rollback
    except _Rollback:
        return _failed(problems, header_number, header, sheet_rows)
    return ImportResult(created=created, errors=[], error_workbook=None)


class _TooManyRows(Exception):
    pass


def _read_sheet(ws) -> tuple[int, list[str], list[tuple[int, tuple]]]:
    """(header row number, header cells, every non-empty row as (number, values)).

    The header is the first of the top rows that names at least two ledger columns (a title
    line above it is tolerated), else the first non-empty row.
    """
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some tools write a wrong dimension; read every row that is there
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
    data_count = sum(1 for number, values in rows if number > header_number and not _is_empty(values))
    for number, values in all_rows:
        values = tuple(values[:width])
        if _is_empty(values):
            continue
        data_count += 1
        if data_count > MAX_ROWS:
            break
        rows.append((number, values))
    if data_count > MAX_ROWS:
        raise _TooManyRows
    return header_number, header, rows


def _normalise_header(value) -> str:
    text = re.sub(r"\s+", "", _text(value))
    text = re.sub(r"[*＊]|[（(]必填[)）]", "", text)
    return SYNONYMS.get(text, text)


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


def _date(value) -> date | None:
    """A date from an Excel cell; raises ValueError when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        # A date serial in a cell without a date format (Excel counts days from 1899-12-30).
        if not 1 <= value < 2958466:
            raise ValueError
        return from_excel(value).date()
    match = DATE_TEXT.match(_text(value))
    if not match:
        raise ValueError
    return date(*(int(part) for part in match.groups()))


def _parse_rows(data_rows, columns: dict[str, int], problems: _Problems) -> list[_Row]:
    unit_cache: dict[str, Unit | None] = {}

    def unit(name: str) -> Unit | None:
        if name not in unit_cache:
            unit_cache[name] = find_unit(name)
        return unit_cache[name]

    def cell(values, name: str):
        idx = columns.get(name)
        return values[idx] if idx is not None and idx < len(values) else None

    rows = []
    for number, values in data_rows:

        def fail(text: str, number=number) -> None:
            problems.add(number, text)

        texts = {name: _text(cell(values, name)) for name in COLUMNS}
        for name in REQUIRED:
            if not texts[name]:
                fail(f"未填写“{name}”")
        for name, limit in MAX_LENGTHS.items():
            if len(texts[name]) > limit:
                fail(f"{name}超过{limit}个字，请精简")

        lead = None
        if texts[LEAD]:
            lead = unit(texts[LEAD])
            if lead is None:
                fail(f"牵头单位“{texts[LEAD]}”不存在，请使用单位全称或简称")
            elif not lead.is_active:
                fail(f"牵头单位“{texts[LEAD]}”已停用，请改填现在的单位")
        co_units: list[Unit] = []
        for name in UNIT_SEPARATORS.split(texts[CO_UNITS]):
            name = name.strip()
            if not name:
                continue
            found = unit(name)
            if found is None:
                fail(f"配合单位“{name}”不存在，请使用单位全称或简称")
            elif not found.is_active:
                fail(f"配合单位“{name}”已停用，请改填现在的单位")
            elif found not in co_units:
                co_units.append(found)

        dates: dict[str, date | None] = {}
        for name in (START, DUE):
            raw = cell(values, name)
            dates[name] = None
            if texts[name]:
                try:
                    dates[name] = _date(raw)
                except (ValueError, OverflowError):
                    fail(f"{name}“{texts[name]}”不是有效日期，请按2025-03-31的格式填写或使用Excel日期")
        if dates[START] and dates[DUE] and dates[DUE] < dates[START]:
            fail("完成时限早于开始日期")

        cadence = Cadence.MONTHLY.value
        if texts[CADENCE]:
            cadence = CADENCE_BY_LABEL.get(texts[CADENCE].replace(" ", ""), "")
            if not cadence:
                fail(f"报送频次“{texts[CADENCE]}”无效，请填写每周、每两周、每月、每季度或不定期")
        priority = Priority.NORMAL.value
        if texts[PRIORITY]:
            priority = PRIORITY_BY_LABEL.get(texts[PRIORITY].replace(" ", ""), 0)
            if not priority:
                fail(f"优先级“{texts[PRIORITY]}”无效，请填写重点、一般或较低")
        areas = []
        for name in AREA_SEPARATORS.split(texts[AREAS]):
            name = name.strip()
            if not name:
                continue
            if len(name) > 20:
                fail(f"领域“{name}”超过20个字")
            elif name not in areas:
                areas.append(name)

        rows.append(
            _Row(
                number=number,
                code=texts[CODE],
                parent_code=texts[PARENT],
                title=texts[TITLE],
                description=texts[DESCRIPTION],
                lead=lead,
                co_units=co_units,
                start=dates[START],
                due=dates[DUE],
                cadence=cadence,
                priority=priority,
                areas=areas,
                source_title=texts[SOURCE],
            )
        )
    return rows


def _check_tree(actor, rows: list[_Row], problems: _Problems) -> None:
    """编号 unique in the file; every 上级编号 found in the file or the database; no cycles."""
    first_row: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in first_row:
            problems.add(row.number, f"编号“{row.code}”与第{first_row[row.code]}行重复")
        else:
            first_row[row.code] = row.number

    outside = {r.parent_code for r in rows if r.parent_code and r.parent_code not in first_row}
    known = _tasks_by_code(actor, outside)
    for row in rows:
        code = row.parent_code
        if not code:
            continue
        if code == row.code:
            problems.add(row.number, "上级编号不能与本行编号相同")
        elif code not in first_row:
            matches = known.get(code, [])
            if not matches:
                problems.add(row.number, f"上级编号“{code}”在本文件和系统中都找不到")
            elif len(matches) > 1:
                problems.add(row.number, f"上级编号“{code}”在系统中对应多项任务，请改用唯一的编号")

    by_code = {r.code: r for r in rows if r.code and first_row.get(r.code) == r.number}
    for row in rows:
        seen = {row.number}
        parent = by_code.get(row.parent_code) if row.parent_code != row.code else None
        while parent is not None:
            if parent.number in seen:
                problems.add(row.number, f"上级编号“{row.parent_code}”形成循环，任务不能是自己的下级")
                break
            seen.add(parent.number)
            parent = by_code.get(parent.parent_code) if parent.parent_code != parent.code else None


def _tasks_by_code(actor, codes: set[str]) -> dict[str, list[Task]]:
    """Existing tasks with these 编号 that ``actor`` may see."""
    found: dict[str, list[Task]] = {}
    codes_list = sorted(codes)
    visible = permissions.restrict(
        Task.objects.all(), actor, (*services.STEERING, Role.LEADER), field="lead_unit"
    ).select_related("source")
    for offset in range(0, len(codes_list), 500):
        for task in visible.filter(code__in=codes_list[offset : offset + 500]):
            found.setdefault(task.code, []).append(task)
    return found


def _in_tree_order(rows: list[_Row]) -> list[_Row]:
    """Parents (in the file) before their children; otherwise the file's order. Cycles were refused before."""
    by_code = {r.code: r for r in rows if r.code}
    depth: dict[int, int] = {}
    for row in rows:
        chain: list[_Row] = []
        in_chain: set[int] = set()
        current: _Row | None = row
        while current is not None and current.number not in depth and current.number not in in_chain:
            chain.append(current)
            in_chain.add(current.number)
            current = by_code.get(current.parent_code) if current.parent_code != current.code else None
        base = depth.get(current.number, -1) if current is not None else -1
        for offset, item in enumerate(reversed(chain), 1):
            depth[item.number] = base + offset
    return sorted(rows, key=lambda r: (depth[r.number], r.number))


def _create_all(actor, rows: list[_Row], default_source: Source | None, problems: _Problems) -> int:
    """Create every row's task; problems from the services are recorded against their rows."""
    in_file = {r.code for r in rows if r.code}
    existing = _tasks_by_code(actor, {r.parent_code for r in rows if r.parent_code and r.parent_code not in in_file})
    created: dict[str, Task] = {}
    failed: dict[str, int] = {}  # 编号 → row number of rows that could not be created
    sources: dict[str, Source] = {}
    count = 0
    for row in _in_tree_order(rows):
        parent = None
        if row.parent_code:
            if row.parent_code in failed:
                problems.add(row.number, f"上级任务（第{failed[row.parent_code]}行）未能导入")
                if row.code:
                    failed[row.code] = row.number
                continue
            parent = created.get(row.parent_code) or existing[row.parent_code][0]
        try:
            source = None
            if row.source_title:
                source = sources.get(row.source_title) or _source_named(actor, row, rows)
                sources[row.source_title] = source
            elif parent is None:
                source = default_source
            task = services.create_task(
                actor,
                title=row.title,
                lead_unit=row.lead,
                start_date=row.start,
                due_date=row.due,
                parent=parent,
                source=source,
                co_units=row.co_units,
                cadence=row.cadence,
                priority=row.priority,
                areas=row.areas,
                code=row.code,
                description=row.description,
            )
        except DomainError as exc:
            problems.add(row.number, exc.message.rstrip("。"))
            if row.code:
                failed[row.code] = row.number
            continue
        if row.code:
            created[row.code] = task
        count += 1
    return count


def _source_named(actor, row: _Row, rows: list[_Row]) -> Source:
    """The 来源 called ``row.source_title``: the latest one of that name, else registered now."""
    source = Source.objects.filter(title=row.source_title).order_by("-held_on", "-id").first()
    if source is not None:
        return source
    # The ledger does not say when the meeting was held: take the earliest start of its tasks.
    held_on = min(r.start for r in rows if r.source_title == row.source_title)
    return services.create_source(
        actor,
        title=row.source_title,
        held_on=held_on,
        kind=SourceKind.OTHER,
        note="由督办台账导入时登记，日期按其任务的最早开始日期填写，请核对。",
    )


def _failed(problems: _Problems, header_number: int, header: list[str], sheet_rows) -> ImportResult:
    return ImportResult(
        created=0,
        errors=problems.errors(),
        error_workbook=_error_workbook(problems, header_number, header, sheet_rows),
    )


def _error_workbook(problems: _Problems, header_number: int, header: list[str], sheet_rows) -> bytes:
    """The uploaded rows, at their original row numbers, with a 错误 column; bad rows highlighted."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    width = max(len(header), 1)
    error_col = width + 1
    for idx, name in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS.get(_normalise_header(name), 14)
    ws.column_dimensions[get_column_letter(error_col)].width = 60
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
            # A problem with the header (a missing column) is written into the 错误 header itself.
            label = f"{ERROR_HEADER}：{'；'.join(texts)}" if texts else ERROR_HEADER
            cells = []
            for value in [*values, label]:
                cell = WriteOnlyCell(ws, value=value)
                cell.font = ERROR_FONT if texts else HEADER_FONT
                cell.fill = ERROR_FILL if texts else HEADER_FILL
                cells.append(cell)
            ws.append(cells)
        elif texts:
            cells = [_styled(ws, v, fill=ERROR_FILL) for v in values]
            cells.append(_error_cell(ws, texts))
            ws.append(cells)
        else:
            ws.append([_plain(v) for v in values])
        written += 1
    return _save(wb)


def _error_cell(ws, texts: list[str]) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value="；".join(texts))
    cell.font = ERROR_FONT
    cell.fill = ERROR_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _plain(value):
    return value.date() if isinstance(value, datetime) and value.time() == datetime.min.time() else value


def _styled(ws, value, *, fill: PatternFill) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_plain(value))
    cell.fill = fill
    return cell


# --- export --------------------------------------------------------------------------------


def export_tasks(tasks: Iterable[Task]) -> bytes:
    """Any list of tasks as a 督办台账 .xlsx, in the import's columns plus status and dates.

    A queryset is read in chunks and written in openpyxl's write-only mode, so a hundred
    thousand tasks do not have to fit in memory as objects or cells.
    """
    out = io.BytesIO()
    write_tasks(tasks, out)
    return out.getvalue()


def write_tasks(tasks: Iterable[Task], out) -> None:
    """Write the export of ``tasks`` to the binary file ``out`` (a response, a temporary file …)."""
    if isinstance(tasks, QuerySet):
        tasks = (
            tasks.select_related("lead_unit", "parent", "source")
            # The export reads only these two relations: the caller's own prefetches are dropped so
            # they cannot clash with these, and only the names are loaded (lighter for 100,000 rows).
            .prefetch_related(None)
            .prefetch_related(
                Prefetch("co_units", queryset=Unit.objects.only("id", "name")),
                Prefetch("areas", queryset=AreaTag.objects.only("id", "name")),
            )
            .iterator(chunk_size=2000)
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for idx, name in enumerate(EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS[name]
    ws.freeze_panes = "A2"
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    ws.append(header)
    for task in tasks:
        ws.append(_export_row(ws, task))
    wb.save(out)


def _export_row(ws, task: Task) -> list:
    return [
        task.code or None,
        (task.parent.code or None) if task.parent_id else None,
        task.title,
        task.description or None,
        task.lead_unit.name,
        "、".join(u.name for u in task.co_units.all()) or None,
        _date_cell(ws, task.start_date),
        _date_cell(ws, task.due_date),
        _label(Cadence, task.cadence),
        _label(Priority, task.priority),
        "、".join(a.name for a in task.areas.all()) or None,
        task.source.title if task.source_id else None,
        _label(Status, task.status),
        _label(Colour, task.colour),
        task.status_reason or None,
        task.percent,
        _date_cell(ws, task.done_on),
        _date_cell(ws, task.closed_on),
    ]


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
