"""The enterprise base as columns for matching, read straight into NumPy.

:func:`luoshi.enterprises.facts.load_base` builds Python lists of ``Decimal`` and turns each cell
back into an integer: at 1,000,000 enterprises that is 45-69 s of a 1.6 s read. Matching needs no
Decimal: the database hands each money figure over as an integer of 0.01万元 (``revenue * 100``,
exact for ``numeric(16, 2)``), and the table takes the integers as they are
(:meth:`luoshi.rules.Table.set_figure`). On PostgreSQL the three reads go through ``COPY … TO
STDOUT`` into Polars; on SQLite (and for a few enterprises) through a plain cursor.

The columns and their values are those of ``load_base``, so the verdicts are the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection

from luoshi import rules
from luoshi.enterprises.facts import FIGURES, YEARS_BACK
from luoshi.enterprises.models import ChainNode, Enterprise, EnterpriseTag, YearFigure
from luoshi.org.models import Unit
from luoshi.rules.variables import MONEY_FIGURES

# Beyond this many enterprises a subset is read as the whole base, then filtered by id.
SUBSET_LIMIT = 5000


@dataclass
class Columns:
    """The enterprises (all, or some) as one table, and the enterprise id of each row (ascending)."""

    table: rules.Table
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "e": quote(Enterprise._meta.db_table),
        "u": quote(Unit._meta.db_table),
        "c": quote(ChainNode._meta.db_table),
        "f": quote(YearFigure._meta.db_table),
        "t": quote(EnterpriseTag._meta.db_table),
        "et": quote(Enterprise.tags.through._meta.db_table),
    }


def _units(column: str, vendor: str) -> str:
    """A money column as an integer of 0.01万元. PostgreSQL's numeric is exact; SQLite keeps a
    ``decimal`` column as REAL (15 significant digits, as Django reads it), rounded back here — a value
    SQLite could not hold as REAL stays TEXT and is re-read exactly (:func:`_sqlite_text_figures`)."""
    if vendor == "postgresql":
        return f"({column} * 100)::bigint"
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def _queries(years: list[int], where: str) -> dict[str, str]:
    t = _tables()
    vendor = connection.vendor
    figures = ", ".join(_units(name, vendor) if name in MONEY_FIGURES else name for name in FIGURES)
    in_years = ", ".join(str(int(y)) for y in years)
    return {
        "enterprises": (
            f"SELECT e.id, e.industry_code, COALESCE(NULLIF(u.short_name, ''), NULLIF(u.name, ''), ''), "  # noqa: S608
            f"COALESCE(c.name, ''), COALESCE(e.size_class, ''), CASE WHEN e.above_scale THEN 1 ELSE 0 END, "
            f"e.founded_on "
            f"FROM {t['e']} e LEFT JOIN {t['u']} u ON u.id = e.town_id LEFT JOIN {t['c']} c ON c.id = e.chain_id "
            f"{where.format(col='e.id')} ORDER BY e.id"
        ),
        "figures": (
            f"SELECT enterprise_id, year, {figures} FROM {t['f']} "  # noqa: S608
            f"WHERE year IN ({in_years}) {where.format(col='enterprise_id').replace('WHERE', 'AND')}"
        ),
        "tags": (
            f"SELECT et.enterprise_id, t.name FROM {t['et']} et JOIN {t['t']} t ON t.id = et.enterprisetag_id "  # noqa: S608
            f"{where.format(col='et.enterprise_id')}"
        ),
    }


ENTERPRISE_SCHEMA = {
    "id": pl.Int64,
    "industry": pl.String,
    "street": pl.String,
    "chain": pl.String,
    "size": pl.String,
    "above_scale": pl.Int64,
    "founded": pl.Date,
}
FIGURE_SCHEMA = {"enterprise_id": pl.Int64, "year": pl.Int64, **dict.fromkeys(FIGURES, pl.Int64)}
TAG_SCHEMA = {"enterprise_id": pl.Int64, "name": pl.String}


def _copy(sql: str, schema: dict) -> pl.DataFrame:
    """PostgreSQL: the query's rows through COPY as CSV, parsed by Polars (no Python object per cell)."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema_overrides=schema)
    return frame


