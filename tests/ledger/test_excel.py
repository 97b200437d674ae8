"""The 督办台账 in Excel: template, all-or-nothing import with a row-by-row report, export and round trip."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.core.actors import SYSTEM
from luoshi.ledger import excel, services
from luoshi.ledger.choices import Cadence, Priority
from luoshi.ledger.models import Source, Task
from luoshi.org.choices import Role
from tests.factories import make_user

HEADERS = [
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
]


def xlsx(rows, headers=HEADERS, *, title="督办台账", above=()) -> bytes:
    """A workbook in memory: optional lines above the header, the header, then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for line in above:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(
    code="",
    parent="",
    title="任务",
    lead="区经信委",
    *,
    co="",
    start=date(2025, 3, 1),
    due=date(2025, 12, 31),
    cadence="每月",
    priority="一般",
    areas="",
    source="",
    description="",
):
    return [code, parent, title, description, lead, co, start, due, cadence, priority, areas, source]


def error_column(result) -> dict[int, str]:
    """Excel row number → text of the 错误 column in the returned workbook."""
    ws = load_workbook(io.BytesIO(result.error_workbook)).active
    header = [c.value for c in ws[1]]
    assert header[-1].startswith("错误"), "错误 is the last column"
    col = len(header)
    return {r: ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)}


# --- template ------------------------------------------------------------------------------


