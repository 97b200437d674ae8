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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from luoshi.core import spreadsheets
from luoshi.core.errors import DomainError
from luoshi.core.spreadsheets import DATE_FORMAT, Columns, DataRow, Problems, date_cell, label, read_choice, read_date

# Re-exported: callers know the import's results by these names here.
from luoshi.core.spreadsheets import ImportResult as ImportResult
from luoshi.core.spreadsheets import RowError as RowError
from luoshi.enterprises.models import Enterprise
from luoshi.org.choices import UnitKind
from luoshi.org.queries import find_unit
from luoshi.projects import queries, services
from luoshi.projects.choices import Channel, KeyLevel, Maturity, ProjectType, Stage
from luoshi.projects.models import MonthPlan, Project, YearPlan
from luoshi.tracking.choices import Colour, Status

SHEET = "项目台账"

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60

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

AMOUNT_FORMAT = "#,##0.00"


def _layout() -> spreadsheets.Layout:
    """The sheet the import reads (made on each call: the limits are read when it runs, so a test may lower them)."""
    return spreadsheets.Layout(
        sheet=SHEET,
        noun="项目",
        columns=COLUMNS,
        required=REQUIRED,
        synonyms=SYNONYMS,
        units=("万元",),
        widths=WIDTHS,
        max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )


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
    """An empty 项目台账 to fill in: headers, one example row, drop-downs and a sheet of instructions."""
    layout = _layout()
    example = [EXAMPLE.get(c) for c in COLUMNS]
    wb = spreadsheets.new_template(
        layout, example, help_rows=HELP, notes=HELP_NOTES, help_width=28, freeze="C2", wrap_header=True
    )
    ws = wb.active
    ws.column_dimensions[get_column_letter(COLUMNS.index(CODE) + 1)].number_format = "@"
    for name in (START, END):
        ws.cell(row=2, column=COLUMNS.index(name) + 1).number_format = DATE_FORMAT
    for name, choices in CHOICES.items():
        spreadsheets.add_choice_list(ws, layout, name, choices.labels)
    return spreadsheets.save(wb)


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


def import_projects(actor, file_or_bytes, *, year: int) -> ImportResult:
    """Register or update the projects of an uploaded 项目台账, all or nothing; plans are for ``year``."""
    return spreadsheets.import_workbook(
        file_or_bytes, _layout(), parse=partial(_parse_rows, actor), write=partial(_write_all, actor, year)
    )


def _parse_rows(actor, data_rows: list[DataRow], columns: Columns, problems: Problems) -> list[_Row]:
    """What each row asks for, checked; its required cells were checked before."""
    unit = cache(find_unit)  # a ledger names the same few units on most of its rows
    codes = [data.texts[CODE] for data in data_rows if data.texts[CODE]]
    existing = {p.code: p for p in queries.visible_projects(actor).filter(code__in=codes).select_related("lead_unit")}
    owners = {e.name: e for e in Enterprise.objects.filter(name__in=[data.texts[OWNER] for data in data_rows])}
    first_row: dict[str, int] = {}
    rows = []
    for data in data_rows:
        number, texts, fail = data.number, data.texts, problems.in_row(data.number)
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
                value = read_choice(texts[name], CHOICES[name])
                if value is None:
                    options = "、".join(str(choice) for choice in CHOICES[name].labels)
                    fail(f"{name}“{texts[name]}”无效，请填写{options}")
                fields[key] = value
        stage = None
        if texts[STAGE]:
            stage = read_choice(texts[STAGE], Stage)
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
                fields[key] = _amount(data.cells[name], name, fail)
        if BEFORE in columns and not texts[BEFORE]:
            fields["invested_before"] = Decimal(0)
        for name, key in ((START, "start_date"), (END, "end_date")):
            fields[key] = None
            if texts[name]:
                try:
                    fields[key] = read_date(data.cells[name], month_alone=True)
                except ValueError:
                    fail(f"{name}“{texts[name]}”不是有效日期，请按2025-03-31的格式填写")
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            fail("计划竣工早于计划开工")
        plan = _amount(data.cells[PLAN], PLAN, fail) if texts[PLAN] else None
        months = None
        if any(texts[m] for m in MONTHS):
            months = [_amount(data.cells[m], m, fail) if texts[m] else Decimal(0) for m in MONTHS]
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


def _write_all(actor, year: int, rows: list[_Row], problems: Problems, result: ImportResult) -> None:
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
    ws = spreadsheets.export_sheet(wb, SHEET, EXPORT_COLUMNS, WIDTHS, freeze="C2")
    for project in projects:
        months = plans.get(project.pk, {})
        plan = year_amounts.get(project.pk)
        ws.append(
            [
                project.code or None,
                project.name,
                label(ProjectType, project.project_type),
                label(Stage, project.stage),
                label(KeyLevel, project.key_level),
                project.lead_unit.name,
                project.owner_display or None,
                project.town.name if project.town_id else None,
                _money(ws, project.total_investment),
                _money(ws, project.invested_before),
                date_cell(ws, project.start_date),
                date_cell(ws, project.end_date),
                project.description or None,
                label(Maturity, project.maturity) if project.maturity else None,
                label(Channel, project.channel) if project.channel else None,
                _money(ws, plan),
                *[_money(ws, months.get(m)) if plan is not None else None for m in range(1, 13)],
                _money(ws, project.year_done),
                _money(ws, project.invested),
                project.percent if project.year_plan else None,
                label(Status, project.status),
                label(Colour, project.colour),
                project.status_reason or None,
            ]
        )
    wb.save(out)


def _money(ws, value: Decimal | None):
    return spreadsheets.formatted_cell(ws, value, AMOUNT_FORMAT)