def _fetch(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(pl.col(name).cast(kind) for name, kind in schema.items())


def _sqlite_text_figures(years: list[int], ids: list[int] | None) -> pl.DataFrame | None:
    """SQLite: the rare money cells stored as TEXT (more digits than REAL holds), read exactly."""
    from decimal import ROUND_HALF_UP, Decimal

    t = _tables()
    money = [name for name in FIGURES if name in MONEY_FIGURES]
    text = " OR ".join(f"typeof({name}) = 'text'" for name in money)
    in_years = ", ".join(str(int(y)) for y in years)
    sql = f"SELECT enterprise_id, year, {', '.join(FIGURES)} FROM {t['f']} WHERE ({text}) AND year IN ({in_years})"  # noqa: S608
    params: list = []
    if ids is not None:
        sql += f" AND enterprise_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    cent = Decimal("0.01")
    exact = [
        [
            *row[:2],
            *(
                None
                if value is None
                else int(Decimal(str(value)).quantize(cent, ROUND_HALF_UP) * 100)
                if name in MONEY_FIGURES
                else int(value)
                for name, value in zip(FIGURES, row[2:], strict=True)
            ),
        ]
        for row in rows
    ]
    return pl.DataFrame(exact, schema=FIGURE_SCHEMA, orient="row")


def load_columns(ctx: rules.Context, enterprises: Iterable[int] | None = None) -> Columns:
    """Every enterprise (or those with the given ids) as one table for batch evaluation."""
    years = [ctx.figure_year - back for back in range(YEARS_BACK)]
    ids_wanted = None if enterprises is None else sorted({int(e) for e in enterprises})
    subset = ids_wanted is not None and len(ids_wanted) <= SUBSET_LIMIT
    # Only table names (from the models), integer years and placeholders are put into the SQL text.
    where = "WHERE {col} IN (" + ", ".join(["%s"] * len(ids_wanted)) + ")" if subset and ids_wanted else ""
    queries = _queries(years, where)
    if ids_wanted is not None and not ids_wanted:
        frames = {
            "enterprises": pl.DataFrame(schema=ENTERPRISE_SCHEMA),
            "figures": pl.DataFrame(schema=FIGURE_SCHEMA),
            "tags": pl.DataFrame(schema=TAG_SCHEMA),
        }
    elif connection.vendor == "postgresql" and not subset:
        frames = {
            "enterprises": _copy(queries["enterprises"], ENTERPRISE_SCHEMA),
            "figures": _copy(queries["figures"], FIGURE_SCHEMA),
            "tags": _copy(queries["tags"], TAG_SCHEMA),
        }
    else:
        params = ids_wanted if subset else []
        frames = {
            "enterprises": _fetch(queries["enterprises"], params, ENTERPRISE_SCHEMA),
            "figures": _fetch(queries["figures"], params, FIGURE_SCHEMA),
            "tags": _fetch(queries["tags"], params, TAG_SCHEMA),
        }
    if connection.vendor == "sqlite":
        exact = _sqlite_text_figures(years, ids_wanted if subset else None)
        if exact is not None:
            figures = frames["figures"]
            keys = exact.select("enterprise_id", "year")
            frames["figures"] = pl.concat([figures.join(keys, on=["enterprise_id", "year"], how="anti"), exact])
    if ids_wanted is not None and not subset:
        wanted = pl.Series(ids_wanted, dtype=pl.Int64)
        frames = {
            name: frame.filter(pl.col("id" if name == "enterprises" else "enterprise_id").is_in(wanted))
            for name, frame in frames.items()
        }
    return _columns(frames, ctx, years)


def _columns(frames: dict[str, pl.DataFrame], ctx: rules.Context, years: list[int]) -> Columns:
    people = frames["enterprises"]
    ids = people["id"].to_numpy().astype(np.int64)
    size = len(ids)
    columns: dict[str, object] = {
        "industry": people["industry"].fill_null(""),
        "street": people["street"].fill_null(""),
        "chain": people["chain"].fill_null(""),
        "size": people["size"].fill_null(""),
        "above_scale": people["above_scale"].fill_null(0).to_numpy() != 0,
        "founded": people["founded"],
    }
    tags = frames["tags"]
    if len(tags):
        rows = np.searchsorted(ids, tags["enterprise_id"].to_numpy())
        inside = rows < size
        inside[inside] = ids[rows[inside]] == tags["enterprise_id"].to_numpy()[inside]
        names = tags["name"].to_numpy()
        for name in np.unique(names[inside]).tolist():
            mask = np.zeros(size, bool)
            mask[rows[inside & (names == name)]] = True
            columns[f"tag:{name}"] = mask
    table = rules.Table.from_columns(columns, ctx)
    figures = frames["figures"]
    if len(figures):
        rows = np.searchsorted(ids, figures["enterprise_id"].to_numpy())
        found = (rows < size) & (ids[np.minimum(rows, max(size - 1, 0))] == figures["enterprise_id"].to_numpy())
        year_of = figures["year"].to_numpy()
        for year in years:
            mine = found & (year_of == year)
            at = rows[mine]
            for name in FIGURES:
                column = figures[name]
                present_cells = column.is_not_null().to_numpy()[mine]
                values = column.fill_null(0).to_numpy()[mine]
                units = np.zeros(size, np.int64)
                present = np.zeros(size, bool)
                units[at[present_cells]] = values[present_cells]
                present[at[present_cells]] = True
                if present.any():
                    table.set_figure(name, year, units, present)
    return Columns(table=table, ids=ids)