def test_the_template_opens_with_its_headers_drop_downs_frozen_header_and_instructions():
    wb = load_workbook(io.BytesIO(excel.template_workbook()))
    assert wb.sheetnames == ["督办台账", "填写说明"]
    ws = wb["督办台账"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width >= 30
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"每周,每两周,每月,每季度,不定期"' in lists
    assert '"重点,一般,较低"' in lists
    assert ws["E2"].value == "区经信委"  # the example row names a unit by its short name
    explained = {r[0] for r in wb["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(HEADERS) <= explained


def test_the_template_example_row_imports_as_it_stands(world):
    result = excel.import_ledger(world.supervisor, excel.template_workbook())
    assert result.ok, result.errors
    assert result.created == 1
    task = Task.objects.get()
    assert task.lead_unit == world.jxw
    assert set(task.co_units.all()) == {world.swj, world.zsl}


# --- a good file ---------------------------------------------------------------------------


def test_a_good_file_creates_the_tasks_with_their_tree_co_units_areas_and_cadence(world):
    data = xlsx(
        [
            # The child comes first in the file: parents are still created before children.
            row("1.1", "1", "开展企业数字化诊断", "区经信委", cadence="每两周", co="中山路街道"),
            row(
                "1",
                "",
                "推进制造业数字化转型",
                "重庆市永川区经济和信息化委员会",
                co="区商务委，中山路街道",
                areas="工业、改革",
            ),
            row("2", "", "办好消费促进活动", "区商务委", cadence="每季度", priority="重点", source="区政府常务会议"),
            row("2.1", "2", "组织汽车促消费", "区商务委", co="区经信委,中山路街道", cadence="不定期", priority="较低"),
        ]
    )
    result = excel.import_ledger(world.supervisor, data)

    assert result.ok, result.errors
    assert result.created == 4
    assert result.error_workbook is None
    tasks = {t.code: t for t in Task.objects.all()}
    assert tasks["1.1"].parent == tasks["1"]
    assert tasks["2.1"].parent == tasks["2"]
    assert tasks["1"].parent is None
    assert tasks["1.1"].depth == 1
    assert tasks["1"].lead_unit == world.jxw
    assert set(tasks["1"].co_units.all()) == {world.swj, world.zsl}
    assert set(tasks["2.1"].co_units.all()) == {world.jxw, world.zsl}
    assert sorted(a.name for a in tasks["1"].areas.all()) == ["工业", "改革"]
    assert tasks["1.1"].cadence == Cadence.FORTNIGHTLY
    assert tasks["2"].cadence == Cadence.QUARTERLY
    assert tasks["2.1"].cadence == Cadence.NONE
    assert tasks["2"].priority == Priority.HIGH
    assert tasks["2.1"].priority == Priority.LOW
    assert tasks["1"].start_date == date(2025, 3, 1)
    assert tasks["1"].due_date == date(2025, 12, 31)
    # A 来源 not yet in the system is registered; the child inherits its parent's.
    assert tasks["2"].source.title == "区政府常务会议"
    assert tasks["2.1"].source == tasks["2"].source


def test_a_unit_is_found_by_official_name_short_name_or_alias(world):
    data = xlsx(
        [
            row("1", title="甲", lead="区经信委"),
            row("2", title="乙", lead="区经济和信息化委员会"),
            row("3", title="丙", lead="重庆市永川区经济和信息化委员会"),
        ]
    )
    result = excel.import_ledger(world.supervisor, data)
    assert result.ok, result.errors
    assert {t.lead_unit for t in Task.objects.all()} == {world.jxw}


def test_columns_may_come_in_any_order_and_empty_rows_and_a_title_line_are_skipped(world):
    headers = ["完成时限", "任务", "牵头单位", "开始日期", "编号"]
    data = xlsx(
        [
            ["2025-06-30", "建立重点企业联系制度", "区商务委", "2025/3/1", "A"],
            [None, None, None, None, None],
            [],
            [datetime.combine(date(2025, 9, 30), time()), "走访重点企业", "区经信委", "2025年4月1日", "B"],
        ],
        headers,
        above=[["2025年督办台账"]],
    )
    result = excel.import_ledger(world.supervisor, data)
    assert result.ok, result.errors
    assert result.created == 2
    a, b = Task.objects.get(code="A"), Task.objects.get(code="B")
    assert (a.start_date, a.due_date, a.cadence, a.priority) == (
        date(2025, 3, 1),
        date(2025, 6, 30),
        Cadence.MONTHLY,
        Priority.NORMAL,
    )
    assert b.start_date == date(2025, 4, 1)


def test_a_parent_already_in_the_system_can_be_named_by_its_code(world):
    parent = services.create_task(
        SYSTEM, title="稳工业", lead_unit=world.jxw, start_date=date(2025, 1, 1), due_date=date(2025, 12, 31), code="3"
    )
    result = excel.import_ledger(world.supervisor, xlsx([row("3.1", "3", "培育专精特新企业")]))
    assert result.ok, result.errors
    assert Task.objects.get(code="3.1").parent == parent


def test_the_default_source_applies_to_rows_that_name_none(world):
    meeting = services.create_source(SYSTEM, title="区委经济工作会议", held_on=date(2025, 2, 10))
    result = excel.import_ledger(world.supervisor, xlsx([row("1"), row("1.1", "1")]), source=meeting)
    assert result.ok, result.errors
    assert {t.source for t in Task.objects.all()} == {meeting}


# --- bad files change nothing --------------------------------------------------------------


def test_a_file_with_one_bad_row_creates_nothing_and_returns_an_error_workbook(world):
    data = xlsx(
        [
            row("1", title="好的任务"),
            row("2", title="好的任务二", lead="区商务委"),
            row("3", title="单位写错了", lead="区经委"),
            row("4", title="也是好的"),
        ]
    )
    result = excel.import_ledger(world.supervisor, data)

    assert not result.ok
    assert result.created == 0
    assert Task.objects.count() == 0
    assert [(e.row, e.message) for e in result.errors] == [
        (4, "第4行：牵头单位“区经委”不存在，请使用单位全称或简称"),
    ]
    errors = error_column(result)
    assert errors[4] == "牵头单位“区经委”不存在，请使用单位全称或简称"
    assert [errors[2], errors[3], errors[5]] == [None, None, None]
    ws = load_workbook(io.BytesIO(result.error_workbook)).active
    assert ws["C4"].value == "单位写错了"  # the uploaded rows come back as they were
    assert ws["A4"].fill.fgColor.rgb.endswith("FFE0E0")  # and the bad one is highlighted
    assert ws["A3"].fill.fill_type is None
    assert ws["G2"].is_date


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row("9", due=date(2025, 1, 1)), "完成时限早于开始日期"),
        (row("9", "3.1"), "上级编号“3.1”在本文件和系统中都找不到"),
        (row("1"), "编号“1”与第2行重复"),
        (row("9", cadence="每天"), "报送频次“每天”无效"),
        (row("9", priority="特急"), "优先级“特急”无效"),
        (row("9", start="2025-02-30"), "开始日期“2025-02-30”不是有效日期"),
        (row("9", due="年底前"), "完成时限“年底前”不是有效日期"),
        (row("9", title=""), "未填写“任务”"),
        (row("9", lead=""), "未填写“牵头单位”"),
        (row("9", start=None), "未填写“开始日期”"),
        (row("9", co="区商务委、区招商局"), "配合单位“区招商局”不存在"),
        (row("9", "9"), "上级编号不能与本行编号相同"),
        (row("x" * 31), "编号超过30个字"),
    ],
)
def test_each_kind_of_bad_row_is_named_in_its_row(world, bad, message):
    result = excel.import_ledger(world.supervisor, xlsx([row("1", title="好的任务"), bad]))
    assert result.created == 0
    assert Task.objects.count() == 0
    assert len(result.errors) == 1
    assert result.errors[0].row == 3
    assert result.errors[0].message.startswith("第3行：")
    assert message in result.errors[0].message
    assert message in error_column(result)[3]


