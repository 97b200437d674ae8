"""Figures of the project pages, as plotly.js figure dicts put on the page with ``json_script``
and drawn by ``luoshi.js``, like the ledger's and the enterprises'. Amounts are 万元."""

from __future__ import annotations

from decimal import Decimal

from luoshi.enterprises.charts import BLUE, FONT, GREEN, RED, YELLOW

GREY = "#8c959f"


def _layout(title: str, y_title: str, *, height: int = 360) -> dict:
    return {
        "title": {"text": title, "font": {**FONT, "size": 15}},
        "font": FONT,
        "margin": {"l": 70, "r": 30, "t": 50, "b": 60},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "xaxis": {"type": "category", "automargin": True},
        "legend": {"orientation": "h", "y": -0.18},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
    }


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def investment_chart(rows, year: int) -> dict:
    """Cumulative plan against cumulative completed investment over the year, with each month's figure."""
    months = [f"{r.month}月" for r in rows]
    data = [
        {
            "type": "bar",
            "name": "当月完成",
            "x": months,
            "y": [_f(r.done) for r in rows],
            "marker": {"color": "#9ecae1"},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "累计计划",
            "x": months,
            "y": [_f(r.plan_cumulative) for r in rows],
            "line": {"color": RED, "dash": "dash", "width": 2},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "累计完成",
            "x": months,
            "y": [_f(r.done_cumulative) for r in rows],
            "line": {"color": BLUE, "width": 3},
            "connectgaps": False,
        },
    ]
    return {"data": data, "layout": _layout(f"{year}年投资计划与完成（累计）", "万元")}


def pool_chart(movements, year: int) -> dict:
    """Projects entering the reserve, promoted to implementation and leaving it, month by month."""
    months = [f"{m.month}月" for m in movements]
    data = [
        {"type": "bar", "name": "入库", "x": months, "y": [m.entered for m in movements], "marker": {"color": BLUE}},
        {
            "type": "bar",
            "name": "转入实施",
            "x": months,
            "y": [m.promoted for m in movements],
            "marker": {"color": GREEN},
        },
        {"type": "bar", "name": "出库", "x": months, "y": [m.exited for m in movements], "marker": {"color": GREY}},
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "月末在库",
            "x": months,
            "y": [m.in_pool for m in movements],
            "line": {"color": YELLOW, "width": 3},
        },
    ]
    layout = _layout(f"{year}年储备库项目变动", "项目数（个）")
    layout["barmode"] = "group"
    layout["yaxis"]["tickformat"] = "d"  # counts: no fractional ticks
    return {"data": data, "layout": layout}


def fund_target_chart(summary) -> dict:
    """The year's target beside what has been applied for, approved and received."""
    names = ["年度目标", "申报", "批复", "到位"]
    target = summary.target.amount if summary.target else None
    values = [_f(target), _f(summary.applied), _f(summary.approved), _f(summary.received)]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names[::-1],
            "x": values[::-1],
            "marker": {"color": [GREY, BLUE, YELLOW, GREEN][::-1]},
            "text": [f"{v:,.0f}万元" if v is not None else "未设定" for v in values][::-1],
            "textposition": "auto",
            "name": "万元",
        }
    ]
    layout = _layout(f"{summary.year}年争取资金：目标与进度", "", height=260)
    layout.update({"xaxis": {"title": {"text": "万元"}, "rangemode": "tozero"}, "yaxis": {"automargin": True}})
    layout["showlegend"] = False
    return {"data": data, "layout": layout}


def _by(rows, title: str) -> dict:
    names = [r["label"] for r in rows]
    data = [
        {"type": "bar", "name": "申报", "x": names, "y": [_f(r["applied"]) for r in rows], "marker": {"color": BLUE}},
        {
            "type": "bar",
            "name": "批复",
            "x": names,
            "y": [_f(r["approved"]) for r in rows],
            "marker": {"color": YELLOW},
        },
        {
            "type": "bar",
            "name": "到位",
            "x": names,
            "y": [_f(r["received"]) for r in rows],
            "marker": {"color": GREEN},
        },
    ]
    layout = _layout(title, "万元", height=400)
    layout["barmode"] = "group"
    layout["margin"]["b"] = 120
    layout["legend"] = {"orientation": "h", "y": 1.1}  # above: long channel names take the space below
    layout["xaxis"]["tickangle"] = -30
    return {"data": data, "layout": layout}


def fund_channel_chart(summary) -> dict:
    return _by(summary.by_channel, f"{summary.year}年争取资金：按渠道")


def fund_unit_chart(summary) -> dict:
    return _by(summary.by_unit[:15], f"{summary.year}年争取资金：按申报单位")
