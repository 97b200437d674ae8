"""The 督办单 .docx: contents, provisional deadlines, fonts and determinism."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn

from luoshi.ledger import services
from luoshi.ledger.documents import cn_date, docx_text, supervision_notice_docx
from luoshi.org import services as org_services

REASON = "里程碑“完成土地征收”已逾期7个工作日"


def _task(world, *, due: date, with_details: bool = False):
    extra = {}
    if with_details:
        extra["source"] = services.create_source(
            world.supervisor, title="区委常委会第12次会议", held_on=date(2026, 3, 2)
        )
        extra["owner"] = org_services.create_person(world.admin, unit=world.jxw, name="王明", title="主任")
    return services.create_task(
        world.supervisor,
        title="推进智能制造产业园土地征收",
        code="2026-015",
        lead_unit=world.jxw,
        co_units=[world.swj],
        start_date=date(2026, 3, 1),
        due_date=due,
        **extra,
    )


def _notice(task, **kw):
    args = {
        "number": "永督办〔2026〕12号",
        "task": task,
        "reason": REASON,
        "issued_on": date(2026, 11, 25),
        "reply_by": date(2026, 12, 3),
    }
    return supervision_notice_docx(**(args | kw))


def _cells(data: bytes) -> dict[str, str]:
    table = docx.Document(io.BytesIO(data)).tables[0]
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


@pytest.mark.django_db
def test_notice_carries_the_task_and_the_request(world):
    task = _task(world, due=date(2026, 10, 30), with_details=True)
    data = _notice(task)

    doc = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs if p.text]
    assert paragraphs[:2] == ["督 办 单", "永督办〔2026〕12号"]
    assert paragraphs[-2:] == ["区委督查室", "2026年11月25日"]

    cells = _cells(data)
    assert list(cells) == [
        "督办事项",
        "任务来源",
        "牵头单位",
        "配合单位",
        "责任人",
        "完成时限",
        "当前进度",
        "督办事由",
        "办理要求",
        "反馈时限",
    ]
    assert cells["督办事项"] == "2026-015 推进智能制造产业园土地征收"
    assert cells["任务来源"] == "区委常委会第12次会议"
    assert cells["牵头单位"] == "重庆市永川区经济和信息化委员会"
    assert cells["配合单位"] == "重庆市永川区商务委员会"
    assert cells["责任人"] == "王明 主任"
    assert cells["完成时限"] == "2026年10月30日"
    assert cells["当前进度"] == "0%"
    assert cells["督办事由"] == REASON
    assert "2026年12月3日前书面反馈" in cells["办理要求"]
    assert cells["反馈时限"] == "2026年12月3日"

    text = docx_text(data)
    for expected in ("永督办〔2026〕12号", "重庆市永川区经济和信息化委员会", REASON, "2026年12月3日"):
        assert expected in text
    assert "暂按双休日计算" not in text


@pytest.mark.django_db
def test_missing_details_show_dashes(world):
    task = services.create_task(
        world.supervisor,
        title="清理闲置厂房",
        lead_unit=world.jxw,
        start_date=date(2026, 3, 1),
        due_date=date(2026, 6, 30),
    )
    cells = _cells(_notice(task, issuer="区政府督查室"))
    assert cells["督办事项"] == "清理闲置厂房"
    assert cells["任务来源"] == "—"
    assert cells["配合单位"] == "无"
    assert cells["责任人"] == "—"
    assert docx_text(_notice(task, issuer="区政府督查室")).endswith("区政府督查室\n2026年11月25日")


@pytest.mark.django_db
def test_provisional_due_date_is_marked(world):
    # 2027 is not in the statutory calendar yet, so its deadlines count weekends only.
    task = _task(world, due=date(2027, 3, 31))
    assert task.due_provisional
    cells = _cells(_notice(task, reply_by=date(2027, 1, 8)))
    assert cells["完成时限"] == "2027年3月31日（暂按双休日计算）"


@pytest.mark.django_db
def test_fonts_page_and_metadata(world):
    data = _notice(_task(world, due=date(2026, 10, 30)))
    doc = docx.Document(io.BytesIO(data))

    title = doc.paragraphs[0].runs[0]
    assert title.bold
    assert title.font.size.pt == 22
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    value = doc.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert value._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        font_table = z.read("word/fontTable.xml").decode()
        assert 'w:name="方正小标宋简体"' in font_table
        assert 'w:altName w:val="宋体"' in font_table
        assert not any(name.endswith(".jpeg") for name in z.namelist())

    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.top_margin.cm, 1), round(section.left_margin.cm, 1)) == (3.7, 2.8)

    props = doc.core_properties
    assert props.author == "落实平台"
    assert props.created.date() == props.modified.date() == date(2026, 11, 25)


@pytest.mark.django_db
def test_same_arguments_give_the_same_bytes(world):
    task = _task(world, due=date(2026, 10, 30), with_details=True)
    first = _notice(task)
    second = _notice(task)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 11, 25, 0, 0, 0)}
    assert _notice(task, issued_on=date(2026, 11, 26)) != first


def test_cn_date():
    assert cn_date(date(2026, 1, 5)) == "2026年1月5日"