def test_every_problem_of_every_row_is_reported_at_once(world):
    data = xlsx([row("1", lead="区经委", cadence="每天"), row("2"), row("3", due=date(2024, 1, 1))])
    result = excel.import_ledger(world.supervisor, data)
    assert {e.row for e in result.errors} == {2, 4}
    errors = error_column(result)
    assert "区经委" in errors[2]
    assert "报送频次" in errors[2]
    assert errors[3] is None


def test_parents_that_form_a_cycle_are_refused(world):
    result = excel.import_ledger(world.supervisor, xlsx([row("1", "2"), row("2", "1")]))
    assert not result.ok
    assert Task.objects.count() == 0
    assert all("形成循环" in e.message for e in result.errors)


def test_a_missing_required_column_rejects_the_whole_file(world):
    headers = ["编号", "任务", "开始日期", "完成时限"]
    result = excel.import_ledger(world.supervisor, xlsx([["1", "任务", "2025-03-01", "2025-12-31"]], headers))
    assert not result.ok
    assert result.errors[0].row == 1
    assert "缺少必填列“牵头单位”" in result.errors[0].message
    header = [c.value for c in load_workbook(io.BytesIO(result.error_workbook)).active[1]]
    assert header[-1].startswith("错误：缺少必填列“牵头单位”")
    assert Task.objects.count() == 0


def test_a_reporter_may_not_import_tasks_and_nothing_is_created(world):
    data = xlsx([row("1", title="经信委自己的任务", lead="区经信委"), row("1.1", "1", title="下级任务")])
    result = excel.import_ledger(world.jxw_reporter, data)
    assert not result.ok
    assert result.created == 0
    assert Task.objects.count() == 0
    assert result.errors[0].row == 2
    assert "没有“区经信委”交办任务的权限" in result.errors[0].message
    assert "上级任务（第2行）未能导入" in result.errors[1].message
    assert "权限" in error_column(result)[2]


def test_a_refusal_on_a_later_row_undoes_the_rows_already_created(world):
    jxw_supervisor = make_user("jxw_supervisor", grants=[(Role.SUPERVISOR, world.jxw)])
    data = xlsx(
        [
            row("1", title="经信委任务", lead="区经信委", source="区政府常务会议"),
            row("2", title="商务委任务", lead="区商务委"),
        ]
    )
    result = excel.import_ledger(jxw_supervisor, data)
    assert not result.ok
    assert [e.row for e in result.errors] == [3]
    assert "区商务委" in result.errors[0].message
    assert Task.objects.count() == 0
    assert Source.objects.count() == 0


def test_a_file_that_is_not_xlsx_is_refused(world):
    for data in (b"not a spreadsheet", b"PK\x03\x04broken zip", "编号,任务\n1,x\n".encode()):
        result = excel.import_ledger(world.supervisor, data)
        assert [e.message for e in result.errors] == ["文件不是有效的Excel（.xlsx）文件"]
        assert result.error_workbook is None
    assert Task.objects.count() == 0


def test_an_oversized_file_is_refused_before_it_is_read(world):
    result = excel.import_ledger(world.supervisor, io.BytesIO(b"\0" * (excel.MAX_BYTES + 1)))
    assert not result.ok
    assert "超过10MB" in result.errors[0].message


