"""规模以上 (above designated size): whether an enterprise is counted in the statistics' “规上” set.

The National Bureau of Statistics counts an enterprise as 规模以上 by its annual main-business
revenue, with a threshold per sector: 工业 2000万元, 批发业 2000万元, 零售业 500万元,
住宿业和餐饮业 200万元, and the service sectors covered by the 规上服务业 survey 1000万元
(信息传输、软件和信息技术服务业; 租赁和商务服务业; 科学研究和技术服务业 and the others counted as
其他未列明行业 here, for which the survey uses 500万元 or 1000万元 depending on the division —
we take 1000万元 and say so). 建筑业 and 房地产开发经营 are counted by qualification, not revenue,
so they are decided by a flag the statistics office supplies.

>>> is_above_scale("工业", revenue_wan=2000).above
True
>>> is_above_scale("零售业", revenue_wan=499).reason
'零售业：营业收入499万元，未达到规上标准500万元'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

THRESHOLDS_WAN: dict[str, int] = {
    "工业": 2000,
    "批发业": 2000,
    "零售业": 500,
    "住宿业": 200,
    "餐饮业": 200,
    "信息传输业": 1000,
    "软件和信息技术服务业": 1000,
    "租赁和商务服务业": 1000,
    "物业管理": 1000,
    "交通运输业": 1000,
    "仓储业": 1000,
    "邮政业": 1000,
    "其他未列明行业": 1000,
}
BY_QUALIFICATION = {"建筑业", "房地产开发经营"}


@dataclass(frozen=True)
class ScaleResult:
    above: bool
    reason: str


def is_above_scale(sector: str, *, revenue_wan, qualified: bool = False) -> ScaleResult:
    """Decide 规上 for one year's revenue (万元) in ``sector`` (a name from :data:`luoshi.codes.SECTORS`)."""
    if sector in BY_QUALIFICATION:
        word = "具备" if qualified else "不具备"
        return ScaleResult(qualified, f"{sector}按资质认定：{word}资质等级")
    if sector == "农、林、牧、渔业":
        return ScaleResult(False, "农、林、牧、渔业不纳入规上企业统计")
    threshold = THRESHOLDS_WAN.get(sector)
    if threshold is None:
        raise ValueError(f"未知的行业“{sector}”")
    revenue = Decimal(str(revenue_wan))
    shown = f"{revenue.normalize():f}"
    if revenue >= threshold:
        return ScaleResult(True, f"{sector}：营业收入{shown}万元，达到规上标准{threshold}万元")
    return ScaleResult(False, f"{sector}：营业收入{shown}万元，未达到规上标准{threshold}万元")
