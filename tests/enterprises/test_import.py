"""The enterprise import: xlsx and csv, all or nothing with a row-by-row report, upsert by 统一社会信用代码."""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from luoshi import codes
from luoshi.codes.uscc import _org_check_char
from luoshi.core.actors import SYSTEM
from luoshi.core.errors import NotPermitted
from luoshi.enterprises import importer, services
from luoshi.enterprises.choices import FigureSource
from luoshi.enterprises.importer import import_enterprises
from luoshi.enterprises.models import Enterprise, EnterpriseTag, YearFigure

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
HEADERS = ["统一社会信用代码", "企业名称", "行业代码", "所在镇街", "成立日期", "注册资本（万元）", "标签"]
FIGURE_HEADERS = ["统一社会信用代码", "企业名称", "行业代码", "年度", "营业收入", "从业人员", "资产总额", "数据来源"]


def uscc(n: int) -> str:
    """The n-th valid code of Yongchuan's market regulator: both check characters computed."""
    body = ""
    for _ in range(8):
        n, digit = divmod(n, len(CHARSET))
        body = CHARSET[digit] + body
    first16 = "91500118" + body
    first17 = first16 + _org_check_char(body)
    return first17 + codes.uscc_check_char(first17)


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, *, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def test_generated_codes_are_valid_and_distinct():
    made = {uscc(n) for n in range(500)}
    assert len(made) == 500
    assert all(codes.is_valid_uscc(code) for code in made)


def test_an_xlsx_file_creates_enterprises_with_town_tags_and_history(world):
    rows = [
        [uscc(1), "重庆永川精密机械有限公司", "3411", "中山路街道", date(2015, 3, 1), 500, "专精特新、高新技术企业"],
        [uscc(2), "重庆永川食品有限公司", "C1391", None, "2018/6/30", "1,200.5", None],
    ]
    result = import_enterprises(world.supervisor, xlsx(rows))

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    first = Enterprise.objects.get(uscc=uscc(1))
    assert first.town == world.zsl
    assert first.industry_name == "通用设备制造业"
    assert first.sector == "工业"
    assert first.founded_on == date(2015, 3, 1)
    assert first.registered_capital == Decimal("500.00")
    assert sorted(first.tags.values_list("name", flat=True)) == ["专精特新", "高新技术企业"]
    second = Enterprise.objects.get(uscc=uscc(2))
    assert second.industry_code == "1391"  # the section letter is dropped: the column holds the code
    assert second.registered_capital == Decimal("1200.50")
    assert second.founded_on == date(2018, 6, 30)
    record = first.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.supervisor
    assert record.history_change_reason == "导入企业"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_file_imports_in_utf8_with_or_without_bom_and_in_gb18030(world, encoding):
    rows = [[uscc(10), "重庆永川纺织有限公司", "1711", "中山路街道", "2020-01-02", "300", "外资"]]
    result = import_enterprises(SYSTEM, csv_bytes(rows, encoding=encoding))

    assert result.ok, result.errors
    enterprise = Enterprise.objects.get(uscc=uscc(10))
    assert enterprise.name == "重庆永川纺织有限公司"
    assert enterprise.town == world.zsl
    assert list(enterprise.tags.values_list("name", flat=True)) == ["外资"]
    assert enterprise.history.get().history_user is None  # SYSTEM is recorded as 系统


def test_headers_are_matched_by_name_in_any_order(world):
    headers = ["行业代码", "企业名称", "备注", "统一社会信用代码"]
    result = import_enterprises(SYSTEM, xlsx([["3411", "顺序不同的企业", "随便写写", uscc(20)]], headers))

    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=uscc(20)).name == "顺序不同的企业"


