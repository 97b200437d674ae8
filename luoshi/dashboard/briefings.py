"""督办简报: the weekly supervision briefing as .docx and .xlsx, archived with who received it.

:func:`generate` gathers the week's numbers once (:func:`collect`, as the leadership sees them:
the cockpit's tiles, every red task and case, the quarter's scorecard, the indicators), draws
two charts with matplotlib and writes the Word and the Excel file from those same numbers, so
the two files cannot disagree. One :class:`~luoshi.dashboard.models.Briefing` row per week:
generating a week again replaces its files. :func:`send` tells the leaders and supervisors,
once per briefing; :func:`weekly_job` is the ``luoshi tick`` job that does both when this
week's briefing is still missing.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from luoshi.cases import queries as case_queries
from luoshi.core.actors import SYSTEM, is_system
from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.dashboard import metrics
from luoshi.dashboard.models import Briefing
from luoshi.ledger import charts as ledger_charts
from luoshi.ledger import queries as ledger_queries
from luoshi.ledger.choices import Direction, TargetKind

# The house style of the ledger's 督办单: same fonts, page and helpers.
from luoshi.ledger.documents import (
    AUTHOR,
    BODY_FONT,
    LABEL_FONT,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    TITLE_FONT,
    _borders,
    _declare_title_font,
    _drop_thumbnail,
    _set_font,
    _setup_page,
    cn_date,
)
from luoshi.ledger.excel import HEADER_FILL, HEADER_FONT
from luoshi.notices.services import notify
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit, User
from luoshi.org.queries import users_with_role
from luoshi.tracking.choices import Colour

__all__ = [
    "BriefingData",
    "can_generate",
    "can_read",
    "collect",
    "docx_filename",
    "generate",
    "recipients_of",
    "render_docx",
    "render_xlsx",
    "send",
    "title_of",
    "week_of",
    "weekly_job",
    "xlsx_filename",
]

log = logging.getLogger(__name__)

ISSUER = "区委督查室"
READERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
GENERATORS = (Role.SUPERVISOR, Role.ADMIN)
RECIPIENT_ROLES = (Role.LEADER, Role.SUPERVISOR)

# Sheets of the .xlsx, in order.
SHEETS = ("总体情况", "红灯事项", "单位排名", "指标")

# Chinese fonts for the charts, most preferred first (Debian: fonts-wqy-microhei, fonts-noto-cjk).
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)

COLOUR_HEX = {Colour.GREEN: "#1a7f37", Colour.YELLOW: "#b58105", Colour.RED: "#b3261e"}
GREY = "#8c959f"
RED_INK = RGBColor(0xC0, 0x00, 0x00)  # the masthead and its rule, as on a 红头 document

# Type sizes of a briefing (GB/T 9704): 三号 body, 五号 in tables.
MASTHEAD_SIZE = Pt(36)
BODY_SIZE = Pt(16)
TABLE_SIZE = Pt(10.5)
KAITI = "楷体"
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
CHART_WIDTH = Cm(15)

NONE_MARK = "—"


# --- who may do what ------------------------------------------------------------------------


def can_read(user) -> bool:
    """Leaders, supervisors and admins of the whole district read the archive and download briefings."""
    return permissions.covers_everything(user, READERS)


def can_generate(user) -> bool:
    return permissions.covers_everything(user, GENERATORS)


def recipients_of() -> list[User]:
    """The leaders and supervisors whose grant covers the whole district."""
    found: dict[int, User] = {}
    for root in Unit.objects.filter(parent__isnull=True, is_active=True):
        for user in users_with_role(RECIPIENT_ROLES, root):
            found[user.pk] = user
    return sorted(found.values(), key=lambda u: u.pk)


# --- the week ------------------------------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday of ``day``'s week.

    >>> week_of(date(2026, 11, 26))
    datetime.date(2026, 11, 23)
    """
    return day - timedelta(days=day.weekday())


def title_of(week_start: date) -> str:
    """The briefing's title: the issue is the ISO week, the span Monday to Sunday.

    >>> title_of(date(2026, 11, 23))
    '《督办简报》2026年第48期（11月23日—11月29日）'
    """
    year, number, _ = week_start.isocalendar()
    end = week_start + timedelta(days=6)
    return f"《督办简报》{year}年第{number}期（{end_span(week_start, end)}）"


