"""The Excel kit behind every ledger import and export: all or nothing, with a row-by-row report.

Units keep their ledgers (督办台账, 项目台账 …) in Excel. Each app says what its sheet looks like
(a :class:`Layout`: the sheet's name, its columns, the older names of those columns, the limits)
and how to turn checked rows into objects through its services; this module does the rest the
same way everywhere:

- :func:`import_workbook` — reads an upload safely (size, row and column limits; anything that is
  not an .xlsx is one plain Chinese sentence), finds and maps the header row, hands the data rows
  to the app to check, and writes nothing unless every row is right. When a row is wrong the
  result carries the problems and an error workbook: the uploaded rows, at their own row numbers,
  with a 错误 column saying what is wrong next to each.
- Cell readers shared by the apps' row parsers: :func:`read_text`, :func:`read_date`, :func:`read_choice`.
- Template and export pieces: :func:`new_template`, :func:`add_choice_list`, :func:`export_sheet`,
  :func:`date_cell`, :func:`formatted_cell`, :func:`label`, :func:`style_header` and :func:`save`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

HELP_SHEET = "填写说明"
ERROR_HEADER = "错误"
NOT_XLSX = "文件不是有效的Excel（.xlsx）文件"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFE0E0")
ERROR_FONT = Font(color="C00000", bold=True)
DATE_FORMAT = "yyyy-mm-dd"

# 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日 (a time after it is ignored); 2025-03 and 2025年3月 have no day.
DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|月)?$"
)
LAST_EXCEL_SERIAL = 2958466  # 10000-01-01: a larger number in a date column is not a date

T = TypeVar("T")
NumberedRows = list[tuple[int, tuple]]  # (Excel row number, the row's values)


# --- what a sheet looks like ---------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What an app's Excel ledger looks like to its import: the sheet, its columns and its limits.

    ``noun`` names what one row is (任务, 项目) in the messages. ``synonyms`` maps headers older
    ledgers use to the column they mean; ``units`` are units a header may add in brackets
    (with ``units=("万元",)``, 总投资 and 总投资（万元） are the same column).
    """

    sheet: str
    noun: str
    columns: Sequence[str]
    required: Sequence[str]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    units: Sequence[str] = ()
    widths: Mapping[str, int] = field(default_factory=dict)
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 100  # an uploaded sheet is read this far to the right, no further
    header_scan_rows: int = 10  # a title line or two above the header is tolerated

    def column(self, value) -> str:
        """The column a header cell names: spaces, asterisks, （必填） and units are ignored.

        A header that names no column comes back as written (without its spaces).

        >>> layout = Layout("台账", "项目", ["项目名称", "总投资（万元）"], [], {"项目": "项目名称"}, ("万元",))
        >>> [layout.column(h) for h in ["*项目名称", "项目（必填）", "总投资", "总 投 资 (万元)", "备注 "]]
        ['项目名称', '项目名称', '总投资（万元）', '总投资（万元）', '备注']
        """
        text = re.sub(r"\s+", "", read_text(value))
        text = re.sub(r"[*＊]|[（(]必填[)）]", "", text)
        if text in self.columns:
            return text
        bare = self._without_units(text)
        if bare in self.synonyms:
            return self.synonyms[bare]
        return next((c for c in self.columns if self._without_units(c) == bare), text)

    def _without_units(self, text: str) -> str:
        for unit in self.units:
            text = re.sub(rf"[（(]{re.escape(unit)}[)）]", "", text)
        return text

    def map_header(self, header: Sequence[str], problems: Problems, header_row: int) -> Columns:
        """Where each known column is; a column given twice or a required one missing is a problem of the header row.

        >>> layout = Layout("台账", "任务", ["编号", "任务", "牵头单位"], ["任务", "牵头单位"])
        >>> problems = Problems()
        >>> layout.map_header(["任务", "备注", "编号", "编号"], problems, 1)
        {'任务': 0, '编号': 2}
        >>> [e.message for e in problems.errors()]
        ['第1行：表头“编号”出现了两次，请只保留一列。', '第1行：缺少必填列“牵头单位”，请使用导入模板的表头。']
        """
        columns = Columns()
        for idx, raw in enumerate(header):
            name = self.column(raw)
            if name in self.columns:
                if name in columns:
                    problems.add(header_row, f"表头“{name}”出现了两次，请只保留一列。")
                else:
                    columns[name] = idx
        missing = [c for c in self.required if c not in columns]
        if missing:
            names = "、".join(f"“{c}”" for c in missing)
            problems.add(header_row, f"缺少必填列{names}，请使用导入模板的表头。")
        return columns

    @property
    def too_big(self) -> str:
        """
        >>> Layout("台账", "任务", [], []).too_big
        '文件超过10MB，请拆分后分批导入。'
        """
        return f"文件超过{self.max_bytes // 1024 // 1024}MB，请拆分后分批导入。"

    @property
    def too_many_rows(self) -> str:
        """
        >>> Layout("台账", "项目", [], [], max_rows=5000).too_many_rows
        '文件超过5000行项目，请拆分后分批导入。'
        """
        return f"文件超过{self.max_rows}行{self.noun}，请拆分后分批导入。"

    @property
    def no_rows(self) -> str:
        """
        >>> Layout("督办台账", "任务", [], []).no_rows
        '文件中没有任务数据，请在“督办台账”表的表头下逐行填写。'
        """
        return f"文件中没有{self.noun}数据，请在“{self.sheet}”表的表头下逐行填写。"