def test_a_second_import_updates_by_uscc_and_lists_what_changed(world):
    import_enterprises(
        SYSTEM,
        xlsx(
            [
                [uscc(1), "重庆甲机械有限公司", "3411", "中山路街道", None, 500, "专精特新"],
                [uscc(2), "重庆乙食品有限公司", "1391", None, None, None, None],
            ]
        ),
    )
    result = import_enterprises(
        world.admin,
        xlsx(
            [
                [uscc(1), "重庆甲智能机械有限公司", "3411", None, None, 800, "专精特新、上市"],
                [uscc(2), "重庆乙食品有限公司", "1391", None, None, None, None],
                [uscc(3), "重庆丙物流有限公司", "5810", None, None, None, None],
            ]
        ),
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    [change] = result.changes
    assert change.uscc == uscc(1)
    assert change.name == "重庆甲智能机械有限公司"
    assert ("企业名称", "重庆甲机械有限公司", "重庆甲智能机械有限公司") in change.fields
    assert ("注册资本（万元）", "500", "800") in change.fields
    assert ("标签", "专精特新", "专精特新、上市") in change.fields
    enterprise = Enterprise.objects.get(uscc=uscc(1))
    assert enterprise.town == world.zsl  # an empty cell keeps what the registry has
    assert sorted(enterprise.tags.values_list("name", flat=True)) == ["上市", "专精特新"]
    latest, first = enterprise.history.order_by("-history_id")[:2]
    assert latest.history_type == "~"
    assert latest.history_user == world.admin
    assert latest.name == "重庆甲智能机械有限公司"
    assert first.name == "重庆甲机械有限公司"
    assert Enterprise.objects.get(uscc=uscc(2)).history.count() == 1  # unchanged: no new history row


def test_one_bad_code_writes_nothing_and_the_xlsx_report_says_why(world):
    bad = uscc(2)[:17] + ("0" if uscc(2)[17] != "0" else "1")
    rows = [
        [uscc(1), "重庆甲机械有限公司", "3411", None, None, None, None],
        [bad, "重庆乙食品有限公司", "1391", None, None, None, None],
        [uscc(3), "重庆丙物流有限公司", "5810", None, None, None, None],
    ]
    result = import_enterprises(world.supervisor, xlsx(rows))

    assert not result.ok
    assert Enterprise.objects.count() == 0
    [error] = result.errors
    assert error.row == 3
    assert error.message.startswith(f"第3行：统一社会信用代码“{bad}”无效：第18位校验码应为")
    assert result.error_report_name.endswith(".errors.xlsx")
    ws = load_workbook(io.BytesIO(result.error_report)).active
    assert ws.cell(row=1, column=len(HEADERS) + 1).value == "错误"
    assert "第18位校验码应为" in ws.cell(row=3, column=len(HEADERS) + 1).value
    assert ws.cell(row=2, column=len(HEADERS) + 1).value is None
    assert ws.cell(row=4, column=1).value == uscc(3)  # every input row is in the report


def test_a_bad_csv_gets_a_csv_report_in_its_own_encoding(world):
    rows = [
        [uscc(1), "重庆甲机械有限公司", "3411", "不存在街道", "2020-13-01", "-5", None],
        [uscc(2), "重庆乙食品有限公司", "9999", "区经信委", None, None, None],
    ]
    result = import_enterprises(world.supervisor, csv_bytes(rows, encoding="gb18030"))

    assert not result.ok
    assert Enterprise.objects.count() == 0
    messages = [e.message for e in result.errors]
    assert "第2行：所在镇街“不存在街道”不存在，请填写镇街的全称或简称" in messages
    assert any("成立日期“2020-13-01”不是有效日期" in m for m in messages)
    assert any("注册资本不能为负数" in m for m in messages)
    assert any(m.startswith("第3行：行业代码有误") for m in messages)
    assert "第3行：“区经信委”不是镇街，请填写企业所在的镇或街道" in messages
    assert result.error_report_name.endswith(".errors.csv")
    report = list(csv.reader(io.StringIO(result.error_report.decode("gb18030"))))
    assert report[0][-1] == "错误"
    assert "不存在街道" in report[1][-1]
    assert "不是镇街" in report[2][-1]


def test_an_upload_is_read_like_a_file_and_its_report_is_named_after_it(world):
    upload = SimpleUploadedFile("企业名录2024.csv", csv_bytes([[uscc(1), "", "3411"]]), content_type="text/csv")
    result = import_enterprises(world.supervisor, upload)

    assert [e.message for e in result.errors] == ["第2行：未填写“企业名称”"]
    assert result.error_report_name == "企业名录2024.errors.csv"

    upload = SimpleUploadedFile("企业名录2024.xlsx", xlsx([[uscc(1), "重庆甲机械有限公司", "3411", "中山路街道"]]))
    assert import_enterprises(world.supervisor, upload).created == 1


def test_a_reporter_may_not_import(world):
    with pytest.raises(NotPermitted, match="导入企业"):
        import_enterprises(world.jxw_reporter, xlsx([[uscc(1), "重庆甲机械有限公司", "3411"]]))
    assert Enterprise.objects.count() == 0


def test_a_code_twice_in_the_file_is_refused(world):
    rows = [
        [uscc(1), "重庆甲机械有限公司", "3411", None, None, None, None],
        [uscc(1).lower(), "重庆甲机械有限公司（重复）", "3411", None, None, None, None],
    ]
    result = import_enterprises(world.supervisor, xlsx(rows))

    assert [e.message for e in result.errors] == [f"第3行：统一社会信用代码{uscc(1)}与第2行重复，同一企业只能出现一次"]
    assert Enterprise.objects.count() == 0


def test_a_missing_required_column_is_reported_on_the_header(world):
    result = import_enterprises(
        world.supervisor, xlsx([[uscc(1), "重庆甲机械有限公司"]], ["统一社会信用代码", "企业名称"])
    )

    assert [e.message for e in result.errors] == ["第1行：缺少必填列“行业代码”，请在表头中加上（列的先后顺序不限）"]
    ws = load_workbook(io.BytesIO(result.error_report)).active
    assert ws.cell(row=1, column=3).value.startswith("错误：缺少必填列")


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused(world):
    for data in (b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old xls", b"\x00\x01\x02\xff\xfe"):
        result = import_enterprises(world.supervisor, data)
        assert [e.row for e in result.errors] == [0]
        assert result.errors[0].message.startswith("文件不是有效的Excel（.xlsx）或CSV文件")
        assert result.error_report is None


def test_limits_refuse_too_big_and_too_many_rows(world, monkeypatch):
    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    result = import_enterprises(world.supervisor, b"x" * 101)
    assert result.errors[0].message.startswith("文件超过")
    monkeypatch.undo()

    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    rows = [[uscc(n), f"企业{n}", "3411", None, None, None, None] for n in range(3)]
    result = import_enterprises(world.supervisor, csv_bytes(rows))
    assert result.errors[0].message.startswith("文件超过")
    assert Enterprise.objects.count() == 0


def test_figures_derive_size_class_and_above_scale(world):
    rows = [
        [uscc(1), "重庆甲机械有限公司", "3411", 2024, 2000, 300, 5000, "统计部门"],
        [uscc(2), "重庆乙机械有限公司", "3411", 2024, 1999, 300, None, None],
    ]
    result = import_enterprises(world.supervisor, xlsx(rows, FIGURE_HEADERS))

    assert result.ok, result.errors
    first = Enterprise.objects.get(uscc=uscc(1))
    assert (first.size_class, first.above_scale) == ("中型", True)
    assert first.size_reason == "2024年数据：工业：从业人员300人≥300人且营业收入2000万元≥2000万元，属中型企业"
    second = Enterprise.objects.get(uscc=uscc(2))
    assert (second.size_class, second.above_scale) == ("小型", False)
    figure = YearFigure.objects.get(enterprise=first, year=2024)
    assert figure.revenue == Decimal("2000.00")
    assert figure.employees == 300
    assert figure.source == FigureSource.STATISTICS
    assert not figure.verified
    assert figure.history.get().history_change_reason == "导入年度数据"


def test_the_derivation_matches_the_service_for_the_same_figures(world):
    enterprise = services.register_enterprise(SYSTEM, uscc=uscc(1), name="重庆甲商贸有限公司", industry_code="5211")
    services.record_figures(SYSTEM, enterprise, year=2023, revenue=600, employees=60)
    services.record_figures(SYSTEM, enterprise, year=2024, revenue=90, employees=5)
    enterprise.refresh_from_db()

    latest = YearFigure.objects.get(enterprise=enterprise, year=2024)
    expected = (enterprise.size_class, enterprise.size_reason, enterprise.above_scale, enterprise.scale_reason)
    derived = importer.derive_size(enterprise.sector, (2024, latest.employees, latest.revenue, latest.total_assets))
    assert derived == expected
    assert importer.derive_size(enterprise.sector, None) == ("", "", False, "")


def test_updating_figures_derives_from_the_latest_year_and_lists_the_change(world):
    import_enterprises(
        SYSTEM, xlsx([[uscc(1), "重庆甲机械有限公司", "3411", 2024, 1500, 250, None, None]], FIGURE_HEADERS)
    )
    assert Enterprise.objects.get(uscc=uscc(1)).above_scale is False

    result = import_enterprises(
        SYSTEM, xlsx([[uscc(1), "重庆甲机械有限公司", "3411", 2024, 2500, None, None, None]], FIGURE_HEADERS)
    )
    assert result.ok
    assert result.updated == 1
    assert result.changes[0].fields == [("2024年营业收入", "1500", "2500")]
    enterprise = Enterprise.objects.get(uscc=uscc(1))
    assert enterprise.above_scale is True
    assert enterprise.size_class == "小型"
    figure = YearFigure.objects.get(enterprise=enterprise, year=2024)
    assert figure.employees == 250  # an empty cell keeps the stored figure
    assert [h.history_type for h in figure.history.order_by("history_id")] == ["+", "~"]

    # An older year's figures do not override the latest year's size.
    result = import_enterprises(
        SYSTEM, xlsx([[uscc(1), "重庆甲机械有限公司", "3411", 2022, 100, 5, None, None]], FIGURE_HEADERS)
    )
    assert result.ok
    assert Enterprise.objects.get(uscc=uscc(1)).above_scale is True


def test_the_year_argument_serves_rows_without_a_year(world):
    headers = ["统一社会信用代码", "企业名称", "行业代码", "营业收入"]
    rows = [[uscc(1), "重庆甲机械有限公司", "3411", 3000]]
    missing = import_enterprises(SYSTEM, xlsx(rows, headers))
    assert [e.message for e in missing.errors] == [
        "第2行：填写了年度数据但没有年度：请填写“年度”列，或在导入时指定年度"
    ]

    result = import_enterprises(SYSTEM, xlsx(rows, headers), year=2023)
    assert result.ok, result.errors
    assert YearFigure.objects.get(enterprise__uscc=uscc(1)).year == 2023


def test_a_dry_run_reports_what_would_change_and_writes_nothing(world):
    result = import_enterprises(SYSTEM, xlsx([[uscc(1), "重庆甲机械有限公司", "3411"]]), dry_run=True)

    assert result.ok
    assert result.dry_run
    assert result.created == 1
    assert Enterprise.objects.count() == 0
    assert not EnterpriseTag.objects.exists()


def test_progress_is_reported_while_checking_and_while_writing(world):
    calls = []
    rows = [[uscc(n), f"企业{n}", "3411", None, None, None, None] for n in range(2500)]
    result = import_enterprises(SYSTEM, csv_bytes(rows), progress=lambda done, total: calls.append((done, total)))

    assert result.ok
    assert (1000, 2500) in calls  # checking: the line count (less the header) is the estimate
    assert calls.count((2500, 2500)) == 2  # the end of checking, the end of writing
    assert (2000, 2500) in calls


def test_render_progress_draws_a_bar(capsys):
    stream = io.StringIO()
    importer.render_progress(0, 100_000, stream=stream)
    importer.render_progress(45_000, 100_000, stream=stream)
    importer.render_progress(100_000, 100_000, stream=stream)
    text = stream.getvalue()
    assert "\r[#########-----------]  45% 45,000/100,000 行" in text
    assert "行/秒" in text
    assert text.endswith("\n")


def test_the_command_line_prints_a_summary_and_writes_the_report_next_to_the_file(world, tmp_path, capsys):
    good = tmp_path / "名录.xlsx"
    good.write_bytes(xlsx([[uscc(1), "重庆甲机械有限公司", "3411"]]))
    assert importer.cli_main([str(good)]) == 0
    assert "导入完成：新增1家" in capsys.readouterr().out

    bad = tmp_path / "名录2.csv"
    bad.write_bytes(csv_bytes([["123", "重庆乙机械有限公司", "3411"]]))
    assert importer.cli_main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert "导入失败，未做任何修改" in out
    assert "第2行：统一社会信用代码“123”无效" in out
    assert (tmp_path / "名录2.errors.csv").exists()


def test_five_thousand_rows_import_in_one_go(world, capsys):
    rows = [
        [uscc(n), f"重庆永川测试企业{n}有限公司", "3411", "中山路街道", 2024, 100 + n, 10 + n % 500, 1000, "企业自报"]
        for n in range(5000)
    ]
    headers = [
        "统一社会信用代码",
        "企业名称",
        "行业代码",
        "所在镇街",
        "年度",
        "营业收入",
        "从业人员",
        "资产总额",
        "数据来源",
    ]
    data = xlsx(rows, headers)

    started = time.perf_counter()
    result = import_enterprises(SYSTEM, data)
    seconds = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    assert result.created == 5000
    assert Enterprise.objects.filter(above_scale=True).count() == 5000 - 1900  # revenue ≥ 2000 from n = 1900
    assert Enterprise.history.model.objects.count() == 5000
    assert YearFigure.objects.count() == 5000

    again = time.perf_counter()
    rows[0][1] = "改名后的企业"
    second = import_enterprises(SYSTEM, xlsx(rows, headers))
    update_seconds = time.perf_counter() - again
    assert (second.created, second.updated, second.unchanged) == (0, 1, 4999)
    with capsys.disabled():
        print(
            f"\n  5,000-row xlsx: created in {seconds:.2f}s ({5000 / seconds:,.0f} rows/s), "
            f"re-imported in {update_seconds:.2f}s ({5000 / update_seconds:,.0f} rows/s)"
        )