def end_span(start: date, end: date) -> str:
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


def _issue(week_start: date) -> str:
    year, number, _ = week_start.isocalendar()
    return f"{year}年第{number}期"


def docx_filename(briefing: Briefing) -> str:
    return f"督办简报{_issue(briefing.week_start)}.docx"


def xlsx_filename(briefing: Briefing) -> str:
    return f"督办简报{_issue(briefing.week_start)}数据.xlsx"


def _storage_stem(week_start: date) -> str:
    year, number, _ = week_start.isocalendar()
    return f"briefing-{year}-W{number:02d}"


# --- the numbers ---------------------------------------------------------------------------


@dataclass
class RedItem:
    kind: str  # 任务 / 诉求
    code: str
    title: str
    unit: str
    due: date | None
    reason: str
    extra: str = ""  # the enterprise of a case


@dataclass
class Ranking:
    rank: int
    movement: str
    unit: str
    tasks: int
    report_rate: Decimal | None
    milestone_rate: Decimal | None
    completion_rate: Decimal | None
    overdue: int
    score: Decimal
    previous_rank: int | None
    previous_score: Decimal | None


@dataclass
class IndicatorRow:
    name: str
    unit: str
    target: str
    colour: str
    reason: str
    ratio: float | None  # 目标完成程度 in percent, for the chart
    schedule: float | None = None  # where a level target should be by now, in percent of the target


@dataclass
class BriefingData:
    """Everything one briefing says, gathered once; both files are written from it."""

    week_start: date
    as_of: date
    title: str
    sections: list[metrics.Section]
    units: list[dict]
    red_tasks: list[RedItem]
    red_cases: list[RedItem]
    quarter: tuple[date, date]
    rankings: list[Ranking]
    indicators: list[IndicatorRow]
    notes: list[str] = field(default_factory=list)  # what could not be drawn, and why

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def issue(self) -> str:
        return _issue(self.week_start)

    def tiles(self) -> Iterator[tuple[metrics.Section, metrics.Tile]]:
        for section in self.sections:
            for tile in section.tiles:
                yield section, tile

    def summary(self) -> dict:
        """The numbers kept on the row, for the archive page (JSON)."""
        return {
            "as_of": self.as_of.isoformat(),
            "tiles": [
                {"key": t.key, "label": t.label, "value": t.value, "unit": t.unit, "note": t.note, "tone": t.tone}
                for _, t in self.tiles()
            ],
            "red_tasks": len(self.red_tasks),
            "red_cases": len(self.red_cases),
            "quarter": [self.quarter[0].isoformat(), self.quarter[1].isoformat()],
            "rankings": [
                {"rank": r.rank, "movement": r.movement, "unit": r.unit, "score": str(r.score)} for r in self.rankings
            ],
            "indicators": [{"name": i.name, "colour": i.colour, "reason": i.reason} for i in self.indicators],
            "units": self.units,
            "notes": self.notes,
        }


def movement_text(movement: int | None) -> str:
    """A unit's ranking movement against the previous quarter, as the scorecard page writes it."""
    if movement is None:
        return "新"
    if movement > 0:
        return f"↑{movement}"
    if movement < 0:
        return f"↓{-movement}"
    return "持平"


def _number(value) -> str:
    """A figure as a sentence writes it: no trailing zeros, at most two decimals."""
    if isinstance(value, bool) or value is None:
        return NONE_MARK
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _rate(value: Decimal | None) -> str:
    return NONE_MARK if value is None else f"{_number(value)}%"


def _red_tasks() -> list[RedItem]:
    # The same query as the cockpit's 红灯任务 tile, so the list and the count agree.
    rows = ledger_queries.ledger_rows(SYSTEM, {"colour": Colour.RED}).order_by("due_date", "path")
    return [
        RedItem("任务", t.code, t.title, t.lead_unit.display_name, t.due_date, t.status_reason or "—") for t in rows
    ]


