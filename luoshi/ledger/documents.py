"""Word documents the ledger issues: the 督办单 (supervision notice).

Documents are built with python-docx and are byte-for-byte deterministic: the only
dates in them are the ones passed in (core properties and zip entry timestamps are
derived from the issue date), so re-generating a notice yields the same file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from luoshi.ledger.models import Task

__all__ = ["cn_date", "docx_text", "supervision_notice_docx"]

AUTHOR = "落实平台"

# Fonts of Chinese official documents (GB/T 9704): 方正小标宋 titles, 仿宋 body, 黑体 labels.
TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"  # recorded as the title font's altName for machines without 方正 fonts
BODY_FONT = "仿宋"
LABEL_FONT = "黑体"

TITLE_SIZE = Pt(22)  # 二号
NUMBER_SIZE = Pt(16)  # 三号
BODY_SIZE = Pt(14)  # 四号: fits the form's table on one A4 page

# A4 with official-document margins (GB/T 9704: 天头37mm, 订口28mm).
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
LABEL_WIDTH = Cm(3.2)
VALUE_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - LABEL_WIDTH)

NONE_MARK = "—"


def cn_date(d: date) -> str:
    """A date as written in Chinese documents.

    >>> cn_date(date(2026, 12, 3))
    '2026年12月3日'
    """
    return f"{d.year}年{d.month}月{d.day}日"


def _set_font(run, name: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = name  # w:ascii and w:hAnsi: digits and Latin letters
    run.font.size = size
    run.font.bold = bold
    # python-docx does not expose w:eastAsia, the attribute Word uses for Chinese characters.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(container, text: str, *, font: str, size: Pt, bold: bool = False, align=None) -> Paragraph:
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if text:
        _set_font(p.add_run(text), font, size, bold=bold)
    return p


def _setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _declare_title_font(doc) -> None:
    """List the title font in the font table with 宋体 as its alternate name.

    Word and LibreOffice use ``w:altName`` (and the GB2312 charset) to pick a substitute
    when 方正小标宋简体 is not installed, so the title falls back to 宋体, not a Latin font.
    python-docx loads the font table as an opaque part, so its blob is rewritten here.
    """
    part = doc.part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    fonts.append(
        parse_xml(
            f'<w:font {nsdecls("w")} w:name="{TITLE_FONT}">'
            f'<w:altName w:val="{TITLE_FALLBACK}"/>'
            '<w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/>'
            "</w:font>"
        )
    )
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_thumbnail(doc) -> None:
    """The template's thumbnail shows a blank page; leave it out of the package."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(r_id)


def _borders(table: Table) -> None:
    """Single-line borders on every edge: the form's grid, independent of table styles."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8")  # eighths of a point
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    # Children of w:tblPr have a fixed order; Word rejects a file with tblBorders after these.
    later = tbl_pr.xpath("w:shd|w:tblLayout|w:tblCellMar|w:tblLook|w:tblCaption|w:tblDescription")
    if later:
        later[0].addprevious(borders)
    else:
        tbl_pr.append(borders)


def _fill_cell(cell, text: str, *, font: str, width, align) -> None:
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(3)
    if align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        fmt.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    _set_font(p.add_run(text), font, BODY_SIZE)


def _rows(*, task: Task, reason: str, reply_by: date) -> list[tuple[str, str]]:
    owner = task.owner
    co_units = "、".join(u.name for u in task.co_units.all())
    due = cn_date(task.due_date) + ("（暂按双休日计算）" if task.due_provisional else "")
    requirements = (
        "请你单位接到本督办单后，认真核查事项逾期的原因，明确责任领导和具体责任人，"
        "采取有力措施加快推进；"
        f"于{cn_date(reply_by)}前书面反馈办理情况，并附整改方案和时间表，"
        "逐项明确整改措施、完成时限和责任人；"
        "推进中需要区级层面协调解决的困难和问题，请一并提出。"
    )
    return [
        ("督办事项", f"{task.code} {task.title}".strip()),
        ("任务来源", task.source.title if task.source_id else NONE_MARK),
        ("牵头单位", task.lead_unit.name),
        ("配合单位", co_units or "无"),
        ("责任人", f"{owner.name} {owner.title}".strip() if owner else NONE_MARK),
        ("完成时限", due),
        ("当前进度", f"{task.percent}%"),
        ("督办事由", reason),
        ("办理要求", requirements),
        ("反馈时限", cn_date(reply_by)),
    ]


def _deterministic_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a package with fixed entry timestamps (zipfile stamps entries with "now")."""
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(entry.filename))
    return out.getvalue()