class Columns(dict[str, int]):
    """Column name → its position in the uploaded rows, as the header row placed it."""

    def value(self, values: Sequence, name: str):
        """The cell of ``name`` in one row's ``values``; None when the sheet has no such column.

        >>> Columns({"任务": 1}).value(("1", "稳工业"), "任务"), Columns().value(("1",), "任务")
        ('稳工业', None)
        """
        idx = self.get(name)
        return values[idx] if idx is not None and idx < len(values) else None


@dataclass(frozen=True)
class DataRow:
    """One data row of an upload, as the app's parser gets it.

    ``cells`` has every column of the layout, None where the cell is empty or the sheet has no
    such column; ``texts`` has the same cells as text (see :func:`read_text`).
    """

    number: int  # the Excel row number, which the messages and the error workbook speak of
    cells: dict[str, Any]
    texts: dict[str, str]

    @classmethod
    def read(cls, number: int, values: Sequence, columns: Columns, names: Iterable[str]) -> DataRow:
        """
        >>> row = DataRow.read(5, ("稳工业", 3.0), Columns({"任务": 0, "编号": 1}), ["编号", "任务", "来源"])
        >>> row.cells, row.texts
        ({'编号': 3.0, '任务': '稳工业', '来源': None}, {'编号': '3', '任务': '稳工业', '来源': ''})
        """
        cells = {name: columns.value(values, name) for name in names}
        return cls(number, cells, {name: read_text(value) for name, value in cells.items()})


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
    """What an import did: rows created and updated, or — when ``errors`` — nothing at all."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_workbook: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class Problems:
    """Problems found so far, row by row, in the order they were found.

    >>> problems = Problems()
    >>> problems.add(3, "未填写“任务”")
    >>> problems.in_row(2)("完成时限早于开始日期")
    >>> problems.add(0, "文件不是有效的Excel（.xlsx）文件")
    >>> [str(e) for e in problems.errors()]
    ['文件不是有效的Excel（.xlsx）文件', '第2行：完成时限早于开始日期', '第3行：未填写“任务”']
    """

    def __init__(self) -> None:
        self.by_row: dict[int, list[str]] = {}

    def add(self, row: int, text: str) -> None:
        self.by_row.setdefault(row, []).append(text)

    def in_row(self, row: int) -> Callable[[str], None]:
        """A ``fail(text)`` that records its problems against ``row``."""
        return lambda text: self.add(row, text)

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


# --- the import ----------------------------------------------------------------------------


def import_workbook(
    file_or_bytes,
    layout: Layout,
    *,
    parse: Callable[[list[DataRow], Columns, Problems], T],
    write: Callable[[T, Problems, ImportResult], None],
) -> ImportResult:
    """Import an uploaded workbook laid out as ``layout``, all or nothing.

    Once the header is found and has every required column, each non-empty row below it becomes a
    :class:`DataRow`, and a required cell left empty is a problem of its row (未填写“…”).
    ``parse(rows, columns, problems)`` then reads and checks every row, all of them even when some
    are already wrong, so that one upload reports every problem; it returns what ``write`` needs,
    and records what is wrong in ``problems`` instead of raising (``columns`` says which columns
    the sheet has: a column it leaves out can mean "leave that field alone").

    Only when no row has a problem does ``write(parsed, problems, result)`` run, in one
    transaction: it counts what it does in ``result`` and records refusals (a service's
    :class:`~luoshi.core.errors.DomainError`) in ``problems``, and any such refusal undoes the
    whole import. A failed import returns the problems and the error workbook, and writes nothing.
    """
    data = read_upload(file_or_bytes, layout.max_bytes)
    if data is None:
        return _whole_file(layout.too_big)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, an .xls, a text file … all read the same to a person
        return _whole_file(NOT_XLSX)
    try:
        return _import(wb, layout, parse, write)
    finally:
        wb.close()


def _import(wb, layout: Layout, parse, write) -> ImportResult:
    ws = wb[layout.sheet] if layout.sheet in wb.sheetnames else wb.worksheets[0]
    try:
        upload = _read_sheet(ws, layout)
    except _TooManyRows:
        return _whole_file(layout.too_many_rows)
    except Exception:  # a workbook whose sheet XML cannot be read
        return _whole_file(NOT_XLSX)
    if not upload.rows:
        return _whole_file(layout.no_rows)
    problems = Problems()
    columns = layout.map_header(upload.header, problems, upload.header_row)
    data_rows = upload.data_rows()
    if not problems and not data_rows:
        return _whole_file(layout.no_rows)
    if problems:  # the header is wrong: its rows cannot be read
        return _failed(layout, problems, upload)
    rows = [DataRow.read(number, values, columns, layout.columns) for number, values in data_rows]
    for row in rows:
        for name in layout.required:
            if not row.texts[name]:
                problems.add(row.number, f"未填写“{name}”")
    parsed = parse(rows, columns, problems)
    if problems:
        return _failed(layout, problems, upload)
    result = ImportResult()
    try:
        with transaction.atomic():
            write(parsed, problems, result)
            if problems:
                raise _Rollback
    except _Rollback:
        return _failed(layout, problems, upload)
    return result


def read_upload(file_or_bytes, max_bytes: int) -> bytes | None:
    """The upload's bytes, or None when it is over ``max_bytes`` (read no further than that).

    >>> read_upload(b"PK", 10), read_upload(io.BytesIO(b"x" * 11), 10)
    (b'PK', None)
    """
    if isinstance(file_or_bytes, bytes | bytearray | memoryview):
        data = bytes(file_or_bytes)
        return None if len(data) > max_bytes else data
    size = getattr(file_or_bytes, "size", None)
    if isinstance(size, int) and size > max_bytes:
        return None
    if hasattr(file_or_bytes, "seek"):
        file_or_bytes.seek(0)
    data = file_or_bytes.read(max_bytes + 1)
    if isinstance(data, str):
        data = data.encode()
    return None if len(data) > max_bytes else data


def _whole_file(message: str) -> ImportResult:
    return ImportResult(errors=[RowError(0, message)])


class _TooManyRows(Exception):
    pass


@dataclass
class Upload:
    """An uploaded sheet as read: where its header is, what it says, and every non-empty row."""

    header_row: int  # the header's Excel row number; 0 when the sheet is empty
    header: list[str]
    rows: NumberedRows  # (Excel row number, values cut to the header's width), the header and any line above it too

    def data_rows(self) -> NumberedRows:
        return [(n, values) for n, values in self.rows if n > self.header_row and not is_empty(values)]


def _read_sheet(ws, layout: Layout) -> Upload:
    """Every non-empty row of ``ws``; raises ``_TooManyRows`` past ``layout.max_rows`` data rows.

    The header is the first of the top rows that names at least two of the layout's columns
    (a title line above it is tolerated), else the first non-empty row.
    """
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some tools write a wrong dimension; read every row that is there
    all_rows = enumerate(ws.iter_rows(max_col=layout.max_columns, values_only=True), 1)
    top: NumberedRows = []
    for number, values in all_rows:
        if not is_empty(values):
            top.append((number, tuple(values)))
        if number >= layout.header_scan_rows:
            break
    if not top:
        return Upload(0, [], [])
    known = set(layout.columns)
    header_at = next(
        (i for i, (_, values) in enumerate(top) if len({layout.column(v) for v in values} & known) >= 2), 0
    )
    header_row, header_values = top[header_at]
    header = [read_text(v) for v in header_values]
    while header and not header[-1]:
        header.pop()
    width = max(len(header), 1)
    rows = [(number, values[:width]) for number, values in top]
    count = sum(1 for number, values in rows if number > header_row and not is_empty(values))
    if count > layout.max_rows:
        raise _TooManyRows
    for number, values in all_rows:
        values = tuple(values[:width])
        if is_empty(values):
            continue
        count += 1
        if count > layout.max_rows:
            raise _TooManyRows
        rows.append((number, values))
    return Upload(header_row, header, rows)


def _failed(layout: Layout, problems: Problems, upload: Upload) -> ImportResult:
    return ImportResult(errors=problems.errors(), error_workbook=error_workbook(layout, problems, upload))


def error_workbook(layout: Layout, problems: Problems, upload: Upload) -> bytes:
    """The uploaded rows, at their original row numbers, with a 错误 column; bad rows highlighted.

    A problem of the header (a missing column) is written into the 错误 header itself.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(layout.sheet)
    width = max(len(upload.header), 1)
    for idx, name in enumerate(upload.header, 1):
        ws.column_dimensions[get_column_letter(idx)].width = layout.widths.get(layout.column(name), 14)
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    if upload.header_row:
        ws.freeze_panes = f"A{upload.header_row + 1}"
    written = 0
    for number, values in upload.rows:
        while written < number - 1:
            ws.append([])
            written += 1
        values = list(values[:width]) + [None] * (width - len(values[:width]))
        texts = problems.by_row.get(number)
        if number == upload.header_row:
            label = f"{ERROR_HEADER}：{'；'.join(texts)}" if texts else ERROR_HEADER
            font, fill = (ERROR_FONT, ERROR_FILL) if texts else (HEADER_FONT, HEADER_FILL)
            ws.append([_cell(ws, value, font=font, fill=fill) for value in [*values, label]])
        elif texts:
            cells = [_cell(ws, _plain(value), fill=ERROR_FILL) for value in values]
            error = _cell(ws, "；".join(texts), font=ERROR_FONT, fill=ERROR_FILL)
            error.alignment = Alignment(wrap_text=True, vertical="top")
            ws.append([*cells, error])
        else:
            ws.append([_plain(v) for v in values])
        written += 1
    return save(wb)


