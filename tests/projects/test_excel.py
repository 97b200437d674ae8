"""The 项目台账 in Excel: template, export that re-imports, all-or-nothing import with a row-by-row report."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.org.choices import Role
from luoshi.projects import excel, queries, services
from luoshi.projects.models import MonthPlan, Project, YearPlan
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADERS = ["项目编号", "项目名称", "项目类型", "建设阶段", "牵头单位", "业主单位", "所在镇街", "总投资（万元）",
           "计划开工", "计划竣工", "年度计划投资（万元）"]  # fmt: skip


def xlsx(rows, headers=HEADERS, above=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    for line in above:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(code="", name="新项目", kind="产业", stage="在建", lead="区经信委", owner="", town="中山路街道",
        total=1000, start=date(2026, 1, 1), end=date(2027, 12, 31), plan=None):  # fmt: skip
    return [code, name, kind, stage, lead, owner, town, total, start, end, plan]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_template_has_the_columns_drop_downs_and_instructions():
    wb = load_workbook(io.BytesIO(excel.template_workbook()))
    ws = wb["项目台账"]
    assert [c.value for c in ws[1]] == excel.COLUMNS
    assert ws.data_validations.count >= 5
    assert "填写说明" in wb.sheetnames


def test_a_good_sheet_creates_projects_with_their_plans(projects):
    data = xlsx(
        [
            row("JC-001", "城东220千伏输变电工程", "基础设施", "在建", "区经信委", "国网重庆市电力公司", plan=6000),
            row("", "来三线至港桥燃气管线工程", "基础设施", "新开工", "区经济和信息化委员会", total="2,400.5"),
        ],
        above=[["2026年重点项目台账"]],
    )
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    grid = Project.objects.get(code="JC-001")
    assert (grid.owner_name, grid.town, grid.lead_unit) == ("国网重庆市电力公司", projects.zsl, projects.jxw)
    assert YearPlan.objects.get(project=grid, year=projects.year).amount == Decimal("6000.00")
    assert MonthPlan.objects.filter(plan__project=grid).count() == 12
    gas = Project.objects.get(name="来三线至港桥燃气管线工程")
    assert gas.total_investment == Decimal("2400.50")


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_reported(projects):
    before = Project.objects.count()
    data = xlsx(
        [
            row("A-1", "好的一行"),
            row("A-2", "", kind="工业", lead="区火星办", total=-5, start="2026-13-01"),
            row("A-1", "重号", town="区商务委", start=date(2027, 1, 1), end=date(2026, 1, 1)),
        ]
    )
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert not result.ok
    assert Project.objects.count() == before
    messages = [str(e) for e in result.errors]
    assert "第3行：未填写“项目名称”" in messages
    assert "第3行：项目类型“工业”无效，请填写产业、基础设施、城市更新、社会民生" in messages
    assert "第3行：牵头单位“区火星办”不存在，请使用单位全称或简称" in messages
    assert "第3行：总投资不能为负数" in messages
    assert any(m.startswith("第3行：计划开工“2026-13-01”不是有效日期") for m in messages)
    assert "第4行：项目编号“A-1”与第2行重复" in messages
    assert "第4行：所在镇街“区商务委”不是本区的镇或街道" in messages
    assert "第4行：计划竣工早于计划开工" in messages
    report = _sheet(result.error_workbook)
    assert report.cell(row=1, column=len(HEADERS) + 1).value == "错误"
    assert report.cell(row=2, column=len(HEADERS) + 1).value is None
    assert "总投资不能为负数" in report.cell(row=3, column=len(HEADERS) + 1).value


def test_a_refusal_by_the_services_undoes_the_whole_import(projects):
    # A supervisor of 区经信委 alone may not register 区商务委's projects.
    narrow = make_user("jxw_supervisor", grants=[(Role.SUPERVISOR, projects.jxw)])
    before = Project.objects.count()
    data = xlsx([row("", "区经信委的项目"), row("", "区商务委的项目", lead="区商务委")])
    result = excel.import_projects(narrow, data, year=projects.year)
    assert not result.ok
    assert [e.row for e in result.errors] == [3]
    assert "登记实施项目的权限" in result.errors[0].message
    assert Project.objects.count() == before


def test_the_monthly_plan_must_add_up(projects):
    headers = [*HEADERS, *excel.MONTHS]
    data = xlsx([[*row("", "分月", plan=1200), *([100] * 11), 50]], headers=headers)
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert [str(e) for e in result.errors] == ["第2行：1—12月计划合计1150.00万元，与年度计划投资1200.00万元不一致"]


def test_an_export_re_imports_and_updates_what_was_changed(projects):
    exported = excel.export_projects(queries.project_rows(projects.supervisor, {}), year=projects.year)
    ws = _sheet(exported)
    header = [c.value for c in ws[1]]
    assert header == excel.EXPORT_COLUMNS
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    pukang = rows["普康医疗器械生产基地"]
    assert pukang[header.index("年度计划投资（万元）")] == 24000
    assert pukang[header.index("1月计划")] == 2000
    assert pukang[header.index("状态")] is not None

    # Change the plan and the total of one project, then bring the file back.
    wb = load_workbook(io.BytesIO(exported))
    sheet = wb.active
    for r in sheet.iter_rows(min_row=2):
        if r[1].value == "普康医疗器械生产基地":
            r[header.index("总投资（万元）")].value = 110000
            r[header.index("年度计划投资（万元）")].value = 26400
            for m in range(1, 13):
                r[header.index(f"{m}月计划")].value = 2200
    out = io.BytesIO()
    wb.save(out)
    before = Project.objects.count()
    result = excel.import_projects(projects.supervisor, out.getvalue(), year=projects.year)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 2)  # the reserve project has no code: registered anew
    assert Project.objects.count() == before + 1
    projects.pukang.refresh_from_db()
    assert projects.pukang.total_investment == Decimal("110000.00")
    plan = YearPlan.objects.get(project=projects.pukang, year=projects.year)
    assert plan.amount == Decimal("26400.00")
    assert plan.history.count() == 2
    assert set(plan.months.values_list("amount", flat=True)) == {Decimal("2200.00")}


def test_an_existing_projects_stage_is_not_changed_by_a_sheet(projects):
    data = xlsx([row("GY-001", "普康医疗器械生产基地", stage="竣工", total=100000)])
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert [str(e) for e in result.errors] == ["第2行：建设阶段与系统中不一致（系统中为在建），请在项目页面调整阶段"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "不是有效的Excel"),
        (xlsx([]), "没有项目数据"),
        (xlsx([row()], headers=["名字"]), "缺少必填列"),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_whole(projects, data, message):
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert message in result.errors[0].message


def test_the_import_page_is_for_supervisors_and_returns_the_error_report(projects, login):
    assert login(projects.jxw_reporter).get("/projects/import/").status_code == 403
    client = login(projects.supervisor)
    assert client.get("/projects/import/?template=1")["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = io.BytesIO(xlsx([row("", "", total=-1)]))
    upload.name = "台账.xlsx"
    response = client.post("/projects/import/", {"file": upload, "year": 2026})
    assert response.status_code == 200
    assert "未导入" in response.content.decode()
    errors = client.get("/projects/import/errors.xlsx")
    assert errors.status_code == 200
    assert _sheet(b"".join(errors.streaming_content)).cell(row=1, column=len(HEADERS) + 1).value == "错误"


def test_the_export_follows_the_filters_and_the_callers_scope(projects, login):
    response = login(projects.jxw_reporter).get("/projects/export.xlsx")
    names = [r[1] for r in _sheet(response.content).iter_rows(min_row=2, values_only=True)]
    assert names == ["普康医疗器械生产基地"]


def test_a_sheet_without_a_column_leaves_that_field_alone(projects):
    services.update_project(projects.supervisor, projects.pukang, description="新建洁净厂房及研发中心。")
    data = xlsx(
        [["GY-001", "普康医疗器械生产基地", "产业", "区经信委", 110000]],
        headers=["项目编号", "项目名称", "项目类型", "牵头单位", "总投资（万元）"],
    )
    result = excel.import_projects(projects.supervisor, data, year=projects.year)
    assert (result.ok, result.updated) == (True, 1)
    projects.pukang.refresh_from_db()
    assert projects.pukang.total_investment == Decimal("110000.00")
    assert (projects.pukang.description, projects.pukang.town) == ("新建洁净厂房及研发中心。", projects.zsl)
    assert projects.pukang.start_date is not None
