"""企业名录导入: the enterprise registry from an .xlsx or .csv file, all or nothing, at a million rows.

Statistics offices, tax offices and towns keep their enterprise lists in Excel or export them as CSV;
:func:`import_enterprises` brings such a file into the registry in one go.

How it works, and why:

1. **Check** (one streaming pass over the file). Every row is parsed and checked: 统一社会信用代码 by
   :func:`luoshi.codes.validate_uscc` (with its Chinese reason), 行业代码 by
   :func:`luoshi.enterprises.services.check_industry`, money not negative, dates that are dates, no
   统一社会信用代码 twice in the file, and every 所在镇街 a 镇街 of the directory (looked up once per
   distinct name). The parsed rows are kept as compact tuples in a spooled temporary file (memory up to
   64 MB, disk beyond), so a million rows are neither read twice nor held in memory as objects.
2. **Any error → nothing is written.** The result carries the errors and an error report: the input
   again (an .xlsx for an .xlsx, a .csv in the same encoding for a .csv) with a 错误 column that says
   what is wrong with each row.
3. **Write** (one transaction). The permission is checked once; then, 2,000 rows at a time, the
   stored enterprises and their figures are read by 统一社会信用代码 as plain values (one query
   each), compared in Python, and only what differs is written, through
   :mod:`luoshi.enterprises.bulk`: new rows by COPY (PostgreSQL) or one ``executemany`` (SQLite),
   changed rows by one prepared ``UPDATE``, and the django-simple-history rows (who, when,
   “导入企业”) copied by the database with ``INSERT … SELECT``. 企业规模 / 规上 are derived by
   :func:`derive_size`, the rule of :func:`luoshi.enterprises.services.derive`, for new
   enterprises and wherever the sector or the figures changed. The per-row services are not
   called: their transaction, queries and history per row would make a million rows take hours.
4. **Announce.** The enterprises created or changed go out in one
   :data:`~luoshi.enterprises.signals.enterprises_changed` (their ids), sent once inside the
   transaction, so that whoever keeps something derived (benefit matches) does one job, not one
   per row.

Upsert rules: a row whose 统一社会信用代码 is new creates an enterprise; an existing one is updated.
企业名称 and 行业代码 are always taken from the file; any other cell left **empty keeps** what the
registry has (an import never blanks a field), and a filled 标签 cell replaces the enterprise's tags.
A row with at least one figure (营业收入 … 出口额) writes that year's 年度数据 (年度 from its column,
else the ``year`` argument); again, empty figure cells keep the stored value.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import io
import marshal
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from luoshi import codes
from luoshi.core.actors import SYSTEM, is_system
from luoshi.core.errors import ValidationFailed
from luoshi.enterprises import bulk
from luoshi.enterprises.choices import FigureSource
from luoshi.enterprises.models import Enterprise, EnterpriseTag, YearFigure
from luoshi.enterprises.namesearch import BulkNames
from luoshi.enterprises.services import REGISTRARS, check_industry
from luoshi.enterprises.signals import enterprises_changed
from luoshi.org import permissions
from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit
from luoshi.org.queries import find_unit

MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_200_000
CHUNK = 2_000  # rows written per round: one bulk_create / bulk_update batch
PROGRESS_EVERY = 1_000
MAX_CHANGE_DETAILS = 1_000  # enterprises whose changes are listed in the result; the counts stay exact
MAX_ERRORS_LISTED = 10_000  # errors listed in the result; the report holds them all
HEADER_SCAN_ROWS = 10  # a title row or two above the header is tolerated
MAX_COLUMNS = 100
SPOOL_IN_MEMORY = 64 * 1024 * 1024
UPLOAD_IN_MEMORY = 16 * 1024 * 1024
MONEY_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
REASON = "导入企业"
FIGURE_REASON = "导入年度数据"
ERROR_HEADER = "错误"

# --- columns ---------------------------------------------------------------------------------

USCC, NAME, INDUSTRY, TOWN = "统一社会信用代码", "企业名称", "行业代码", "所在镇街"
FOUNDED, CAPITAL, ADDRESS, LEGAL, PHONE, TAGS = "成立日期", "注册资本（万元）", "地址", "法定代表人", "联系电话", "标签"
YEAR, SOURCE, VERIFIED = "年度", "数据来源", "已核实"
REVENUE, RD, EMPLOYEES, ASSETS, TAX, OUTPUT, EXPORTS = (
    "营业收入",
    "研发费用",
    "从业人员",
    "资产总额",
    "纳税额",
    "工业总产值",
    "出口额",
)
# (column, YearFigure field), in the order of services.FIGURE_FIELDS.
FIGURES = (
    (REVENUE, "revenue"),
    (RD, "rd_expense"),
    (EMPLOYEES, "employees"),
    (ASSETS, "total_assets"),
    (TAX, "tax_paid"),
    (OUTPUT, "industrial_output"),
    (EXPORTS, "exports"),
)
COLUMNS = [
    USCC,
    NAME,
    INDUSTRY,
    TOWN,
    FOUNDED,
    CAPITAL,
    ADDRESS,
    LEGAL,
    PHONE,
    TAGS,
    YEAR,
    *(column for column, _ in FIGURES),
    SOURCE,
    VERIFIED,
]
REQUIRED = [USCC, NAME, INDUSTRY]
MAX_LENGTHS = {NAME: 200, ADDRESS: 200, LEGAL: 50, PHONE: 30}

# Headers other registers use for the same thing (after normalising: no blanks, half-width brackets,
# no unit suffix such as （万元）).
SYNONYMS = {
    "社会信用代码": USCC,
    "信用代码": USCC,
    "企业统一社会信用代码": USCC,
    "统一代码": USCC,
    "名称": NAME,
    "企业名": NAME,
    "单位名称": NAME,
    "企业(单位)名称": NAME,
    "行业": INDUSTRY,
    "国民经济行业代码": INDUSTRY,
    "行业代码(GB/T4754)": INDUSTRY,
    "镇街": TOWN,
    "所属镇街": TOWN,
    "所在镇(街道)": TOWN,
    "注册资本": CAPITAL,
    "注册地址": ADDRESS,
    "住所": ADDRESS,
    "企业地址": ADDRESS,
    "法人": LEGAL,
    "法人代表": LEGAL,
    "法定代表人(负责人)": LEGAL,
    "电话": PHONE,
    "联系方式": PHONE,
    "企业标签": TAGS,
    "年份": YEAR,
    "统计年度": YEAR,
    "研发投入": RD,
    "从业人数": EMPLOYEES,
    "从业人员数": EMPLOYEES,
    "职工人数": EMPLOYEES,
    "资产合计": ASSETS,
    "纳税总额": TAX,
    "来源": SOURCE,
    "是否核实": VERIFIED,
}

SOURCE_BY_TEXT = {str(s.label): s.value for s in FigureSource} | {s.value: s.value for s in FigureSource}
SOURCE_BY_TEXT |= {"自报": FigureSource.SELF.value, "统计局": FigureSource.STATISTICS.value}
SOURCE_BY_TEXT |= {"税务局": FigureSource.TAX.value}
YES = {"是", "已核实", "Y", "YES", "TRUE", "1", "√"}
NO = {"否", "未核实", "N", "NO", "FALSE", "0", "×"}

TAG_SEPARATORS = re.compile(r"[、，,；;]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
YEAR_TEXT = re.compile(r"^(\d{4})\s*年?(?:度)?$")

NOT_VALID = "文件不是有效的Excel（.xlsx）或CSV文件"
TOO_BIG = f"文件超过{MAX_BYTES // 1024 // 1024}MB，请拆分后分批导入。"
TOO_MANY = f"文件超过{MAX_ROWS:,}行企业数据，请拆分后分批导入。"
NO_ROWS = "文件中没有企业数据：请在表头（统一社会信用代码、企业名称、行业代码……）下逐行填写。"
RACE = "导入期间企业名录被他人修改，未做任何修改，请重新导入。"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFE0E0")
ERROR_FONT = Font(color="C00000", bold=True)

# A parsed row, kept as a plain tuple so that marshal can spool it: these are its positions.
(R_ROW, R_USCC, R_NAME, R_INDUSTRY, R_TOWN, R_FOUNDED, R_CAPITAL, R_ADDRESS, R_LEGAL, R_PHONE, R_TAGS) = range(11)
R_YEAR, R_FIGURES, R_SOURCE, R_VERIFIED = range(11, 15)

# Registry fields an import may change: (model attribute, row position, label in the change list).
ENTERPRISE_FIELDS = (
    ("name", R_NAME, NAME),
    ("industry_code", R_INDUSTRY, INDUSTRY),
    ("town_id", R_TOWN, TOWN),
    ("founded_on", R_FOUNDED, FOUNDED),
    ("registered_capital", R_CAPITAL, CAPITAL),
    ("address", R_ADDRESS, ADDRESS),
    ("legal_representative", R_LEGAL, LEGAL),
    ("contact_phone", R_PHONE, PHONE),
)
DERIVED_FIELDS = ["size_class", "size_reason", "above_scale", "scale_reason"]


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in one row (``row`` is the row number in the file, 0 for the whole file)."""

    row: int
    message: str

    def __str__(self) -> str:
        return self.message