def _cell(ws, value, *, font: Font | None = None, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _plain(value):
    """A date read back as a midnight datetime goes back out as the date it was."""
    return value.date() if isinstance(value, datetime) and value.time() == datetime.min.time() else value


# --- reading cells -------------------------------------------------------------------------


def is_empty(values: Iterable) -> bool:
    """
    >>> is_empty([None, "  ", ""]), is_empty([None, 0])
    (True, False)
    """
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_text(value) -> str:
    """A cell as the text a person sees in it: whole numbers without ``.0``, dates as 2025-03-31.

    >>> [read_text(v) for v in [None, 3.0, 1.5, 12, " 区经信委 ", date(2025, 3, 31), datetime(2025, 3, 31, 8)]]
    ['', '3', '1.5', '12', '区经信委', '2025-03-31', '2025-03-31']
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def read_date(value, *, month_alone: bool = False) -> date:
    """A date from an Excel cell; ValueError when it holds none.

    A date cell, a date serial without a date format, or text such as 2025-03-31, 2025/3/31 or
    2025年3月31日. With ``month_alone``, a year and month (2025-03, 2025年3月) mean its first day.

    >>> read_date("2025年3月31日"), read_date(45747), read_date(datetime(2025, 3, 31, 9))
    (datetime.date(2025, 3, 31), datetime.date(2025, 3, 31), datetime.date(2025, 3, 31))
    >>> read_date("2025-03", month_alone=True)
    datetime.date(2025, 3, 1)
    >>> for text in ["2025-03", "2025-02-30", "年底前", True, 0]:
    ...     try:
    ...         read_date(text)
    ...     except ValueError:
    ...         print("not a date:", text)
    not a date: 2025-03
    not a date: 2025-02-30
    not a date: 年底前
    not a date: True
    not a date: 0
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        # A date serial in a cell without a date format (Excel counts days from 1899-12-30).
        if not 1 <= value < LAST_EXCEL_SERIAL:
            raise ValueError(value)
        return from_excel(value).date()
    text = read_text(value)
    match = DATE_TEXT.match(text)
    if not match or not (match[3] or month_alone):
        raise ValueError(text)
    year, month, day = match.groups()
    return date(int(year), int(month), int(day or 1))


def read_choice(text: str, choices) -> Any | None:
    """The value of ``choices`` that ``text`` names by its label or its value (spaces ignored); None if none.

    >>> from django.db.models import IntegerChoices
    >>> Priority = IntegerChoices("Priority", [("HIGH", (1, "重点")), ("NORMAL", (2, "一般"))])
    >>> read_choice("重 点", Priority), read_choice("2", Priority), read_choice("特急", Priority)
    (1, 2, None)
    """
    key = text.replace(" ", "")
    return next((c.value for c in choices if key in (str(c.label), str(c.value))), None)


# --- writing -------------------------------------------------------------------------------


def style_header(ws, width: int, *, wrap: bool = False) -> None:
    """Bold, shaded, centred headers in the first ``width`` cells of row 1."""
    for idx in range(1, width + 1):
        cell = ws.cell(row=1, column=idx)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrap or None)


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def new_template(
    layout: Layout,
    example: Sequence,
    *,
    help_rows: Iterable[Sequence],
    notes: Iterable[str],
    help_width: int = 12,
    freeze: str = "A2",
    wrap_header: bool = False,
) -> Workbook:
    """A template to fill in: the layout's header and one example row, then a 填写说明 sheet.

    ``help_rows`` are (列名, 是否必填, 填写说明) lines, one per column, and ``notes`` the 注意事项 under them;
    ``help_width`` is the width of the 列名 column there. The app adds its formats and drop-downs.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = layout.sheet
    ws.append(list(layout.columns))
    ws.append(list(example))
    style_header(ws, len(layout.columns), wrap=wrap_header)
    for idx, name in enumerate(layout.columns, 1):
        ws.column_dimensions[get_column_letter(idx)].width = layout.widths[name]
    ws.freeze_panes = freeze
    _add_help_sheet(wb, help_rows, notes, name_width=help_width)
    return wb


def add_choice_list(ws, layout: Layout, name: str, labels: Iterable) -> None:
    """A drop-down list of ``labels`` under the header of column ``name``, as far as the row limit."""
    labels = [str(label) for label in labels]
    letter = get_column_letter(list(layout.columns).index(name) + 1)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{name}无效",
        error=f"请从下拉列表中选择：{'、'.join(labels)}",
    )
    dv.add(f"{letter}2:{letter}{layout.max_rows + 1}")
    ws.add_data_validation(dv)


def _add_help_sheet(wb: Workbook, rows: Iterable[Sequence], notes: Iterable[str], *, name_width: int) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.append(["列名", "是否必填", "填写说明"])
    for row in rows:
        ws.append(list(row))
    ws.append([])
    ws.append(["注意事项"])
    notes_row = ws.max_row
    for note in notes:
        ws.append(["", "", note])
    style_header(ws, 3)
    ws.column_dimensions["A"].width = name_width
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    ws.cell(row=notes_row, column=1).font = HEADER_FONT
    ws.freeze_panes = "A2"


def export_sheet(wb: Workbook, name: str, columns: Sequence[str], widths: Mapping[str, int], *, freeze: str):
    """A sheet of a write-only ``wb`` with its column widths, frozen panes and a styled header row."""
    ws = wb.create_sheet(name)
    for idx, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(idx)].width = widths[column]
    ws.freeze_panes = freeze
    ws.append([_cell(ws, column, font=HEADER_FONT, fill=HEADER_FILL) for column in columns])
    return ws


def date_cell(ws, value: date | None):
    """A date a write-only sheet shows as 2025-03-31 (and reads back as a date); None stays empty."""
    return formatted_cell(ws, value, DATE_FORMAT)


def formatted_cell(ws, value, number_format: str):
    """``value`` in a cell of the write-only sheet ``ws`` shown in ``number_format``; None stays empty."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def label(choices, value) -> str:
    """The Chinese label of a stored choice value; the value itself when it is no longer a choice.

    >>> from django.db.models import IntegerChoices
    >>> Priority = IntegerChoices("Priority", [("HIGH", (1, "重点"))])
    >>> label(Priority, 1), label(Priority, 9)
    ('重点', '9')
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