def supervision_notice_docx(
    *,
    number: str,
    task: Task,
    reason: str,
    issued_on: date,
    reply_by: date,
    issuer: str = "区委督查室",
) -> bytes:
    """The 督办单 for ``task`` as a .docx file.

    ``number`` is the notice's number (永督办〔2026〕12号); ``reason`` the sentence saying why
    it is issued (里程碑“完成土地征收”已逾期7个工作日); the unit is asked to reply in writing
    by ``reply_by``. The same arguments always give the same bytes.
    """
    doc = Document()
    _setup_page(doc)
    _declare_title_font(doc)
    _drop_thumbnail(doc)

    body = doc._body
    body.clear_content()  # the template's empty first paragraph would sit above the title

    title = _paragraph(body, "督 办 单", font=TITLE_FONT, size=TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_after = Pt(12)
    num = _paragraph(body, number, font=BODY_FONT, size=NUMBER_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    num.paragraph_format.space_after = Pt(12)

    rows = _rows(task=task, reason=reason, reply_by=reply_by)
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for col, width in zip(table.columns, (LABEL_WIDTH, VALUE_WIDTH), strict=True):
        col.width = width
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row.height = Cm(1.2)
        _fill_cell(row.cells[0], label, font=LABEL_FONT, width=LABEL_WIDTH, align=WD_ALIGN_PARAGRAPH.CENTER)
        long = len(value) > 30
        align = WD_ALIGN_PARAGRAPH.JUSTIFY if long else WD_ALIGN_PARAGRAPH.LEFT
        _fill_cell(row.cells[1], value, font=BODY_FONT, width=VALUE_WIDTH, align=align)

    # Signature block: issuer over the date, flush right with two characters of indent.
    _paragraph(body, "", font=BODY_FONT, size=NUMBER_SIZE)
    _paragraph(body, "", font=BODY_FONT, size=NUMBER_SIZE)
    for text in (issuer, cn_date(issued_on)):
        p = _paragraph(body, text, font=BODY_FONT, size=NUMBER_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(32)

    stamp = datetime.combine(issued_on, time(0, 0))
    props = doc.core_properties
    props.author = props.last_modified_by = AUTHOR
    props.title = f"督办单 {number}"
    props.subject = f"{task.code} {task.title}".strip()
    props.comments = ""
    props.keywords = "督办单"
    props.created = props.modified = stamp
    props.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic_zip(buf.getvalue(), stamp)


def docx_text(data: bytes) -> str:
    """All paragraph and table text of a .docx, in document order, one line per paragraph.

    Table rows become one line with cells separated by tabs (merged cells once); empty
    paragraphs are left out. Meant for tests and plain-text previews.
    """
    doc = Document(io.BytesIO(data))
    lines: list[str] = []
    _collect(doc.iter_inner_content(), lines)
    return "\n".join(lines)


def _collect(blocks, lines: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                lines.append(block.text)
            continue
        for row in block.rows:
            seen: list = []
            cells: list[str] = []
            for cell in row.cells:
                if any(cell._tc is tc for tc in seen):
                    continue
                seen.append(cell._tc)
                inner: list[str] = []
                _collect(cell.iter_inner_content(), inner)
                cells.append(" ".join(inner))
            lines.append("\t".join(cells))
