"""The enterprise registry as facts for the rules kernel: one record, or the whole base as columns.

The rules kernel knows nothing of Django; this module is the one place that turns enterprises,
their tags and their yearly figures into what it reads. Figures stay Decimal on the one-record
path; the column store is built with one query per table (enterprises, tags, figures), so the
whole district base (30,000 enterprises) loads in about a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from luoshi import rules
from luoshi.codes import industries
from luoshi.enterprises.models import Enterprise, YearFigure

FIGURES = ("revenue", "rd_expense", "employees", "total_assets", "tax_paid", "industrial_output", "exports")
YEARS_BACK = 3  # the figure year and the two before it: enough for growth over two years


def _years(ctx: rules.Context) -> list[int]:
    return [ctx.figure_year - back for back in range(YEARS_BACK)]


def facts_of(enterprise: Enterprise, ctx: rules.Context) -> rules.Facts:
    """One enterprise as the kernel's facts (its tags, chain and town are read here)."""
    figures = {
        f.year: {name: getattr(f, name) for name in FIGURES if getattr(f, name) is not None}
        for f in enterprise.figures.filter(year__in=_years(ctx))
    }
    return rules.Facts(
        industry=enterprise.industry_code,
        street=enterprise.town.display_name if enterprise.town_id else "",
        tags=frozenset(enterprise.tags.values_list("name", flat=True)),
        founded=enterprise.founded_on,
        chain=enterprise.chain.name if enterprise.chain_id else "",
        size=enterprise.get_size_class_display() if enterprise.size_class else "",
        above_scale=enterprise.above_scale,
        figures=figures,
    )


@dataclass
class Base:
    """The whole enterprise base as a column store, with the ids and labels to break results down by."""

    table: rules.Table
    ids: np.ndarray  # enterprise id per row
    section: list[str]  # GB/T 4754 section letter per row
    town: list[str]
    size: list[str]
    columns: dict  # the columns the table was built from, to rebuild one row's facts

    def __len__(self) -> int:
        return len(self.ids)

    def facts(self, i: int) -> rules.Facts:
        """Row ``i`` as one-record facts (for the explained verdict of a batch result)."""
        c = self.columns
        figures: dict[int, dict] = defaultdict(dict)
        for key, values in c.items():
            if "@" in key and values[i] is not None:
                name, year = key.split("@")
                figures[int(year)][name] = values[i]
        return rules.Facts(
            industry=c["industry"][i],
            street=c["street"][i],
            tags=frozenset(c["tags"][i]),
            founded=c["founded"][i],
            chain=c["chain"][i],
            size=c["size"][i],
            above_scale=c["above_scale"][i],
            figures=dict(figures),
        )


@lru_cache(maxsize=2048)
def _section(code: str) -> str:
    try:
        return industries.section_of(code).code
    except industries.UnknownIndustry:
        return ""


def load_base(ctx: rules.Context, enterprises: Iterable[int] | None = None) -> Base:
    """Every enterprise (or those with the given ids) as one table for batch evaluation."""
    qs = Enterprise.objects.order_by("pk")
    if enterprises is not None:
        qs = qs.filter(pk__in=list(enterprises))
    rows = list(
        qs.values_list(
            "pk",
            "industry_code",
            "town__short_name",
            "town__name",
            "founded_on",
            "chain__name",
            "size_class",
            "above_scale",
        )
    )
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    position = {pk: i for i, pk in enumerate(ids.tolist())}
    tags: list[list[str]] = [[] for _ in rows]
    through = Enterprise.tags.through.objects.filter(enterprise_id__in=qs.values("pk"))
    for enterprise_id, name in through.values_list("enterprise_id", "enterprisetag__name"):
        tags[position[enterprise_id]].append(name)
    columns: dict[str, object] = {
        "industry": [r[1] for r in rows],
        "street": [r[2] or r[3] or "" for r in rows],
        "founded": [r[4] for r in rows],
        "chain": [r[5] or "" for r in rows],
        "size": [r[6] or "" for r in rows],  # stored as its label: 大型 … 微型, or "" when not sized
        "above_scale": [bool(r[7]) for r in rows],
        "tags": tags,
    }
    figures: dict[str, list] = defaultdict(lambda: [None] * len(rows))
    wanted = YearFigure.objects.filter(enterprise_id__in=qs.values("pk"), year__in=_years(ctx))
    for values in wanted.values_list("enterprise_id", "year", *FIGURES):
        i = position[values[0]]
        for name, value in zip(FIGURES, values[2:], strict=True):
            figures[f"{name}@{values[1]}"][i] = value
    columns.update(figures)
    sections = [_section(code) for code in columns["industry"]]
    return Base(
        table=rules.Table.from_columns(columns, ctx),
        ids=ids,
        section=sections,
        town=columns["street"],
        size=columns["size"],
        columns=columns,
    )