def _red_cases() -> list[RedItem]:
    # The same query as the cockpit's 红色预警诉求 tile.
    rows = case_queries.case_list(SYSTEM, {"colour": Colour.RED, "open_only": True}).order_by("resolution_due", "id")
    return [
        RedItem(
            "诉求",
            c.number,
            c.title,
            c.unit.display_name if c.unit_id else "待交办",
            c.resolution_due,
            c.colour_reason or "—",
            extra=c.enterprise.name if c.enterprise_id else "",
        )
        for c in rows
    ]


def _rankings(start: date, end: date) -> list[Ranking]:
    return [
        Ranking(
            rank=s.rank,
            movement=movement_text(s.movement),
            unit=s.unit.display_name,
            tasks=s.tasks,
            report_rate=s.report_rate,
            milestone_rate=s.milestone_rate,
            completion_rate=s.completion_rate,
            overdue=s.overdue,
            score=s.score,
            previous_rank=s.previous_rank,
            previous_score=s.previous_score,
        )
        for s in ledger_queries.scorecard(SYSTEM, start, end)
    ]


def _target_text(indicator) -> str:
    if indicator.target_kind == TargetKind.GROWTH:
        return f"增长{_number(indicator.target)}%"
    return f"{_number(indicator.target)}{indicator.measure}"


def _ratio(actual: Decimal | None, target: Decimal, direction: str) -> float | None:
    """目标完成程度: actual against target in percent (target against actual when lower is better)."""
    if actual is None or not target:
        return None
    if direction == Direction.DOWN:
        return None if actual <= 0 else float(target / actual * 100)
    return float(actual / target * 100)


def _indicators(today: date, year: int) -> list[IndicatorRow]:
    # Colour and reason come from the ledger's own assessment, as on the cockpit and the indicator pages.
    rows = []
    for indicator in ledger_queries.visible_indicators(SYSTEM).filter(year=year).order_by("owner_unit__path", "id"):
        progress = ledger_charts.indicator_progress(indicator, today)
        if indicator.target_kind == TargetKind.GROWTH:
            ratio = _ratio(progress.latest_growth, indicator.target, indicator.direction)
            schedule = None
        else:
            ratio = _ratio(progress.latest_value, indicator.target, indicator.direction)
            expected, target = progress.expected, indicator.target
            schedule = float(expected / target * 100) if expected and target else None
        rows.append(
            IndicatorRow(
                name=indicator.name,
                unit=indicator.owner_unit.display_name,
                target=_target_text(indicator),
                colour=progress.colour,
                reason=progress.reason,
                ratio=None if ratio is None else round(ratio, 1),
                schedule=None if schedule is None else round(schedule, 1),
            )
        )
    return rows


def collect(week_start: date, today: date) -> BriefingData:
    """The week's numbers as the leadership sees them (everything), as of ``today``."""
    cockpit = metrics.cockpit(SYSTEM, today, today.year)
    quarter_start, _ = ledger_queries.quarter_bounds(today)
    quarter = (quarter_start, today)  # the quarter to date
    return BriefingData(
        week_start=week_start,
        as_of=today,
        title=title_of(week_start),
        sections=cockpit.sections,
        units=[{"name": u["name"], "cells": [[label, n] for label, n, _ in u["cells"]]} for u in cockpit.units],
        red_tasks=_red_tasks(),
        red_cases=_red_cases(),
        quarter=quarter,
        rankings=_rankings(*quarter),
        indicators=_indicators(today, today.year),
    )


def tile_sentence(tile: metrics.Tile) -> str:
    """One cockpit tile as a clause: 已逾期3项 / 2026年已兑现12.5万元（4件）."""
    if tile.value in ("", NONE_MARK, None):
        text = f"{tile.label}暂无"
    else:
        text = f"{tile.label}{_number(tile.value)}{tile.unit}"
    return f"{text}（{tile.note}）" if tile.note else text


def section_sentence(section: metrics.Section) -> str:
    return "，".join(tile_sentence(t) for t in section.tiles) + "。"


# --- charts --------------------------------------------------------------------------------


@dataclass
class Chart:
    key: str
    caption: str
    png: bytes


_added_fonts: set[str] = set()


