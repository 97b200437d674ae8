"""Figures of the enterprise pages, as plain plotly.js figure dicts (data + layout).

They are put on the page with ``json_script`` and drawn by ``luoshi.js``, like the ledger's.
"""

from __future__ import annotations

from collections.abc import Sequence

from luoshi.enterprises.models import YearFigure

FONT = {"family": "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 13}
BLUE, RED, GREEN, YELLOW = "#0b5cad", "#b3261e", "#1a7f37", "#b58105"


def _layout(title: str, y_title: str) -> dict:
    return {
        "title": {"text": title, "font": {**FONT, "size": 15}},
        "font": FONT,
        "margin": {"l": 60, "r": 60, "t": 50, "b": 40},
        "yaxis": {"title": {"text": y_title}, "zeroline": True},
        "xaxis": {"type": "category"},
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": 360,
    }


def _number(value) -> float | None:
    return None if value is None else float(value)


def figures_chart(figures: Sequence[YearFigure]) -> dict | None:
    """Revenue, R&D and tax by year as bars (万元); employees as a line on a second axis."""
    rows = sorted(figures, key=lambda f: f.year)
    if not rows:
        return None
    years = [f"{f.year}年" for f in rows]
    bars = [("营业收入", "revenue", BLUE), ("研发费用", "rd_expense", GREEN), ("纳税额", "tax_paid", YELLOW)]
    data = [
        {
            "type": "bar",
            "name": f"{label}（万元）",
            "x": years,
            "y": [_number(getattr(f, field)) for f in rows],
            "marker": {"color": colour},
        }
        for label, field, colour in bars
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "从业人员（人）",
            "x": years,
            "y": [f.employees for f in rows],
            "yaxis": "y2",
            "line": {"color": RED, "width": 3},
        }
    )
    layout = _layout("历年主要指标", "万元")
    layout["barmode"] = "group"
    layout["yaxis2"] = {"title": {"text": "人"}, "overlaying": "y", "side": "right", "rangemode": "tozero"}
    return {"data": data, "layout": layout}


def coverage_chart(rows: Sequence[dict], title: str) -> dict | None:
    """Visit coverage (%) per row of :func:`luoshi.enterprises.queries.visit_coverage`."""
    if not rows:
        return None
    data = [
        {
            "type": "bar",
            "name": "走访覆盖率（%）",
            "x": [r["name"] for r in rows],
            "y": [float(r["share"]) for r in rows],
            "text": [f"{r['share']}%（{r['visited']}/{r['total']}）" for r in rows],
            "textposition": "outside",
            "marker": {"color": [GREEN if r["share"] >= 100 else BLUE if r["share"] >= 50 else RED for r in rows]},
        }
    ]
    layout = _layout(title, "%")
    layout["yaxis"]["range"] = [0, 115]
    layout["xaxis"]["automargin"] = True
    return {"data": data, "layout": layout}