def test_too_many_rows_are_refused(world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    result = excel.import_ledger(world.supervisor, xlsx([row(str(i)) for i in range(4)]))
    assert not result.ok
    assert "请拆分后分批导入" in result.errors[0].message
    assert Task.objects.count() == 0


def test_a_file_with_only_the_header_is_refused(world):
    result = excel.import_ledger(world.supervisor, xlsx([]))
    assert not result.ok
    assert "没有任务数据" in result.errors[0].message


# --- export --------------------------------------------------------------------------------


def test_an_export_re_imports_to_the_same_tasks(world):
    data = xlsx(
        [
            row("1", "", "推进制造业数字化转型", co="区商务委、中山路街道", areas="工业、改革", source="区政府会议"),
            row("1.1", "1", "开展企业数字化诊断", cadence="每两周", priority="重点", description="诊断20家"),
            row("2", "", "办好消费促进活动", "区商务委", start=date(2025, 5, 1), due=date(2025, 10, 31)),
        ]
    )
    assert excel.import_ledger(world.supervisor, data).ok
    first = set(Task.objects.values_list("pk", flat=True))

    exported = excel.export_tasks(Task.objects.all())
    result = excel.import_ledger(world.supervisor, exported)
    assert result.ok, result.errors
    assert result.created == 3

    def shared(task):
        return (
            task.code,
            task.parent.code if task.parent else "",
            task.title,
            task.description,
            task.lead_unit_id,
            frozenset(task.co_units.values_list("pk", flat=True)),
            task.start_date,
            task.due_date,
            task.cadence,
            task.priority,
            frozenset(task.areas.values_list("name", flat=True)),
            task.source_id,
        )

    before = sorted(shared(t) for t in Task.objects.filter(pk__in=first))
    after = sorted(shared(t) for t in Task.objects.exclude(pk__in=first))
    assert before == after
    # The new children hang under the new parents, not under the old ones with the same 编号.
    assert Task.objects.exclude(pk__in=first).get(code="1.1").parent.pk not in first


def test_an_export_has_status_columns_and_real_dates(world):
    services.create_task(
        SYSTEM, title="稳工业", lead_unit=world.jxw, start_date=date(2025, 1, 2), due_date=date(2025, 12, 31), code="1"
    )
    ws = load_workbook(io.BytesIO(excel.export_tasks(Task.objects.all()))).active
    header = [c.value for c in ws[1]]
    assert header == [*HEADERS, "状态", "颜色", "状态说明", "完成进度", "完成日期", "销号日期"]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert values["牵头单位"] == "重庆市永川区经济和信息化委员会"
    assert isinstance(values["开始日期"], datetime)
    assert values["开始日期"].date() == date(2025, 1, 2)
    assert ws.cell(row=2, column=header.index("完成时限") + 1).is_date
    assert ws.cell(row=2, column=header.index("完成时限") + 1).number_format == "yyyy-mm-dd"
    assert values["状态"] == "未开始"
    assert values["颜色"] == "绿灯"
    assert values["完成进度"] == 0


def test_an_export_of_no_tasks_is_a_header_only_sheet(world):
    ws = load_workbook(io.BytesIO(excel.export_tasks(Task.objects.none()))).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1
    assert rows[0][0] == "编号"


def test_an_export_reads_a_queryset_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(5):
        services.create_task(
            SYSTEM,
            title=f"任务{i}",
            lead_unit=world.jxw,
            start_date=date(2025, 1, 2),
            due_date=date(2025, 12, 31),
            co_units=[world.swj],
            areas=["工业"],
        )
    with django_assert_max_num_queries(3):
        excel.export_tasks(Task.objects.all())


def test_an_export_accepts_a_queryset_that_already_prefetches(world):
    services.create_task(
        SYSTEM, title="稳工业", lead_unit=world.jxw, start_date=date(2025, 1, 2), due_date=date(2025, 12, 31)
    )
    tasks = Task.objects.select_related("lead_unit").prefetch_related("co_units", "areas__tasks")
    ws = load_workbook(io.BytesIO(excel.export_tasks(tasks))).active
    assert ws.max_row == 2
