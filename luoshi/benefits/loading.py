"""The enterprise base as columns for matching, read straight into NumPy.

:func:`luoshi.enterprises.facts.load_base` builds Python lists of ``Decimal`` and turns each cell
back into an integer: at 1,000,000 enterprises that is 45-69 s of a 1.6 s read. Matching needs no
Decimal: money arrives as integers of 0.01万元 and the table takes them as they are
(:meth:`luoshi.rules.Table.set_figure`). Only the columns the rules at hand read are loaded (a
clause on revenue reads two figures of two years, not seven of three). On PostgreSQL the reads go
through ``COPY … TO STDOUT`` as CSV into Polars; on SQLite (and for a few enterprises) through a
plain cursor.

The columns and their values are those of ``load_base``, so the verdicts are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
# Enterprise columns: (table column as selected, Polars type); the variables that read each.
ENTERPRISE_COLUMNS = {
    "industry": ("e.industry_code", pl.String),
    "town": ("e.town_id", pl.Int64),
    "chain": ("e.chain_id", pl.Int64),
    "size": ("COALESCE(e.size_class, '')", pl.String),
    "above_scale": ("CASE WHEN e.above_scale THEN 1 ELSE 0 END", pl.Int64),
    "founded": ("e.founded_on", pl.Date),
}
READ_BY = {
    "industry": "industry",
    "street": "town",
    "chain": "chain",
    "size": "size",
    "above_scale": "above_scale",
    "founded": "founded",
    "age": "founded",
}
MONEY_TEXT = "money as text"  # a numeric(16, 2) as PostgreSQL prints it ("2500.00"), read as an integer of fen


@dataclass
class Columns:
    """The enterprises (all, or some) as one table, and the enterprise id of each row (ascending)."""

    table: rules.Table
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Needs:
    """What to read: enterprise columns, tags or not, and which figures of which years."""

    columns: tuple[str, ...]
    tags: bool
    figures: tuple[str, ...]
    years: tuple[int, ...]

    @classmethod
    def of(cls, used: Iterable[rules.Rule] | None, ctx: rules.Context) -> Needs:
        """What ``used`` read (dependencies included), or everything when None."""
        every = [ctx.figure_year - back for back in range(YEARS_BACK)]
        if used is None:
            return cls(tuple(ENTERPRISE_COLUMNS), True, FIGURES, tuple(every))
        names: set[str] = set()
        offsets: set[int] = set()
        for rule in used:
            if rule is not None:
                names |= rule.variables
                offsets |= rule.years
        columns = tuple(c for c in ENTERPRISE_COLUMNS if any(READ_BY.get(v) == c for v in names))
        figures = tuple(f for f in FIGURES if f in names)
        years = tuple(sorted((ctx.figure_year + o for o in offsets), reverse=True)) if figures else ()
        return cls(columns, "tags" in names, figures, years)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _units(column: str) -> str:
    """A money column as an integer of 0.01万元. PostgreSQL's numeric is exact; SQLite keeps a
    ``decimal`` column as REAL (15 significant digits, as Django reads it), rounded back here — a value
    SQLite could not hold as REAL stays TEXT and is re-read exactly (:func:`_sqlite_text_figures`)."""
    if connection.vendor == "postgresql":
        return f"({column} * 100)::bigint"
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def _queries(needs: Needs, where: str, *, money_as_text: bool) -> dict[str, tuple[str, dict]]:
    """The reads, with the Polars schema of each. Only table names (from the models), integer years
    and placeholders are put into the SQL text. ``money_as_text``: money as PostgreSQL prints it, the
    point dropped on the client (the server's numeric-to-bigint cast costs more than the read)."""
    queries: dict[str, tuple[str, dict]] = {}
    selected = ", ".join(ENTERPRISE_COLUMNS[c][0] for c in needs.columns)
    queries["enterprises"] = (
        f"SELECT e.id{', ' if selected else ''}{selected} FROM {_table(Enterprise)} e "  # noqa: S608
        f"{where.format(col='e.id')}",
        {"id": pl.Int64, **{c: ENTERPRISE_COLUMNS[c][1] for c in needs.columns}},
    )
    if needs.figures:
        figures = ", ".join(
            name if name not in MONEY_FIGURES or money_as_text else _units(name) for name in needs.figures
        )
        in_years = ", ".join(str(int(y)) for y in needs.years)
        queries["figures"] = (
            f"SELECT enterprise_id, year, {figures} FROM {_table(YearFigure)} "  # noqa: S608
            f"WHERE year IN ({in_years}) {where.format(col='enterprise_id').replace('WHERE', 'AND')}",
            {
                "enterprise_id": pl.Int64,
                "year": pl.Int64,
                **{name: MONEY_TEXT if name in MONEY_FIGURES and money_as_text else pl.Int64 for name in needs.figures},
            },
        )
    if needs.tags:
        through = _table(Enterprise.tags.through)
        queries["tags"] = (
            f"SELECT et.enterprise_id, t.name FROM {through} et "  # noqa: S608
            f"JOIN {_table(EnterpriseTag)} t ON t.id = et.enterprisetag_id {where.format(col='et.enterprise_id')}",
            {"enterprise_id": pl.Int64, "name": pl.String},
        )
    return queries


def _copy(sql: str, schema: dict) -> pl.DataFrame:
    """PostgreSQL: the query's rows through ``COPY … TO STDOUT`` as CSV, parsed by Polars (no Python object
    per cell). The rows are read from libpq directly: psycopg's ``Copy`` hands over one row per iteration
    through its generators, ≈5 µs a row (16 s of the 3,200,000 rows of a municipal base)."""
    from psycopg import pq

    connection.ensure_connection()
    conn = connection.connection
    parts: list = []
    with conn.lock:
        pgconn = conn.pgconn
        pgconn.send_query(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)".encode())
        result = pgconn.get_result()
        error = None if result.status == pq.ExecStatus.COPY_OUT else result.error_message
        if error is None:
            get = pgconn.get_copy_data
            append = parts.append
            while True:
                size, data = get(0)
                if size < 0:
                    break
                append(bytes(data))
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK and error is None:
                error = result.error_message
    if error is not None:
        raise connection.Database.DatabaseError(error.decode(errors="replace"))
    text = [name for name, kind in schema.items() if kind == MONEY_TEXT]
    plain = {name: pl.String if kind == MONEY_TEXT else kind for name, kind in schema.items()}
    if not parts:
        return pl.DataFrame(schema={name: pl.Int64 if name in text else kind for name, kind in plain.items()})
    frame = pl.read_csv(b"".join(parts), has_header=False, new_columns=list(schema), schema_overrides=plain)
    # numeric(16, 2) prints with exactly two decimals: without the point it is the integer of fen.
    return frame.with_columns(pl.col(name).str.replace(".", "", literal=True).cast(pl.Int64) for name in text)


def _fetch(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(pl.col(name).cast(kind) for name, kind in schema.items())


def _sqlite_text_figures(needs: Needs, ids: list[int] | None) -> pl.DataFrame | None:
    """SQLite: the rare money cells stored as TEXT (more digits than REAL holds), read exactly."""
    money = [name for name in needs.figures if name in MONEY_FIGURES]
    if not money:
        return None
    text = " OR ".join(f"typeof({name}) = 'text'" for name in money)
    in_years = ", ".join(str(int(y)) for y in needs.years)
    sql = (
        f"SELECT enterprise_id, year, {', '.join(needs.figures)} FROM {_table(YearFigure)} "  # noqa: S608
        f"WHERE ({text}) AND year IN ({in_years})"
    )
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

    def units(name, value):
        if value is None:
            return None
        if name in MONEY_FIGURES:
            return int(Decimal(str(value)).quantize(cent, ROUND_HALF_UP) * 100)
        return int(value)

    exact = [[*row[:2], *(units(n, v) for n, v in zip(needs.figures, row[2:], strict=True))] for row in rows]
    schema = {"enterprise_id": pl.Int64, "year": pl.Int64, **dict.fromkeys(needs.figures, pl.Int64)}
    return pl.DataFrame(exact, schema=schema, orient="row")


def load_columns(
    ctx: rules.Context, enterprises: Iterable[int] | None = None, *, used: Iterable[rules.Rule] | None = None
) -> Columns:
    """Every enterprise (or those with the given ids) as one table for batch evaluation; with ``used``
    (condition and amount rules), only the columns those rules read."""
    needs = Needs.of(used, ctx)
    ids_wanted = None if enterprises is None else sorted({int(e) for e in enterprises})
    subset = ids_wanted is not None and len(ids_wanted) <= SUBSET_LIMIT
    where = "WHERE {col} IN (" + ", ".join(["%s"] * len(ids_wanted)) + ")" if subset and ids_wanted else ""
    whole_pg = connection.vendor == "postgresql" and not subset
    queries = _queries(needs, where, money_as_text=whole_pg)
    frames: dict[str, pl.DataFrame] = {}
    for name, (sql, schema) in queries.items():
        if ids_wanted is not None and not ids_wanted:
            frames[name] = pl.DataFrame(schema={k: pl.Int64 if v == MONEY_TEXT else v for k, v in schema.items()})
        elif whole_pg:
            frames[name] = _copy(sql, schema)
        else:
            frames[name] = _fetch(sql, ids_wanted if subset else [], schema)
    if connection.vendor == "sqlite" and "figures" in frames and ids_wanted != []:
        exact = _sqlite_text_figures(needs, ids_wanted if subset else None)
        if exact is not None:
            keys = exact.select("enterprise_id", "year")
            kept = frames["figures"].join(keys, on=["enterprise_id", "year"], how="anti")
            frames["figures"] = pl.concat([kept, exact])
    if ids_wanted is not None and not subset:
        wanted = pl.Series(ids_wanted, dtype=pl.Int64)
        frames = {
            name: frame.filter(pl.col("id" if name == "enterprises" else "enterprise_id").is_in(wanted))
            for name, frame in frames.items()
        }
    return _columns(frames, ctx, needs)


def _town_names(ids: list[int]) -> dict[int, str]:
    """A town as the registry shows it: its short name, else its full name (``Unit.display_name``)."""
    units = Unit.objects.filter(pk__in=ids).values_list("pk", "short_name", "name")
    return {pk: short or name or "" for pk, short, name in units}


def _chain_names(ids: list[int]) -> dict[int, str]:
    return dict(ChainNode.objects.filter(pk__in=ids).values_list("pk", "name"))


def _named(keys: pl.Series, names_of) -> pl.Series:
    """Ids as their names ("" for none), one query for the distinct ids."""
    distinct = keys.drop_nulls().unique().to_list()
    names = names_of(distinct) if distinct else {}
    return keys.replace_strict(names, default="", return_dtype=pl.String).fill_null("")


def _positions(ids: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each owner's row in ``ids`` (sorted), and which owners have one."""
    rows = np.searchsorted(ids, owners)
    found = rows < len(ids)
    found[found] = ids[rows[found]] == owners[found]
    return rows, found


def _columns(frames: dict[str, pl.DataFrame], ctx: rules.Context, needs: Needs) -> Columns:
    people = frames["enterprises"].sort("id")
    ids = people["id"].to_numpy().astype(np.int64)
    size = len(ids)
    columns: dict[str, object] = {}
    if "industry" in needs.columns:
        columns["industry"] = people["industry"].fill_null("")
    if "town" in needs.columns:
        columns["street"] = _named(people["town"], _town_names)
    if "chain" in needs.columns:
        columns["chain"] = _named(people["chain"], _chain_names)
    if "size" in needs.columns:
        columns["size"] = people["size"].fill_null("")
    if "above_scale" in needs.columns:
        columns["above_scale"] = people["above_scale"].fill_null(0).to_numpy() != 0
    if "founded" in needs.columns:
        columns["founded"] = people["founded"]
    tags = frames.get("tags")
    if tags is not None and len(tags):
        rows, found = _positions(ids, tags["enterprise_id"].to_numpy())
        names = tags["name"].to_numpy()
        for name in np.unique(names[found]).tolist():
            mask = np.zeros(size, bool)
            mask[rows[found & (names == name)]] = True
            columns[f"tag:{name}"] = mask
    table = rules.Table(0, ctx) if not columns and not size else None
    if table is None:
        columns.setdefault("above_scale", np.zeros(size, bool))  # the row count, when nothing else is read
        table = rules.Table.from_columns(columns, ctx)
    figures = frames.get("figures")
    if figures is not None and len(figures):
        rows, found = _positions(ids, figures["enterprise_id"].to_numpy())
        year_of = figures["year"].to_numpy()
        of_year = {year: found & (year_of == year) for year in needs.years}
        for name in needs.figures:
            column = figures[name]
            has = column.is_not_null().to_numpy()
            values = column.fill_null(0).to_numpy()
            for year in needs.years:
                mine = of_year[year] & has
                if not mine.any():
                    continue
                units = np.zeros(size, np.int64)
                present = np.zeros(size, bool)
                units[rows[mine]] = values[mine]
                present[rows[mine]] = True
                table.set_figure(name, year, units, present)
    return Columns(table=table, ids=ids)
