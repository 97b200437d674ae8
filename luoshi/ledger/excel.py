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
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.core import spreadsheets
from luoshi.core.errors import DomainError
from luoshi.core.spreadsheets import DATE_FORMAT, Columns, DataRow, Problems, date_cell, label, read_choice, read_date

# Re-exported: callers know the results by these names here, and the 督办简报 reuses the header style.
from luoshi.core.spreadsheets import HEADER_FILL as HEADER_FILL
from luoshi.core.spreadsheets import HEADER_FONT as HEADER_FONT
from luoshi.core.spreadsheets import ImportResult as ImportResult
from luoshi.core.spreadsheets import RowError as RowError
from luoshi.ledger import services
from luoshi.ledger.choices import Cadence, Priority, SourceKind
from luoshi.ledger.models import AreaTag, Source, Task
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit
from luoshi.org.queries import find_unit
from luoshi.tracking.choices import Colour, Status

SHEET = "督办台账"

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100  # an uploaded sheet is read this far to the right, no further

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

UNIT_SEPARATORS = re.compile(r"[、，,；;\n]+")
AREA_SEPARATORS = re.compile(r"[、，,；;\n]+")


def _layout() -> spreadsheets.Layout:
    """The sheet the import reads (made on each call: the limits are read when it runs, so a test may lower them)."""
    return spreadsheets.Layout(
        sheet=SHEET,
        noun="任务",
        columns=COLUMNS,
        required=REQUIRED,
        synonyms=SYNONYMS,
        widths=WIDTHS,
        max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )


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
    layout = _layout()
    example = [EXAMPLE_ROW[c] or None for c in COLUMNS]
    wb = spreadsheets.new_template(layout, example, help_rows=HELP, notes=HELP_NOTES, help_width=12, freeze="A2")
    ws = wb.active
    for idx, name in enumerate(COLUMNS, 1):
        letter = get_column_letter(idx)
        if name in (CODE, PARENT):
            # Text, so that 1.10 stays 1.10 and is not read back as the number 1.1.
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=idx).number_format = "@"
        if name in (START, DUE):
            ws.column_dimensions[letter].number_format = DATE_FORMAT
            ws.cell(row=2, column=idx).number_format = DATE_FORMAT
    spreadsheets.add_choice_list(ws, layout, CADENCE, Cadence.labels)
    spreadsheets.add_choice_list(ws, layout, PRIORITY, Priority.labels)
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
        dv.add(f"{letter}2:{letter}{layout.max_rows + 1}")
        ws.add_data_validation(dv)
    return spreadsheets.save(wb)


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


def import_ledger(actor, file_or_bytes, *, source: Source | None = None) -> ImportResult:
    """Create the tasks of an uploaded 督办台账, all or nothing.

    Every row is read and checked first; if any row is wrong nothing is written and the result
    carries the errors and ``error_workbook`` (the uploaded rows with a 错误 column). Otherwise
    the tasks are created, parents before children, in one transaction through
    :func:`services.create_task`, which checks ``actor``'s permission for each lead unit; a
    refusal there undoes the whole import and is reported against its row. ``source`` is the
    来源 of top-level rows that name none.
    """

    def parse(data_rows: list[DataRow], columns: Columns, problems: Problems) -> list[_Row]:
        rows = _parse_rows(data_rows, problems)
        _check_tree(actor, rows, problems)
        return rows

    def write(rows: list[_Row], problems: Problems, result: ImportResult) -> None:
        result.created = _create_all(actor, rows, source, problems)

    return spreadsheets.import_workbook(file_or_bytes, _layout(), parse=parse, write=write)


def _parse_rows(data_rows: list[DataRow], problems: Problems) -> list[_Row]:
    """What each row asks for, checked; its required cells were checked before."""
    unit = cache(find_unit)  # a ledger names the same few units on most of its rows
    rows = []
    for data in data_rows:
        fail = problems.in_row(data.number)
        texts = data.texts
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
            dates[name] = None
            if texts[name]:
                try:
                    dates[name] = read_date(data.cells[name])
                except ValueError:
                    fail(f"{name}“{texts[name]}”不是有效日期，请按2025-03-31的格式填写或使用Excel日期")
        if dates[START] and dates[DUE] and dates[DUE] < dates[START]:
            fail("完成时限早于开始日期")

        cadence = Cadence.MONTHLY.value
        if texts[CADENCE]:
            cadence = read_choice(texts[CADENCE], Cadence)
            if not cadence:
                fail(f"报送频次“{texts[CADENCE]}”无效，请填写每周、每两周、每月、每季度或不定期")
        priority = Priority.NORMAL.value
        if texts[PRIORITY]:
            priority = read_choice(texts[PRIORITY], Priority)
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
                number=data.number,
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


def _check_tree(actor, rows: list[_Row], problems: Problems) -> None:
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


def _create_all(actor, rows: list[_Row], default_source: Source | None, problems: Problems) -> int:
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
    ws = spreadsheets.export_sheet(wb, SHEET, EXPORT_COLUMNS, WIDTHS, freeze="A2")
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
        date_cell(ws, task.start_date),
        date_cell(ws, task.due_date),
        label(Cadence, task.cadence),
        label(Priority, task.priority),
        "、".join(a.name for a in task.areas.all()) or None,
        task.source.title if task.source_id else None,
        label(Status, task.status),
        label(Colour, task.colour),
        task.status_reason or None,
        task.percent,
        date_cell(ws, task.done_on),
        date_cell(ws, task.closed_on),
    ]