def _cjk_family() -> str | None:
    """The family name of the first CJK font found (registered with matplotlib), or None."""
    from matplotlib import font_manager

    for path in CJK_FONTS:
        if not path.exists():
            continue
        try:
            if str(path) not in _added_fonts:
                font_manager.fontManager.addfont(str(path))
                _added_fonts.add(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("字体文件 %s 无法使用（%s），改用下一个", path, exc)
    return None


@contextmanager
def _chart_style(notes: list[str]):
    import matplotlib

    family = _cjk_family()
    rc = {"axes.unicode_minus": False, "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}
    if family is None:
        log.warning(
            "没有找到中文字体（%s），简报图表中的中文将显示为方框；请安装 fonts-wqy-microhei。",
            "、".join(str(p) for p in CJK_FONTS),
        )
        notes.append("服务器未安装中文字体，图表中的中文可能无法正常显示。")
    else:
        rc |= {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if family is None:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        yield


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _units_chart(units: list[dict]):
    from matplotlib.figure import Figure

    names = [u["name"] for u in units][::-1]  # the unit with most open tasks on top
    labels = [label for label, _ in units[0]["cells"]]
    colours = [COLOUR_HEX[Colour.RED], COLOUR_HEX[Colour.YELLOW], COLOUR_HEX[Colour.GREEN], GREY]
    fig = Figure(figsize=(7.5, 1.2 + 0.42 * len(names)))
    ax = fig.subplots()
    left = [0] * len(names)
    for k, label in enumerate(labels):
        values = [u["cells"][k][1] for u in units][::-1]
        bars = ax.barh(names, values, left=left, color=colours[k % len(colours)], label=label, height=0.6)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", color="white", fontsize=8)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("在办任务（项）")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(ncols=len(labels), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return fig


def _indicators_chart(rows: list[IndicatorRow]):
    from matplotlib.figure import Figure

    rows = rows[::-1]
    names = [(r.name if len(r.name) <= 14 else r.name[:13] + "…") for r in rows]
    values = [r.ratio or 0 for r in rows]
    colours = [COLOUR_HEX.get(r.colour, GREY) if r.ratio is not None else GREY for r in rows]
    fig = Figure(figsize=(7.5, 1.2 + 0.42 * len(rows)))
    ax = fig.subplots()
    bars = ax.barh(names, values, color=colours, height=0.6)
    ax.bar_label(bars, labels=[f"{_number(r.ratio)}%" if r.ratio is not None else "未录入" for r in rows], padding=3)
    ax.axvline(100, color="#57606a", linewidth=1, linestyle="--")
    marks = [(y, r.schedule) for y, r in enumerate(rows) if r.schedule is not None]
    if marks:
        ax.scatter(
            [s for _, s in marks], [y for y, _ in marks], marker="|", s=300, color="#0b5cad", zorder=3, label="时序进度"
        )
        ax.legend(loc="lower right", frameon=False)
    ax.set_xlabel("目标完成程度（%，虚线为目标）")
    ax.set_xlim(min(0, *values) - 5, max(120, *values) * 1.12)
    return fig


def render_charts(data: BriefingData) -> list[Chart]:
    """The briefing's charts as PNG images; a chart that cannot be drawn is left out with a note."""
    try:
        import matplotlib  # noqa: F401 -- an optional dependency until it is installed everywhere
    except ImportError:
        log.warning("未安装 matplotlib，简报不含图表。")
        data.notes.append("服务器未安装 matplotlib，本期简报未生成图表。")
        return []
    wanted = []
    if data.units:
        wanted.append(("units", "各牵头单位在办任务状态", lambda: _units_chart(data.units)))
    if data.indicators:
        wanted.append(("indicators", "指标完成程度", lambda: _indicators_chart(data.indicators)))
    charts = []
    with _chart_style(data.notes):
        for number, (key, name, draw) in enumerate(wanted, start=1):
            caption = f"图{number} {name}"
            try:
                charts.append(Chart(key, caption, _png(draw())))
            except Exception:  # a chart must never cost the leadership its briefing
                log.exception("简报图表“%s”绘制失败", caption)
                data.notes.append(f"{caption}绘制失败，详见服务器日志。")
    return charts


# --- the Word document ---------------------------------------------------------------------


def _para(doc, text: str = "", *, font=BODY_FONT, size=BODY_SIZE, bold=False, align=None, indent=False, colour=None):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)  # 固定值28磅: about 22 lines to an A4 page, as official documents set it
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if text:
        run = p.add_run(text)
        _set_font(run, font, size, bold=bold)
        if colour is not None:
            run.font.color.rgb = colour
    return p


def _heading_style(doc) -> None:
    """Heading 1 as 黑体 三号 in black: a Word heading, so the sections show in the navigation pane.

    The template's heading names theme fonts (w:asciiTheme …), which win over named fonts;
    they are dropped so that 黑体 is what Word shows.
    """
    style = doc.styles["Heading 1"]
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in list(r_fonts.attrib):
        if key.lower().endswith("theme"):  # asciiTheme, eastAsiaTheme, hAnsiTheme, cstheme
            del r_fonts.attrib[key]
    style.font.name = LABEL_FONT
    r_fonts.set(qn("w:eastAsia"), LABEL_FONT)
    style.font.size = BODY_SIZE
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _heading(doc, text: str):
    """一、总体情况."""
    p = doc.add_paragraph(style="Heading 1")
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(6), Pt(0), Pt(28)
    fmt.first_line_indent = Pt(32)
    fmt.keep_with_next = True
    _set_font(p.add_run(text), LABEL_FONT, BODY_SIZE)
    return p


def _subheading(doc, text: str):
    """（一）红灯任务: 楷体 三号."""
    p = _para(doc, text, font=KAITI, indent=True)
    p.paragraph_format.keep_with_next = True
    return p


_AFTER_PBDR = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct"),
    *("w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind"),
    *("w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment"),
    *("w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)


def _rule(paragraph, *, colour: str = "C00000", size: int = 18, edges: tuple[str, ...] = ("bottom",)) -> None:
    """Lines along ``edges`` of ``paragraph``: the red rule under the masthead, the lines of the 版记."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge in edges:  # top before bottom: the schema's order
        line = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", colour)):
            line.set(qn(key), value)
        borders.append(line)
    # Children of w:pPr have a fixed order; Word rejects a file with pBdr after these.
    p_pr.insert_element_before(borders, *_AFTER_PBDR)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float]):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    total = sum(widths)
    cms = [Cm(TEXT_WIDTH.cm * w / total) for w in widths]
    for col, width in zip(table.columns, cms, strict=True):
        col.width = width
    for r, values in enumerate([header, *rows]):
        cells = table.rows[r].cells
        if r == 0:  # the header row repeats on every page the table runs over
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, value, width in zip(cells, values, cms, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or len(str(value)) <= 8 else WD_ALIGN_PARAGRAPH.LEFT
            fmt = p.paragraph_format
            fmt.space_before = fmt.space_after = Pt(2)
            _set_font(p.add_run(str(value)), LABEL_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    return table


def _picture(doc, chart: Chart) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(chart.png), width=CHART_WIDTH)
    caption = _para(doc, chart.caption, font=LABEL_FONT, size=Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.space_after = Pt(6)


def _page_number_footer(doc) -> None:
    """— 1 — centred at the foot of every page."""
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run("— "), BODY_FONT, Pt(14))
    run = p.add_run()
    _set_font(run, BODY_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _set_font(p.add_run(" —"), BODY_FONT, Pt(14))


def _d(day: date | None) -> str:
    return cn_date(day) if day else NONE_MARK


def render_docx(data: BriefingData, charts: list[Chart]) -> bytes:
    """The briefing as a Word document (A4, the fonts of official documents)."""
    doc = Document()
    _setup_page(doc)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _declare_title_font(doc)
    _drop_thumbnail(doc)
    _heading_style(doc)
    doc._body.clear_content()
    _page_number_footer(doc)
    by_key = {c.key: c for c in charts}

    # Masthead: 督办简报 in red, the issue and span, issuer and date, a red rule.
    masthead = _para(
        doc, "督办简报", font=TITLE_FONT, size=MASTHEAD_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED_INK
    )
    masthead.paragraph_format.line_spacing = Pt(54)  # the 28pt body grid would clip the 36pt masthead
    masthead.paragraph_format.space_after = Pt(6)
    _para(doc, f"{data.issue}（{end_span(data.week_start, data.week_end)}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _para(doc, "")
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=WD_TAB_ALIGNMENT.RIGHT)
    _set_font(line.add_run(f"{ISSUER}\t{cn_date(data.as_of)}"), BODY_FONT, BODY_SIZE)
    _rule(line)
    _para(doc, "")

    _heading(doc, "一、总体情况")
    _para(
        doc,
        f"截至{cn_date(data.as_of)}，全区政策落实和督办工作主要情况如下。",
        indent=True,
    )
    for n, section in enumerate(data.sections, start=1):
        _para(doc, f"（{_cn_number(n)}）{section.title}：{section_sentence(section)}", indent=True)
    overview = [
        [section.title, tile.label, f"{_number(tile.value)}{'' if tile.value == NONE_MARK else tile.unit}", tile.note]
        for section, tile in data.tiles()
    ]
    _table(doc, ["板块", "指标", "数值", "备注"], overview, [3.2, 5, 3.2, 3.2])
    _para(doc, "")
    if "units" in by_key:
        _picture(doc, by_key["units"])

    _heading(doc, "二、红灯事项")
    _subheading(doc, f"（一）红灯任务（{len(data.red_tasks)}项）")
    if data.red_tasks:
        rows = [
            [str(i), f"{t.code} {t.title}".strip(), t.unit, _d(t.due), t.reason]
            for i, t in enumerate(data.red_tasks, start=1)
        ]
        _table(doc, ["序号", "任务", "牵头单位", "完成时限", "红灯原因"], rows, [1.1, 5, 2.8, 2.8, 5])
    else:
        _para(doc, "本期无红灯任务。", indent=True)
    _subheading(doc, f"（二）红色预警诉求（{len(data.red_cases)}件）")
    if data.red_cases:
        rows = [
            [str(i), f"{c.code} {c.title}", c.extra or "—", c.unit, _d(c.due), c.reason]
            for i, c in enumerate(data.red_cases, start=1)
        ]
        _table(doc, ["序号", "诉求", "企业", "承办单位", "办结时限", "预警原因"], rows, [1.1, 4, 3, 2.6, 2.6, 4.2])
    else:
        _para(doc, "本期无红色预警诉求。", indent=True)

    _heading(doc, "三、单位排名")
    start, end = data.quarter
    _para(
        doc,
        f"按{cn_date(start)}至{cn_date(end)}已到期事项计分（按时报送率×35%＋里程碑按时完成率×35%"
        "＋到期任务完成率×30%－当前逾期任务数×2），排名变化与上一季度比较。",
        indent=True,
    )
    if data.rankings:
        rows = [
            [
                str(r.rank),
                r.movement,
                r.unit,
                _rate(r.report_rate),
                _rate(r.milestone_rate),
                _rate(r.completion_rate),
                str(r.overdue),
                _number(r.score),
            ]
            for r in data.rankings
        ]
        header = ["排名", "变化", "单位", "按时报送率", "里程碑按时率", "到期完成率", "逾期", "综合得分"]
        _table(doc, header, rows, [1.2, 1.3, 4, 2.2, 2.4, 2.2, 1.2, 1.8])
    else:
        _para(doc, "本季度尚无可考核的单位。", indent=True)

    _heading(doc, "四、指标进展")
    if data.indicators:
        counts = {c: sum(1 for i in data.indicators if i.colour == c) for c in Colour.values}
        _para(
            doc,
            f"{data.as_of.year}年跟踪指标{len(data.indicators)}项，其中达到进度（绿灯）{counts[Colour.GREEN]}项、"
            f"略有差距（黄灯）{counts[Colour.YELLOW]}项、差距较大（红灯）{counts[Colour.RED]}项。",
            indent=True,
        )
        rows = [[i.name, i.unit, i.target, Colour(i.colour).label, i.reason] for i in data.indicators]
        _table(doc, ["指标", "责任单位", "目标", "状态", "进展情况"], rows, [3.6, 2.6, 2.4, 1.4, 5.6])
        _para(doc, "")
        if "indicators" in by_key:
            _picture(doc, by_key["indicators"])
    else:
        _para(doc, f"{data.as_of.year}年暂无跟踪指标。", indent=True)

    for note in data.notes:
        _para(doc, f"注：{note}", size=Pt(12), indent=True)

    # 版记: who receives it, and who issued it when, between lines.
    _para(doc, "")
    sent_to = _para(doc, "报送：区委、区政府领导。", size=Pt(14))
    _rule(sent_to, colour="000000", size=6, edges=("top", "bottom"))
    issued = _para(doc, "", size=Pt(14))
    issued.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=WD_TAB_ALIGNMENT.RIGHT)
    _set_font(issued.add_run(f"{ISSUER}\t{cn_date(data.as_of)}印发"), BODY_FONT, Pt(14))
    _rule(issued, colour="000000", size=6)

    stamp = timezone.now()
    props = doc.core_properties
    props.author = props.last_modified_by = AUTHOR
    props.title = data.title
    props.subject = "督办简报"
    props.keywords = "督办简报"
    props.comments = ""
    props.created = props.modified = stamp.replace(tzinfo=None)
    props.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _cn_number(n: int) -> str:
    """1 → 一 … 10 → 十 (enough for a briefing's sub-sections)."""
    digits = "零一二三四五六七八九十"
    return digits[n] if 0 <= n <= 10 else str(n)


# --- the Excel workbook --------------------------------------------------------------------


def _sheet(wb: Workbook, title: str, header: list[str], widths: list[int], *, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    _header_row(ws, 1, header)
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A2"
    return ws


def _header_row(ws, row: int, header: list[str]) -> None:
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def _value(value):
    """A figure as a number where it is one (Excel sums numbers, not text)."""
    if isinstance(value, Decimal):
        return float(value)
    return None if value == NONE_MARK else value


def _dated(ws, row: int, col: int, value: date | None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.number_format = "yyyy-mm-dd"


def render_xlsx(data: BriefingData) -> bytes:
    """The briefing's numbers on four sheets: 总体情况, 红灯事项, 单位排名, 指标."""
    wb = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")

    ws = _sheet(wb, SHEETS[0], ["板块", "指标", "数值", "单位", "说明", "提示"], [20, 28, 12, 14, 20, 8], first=True)
    for section, tile in data.tiles():
        tone = Colour(tile.tone).label if tile.tone in Colour.values else ""
        ws.append([section.title, tile.label, _value(tile.value), tile.unit, tile.note, tone])
    if data.units:
        row = ws.max_row + 2
        ws.cell(row=row, column=1, value="各牵头单位在办任务状态（项）").font = Font(bold=True)
        labels = [label for label, _ in data.units[0]["cells"]]
        _header_row(ws, row + 1, ["单位", *labels, "合计"])
        for unit in data.units:
            counts = [n for _, n in unit["cells"]]
            ws.append([unit["name"], *counts, sum(counts)])
    ws.cell(row=ws.max_row + 2, column=1, value=f"{data.title}，数据截至{cn_date(data.as_of)}")

    ws = _sheet(
        wb,
        SHEETS[1],
        ["类别", "编号", "事项", "企业", "牵头（承办）单位", "完成（办结）时限", "原因"],
        [8, 16, 40, 24, 20, 14, 50],
    )
    for item in [*data.red_tasks, *data.red_cases]:
        ws.append([item.kind, item.code or None, item.title, item.extra or None, item.unit, None, item.reason])
        _dated(ws, ws.max_row, 6, item.due)
        ws.cell(row=ws.max_row, column=7).alignment = wrap

    header = [
        "排名",
        "变化",
        "单位",
        "任务数",
        "按时报送率（%）",
        "里程碑按时率（%）",
        "到期完成率（%）",
        "逾期任务",
        "综合得分",
        "上期排名",
        "上期得分",
    ]
    ws = _sheet(wb, SHEETS[2], header, [6, 8, 24, 8, 14, 16, 14, 10, 10, 10, 10])
    for r in data.rankings:
        ws.append(
            [
                r.rank,
                r.movement,
                r.unit,
                r.tasks,
                _value(r.report_rate),
                _value(r.milestone_rate),
                _value(r.completion_rate),
                r.overdue,
                _value(r.score),
                r.previous_rank,
                _value(r.previous_score),
            ]
        )
    ws.cell(row=ws.max_row + 2, column=1, value=f"考核期：{cn_date(data.quarter[0])}至{cn_date(data.quarter[1])}")

    header = ["指标", "责任单位", "目标", "状态", "进展情况", "目标完成程度（%）"]
    ws = _sheet(wb, SHEETS[3], header, [28, 18, 16, 8, 50, 16])
    for i in data.indicators:
        ws.append([i.name, i.unit, i.target, Colour(i.colour).label, i.reason, i.ratio])
        ws.cell(row=ws.max_row, column=5).alignment = wrap

    wb.properties.title = data.title
    wb.properties.creator = AUTHOR
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- generate, send, the weekly job --------------------------------------------------------


def generate(actor, week_start: date, *, today: date | None = None) -> Briefing:
    """Generate (or regenerate) the briefing of the week starting ``week_start`` (a Monday).

    The numbers are as of ``today``. Generating a week that already has a briefing replaces its
    files and numbers on the same row; who received it earlier stays recorded.
    """
    if not can_generate(actor):
        raise NotPermitted("只有覆盖全区的督查员或系统管理员可以生成督办简报。")
    today = today or timezone.localdate()
    if week_start.weekday() != 0:
        raise ValidationFailed(f"简报的周起始日应为星期一，{cn_date(week_start)}不是星期一。", field="week_start")
    if week_start > today:
        raise ValidationFailed("不能生成尚未开始的一周的简报。", field="week_start")

    # Drawn before any row is locked: the charts take a second or two.
    data = collect(week_start, today)
    charts = render_charts(data)
    docx_bytes = render_docx(data, charts)
    xlsx_bytes = render_xlsx(data)
    stem = _storage_stem(week_start)
    by = None if is_system(actor) else actor

    with transaction.atomic():
        briefing = _locked_row(week_start, data.title)
        old = [name for name in (briefing.docx.name, briefing.xlsx.name) if name]
        briefing.title = data.title
        briefing.summary = data.summary()
        briefing.generated_by = by
        briefing.generated_at = timezone.now()
        briefing.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
        briefing.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
        briefing.save(update_fields=["title", "summary", "generated_by", "generated_at", "docx", "xlsx"])
        storage = briefing.docx.storage
        # The old files go only once the new ones are the record: a rollback keeps the old briefing whole.
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
    log.info("已生成%s（%s）", data.title, "系统" if by is None else by)
    return briefing


def _locked_row(week_start: date, title: str) -> Briefing:
    """The week's row, created if missing, locked until the transaction ends.

    The lock makes two concurrent generations of one week write one after the other: without
    it both would try to create the row and the unique week_start would fail one of them.
    """
    try:
        with transaction.atomic():
            Briefing.objects.get_or_create(week_start=week_start, defaults={"title": title})
    except IntegrityError:
        pass  # a concurrent generation created it first; wait for its lock below
    return Briefing.objects.select_for_update().get(week_start=week_start)


def cause_of(briefing: Briefing) -> str:
    return f"dashboard.briefing:{briefing.week_start.isoformat()}"


def send(briefing: Briefing) -> int:
    """Tell the district's leaders and supervisors, once per briefing; record who received it.

    Returns how many were told now (0 when everyone had already been told).
    """
    cause = cause_of(briefing)
    link = f"{reverse('dashboard:briefings')}#briefing-{briefing.pk}"
    data = briefing.summary or {}
    body = (
        f"{briefing.title}已印发：红灯任务{data.get('red_tasks', 0)}项，"
        f"红色预警诉求{data.get('red_cases', 0)}件。请在“督办简报”中下载 Word 或 Excel 文件。"
    )
    with transaction.atomic():
        created = notify(recipients_of(), cause=cause, title=f"{briefing.title}已印发", body=body, link=link)
        # Whoever holds a notice of this briefing received it, including those told on an earlier send.
        briefing.recipients.add(*User.objects.filter(notices__cause=cause))
    return len(created)


def weekly_job(today: date | None = None) -> str:
    """``luoshi tick``: this week's briefing, generated and sent on the first tick of the week (Monday).

    Runs daily; on a day when this week's briefing already exists it does nothing, so a tick
    that missed Monday (the server was down) still produces the week's briefing the next day.
    """
    today = today or timezone.localdate()
    week_start = week_of(today)
    existing = Briefing.objects.filter(week_start=week_start).first()
    if existing is not None:
        return f"本周简报{existing.title}已生成，无需重复生成"
    briefing = generate(SYSTEM, week_start, today=today)
    told = send(briefing)
    return f"已生成{briefing.title}，通知{told}人"
