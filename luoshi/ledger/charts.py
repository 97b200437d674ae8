"""Indicator progress against target and time, and the figures drawn from it.

Figures are plain plotly.js figure dicts (data + layout), put on the page with
``json_script`` and drawn by our own ``luoshi.js`` with the plotly.js the plotly package ships.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from luoshi.ledger.choices import Direction, TargetKind
from luoshi.ledger.models import Indicator
from luoshi.tracking.choices import Colour

COLOURS = {Colour.GREEN: "#1a7f37", Colour.YELLOW: "#b58105", Colour.RED: "#b3261e"}
FONT = {"family": "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 13}


@dataclass
class Progress:
    latest_period: date | None
    latest_value: Decimal | None
    latest_growth: Decimal | None
    expected: Decimal | None  # where a level target should be by now (时序目标)
    colour: str
    reason: str


def _elapsed_share(indicator: Indicator, period_end: date) -> Decimal:
    # Statistics publish cumulative figures by month: after March, 3/12 of the year has passed.
    return Decimal(period_end.month) / Decimal(12)


def indicator_progress(indicator: Indicator, today: date) -> Progress:
    values = [v for v in indicator.values.all() if v.period_end <= today]
    values.sort(key=lambda v: v.period_end)
    if not values:
        return Progress(None, None, None, None, Colour.YELLOW, "尚未录入统计数据")
    latest = values[-1]
    up = indicator.direction == Direction.UP
    month = f"1—{latest.period_end.month}月"
    if indicator.target_kind == TargetKind.GROWTH:
        growth = latest.growth
        if growth is None:
            return Progress(latest.period_end, latest.value, None, None, Colour.YELLOW, f"{month}同比增速未录入")
        gap = (growth - indicator.target) if up else (indicator.target - growth)
        colour = Colour.GREEN if gap >= 0 else Colour.YELLOW if gap >= -1 else Colour.RED
        relation = "高于" if growth > indicator.target else "低于" if growth < indicator.target else "持平"
        reason = f"{month}累计增长{growth}%，{relation}目标{indicator.target}%"
        return Progress(latest.period_end, latest.value, growth, None, colour, reason)
    if latest.value is None:
        return Progress(latest.period_end, None, latest.growth, None, Colour.YELLOW, f"{month}累计值未录入")
    share = _elapsed_share(indicator, latest.period_end)
    expected = (indicator.target * share).quantize(Decimal("0.01"))
    done = (latest.value / indicator.target * 100).quantize(Decimal("0.1")) if indicator.target else Decimal(0)
    ratio = latest.value / expected if expected else Decimal(1)
    if not up:
        ratio = expected / latest.value if latest.value else Decimal(1)
    colour = Colour.GREEN if ratio >= 1 else Colour.YELLOW if ratio >= Decimal("0.9") else Colour.RED
    reason = (
        f"{month}累计{latest.value}{indicator.measure}，完成全年目标的{done}%，"
        f"时序进度{(share * 100).quantize(Decimal('0.1'))}%"
    )
    return Progress(latest.period_end, latest.value, latest.growth, expected, colour, reason)


def _layout(title: str, y_title: str) -> dict:
    return {
        "title": {"text": title, "font": {**FONT, "size": 15}},
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
        "yaxis": {"title": {"text": y_title}, "zeroline": True},
        "xaxis": {"type": "category"},
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": 360,
    }


def indicator_chart(indicator: Indicator, today: date) -> dict:
    values = sorted((v for v in indicator.values.all() if v.period_end <= today), key=lambda v: v.period_end)
    months = [f"{v.period_end.month}月" for v in values]
    if indicator.target_kind == TargetKind.GROWTH:
        data = [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "累计同比增长（%）",
                "x": months,
                "y": [float(v.growth) if v.growth is not None else None for v in values],
                "line": {"color": "#0b5cad", "width": 3},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"目标 {indicator.target}%",
                "x": months,
                "y": [float(indicator.target)] * len(values),
                "line": {"color": "#b3261e", "dash": "dash"},
            },
        ]
        return {"data": data, "layout": _layout(f"{indicator.year}年{indicator.name}：累计增速与目标", "%")}
    data = [
        {
            "type": "bar",
            "name": f"累计完成（{indicator.measure}）",
            "x": months,
            "y": [float(v.value) if v.value is not None else None for v in values],
            "marker": {"color": "#0b5cad"},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "时序目标",
            "x": months,
            "y": [float(indicator.target * _elapsed_share(indicator, v.period_end)) for v in values],
            "line": {"color": "#b3261e", "dash": "dash"},
        },
    ]
    return {
        "data": data,
        "layout": _layout(f"{indicator.year}年{indicator.name}：累计完成与时序目标", indicator.measure),
    }


def scorecard_chart(scores) -> dict:
    top = scores[:20]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "综合得分",
            "y": [s.unit.display_name for s in top][::-1],
            "x": [float(s.score) for s in top][::-1],
            "marker": {"color": "#b3261e"},
            "text": [str(s.score) for s in top][::-1],
            "textposition": "outside",
        },
    ]
    layout = _layout("单位综合得分（前20名）", "")
    layout.update({"height": max(260, 28 * len(top) + 80), "xaxis": {"range": [0, 110]}, "yaxis": {"automargin": True}})
    return {"data": data, "layout": layout}
