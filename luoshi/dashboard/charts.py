"""Figures of the cockpit, as plotly.js figure dicts drawn by ``luoshi.js``."""

from __future__ import annotations

from luoshi.enterprises.charts import BLUE, FONT, GREEN, RED, YELLOW


def _layout(title: str, *, height: int = 320, big: bool = False) -> dict:
    font = {**FONT, "size": 18 if big else 13}
    return {
        "title": {"text": title, "font": {**font, "size": font["size"] + 2}},
        "font": font,
        "margin": {"l": 50, "r": 20, "t": 50, "b": 80},
        "legend": {"orientation": "h", "y": 1.12},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": height,
        "barmode": "stack",
        "xaxis": {"type": "category", "automargin": True},
    }


def units_chart(units: list[dict], *, big: bool = False) -> dict | None:
    if not units:
        return None
    colours = (RED, YELLOW, GREEN, "#8c959f")
    names = [u["name"] for u in units]
    data = [
        {
            "type": "bar",
            "name": units[0]["cells"][k][0],
            "x": names,
            "y": [u["cells"][k][1] for u in units],
            "marker": {"color": colours[k]},
        }
        for k in range(len(units[0]["cells"]))
    ]
    return {"data": data, "layout": _layout("各单位在办任务状态", big=big)}


def money_chart(rows: list[dict], *, big: bool = False) -> dict | None:
    if not rows:
        return None
    layout = _layout("政策资金：核定与兑现（万元）", big=big)
    layout["barmode"] = "group"
    data = [
        {
            "type": "bar",
            "name": "核定",
            "x": [r["name"] for r in rows],
            "y": [r["approved"] for r in rows],
            "marker": {"color": BLUE},
        },
        {
            "type": "bar",
            "name": "已兑现",
            "x": [r["name"] for r in rows],
            "y": [r["paid"] for r in rows],
            "marker": {"color": GREEN},
        },
    ]
    return {"data": data, "layout": layout}