class FieldChange(NamedTuple):
    label: str
    old: str
    new: str


class EnterpriseChange(NamedTuple):
    uscc: str
    name: str
    fields: list[FieldChange]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0  # data rows read
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # every error, even those not listed in ``errors``
    changes: list[EnterpriseChange] = field(default_factory=list)  # the first MAX_CHANGE_DETAILS updates
    error_report: bytes | None = None
    error_report_name: str = ""
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


# --- the entry point ---------------------------------------------------------------------------


def import_enterprises(
    actor,
    path_or_file,
    *,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update the enterprises of an .xlsx or .csv file, all or nothing.

    ``path_or_file`` is a path, the file's bytes or a binary file object (an upload). ``year`` is the
    年度 of figures in rows without a 年度 cell. ``progress(done, total)`` is called about every 1,000
    rows while the file is checked (``total`` is the file's stated size, 0 if unknown), then again
    from 0 while rows are written (``total`` exact); each stage ends with ``done == total``.
    ``dry_run`` checks and compares everything, then rolls the writes back: the result says what
    an import would do. Raises :class:`~luoshi.core.errors.NotPermitted` for an actor who may not
    register enterprises; every problem with the file comes back in ``errors``.
    """
    started = time.monotonic()
    permissions.require(actor, REGISTRARS, None, action="导入企业")  # before reading a million rows
    result = ImportResult(dry_run=dry_run)
    this_year = timezone.localdate().year
    if year is not None and not 1990 <= year <= this_year:
        return _whole_file(result, f"指定的年度{year}无效，应为1990至{this_year}之间的年份。", started)
    try:
        source = _Input.open(path_or_file)
    except _FileRefused as exc:
        return _whole_file(result, exc.message, started)
    try:
        reader = _Reader(source)
        try:
            checked = _check(reader, year, progress)
        except _FileRefused as exc:
            return _whole_file(result, exc.message, started)
        result.rows = checked.rows
        if checked.problems:
            checked.spool.close()
            result.error_count = checked.problems.count
            result.errors = checked.problems.errors(MAX_ERRORS_LISTED)
            result.error_report = reader.error_report(checked.header_number, checked.problems)
            result.error_report_name = source.report_name
            result.seconds = time.monotonic() - started
            return result
        try:
            _write(actor, checked, result, progress, dry_run)
        except IntegrityError:
            return _whole_file(result, RACE, started)
        finally:
            checked.spool.close()
    finally:
        source.close()
    result.seconds = time.monotonic() - started
    return result


def _whole_file(result: ImportResult, message: str, started: float) -> ImportResult:
    result.errors = [RowError(0, message)]
    result.error_count = 1
    result.error_report, result.error_report_name = None, ""
    result.created = result.updated = result.unchanged = 0
    result.changes = []
    result.seconds = time.monotonic() - started
    return result


class _FileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the input: a path or bytes, and its format ------------------------------------------------


class _Input:
    """The uploaded file as something that can be opened more than once: a path, or bytes."""

    def __init__(self, *, path: str | None, data: bytes | None, name: str, temporary: bool = False):
        self.path, self.data, self.name, self.temporary = path, data, name, temporary
        self.kind = ""  # "xlsx" or "csv"
        self.encoding = ""  # csv: "utf-8-sig", "utf-8" or "gb18030"
        self.delimiter = ","
        self.lines = 0  # csv: lines in the file

    @classmethod
    def open(cls, path_or_file) -> _Input:
        source = cls._materialise(path_or_file)
        try:
            source._detect()
        except BaseException:
            source.close()
            raise
        return source

    @classmethod
    def _materialise(cls, obj) -> _Input:
        if isinstance(obj, str | os.PathLike):
            path = os.fspath(obj)
            try:
                size = os.path.getsize(path)
            except OSError:
                raise _FileRefused(f"找不到文件“{path}”。") from None
            if size > MAX_BYTES:
                raise _FileRefused(TOO_BIG)
            return cls(path=path, data=None, name=os.path.basename(path))
        if isinstance(obj, bytes | bytearray | memoryview):
            data = bytes(obj)
            if len(data) > MAX_BYTES:
                raise _FileRefused(TOO_BIG)
            return cls(path=None, data=data, name="")
        name = os.path.basename(str(getattr(obj, "name", "") or ""))
        size = getattr(obj, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            raise _FileRefused(TOO_BIG)
        if hasattr(obj, "temporary_file_path"):  # Django's upload already on disk
            path = obj.temporary_file_path()
            if os.path.getsize(path) > MAX_BYTES:
                raise _FileRefused(TOO_BIG)
            return cls(path=path, data=None, name=name)
        if hasattr(obj, "seek"):
            obj.seek(0)
        head = obj.read(UPLOAD_IN_MEMORY)
        if isinstance(head, str):
            head = head.encode("utf-8")
        if len(head) < UPLOAD_IN_MEMORY:
            return cls(path=None, data=bytes(head), name=name)
        # A large upload in memory or a stream: copy it to disk, stopping just past the limit.
        tmp = tempfile.NamedTemporaryFile(prefix="luoshi-import-", delete=False)  # noqa: SIM115
        try:
            total = len(head)
            tmp.write(head)
            while chunk := obj.read(1024 * 1024):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise _FileRefused(TOO_BIG)
                tmp.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            tmp.close()
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
        return cls(path=tmp.name, data=None, name=name, temporary=True)

    def binary(self):
        """A fresh binary stream over the whole file; the caller closes it."""
        return open(self.path, "rb") if self.path is not None else io.BytesIO(self.data)

    def close(self) -> None:
        if self.temporary and self.path:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self.temporary = False

    @property
    def report_name(self) -> str:
        stem = Path(self.name).stem if self.name else "企业导入"
        return f"{stem}.errors.{self.kind or 'xlsx'}"

    def _detect(self) -> None:
        with self.binary() as raw:
            head = raw.read(4)
        if head.startswith(b"PK\x03\x04"):
            self.kind = "xlsx"
            return
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # an old .xls (OLE2): not readable here
            raise _FileRefused(NOT_VALID + "。如为旧版.xls文件，请在Excel中另存为.xlsx后重新导入。")
        self.kind = "csv"
        self.encoding = self._encoding(head)
        self.delimiter = self._delimiter()

    def _encoding(self, head: bytes) -> str:
        candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "gb18030"]
        for encoding in candidates:
            if self._decodes(encoding):
                return encoding
        raise _FileRefused(NOT_VALID)

    def _decodes(self, encoding: str) -> bool:
        """Whether the whole file decodes (streamed; ~a second for 200 MB) and holds no NUL bytes."""
        decoder = codecs.getincrementaldecoder(encoding)()
        lines, last = 0, b"\n"
        with self.binary() as raw:
            while chunk := raw.read(4 * 1024 * 1024):
                if b"\x00" in chunk:
                    return False  # UTF-16 text or a binary file
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    return False
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        # Lines, not records (a quoted cell may hold a line break): an upper bound for progress.
        self.lines = lines + (last != b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _delimiter(self) -> str:
        with self.binary() as raw:
            first = raw.read(64 * 1024).decode(self.encoding, errors="ignore").split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    def text(self, raw) -> io.TextIOWrapper:
        return io.TextIOWrapper(raw, encoding=self.encoding, newline="")


# --- reading rows --------------------------------------------------------------------------------


class _Reader:
    """Rows of the input as (row number, values), for xlsx and csv alike."""

    def __init__(self, source: _Input):
        self.source = source
        self.sheet_title = "企业名录"
        self.estimate = 0  # rows the file says it has (xlsx) or its lines (csv); known once reading starts
        self.header_width = 1  # columns up to the header's last named one; set by _check

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """Every row, numbered from 1 as Excel shows them (a CSV record is one row)."""
        if self.source.kind == "xlsx":
            return self._xlsx_rows()
        return self._csv_rows()

    def _xlsx_rows(self) -> Iterator[tuple[int, tuple]]:
        with self.source.binary() as raw:
            try:
                wb = load_workbook(raw, read_only=True, data_only=True)
            except Exception:  # a zip that is not a workbook, a damaged file … all read the same to a person
                raise _FileRefused(NOT_VALID) from None
            try:
                ws, width = self._pick_sheet(wb)
                self.sheet_title = ws.title
                try:
                    self.estimate = int(ws.max_row or 0)
                except Exception:  # a dimension openpyxl cannot read: unknown
                    self.estimate = 0
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # some tools write a wrong dimension; read every row that is there
                rows = enumerate(ws.iter_rows(max_col=width, values_only=True), 1)
                while True:
                    try:
                        number, values = next(rows)
                    except StopIteration:
                        return
                    except Exception:  # sheet XML that cannot be parsed
                        raise _FileRefused(NOT_VALID) from None
                    yield number, values
            finally:
                wb.close()

    def _pick_sheet(self, wb):
        """The first sheet whose top rows hold a header of this import (else the first sheet), and the
        number of columns to read (the header's width)."""
        try:
            sheets = wb.worksheets
        except Exception:
            raise _FileRefused(NOT_VALID) from None
        if not sheets:
            raise _FileRefused(NOT_VALID)
        for ws in sheets:
            try:
                for n, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
                    if _known_columns(values) >= 2:
                        return ws, _header_width(values)
                    if n >= HEADER_SCAN_ROWS:
                        break
            except Exception:  # noqa: S112 (an unreadable sheet is skipped here; reading it later reports it)
                continue
        return sheets[0], MAX_COLUMNS

    def _csv_rows(self) -> Iterator[tuple[int, tuple]]:
        self.estimate = self.source.lines
        with self.source.binary() as raw:
            text = self.source.text(raw)
            try:
                reader = csv.reader(text, delimiter=self.source.delimiter)
                try:
                    for number, values in enumerate(reader, 1):
                        yield number, tuple(values)
                except csv.Error:
                    raise _FileRefused(NOT_VALID) from None
            finally:
                text.detach()

    # --- the error report

    def error_report(self, header_number: int, problems: _Problems) -> bytes:
        if self.source.kind == "xlsx":
            return self._xlsx_report(header_number, problems)
        return self._csv_report(header_number, problems)

    def _xlsx_report(self, header_number: int, problems: _Problems) -> bytes:
        width = self.header_width
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(self.sheet_title)
        for idx in range(1, width + 1):
            ws.column_dimensions[get_column_letter(idx)].width = 16
        ws.column_dimensions[get_column_letter(width + 1)].width = 60
        ws.freeze_panes = f"A{header_number + 1}"
        for number, values in self.rows():
            values = _fit(values, width)
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
                cell = WriteOnlyCell(ws, value="；".join(texts))
                cell.font = ERROR_FONT
                cell.fill = ERROR_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cells.append(cell)
                ws.append(cells)
            else:
                ws.append([_plain(v) for v in values])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def _csv_report(self, header_number: int, problems: _Problems) -> bytes:
        width = self.header_width
        # Excel reads UTF-8 only with a BOM; a GB18030 file goes back as GB18030.
        encoding = "gb18030" if self.source.encoding == "gb18030" else "utf-8-sig"
        out = io.BytesIO()
        text = io.TextIOWrapper(out, encoding=encoding, newline="")
        writer = csv.writer(text, delimiter=self.source.delimiter)
        for number, values in self.rows():
            values = list(_fit(values, width))
            texts = problems.by_row.get(number)
            if number == header_number:
                values.append(f"{ERROR_HEADER}：{'；'.join(texts)}" if texts else ERROR_HEADER)
            else:
                values.append("；".join(texts) if texts else "")
            writer.writerow(["" if v is None else v for v in values])
        text.flush()
        data = out.getvalue()
        text.detach()
        return data


def _fit(values: tuple, width: int) -> tuple:
    values = tuple(values[:width])
    return values + (None,) * (width - len(values)) if len(values) < width else values


def _header_width(values) -> int:
    header = [_text(v) for v in values]
    while header and not header[-1]:
        header.pop()
    return max(len(header), 1)


def _plain(value):
    return value.date() if isinstance(value, datetime) and value.time() == datetime.min.time() else value


# --- checking (pass 1) ---------------------------------------------------------------------------------


class _Problems:
    """Problems found, row by row."""

    def __init__(self) -> None:
        self.by_row: dict[int, list[str]] = {}
        self.count = 0

    def add(self, row: int, text: str) -> None:
        self.by_row.setdefault(row, []).append(text)
        self.count += 1

    def __bool__(self) -> bool:
        return bool(self.by_row)

    def errors(self, limit: int) -> list[RowError]:
        out: list[RowError] = []
        for row in sorted(self.by_row):
            for text in self.by_row[row]:
                if len(out) >= limit:
                    out.append(RowError(0, f"另有{self.count - limit:,}处错误未列出，请查看错误报告。"))
                    return out
                out.append(RowError(row, f"第{row}行：{text}" if row else text))
        return out


@dataclass
class _Checked:
    header_number: int
    columns: dict[str, int]
    problems: _Problems
    spool: tempfile.SpooledTemporaryFile
    rows: int
    industries: dict[str, tuple[str, str]]  # normalised code → (name, size sector)
    towns: dict[int, str]  # unit id → name shown


def _normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[*＊]|\(必填\)", "", text)
    text = re.sub(r"\((万元|人|个)\)$", "", text)
    return text


def _column_of(value) -> str | None:
    return _CANONICAL.get(_normalise_header(value))


def _known_columns(values) -> int:
    return len({c for v in values if v is not None and (c := _column_of(v))})


def _map_header(header: tuple, problems: _Problems, number: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for idx, raw in enumerate(header):
        name = _column_of(raw) if raw is not None else None
        if name is None:
            continue
        if name in columns:
            problems.add(number, f"表头“{name}”出现了两次（第{columns[name] + 1}列和第{idx + 1}列），请只保留一列")
        else:
            columns[name] = idx
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        names = "、".join(f"“{c}”" for c in missing)
        problems.add(number, f"缺少必填列{names}，请在表头中加上（列的先后顺序不限）")
    return columns


def _is_empty(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}" if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


_CANONICAL = {_normalise_header(c): c for c in COLUMNS} | {_normalise_header(k): v for k, v in SYNONYMS.items()}


def _check(reader: _Reader, default_year: int | None, progress) -> _Checked:
    """Pass 1: read and check every row, spooling the parsed rows; raise _FileRefused for the whole file."""
    rows = reader.rows()
    top: list[tuple[int, tuple]] = []
    for number, values in rows:
        if not _is_empty(values):
            top.append((number, values))
            if _known_columns(values) >= 2:
                break
        if number >= HEADER_SCAN_ROWS and top:
            break  # no header in the top rows: the first non-empty row is taken as the header
    if not top:
        raise _FileRefused(NO_ROWS)
    header_at = next((i for i, (_, v) in enumerate(top) if _known_columns(v) >= 2), 0)
    header_number, header = top[header_at]
    width = reader.header_width = _header_width(header)
    problems = _Problems()
    columns = _map_header(tuple(header[:width]), problems, header_number)
    estimate = max(reader.estimate - header_number, 0)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    checker = _RowChecker(columns, problems, default_year)
    count = 0
    chunk: list[tuple] = []
    if progress:
        progress(0, estimate)

    def data_rows():
        yield from ((n, v) for n, v in top[header_at + 1 :])
        yield from rows

    try:
        for number, values in data_rows():
            if _is_empty(values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _FileRefused(TOO_MANY)
            if problems and not checker.columns_ok:
                continue  # the header is wrong: count the rows (for the limit), check nothing
            record = checker.check(number, values)
            if record is not None and not problems:
                chunk.append(record)
                if len(chunk) >= CHUNK:
                    _spool(spool, chunk)
                    chunk = []
            if progress and count % PROGRESS_EVERY == 0:
                progress(count, estimate if count < estimate else 0)  # a wrong estimate: unknown
    except BaseException:
        spool.close()
        rows.close()
        raise
    if chunk and not problems:
        _spool(spool, chunk)
    if count == 0 and not problems:
        spool.close()
        raise _FileRefused(NO_ROWS)
    if progress:
        progress(count, count)
    spool.seek(0)
    return _Checked(
        header_number=header_number,
        columns=columns,
        problems=problems,
        spool=spool,
        rows=count,
        industries=checker.industry_names,
        towns=checker.town_names,
    )


class _RowChecker:
    """Parses one row into a compact tuple (see R_*), recording its problems."""

    def __init__(self, columns: dict[str, int], problems: _Problems, default_year: int | None):
        self.problems = problems
        self.columns_ok = not problems
        self.default_year = default_year
        self.this_year = timezone.localdate().year
        self.today = timezone.localdate()
        self.idx = {name: columns.get(name) for name in COLUMNS}
        self.figure_idx = [(column, columns.get(column)) for column, _ in FIGURES]
        self.has_figures = any(i is not None for _, i in self.figure_idx)
        self.first_row: dict[str, int] = {}
        self.industries: dict[str, tuple[str, str] | str] = {}  # text → (code, …) or a problem
        self.industry_names: dict[str, tuple[str, str]] = {}
        self.towns: dict[str, int | str] = {}  # text → unit id or a problem
        self.town_names: dict[int, str] = {}
        self.tags: dict[str, tuple[str, ...] | str] = {}

    def cell(self, values, name: str):
        idx = self.idx[name]
        return values[idx] if idx is not None and idx < len(values) else None

    def check(self, number: int, values) -> tuple | None:
        bad: list[str] = []
        cell = self.cell

        # 统一社会信用代码
        uscc = ""
        raw = _text(cell(values, USCC))
        if not raw:
            bad.append(f"未填写“{USCC}”")
        else:
            if not raw.isascii():
                raw = unicodedata.normalize("NFKC", raw)
            checked = codes.validate_uscc(raw)
            if not checked.valid:
                bad.append(f"统一社会信用代码“{raw}”无效：{checked.reason}")
            else:
                uscc = checked.code
                first = self.first_row.setdefault(uscc, number)
                if first != number:
                    bad.append(f"统一社会信用代码{uscc}与第{first}行重复，同一企业只能出现一次")

        name = _text(cell(values, NAME))
        if not name:
            bad.append(f"未填写“{NAME}”")

        industry = ""
        raw = _industry_text(cell(values, INDUSTRY))
        if not raw:
            bad.append(f"未填写“{INDUSTRY}”")
        else:
            found = self.industries.get(raw)
            if found is None:
                found = self.industries[raw] = self._industry(raw)
            if isinstance(found, str):
                bad.append(found)
            else:
                industry = found[0]

        town = None
        raw = _text(cell(values, TOWN))
        if raw:
            found = self.towns.get(raw)
            if found is None:
                found = self.towns[raw] = self._town(raw)
            if isinstance(found, str):
                bad.append(found)
            else:
                town = found

        founded = None
        value = cell(values, FOUNDED)
        if not _blank(value):
            try:
                day = _date(value)
            except (ValueError, OverflowError):
                bad.append(f"成立日期“{_text(value)}”不是有效日期，请按2020-03-31的格式填写或使用Excel日期")
            else:
                if day > self.today:
                    bad.append(f"成立日期{day:%Y-%m-%d}晚于今天，请核对")
                else:
                    founded = day.toordinal()

        capital = self._money(cell(values, CAPITAL), "注册资本", bad)

        texts = {}
        for column, limit in MAX_LENGTHS.items():
            text = name if column == NAME else _text(cell(values, column))
            if len(text) > limit:
                bad.append(f"{column}超过{limit}个字，请精简")
            texts[column] = text or None

        tags = None
        raw = _text(cell(values, TAGS))
        if raw:
            found = self.tags.get(raw)
            if found is None:
                found = self.tags[raw] = _tags(raw)
            if isinstance(found, str):
                bad.append(found)
            else:
                tags = found

        figure_year = None
        value = cell(values, YEAR)
        if not _blank(value):
            figure_year = self._year(value, bad)
        elif self.default_year is not None:
            figure_year = self.default_year

        figures = None
        if self.has_figures:
            found_any = False
            parsed: list = []
            for column, idx in self.figure_idx:
                value = values[idx] if idx is not None and idx < len(values) else None
                amount = self._headcount(value, bad) if column == EMPLOYEES else self._money(value, column, bad)
                found_any = found_any or amount is not None
                parsed.append(amount)
            if found_any:
                figures = tuple(parsed)
                if figure_year is None and _blank(cell(values, YEAR)):
                    bad.append("填写了年度数据但没有年度：请填写“年度”列，或在导入时指定年度")

        source = None
        raw = _text(cell(values, SOURCE))
        if raw:
            source = SOURCE_BY_TEXT.get(raw.replace(" ", ""))
            if source is None:
                bad.append(f"数据来源“{raw}”无效，请填写企业自报、统计部门或税务部门")

        verified = None
        value = cell(values, VERIFIED)
        if isinstance(value, bool):
            verified = value
        elif not _blank(value):
            raw = _text(value).upper()
            if raw in YES:
                verified = True
            elif raw in NO:
                verified = False
            else:
                bad.append(f"已核实“{_text(value)}”无效，请填写“是”或“否”")

        if bad:
            for text in bad:
                self.problems.add(number, text)
            return None
        return (
            number,
            uscc,
            name,
            industry,
            town,
            founded,
            capital,
            texts[ADDRESS],
            texts[LEGAL],
            texts[PHONE],
            tags,
            figure_year,
            figures,
            source,
            verified,
        )

    def _industry(self, raw: str) -> tuple[str, str] | str:
        try:
            code, name, sector = check_industry(raw)
            code = codes.lookup(code).code  # C3411 → 3411: the column holds the code itself
        except ValidationFailed as exc:
            return f"行业代码有误：{exc.message}"
        self.industry_names[code] = (name, sector)
        return (code, name)

    def _town(self, raw: str) -> int | str:
        unit = find_unit(raw)
        if unit is None:
            return f"所在镇街“{raw}”不存在，请填写镇街的全称或简称"
        if unit.kind != UnitKind.TOWN:
            return f"“{raw}”不是镇街，请填写企业所在的镇或街道"
        if not unit.is_active:
            return f"所在镇街“{raw}”已停用，请改填现在的镇街"
        self.town_names[unit.pk] = unit.display_name
        return unit.pk

    def _money(self, value, label: str, bad: list[str]) -> str | None:
        if type(value) is str and len(value) <= 14 and value.isascii() and value.isdigit():
            return f"{int(value)}.00"  # whole 万元 in a CSV, the common case: what the checks below would give
        if _blank(value):
            return None
        if isinstance(value, bool):
            bad.append(f"{label}“{_text(value)}”不是有效金额，请填写数字（万元）")
            return None
        if isinstance(value, int | Decimal):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))
        else:
            try:
                amount = Decimal(value)  # the common case: a plain number
            except InvalidOperation:
                text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace(" ", "")
                try:
                    amount = Decimal(text.removesuffix("万元"))
                except InvalidOperation:
                    bad.append(f"{label}“{_text(value)}”不是有效金额，请填写数字（万元）")
                    return None
        if not amount.is_finite():
            bad.append(f"{label}“{_text(value)}”不是有效金额，请填写数字（万元）")
            return None
        if amount < 0:
            bad.append(f"{label}不能为负数（{_text(value)}）")
            return None
        amount = amount.quantize(Decimal("0.01"))
        if amount >= MONEY_LIMIT:
            bad.append(f"{label}“{_text(value)}”过大，请核对单位是否为万元")
            return None
        return str(amount)

    def _headcount(self, value, bad: list[str]) -> int | None:
        if _blank(value):
            return None
        count = None
        if isinstance(value, int) and not isinstance(value, bool):
            count = value
        elif isinstance(value, float) and value.is_integer():
            count = int(value)
        elif isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).replace(",", "").strip().removesuffix("人")
            if text.lstrip("-").isdigit():
                count = int(text)
        if count is None:
            bad.append(f"从业人员“{_text(value)}”不是整数，请填写人数")
            return None
        if count < 0:
            bad.append(f"从业人员不能为负数（{count}）")
            return None
        if count > 2_000_000_000:
            bad.append(f"从业人员“{count}”过大，请核对")
            return None
        return count

    def _year(self, value, bad: list[str]) -> int | None:
        year = None
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, float) and value.is_integer():
            year = int(value)
        elif isinstance(value, datetime | date):
            year = value.year
        else:
            match = YEAR_TEXT.match(unicodedata.normalize("NFKC", _text(value)))
            if match:
                year = int(match.group(1))
        if year is None or not 1990 <= year <= self.this_year:
            bad.append(f"年度“{_text(value)}”无效，应为1990至{self.this_year}之间的年份")
            return None
        return year


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _industry_text(value) -> str:
    # A number cell loses its leading zero: 0111 comes back as 111, 01 as 1. Codes are 2 or 4 digits
    # in registers (a 3-digit 中类 is rare), so a 1- or 3-digit number gets its zero back.
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
        return "0" + text if len(text) in (1, 3) else text
    return _text(value)


def _tags(raw: str) -> tuple[str, ...] | str:
    names: list[str] = []
    for name in TAG_SEPARATORS.split(raw):
        name = name.strip()
        if not name:
            continue
        if len(name) > 30:
            return f"标签“{name}”超过30个字"
        if name not in names:
            names.append(name)
    return tuple(names)


def _date(value) -> date:
    """A date from a cell; raises ValueError when it is not one."""
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
    text = unicodedata.normalize("NFKC", _text(value))
    match = DATE_TEXT.match(text) or DATE_DIGITS.match(text)
    if not match:
        raise ValueError
    return date(*(int(part) for part in match.groups()))


# --- derivation (the rule of services.derive, for many enterprises at once) ----------------------------


def derive_size(
    sector: str, latest: tuple[int, int | None, Decimal | None, Decimal | None] | None
) -> tuple[str, str, bool, str]:
    """(size_class, size_reason, above_scale, scale_reason) from the latest year's figures.

    ``latest`` is (year, employees, revenue, total_assets) of the enterprise's latest YearFigure,
    or None when it has none. Exactly :func:`luoshi.enterprises.services.derive`, without the database.
    """
    size, size_reason, above, scale_reason = "", "", False, ""
    if latest is not None and sector:
        year, employees, revenue, assets = latest
        try:
            result = codes.classify_size(sector, employees=employees, revenue_wan=revenue, assets_wan=assets)
            size, size_reason = result.size, f"{year}年数据：{result.reason}"
        except codes.SizeRuleError as exc:
            size_reason = f"{year}年数据不足以划型：{exc}"
        if revenue is not None:
            scale = codes.is_above_scale(sector, revenue_wan=revenue)
            above, scale_reason = scale.above, f"{year}年{scale.reason}"
    return size, size_reason[:300], above, scale_reason[:300]


# --- writing (pass 2) ------------------------------------------------------------------------------------


def _spool(spool, chunk: list[tuple]) -> None:
    # Length-prefixed blobs: marshal.load() on a file object would read it a few bytes at a time.
    blob = marshal.dumps(chunk)
    spool.write(len(blob).to_bytes(8, "little"))
    spool.write(blob)


def _chunks(spool) -> Iterator[list[tuple]]:
    while size := spool.read(8):
        yield marshal.loads(spool.read(int.from_bytes(size, "little")))  # noqa: S302 (our own spool, see _spool)


class _Rollback(Exception):
    pass


# SQLite's page cache during the write, in KiB: the whole import is one transaction, and with the
# default 2 MB the pages of its randomly ordered indexes (统一社会信用代码, name …) are spilled and
# read back again and again once the registry outgrows it (a million rows wrote ~2.5× slower).
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _write_cache():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _write(actor, checked: _Checked, result: ImportResult, progress, dry_run: bool) -> None:
    writer = _Writer(actor, checked, result)
    total = checked.rows
    if progress:
        progress(0, total)
    try:
        with _write_cache(), transaction.atomic(), BulkNames() as names:
            permissions.require(actor, REGISTRARS, None, action="导入企业")
            writer.names = names
            done = 0
            for chunk in _chunks(checked.spool):
                writer.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
            if dry_run:
                raise _Rollback
            if writer.touched:
                # One announcement for the whole file, not one per enterprise: a receiver that
                # re-matches benefits queues one job with the ids after the commit.
                enterprises_changed.send(sender=Enterprise, enterprise_ids=writer.touched)
    except _Rollback:
        pass


# What the writer reads of a stored enterprise, what it writes of a changed one, and of a new one.
STORED = (
    "id",
    "uscc",
    "name",
    "industry_code",
    "industry_name",
    "sector",
    "town_id",
    "founded_on",
    "registered_capital",
    "address",
    "legal_representative",
    "contact_phone",
    *DERIVED_FIELDS,
)
UPDATED = STORED[2:]
NEW = STORED[1:]
FIGURE_VALUES = (*(attr for _, attr in FIGURES), "source", "verified")
FIGURE_NEW = ("enterprise_id", "year", *FIGURE_VALUES)


class _Writer:
    """Writes one chunk of checked rows: enterprises, history, figures, tags, derived size.

    Reads are one query per table per chunk (stored rows as dicts, not model instances); writes
    touch only what changed, through :mod:`luoshi.enterprises.bulk` (COPY / executemany, history
    copied by the database). The per-row services are not called: see the module's docstring.
    """

    def __init__(self, actor, checked: _Checked, result: ImportResult):
        self.user_id = None if actor is None or is_system(actor) else actor.pk
        self.now = timezone.now()
        self.checked = checked
        self.result = result
        self.set_tags = TAGS in checked.columns
        self.tag_ids: dict[str, int] = {}
        self.tag_names: dict[int, str] = {}
        self.unit_names: dict[int, str] = dict(checked.towns)
        self.through = Enterprise.tags.through
        self.touched: list[int] = []  # enterprises created or changed, for enterprises_changed
        self.names = BulkNames()  # replaced by _write's, which is entered inside the transaction

    def history(self, model, ids: list[int], history_type: str, reason: str) -> None:
        bulk.record_history(model, ids, history_type=history_type, user_id=self.user_id, reason=reason, now=self.now)

    def write(self, records: list[tuple]) -> None:
        existing = {
            e["uscc"]: e for e in Enterprise.objects.filter(uscc__in=[r[R_USCC] for r in records]).values(*STORED)
        }
        # Stored figures are needed where the file brings figures, or a new 行业代码 (a new sector
        # means the size is derived again from the latest year).
        need_figures = [
            e["id"]
            for r in records
            if (e := existing.get(r[R_USCC])) is not None
            and (r[R_FIGURES] is not None or e["industry_code"] != r[R_INDUSTRY])
        ]
        figures: dict[int, dict[int, dict]] = {}
        if need_figures:
            stored = YearFigure.objects.filter(enterprise_id__in=need_figures).values("id", *FIGURE_NEW)
            for figure in stored:
                figures.setdefault(figure["enterprise_id"], {})[figure["year"]] = figure
        links: dict[int, dict[int, int]] = {}  # enterprise id → {tag id: through row id}
        if self.set_tags and existing:
            rows = self.through.objects.filter(enterprise_id__in=[e["id"] for e in existing.values()])
            for link_id, enterprise_id, tag_id in rows.values_list("id", "enterprise_id", "enterprisetag_id"):
                links.setdefault(enterprise_id, {})[tag_id] = link_id
        self._resolve_tags(records)

        new: list[tuple] = []
        rewrite: list[dict] = []  # enterprises whose row changes (registry fields or derived size)
        history: list[int] = []  # … of which the registry fields changed (derived size has no history)
        figure_new: list[dict] = []
        figure_changed: list[dict] = []
        link_add: list[tuple[int, int]] = []
        link_drop: list[int] = []

        for record in records:
            enterprise = existing.get(record[R_USCC])
            if enterprise is None:
                new.append(record)
                continue
            pk = enterprise["id"]
            diffs: list[FieldChange] = []
            sector_changed = self._update_enterprise(enterprise, record, diffs)
            write_row = bool(diffs)
            if diffs:
                history.append(pk)
            if record[R_TAGS] is not None and self.set_tags:
                self._update_tags(pk, record, links.get(pk, {}), diffs, link_add, link_drop)
            mine = figures.setdefault(pk, {})
            figure_touched = False
            if record[R_FIGURES] is not None:
                figure = self._figure_for(pk, record, mine, diffs)
                if figure is not None:
                    (figure_new if figure["id"] is None else figure_changed).append(figure)
                    mine[figure["year"]] = figure
                    figure_touched = True
            # Unchanged figures and sector cannot change the derived size: skip the kernel.
            if sector_changed or figure_touched:
                derived = derive_size(enterprise["sector"], _latest(mine))
                if derived != _derived_of(enterprise):
                    _set_derived(enterprise, derived)
                    write_row = True
            if write_row:
                rewrite.append(enterprise)
            if diffs:
                self.result.updated += 1
                if len(self.result.changes) < MAX_CHANGE_DETAILS:
                    self.result.changes.append(EnterpriseChange(enterprise["uscc"], enterprise["name"], diffs))
            else:
                self.result.unchanged += 1
            if diffs or write_row:
                self.touched.append(pk)

        if rewrite:
            bulk.update_rows(Enterprise, UPDATED, [(*(e[a] for a in UPDATED), e["id"]) for e in rewrite])
            self.history(Enterprise, history, "~", REASON)
        figure_rows = [tuple(f[a] for a in FIGURE_NEW) for f in figure_new]
        if new:
            bulk.insert_rows(Enterprise, NEW, (self._new_enterprise(r) for r in new), now=self.now)
            ids = dict(Enterprise.objects.filter(uscc__in=[r[R_USCC] for r in new]).values_list("uscc", "id"))
            created = [ids[r[R_USCC]] for r in new]
            self.names.added(created)
            self.history(Enterprise, created, "+", REASON)
            self.result.created += len(created)
            self.touched.extend(created)
            for record, pk in zip(new, created, strict=True):
                if record[R_FIGURES] is not None:
                    figure_rows.append(self._new_figure(pk, record))
                for name in record[R_TAGS] or ():
                    link_add.append((pk, self.tag_ids[name]))
        if figure_rows:
            bulk.insert_rows(YearFigure, FIGURE_NEW, figure_rows, now=self.now)
            wanted = {(row[0], row[1]) for row in figure_rows}
            stored = YearFigure.objects.filter(enterprise_id__in={pk for pk, _ in wanted})
            ids = [pk for pk, e, y in stored.values_list("id", "enterprise_id", "year") if (e, y) in wanted]
            self.history(YearFigure, ids, "+", FIGURE_REASON)
        if figure_changed:
            rows = [(*(f[a] for a in FIGURE_VALUES), f["id"]) for f in figure_changed]
            bulk.update_rows(YearFigure, FIGURE_VALUES, rows)
            self.history(YearFigure, [f["id"] for f in figure_changed], "~", FIGURE_REASON)
        if link_drop:
            self.through.objects.filter(id__in=link_drop).delete()
        if link_add:
            bulk.insert_rows(self.through, ("enterprise_id", "enterprisetag_id"), link_add, now=self.now)

    # --- enterprises

    def _new_enterprise(self, record: tuple) -> tuple:
        """The row of a new enterprise, in the order of NEW."""
        industry_name, sector = self.checked.industries[record[R_INDUSTRY]]
        latest = None
        if record[R_FIGURES] is not None:
            figures = record[R_FIGURES]
            latest = (record[R_YEAR], figures[2], _decimal(figures[0]), _decimal(figures[3]))
        return (
            record[R_USCC],
            record[R_NAME],
            record[R_INDUSTRY],
            industry_name[:100],
            sector,
            record[R_TOWN],
            date.fromordinal(record[R_FOUNDED]) if record[R_FOUNDED] is not None else None,
            record[R_CAPITAL],
            record[R_ADDRESS] or "",
            record[R_LEGAL] or "",
            record[R_PHONE] or "",
            *derive_size(sector, latest),
        )

    def _update_enterprise(self, enterprise: dict, record: tuple, diffs: list) -> bool:
        """Apply the row's values; True when the size sector changed (so size must be derived again)."""
        sector_changed = False
        for attr, pos, label in ENTERPRISE_FIELDS:
            value = record[pos]
            if value is None:
                continue  # an empty cell keeps what the registry has
            if attr == "founded_on":
                value = date.fromordinal(value)
            elif attr == "registered_capital":
                value = Decimal(value)
            old = enterprise[attr]
            if old == value:
                continue
            if attr == "town_id":
                diffs.append(FieldChange(label, self._unit_name(old), self._unit_name(value)))
            else:
                diffs.append(FieldChange(label, _show(old), _show(value)))
            enterprise[attr] = value
            if attr == "industry_code":
                name, sector = self.checked.industries[value]
                enterprise["industry_name"] = name[:100]
                if sector != enterprise["sector"]:
                    enterprise["sector"] = sector
                    sector_changed = True
        return sector_changed

    def _unit_name(self, unit_id: int | None) -> str:
        if unit_id is None:
            return _show(None)
        if unit_id not in self.unit_names:
            unit = Unit.objects.filter(pk=unit_id).first()
            self.unit_names[unit_id] = unit.display_name if unit else f"#{unit_id}"
        return self.unit_names[unit_id]

    # --- tags

    def _resolve_tags(self, records: list[tuple]) -> None:
        wanted = {name for r in records for name in (r[R_TAGS] or ())} - set(self.tag_ids)
        if not wanted:
            return
        for tag_id, name in EnterpriseTag.objects.filter(name__in=wanted).values_list("id", "name"):
            self.tag_ids[name] = tag_id
        for name in sorted(wanted - set(self.tag_ids)):
            self.tag_ids[name] = EnterpriseTag.objects.get_or_create(name=name)[0].pk

    def _update_tags(self, pk: int, record, current: dict[int, int], diffs, link_add, link_drop) -> None:
        wanted = [self.tag_ids[name] for name in record[R_TAGS]]
        if set(wanted) == set(current):
            return
        old_names = sorted(self._tag_name(t) for t in current)
        diffs.append(FieldChange(TAGS, "、".join(old_names) or _show(None), "、".join(record[R_TAGS])))
        for tag_id in wanted:
            if tag_id not in current:
                link_add.append((pk, tag_id))
        link_drop.extend(link_id for tag_id, link_id in current.items() if tag_id not in wanted)

    def _tag_name(self, tag_id: int) -> str:
        if tag_id not in self.tag_names:
            self.tag_names.update((v, k) for k, v in self.tag_ids.items())
            if tag_id not in self.tag_names:
                name = EnterpriseTag.objects.filter(pk=tag_id).values_list("name", flat=True).first()
                self.tag_names[tag_id] = name or f"#{tag_id}"
        return self.tag_names[tag_id]

    # --- figures

    def _new_figure(self, enterprise_id: int, record: tuple) -> tuple:
        """The row of a new year's figures, in the order of FIGURE_NEW (amounts as checked: strings)."""
        return (
            enterprise_id,
            record[R_YEAR],
            *record[R_FIGURES],
            record[R_SOURCE] or FigureSource.SELF.value,
            bool(record[R_VERIFIED]),
        )

    def _figure_for(self, enterprise_id, record, mine: dict[int, dict], diffs) -> dict | None:
        """The year's figures with the file's values, or None when nothing changes."""
        year = record[R_YEAR]
        figure = mine.get(year)
        if figure is None:
            row = self._new_figure(enterprise_id, record)
            figure = dict(zip(FIGURE_NEW, row, strict=True), id=None)
            for (column, attr), value in zip(FIGURES, record[R_FIGURES], strict=True):
                if value is not None:
                    if attr != "employees":
                        figure[attr] = Decimal(value)
                    diffs.append(FieldChange(f"{year}年{column}", _show(None), _show(figure[attr])))
            return figure
        touched = False
        updates = [
            (f"{year}年{column}", attr, value) for (column, attr), value in zip(FIGURES, record[R_FIGURES], strict=True)
        ]
        if record[R_SOURCE] is not None:
            updates.append((f"{year}年{SOURCE}", "source", record[R_SOURCE]))
        if record[R_VERIFIED] is not None:
            updates.append((f"{year}年{VERIFIED}", "verified", record[R_VERIFIED]))
        for label, attr, value in updates:
            if value is None:
                continue
            if attr not in ("employees", "source", "verified"):
                value = Decimal(value)
            old = figure[attr]
            if old == value:
                continue
            if attr == "source":
                diffs.append(FieldChange(label, _source_label(old), _source_label(value)))
            else:
                diffs.append(FieldChange(label, _show(old), _show(value)))
            figure[attr] = value
            touched = True
        return figure if touched else None


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _latest(figures: dict[int, dict]):
    if not figures:
        return None
    figure = figures[max(figures)]
    return (figure["year"], figure["employees"], figure["revenue"], figure["total_assets"])


def _derived_of(enterprise: dict) -> tuple[str, str, bool, str]:
    return (enterprise["size_class"], enterprise["size_reason"], enterprise["above_scale"], enterprise["scale_reason"])


def _set_derived(enterprise: dict, derived: tuple[str, str, bool, str]) -> None:
    enterprise["size_class"], enterprise["size_reason"], enterprise["above_scale"], enterprise["scale_reason"] = derived


def _show(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _source_label(value: str) -> str:
    try:
        return str(FigureSource(value).label)
    except ValueError:
        return _show(value)


# --- the command line ------------------------------------------------------------------------------------


@dataclass
class _Bar:
    start: float | None = None
    last: int = -1
    open: bool = False
    width: int = 0


_BAR = _Bar()
BAR_WIDTH = 20


def render_progress(done: int, total: int, *, stream=None) -> None:
    """Draw ``\\r[#####-----] 45% 45,000/100,000 行 12,345 行/秒`` on stderr (one line, redrawn).

    A count that starts again from 0 (the import's writing stage after its checking stage) begins a
    new line; reaching ``total`` ends the line.
    """
    stream = stream or sys.stderr
    now = time.monotonic()
    if _BAR.start is None or done < _BAR.last:
        if _BAR.open:
            stream.write("\n")
        _BAR.start, _BAR.open, _BAR.width = now, False, 0
    _BAR.last = done
    elapsed = now - _BAR.start
    rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "—"
    if total > 0:
        fraction = min(done / total, 1.0)
        filled = int(fraction * BAR_WIDTH + 0.5)
        line = (
            f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {int(fraction * 100):3d}% {done:,}/{total:,} 行 {rate} 行/秒"
        )
    else:
        line = f"{done:,} 行 {rate} 行/秒"
    stream.write("\r" + line + " " * max(_BAR.width - len(line), 0))
    _BAR.width = len(line)
    if total > 0 and done >= total:
        stream.write("\n")
        _BAR.start, _BAR.last, _BAR.open, _BAR.width = None, -1, False, 0
    else:
        _BAR.open = True
    stream.flush()


def _end_bar(stream=None) -> None:
    stream = stream or sys.stderr
    if _BAR.open:
        stream.write("\n")
        stream.flush()
    _BAR.start, _BAR.last, _BAR.open, _BAR.width = None, -1, False, 0


def cli_main(argv: list[str] | None = None) -> int:
    """``luoshi import enterprises FILE [--year Y] [--dry-run]``: 0 when imported, 1 when the file has errors.

    Django must be set up before this module is imported (the ``luoshi`` command does that).
    """
    parser = argparse.ArgumentParser(
        prog="luoshi import enterprises",
        description="从Excel（.xlsx）或CSV文件导入企业名录：先逐行检查，全部无误才写入；已登记的企业按统一社会信用代码更新。",
    )
    parser.add_argument("file", metavar="FILE", help="企业名录文件（.xlsx，或UTF-8/GB18030编码的.csv）")
    parser.add_argument("--year", type=int, help="年度数据所属年度（文件中没有“年度”列或该列为空时使用）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并统计将发生的变化，不写入数据库")
    args = parser.parse_args(argv)

    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件“{path}”。", file=sys.stderr)
        return 1
    print(f"导入 {path}：先逐行检查，全部无误后写入。", file=sys.stderr)
    try:
        result = import_enterprises(SYSTEM, path, year=args.year, progress=render_progress, dry_run=args.dry_run)
    finally:
        _end_bar()

    if not result.ok:
        print(f"导入失败，未做任何修改：共{result.error_count:,}处错误。")
        for error in result.errors[:20]:
            print(f"  {error.message}")
        if result.error_count > 20:
            print(f"  ……另有{result.error_count - 20:,}处错误。")
        if result.error_report:
            where = _save_report(path, result)
            print(f"错误报告已写入：{where}（最后一列“{ERROR_HEADER}”逐行写明问题，改正后重新导入即可）")
        return 1

    head = "试运行（未写入任何数据）：将" if result.dry_run else "导入完成："
    print(
        f"{head}新增{result.created:,}家，更新{result.updated:,}家，{result.unchanged:,}家无变化；"
        f"共{result.rows:,}行，用时{result.seconds:.1f}秒（{result.rows_per_second:,.0f}行/秒）。"
    )
    for change in result.changes[:20]:
        details = "；".join(f"{c.label}：{c.old} → {c.new}" for c in change.fields)
        print(f"  {change.uscc} {change.name}：{details}")
    if result.updated > 20:
        print(f"  ……另有{result.updated - 20:,}家企业有更新。")
    return 0


def _save_report(path: Path, result: ImportResult) -> Path:
    target = path.with_name(result.error_report_name or f"{path.stem}.errors{path.suffix}")
    try:
        target.write_bytes(result.error_report)
    except OSError:
        target = Path(tempfile.gettempdir()) / target.name
        target.write_bytes(result.error_report)
    return target
