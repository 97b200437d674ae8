"""The Excel import kit on its own: header mapping, limits, messages, the error workbook and all-or-nothing writes.

The apps' own tests (tests/ledger/test_excel.py, tests/projects/test_excel.py) cover their columns and
services; these use a small made-up 台账 so that each behaviour of the kit is pinned once, in one place.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from luoshi.core import spreadsheets
from luoshi.core.spreadsheets import Columns, DataRow, ImportResult, Layout, Problems
from luoshi.org.models import Unit
from tests.factories import make_unit

pytestmark = pytest.mark.django_db  # a successful import writes, in a transaction

NAME, LEAD, DUE, TOTAL = "事项", "牵头单位", "完成时限", "金额（万元）"

LAYOUT = Layout(
    sheet="测试台账",
    noun="事项",
    columns=[NAME, LEAD, DUE, TOTAL],
    required=[NAME, LEAD],
    synonyms={"工作事项": NAME, "责任单位": LEAD},
    units=("万元",),
    widths={NAME: 30, LEAD: 20, DUE: 12, TOTAL: 14},
    max_rows=5,
)


def xlsx(rows, headers=(NAME, LEAD, DUE), *, title="测试台账", above=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for line in above:
        ws.append(line)
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Recorder:
    """A parse and a write that remember what they were given; ``bad`` rows are reported as problems."""

    def __init__(self, *, bad=(), refuse=()):
        self.bad, self.refuse = set(bad), set(refuse)
        self.parsed: list[tuple[int, dict]] | None = None
        self.written = False

    def parse(self, data_rows: list[DataRow], columns: Columns, problems: Problems):
        self.columns = columns
        self.parsed = []
        for row in data_rows:
            if row.number in self.bad:
                problems.in_row(row.number)(f"“{row.texts[NAME]}”有误")
            self.parsed.append((row.number, row.cells))
        return self.parsed

    def write(self, rows, problems: Problems, result: ImportResult):
        self.written = True
        for number, row in rows:
            make_unit(f"{row[NAME]}单位")  # a real write, so that a refusal has something to undo
            if number in self.refuse:
                problems.add(number, "无权办理")
            else:
                result.created += 1

    def run(self, data, layout=LAYOUT) -> ImportResult:
        return spreadsheets.import_workbook(data, layout, parse=self.parse, write=self.write)


def error_sheet(result: ImportResult):
    return load_workbook(io.BytesIO(result.error_workbook)).active


# --- the header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("事项", NAME),
        (" 事 项 ", NAME),
        ("*事项", NAME),
        ("事项（必填）", NAME),
        ("事项(必填)", NAME),
        ("工作事项", NAME),
        ("责任单位", LEAD),
        ("金额", TOTAL),
        ("金额(万元)", TOTAL),
        ("金额（万元）", TOTAL),
        ("备注", "备注"),
    ],
)
def test_a_header_is_known_despite_spaces_marks_units_and_older_names(written, column):
    assert LAYOUT.column(written) == column


def test_units_are_ignored_only_for_a_layout_that_names_them():
    plain = Layout("台账", "事项", [NAME, "金额"], [])
    assert plain.column("金额（万元）") == "金额（万元）"


def test_the_header_map_says_where_each_column_is_and_ignores_unknown_ones():
    problems = Problems()
    columns = LAYOUT.map_header(["备注", "责任单位", "*事项"], problems, 3)
    assert columns == {LEAD: 1, NAME: 2}
    assert not problems
    assert columns.value(("x", "区经信委", "稳工业"), NAME) == "稳工业"
    assert columns.value(("x",), NAME) is None  # a short row
    assert columns.value(("x", "y", "z"), DUE) is None  # a column the sheet does not have


def test_a_column_given_twice_and_a_missing_required_one_are_problems_of_the_header_row():
    problems = Problems()
    LAYOUT.map_header(["事项", "工作事项"], problems, 2)
    assert [str(e) for e in problems.errors()] == [
        "第2行：表头“事项”出现了两次，请只保留一列。",
        "第2行：缺少必填列“牵头单位”，请使用导入模板的表头。",
    ]


def test_several_missing_columns_are_named_together():
    problems = Problems()
    LAYOUT.map_header(["备注"], problems, 1)
    assert [e.message for e in problems.errors()] == ["第1行：缺少必填列“事项”、“牵头单位”，请使用导入模板的表头。"]


def test_a_title_line_above_the_header_is_skipped():
    recorder = Recorder()
    result = recorder.run(xlsx([["稳工业", "区经信委", date(2025, 6, 30)]], above=[["2025年测试台账"], []]))
    assert result.ok, result.errors
    assert recorder.parsed == [
        (4, {NAME: "稳工业", LEAD: "区经信委", DUE: datetime.combine(date(2025, 6, 30), time()), TOTAL: None})
    ]


# --- the import ----------------------------------------------------------------------------


def test_a_good_file_is_parsed_then_written_and_counted():
    recorder = Recorder()
    data = xlsx([["甲", "区经信委", None], [None, None, None], ["乙", "区商务委", "2025-06-30"]])
    result = recorder.run(data)
    assert (result.ok, result.created, result.updated, result.error_workbook) == (True, 2, 0, None)
    assert [number for number, _ in recorder.parsed] == [2, 4]  # the empty row is skipped, numbers are Excel's
    assert Unit.objects.filter(name__in=["甲单位", "乙单位"]).count() == 2


def test_a_bad_row_means_nothing_is_written():
    recorder = Recorder(bad={3})
    result = recorder.run(xlsx([["甲", "区经信委"], ["乙", "区商务委"]]))
    assert not result.ok
    assert not recorder.written
    assert [(e.row, e.message) for e in result.errors] == [(3, "第3行：“乙”有误")]
    assert result.created == 0


def test_an_empty_required_cell_is_a_problem_of_its_row_and_the_other_checks_still_run():
    recorder = Recorder(bad={3})
    result = recorder.run(xlsx([["甲", None], ["乙", "区商务委"], [None, "区经信委"]]))
    assert not recorder.written
    assert [number for number, _ in recorder.parsed] == [2, 3, 4]
    assert [str(e) for e in result.errors] == ["第2行：未填写“牵头单位”", "第3行：“乙”有误", "第4行：未填写“事项”"]


def test_the_parser_is_told_which_columns_the_sheet_has():
    recorder = Recorder()
    assert recorder.run(xlsx([["区经信委", "甲"]], headers=["责任单位", "工作事项"])).ok
    assert recorder.columns == {LEAD: 0, NAME: 1}
    assert recorder.parsed == [(2, {NAME: "甲", LEAD: "区经信委", DUE: None, TOTAL: None})]


def test_a_refusal_while_writing_undoes_every_write_and_is_reported():
    before = Unit.objects.count()
    recorder = Recorder(refuse={3})
    result = recorder.run(xlsx([["甲", "区经信委"], ["乙", "区商务委"]]))
    assert recorder.written
    assert [str(e) for e in result.errors] == ["第3行：无权办理"]
    assert (result.created, result.updated) == (0, 0)
    assert Unit.objects.count() == before
    assert error_sheet(result)["D3"].value == "无权办理"


def test_a_header_problem_stops_the_import_before_the_rows_are_read():
    recorder = Recorder()
    result = recorder.run(xlsx([["甲"]], headers=[NAME]))
    assert recorder.parsed is None
    assert [(e.row, e.message) for e in result.errors] == [(1, "第1行：缺少必填列“牵头单位”，请使用导入模板的表头。")]
    assert error_sheet(result)["B1"].value == "错误：缺少必填列“牵头单位”，请使用导入模板的表头。"


def test_the_sheet_of_the_layouts_name_is_read_else_the_first():
    recorder = Recorder()
    wb = load_workbook(io.BytesIO(xlsx([["甲", "区经信委"]], title="其他")))
    wb.create_sheet("测试台账", 0).append(["说明"])
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    # The sheet named 测试台账 is read, though it is not the active one and the other is a good ledger.
    assert "缺少必填列" in recorder.run(out.getvalue()).errors[0].message
    assert recorder.parsed is None
    assert Recorder().run(xlsx([["甲", "区经信委"]], title="其他")).ok


# --- whole-file refusals and limits --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"not a spreadsheet", b"PK\x03\x04broken zip", "事项,牵头单位\n甲,区经信委\n".encode(), b""],
)
def test_anything_that_is_not_an_xlsx_is_one_plain_sentence(data):
    result = Recorder().run(data)
    assert [(e.row, e.message) for e in result.errors] == [(0, "文件不是有效的Excel（.xlsx）文件")]
    assert result.error_workbook is None


@pytest.mark.parametrize("data", [xlsx([]), xlsx([[None, None], ["  ", ""]])])
def test_a_sheet_without_data_rows_is_refused(data):
    result = Recorder().run(data)
    assert [e.message for e in result.errors] == ["文件中没有事项数据，请在“测试台账”表的表头下逐行填写。"]


def test_an_empty_sheet_is_refused():
    wb = Workbook()
    wb.active.title = "测试台账"
    out = io.BytesIO()
    wb.save(out)
    assert Recorder().run(out.getvalue()).errors[0].message == "文件中没有事项数据，请在“测试台账”表的表头下逐行填写。"


@pytest.mark.parametrize(
    "upload",
    [
        b"\0" * (1024 * 1024 + 1),
        io.BytesIO(b"\0" * (1024 * 1024 + 1)),
        SimpleUploadedFile("台账.xlsx", b"\0" * (1024 * 1024 + 1)),
    ],
)
def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(upload):
    small = Layout("测试台账", "事项", LAYOUT.columns, LAYOUT.required, max_bytes=1024 * 1024)
    result = Recorder().run(upload, small)
    assert [e.message for e in result.errors] == ["文件超过1MB，请拆分后分批导入。"]


def test_an_upload_is_read_from_its_start_up_to_the_limit():
    upload = io.BytesIO(b"PK-rest")
    upload.read(3)
    assert spreadsheets.read_upload(upload, 7) == b"PK-rest"
    assert spreadsheets.read_upload(io.StringIO("文本"), 100) == "文本".encode()
    assert spreadsheets.read_upload(memoryview(b"12345678"), 7) is None


def test_more_data_rows_than_the_limit_are_refused():
    recorder = Recorder()
    assert recorder.run(xlsx([[f"事项{i}", "区经信委"] for i in range(5)])).ok
    result = Recorder().run(xlsx([[f"事项{i}", "区经信委"] for i in range(6)]))
    assert [e.message for e in result.errors] == ["文件超过5行事项，请拆分后分批导入。"]


def test_rows_past_the_limit_are_refused_though_the_header_scan_read_them_all():
    few = Layout("测试台账", "事项", LAYOUT.columns, LAYOUT.required, max_rows=2)
    result = Recorder().run(xlsx([[f"事项{i}", "区经信委"] for i in range(3)]), few)
    assert [e.message for e in result.errors] == ["文件超过2行事项，请拆分后分批导入。"]


def test_cells_beyond_the_column_limit_are_not_read():
    narrow = Layout("测试台账", "事项", LAYOUT.columns, LAYOUT.required, max_columns=2)
    recorder = Recorder()
    assert recorder.run(xlsx([["甲", "区经信委", "2025-06-30"]]), narrow).ok
    assert recorder.parsed[0][1][DUE] is None


# --- the error workbook --------------------------------------------------------------------


def test_the_error_workbook_has_the_uploaded_rows_in_place_with_their_problems_beside_them():
    data = xlsx(
        [["甲", "区经信委", date(2025, 6, 30)], [], ["乙", "区商务委", date(2025, 7, 31)], ["丙", None, None]],
        above=[["2025年测试台账"]],
    )
    result = Recorder(bad={5}).run(data)
    ws = error_sheet(result)
    assert ws.title == "测试台账"
    assert [c.value for c in ws[2]] == [NAME, LEAD, DUE, "错误"]
    assert ws["A1"].value == "2025年测试台账"  # the title line comes back too, at its own row
    assert ws["A3"].value == "甲"
    assert ws["A4"].value is None  # the empty row stays empty: row numbers match the upload
    assert [ws["A5"].value, ws["D5"].value] == ["乙", "“乙”有误"]
    assert ws["C5"].is_date
    assert ws["A5"].fill.fgColor.rgb.endswith("FFE0E0")
    assert ws["D5"].font.color.rgb.endswith("C00000")
    assert ws["A3"].fill.fill_type is None
    assert ws["D3"].value is None
    assert ws["A6"].value == "丙"
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 30  # the layout's widths, found by the header's column
    assert ws.column_dimensions["D"].width == 60


def test_every_problem_of_a_row_is_joined_in_its_error_cell():
    problems = Problems()
    problems.add(2, "未填写“事项”")
    problems.add(2, "完成时限早于开始日期")
    upload = spreadsheets.Upload(1, [NAME, LEAD], [(1, (NAME, LEAD)), (2, (None, "区经信委"))])
    ws = load_workbook(io.BytesIO(spreadsheets.error_workbook(LAYOUT, problems, upload))).active
    assert ws["C2"].value == "未填写“事项”；完成时限早于开始日期"
    assert ws["C1"].value == "错误"
    assert ws["C1"].font.bold


# --- cells and exports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("2025/3/1", date(2025, 3, 1)),
        ("2025.03.31", date(2025, 3, 31)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("2025-03-31 10:30", date(2025, 3, 31)),
        (datetime.combine(date(2025, 3, 31), time(9, 30)), date(2025, 3, 31)),
        (45747, date(2025, 3, 31)),
        (45747.0, date(2025, 3, 31)),
    ],
)
def test_a_date_is_read_from_a_date_cell_a_serial_or_text(value, expected):
    assert spreadsheets.read_date(value) == expected


@pytest.mark.parametrize("value", ["2025-03", "2025年3月", "2025-02-30", "年底前", "", None, True, 0, -1, 3e6])
def test_anything_else_is_not_a_date(value):
    with pytest.raises(ValueError):  # noqa: PT011 - the kit promises ValueError and nothing more
        spreadsheets.read_date(value)


def test_a_year_and_month_may_mean_the_first_day_where_the_caller_allows_it():
    assert spreadsheets.read_date("2025-03", month_alone=True) == date(2025, 3, 1)
    assert spreadsheets.read_date("2025年3月", month_alone=True) == date(2025, 3, 1)
    assert spreadsheets.read_date("2025-03-31", month_alone=True) == date(2025, 3, 31)


def test_a_choice_is_read_by_label_or_value():
    from luoshi.ledger.choices import Cadence, Priority

    assert spreadsheets.read_choice("每 两 周", Cadence) == Cadence.FORTNIGHTLY
    assert spreadsheets.read_choice("monthly", Cadence) == Cadence.MONTHLY
    assert spreadsheets.read_choice("较低", Priority) == Priority.LOW
    assert spreadsheets.read_choice("3", Priority) == Priority.LOW
    assert spreadsheets.read_choice("每天", Cadence) is None


def test_an_export_sheet_has_a_styled_header_widths_and_real_dates():
    wb = Workbook(write_only=True)
    ws = spreadsheets.export_sheet(wb, "导出", [NAME, DUE], LAYOUT.widths, freeze="B2")
    ws.append(["稳工业", spreadsheets.date_cell(ws, date(2025, 6, 30))])
    ws.append(["稳外贸", spreadsheets.date_cell(ws, None)])
    sheet = load_workbook(io.BytesIO(spreadsheets.save(wb)))["导出"]
    assert [c.value for c in sheet[1]] == [NAME, DUE]
    assert sheet["A1"].font.bold
    assert sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet["B2"].is_date
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value is None


def test_a_template_has_the_header_an_example_drop_downs_and_instructions():
    help_rows = [(NAME, "是", "不超过200字。")]
    wb = spreadsheets.new_template(
        LAYOUT, ["稳工业", "区经信委", None, 100], help_rows=help_rows, notes=["空行会被跳过。"]
    )
    spreadsheets.add_choice_list(wb.active, LAYOUT, LEAD, ["区经信委", "区商务委"])
    wb = load_workbook(io.BytesIO(spreadsheets.save(wb)))
    ws = wb["测试台账"]
    assert [c.value for c in ws[1]] == list(LAYOUT.columns)
    assert ws["B2"].value == "区经信委"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 30
    (dv,) = ws.data_validations.dataValidation
    assert (dv.formula1, str(dv.sqref)) == ('"区经信委,区商务委"', "B2:B6")  # as far as the row limit
    assert dv.error == "请从下拉列表中选择：区经信委、区商务委"
    help_rows = list(wb["填写说明"].iter_rows(values_only=True))
    assert help_rows[0] == ("列名", "是否必填", "填写说明")
    assert help_rows[1] == (NAME, "是", "不超过200字。")
    assert help_rows[3][0] == "注意事项"
    assert help_rows[4][2] == "空行会被跳过。"
    assert wb["填写说明"]["A4"].font.bold
