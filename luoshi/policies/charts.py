"""Figures of the simulation pages, as plotly.js figure dicts drawn by ``luoshi.js``."""

from __future__ import annotations

from luoshi.enterprises.charts import BLUE, FONT, GREEN, RED, YELLOW

COLOURS = (BLUE, YELLOW, GREEN)


def _layout(title: str, y_title: str, *, height: int = 340) -> dict:
    return {
        "title": {"text": title, "font": {**FONT, "size": 15}},
        "font": FONT,
        "margin": {"l": 70, "r": 30, "t": 50, "b": 90},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "xaxis": {"type": "category", "automargin": True},
        "legend": {"orientation": "h", "y": 1.12},
        "barmode": "group",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
    }


def _cost_chart(variants: list[dict]) -> dict | None:
    if not any(v.get("cost") is not None for v in variants):
        return None
    names = [v["label"] for v in variants]
    data = [
        {
            "type": "bar",
            "name": "测算资金（万元）",
            "x": names,
            "y": [round(float(v["cost"] or 0) / 10000, 2) for v in variants],
            "marker": {"color": [RED if v["over_budget"] else BLUE for v in variants]},
            "text": [f"{float(v['cost'] or 0) / 10000:,.1f}万元" for v in variants],
            "textposition": "outside",
        },
        {
            "type": "bar",
            "name": "预算（万元）",
            "x": names,
            "y": [round(float(v["budget"]) / 10000, 2) if v.get("budget") else None for v in variants],
            "marker": {"color": "#c9d1d9"},
        },
    ]
    return {"data": data, "layout": _layout("资金需求与预算", "万元")}


def _by(variants: list[dict], key: str, title: str, *, top: int = 12) -> dict:
    first = variants[0][key]
    # Keep the categories that matter to some variant, in the first variant's order.
    names = [r["name"] for r in first]
    weight = {
        name: max(next((r["eligible"] for r in v[key] if r["name"] == name), 0) for v in variants) for name in names
    }
    shown = [name for name in sorted(names, key=lambda n: -weight[n]) if weight[name] > 0][:top]
    data = []
    for colour, v in zip(COLOURS, variants, strict=False):
        counts = {r["name"]: r["eligible"] for r in v[key]}
        data.append(
            {
                "type": "bar",
                "name": v["label"],
                "x": shown,
                "y": [counts.get(n, 0) for n in shown],
                "marker": {"color": colour},
            }
        )
    return {"data": data, "layout": _layout(title, "符合条件的企业（家）")}


def simulation_charts(outcome: dict) -> list[tuple[str, dict]]:
    """(element id, figure) pairs for a simulation's results page."""
    variants = outcome["variants"]
    figures = []
    cost = _cost_chart(variants)
    if cost:
        figures.append(("sim-cost", cost))
    figures.append(("sim-section", _by(variants, "by_section", "按行业门类")))
    figures.append(("sim-town", _by(variants, "by_town", "按镇街")))
    figures.append(("sim-size", _by(variants, "by_size", "按企业规模")))
    return figures
