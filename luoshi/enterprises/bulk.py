"""Set-based writes for the enterprise import: a million rows in minutes, not hours.

Django's ``bulk_create`` compiles every value of every row through the ORM (about 0.1 ms a row
here) and, on SQLite, splits the rows into statements of 999 parameters; simple-history's
``bulk_create_with_history`` then does the same again for the history rows. At a million rows
that is most of an hour. These helpers write the same rows with the database's own bulk paths:

- :func:`insert_rows`: ``COPY … FROM STDIN`` on PostgreSQL, one prepared ``executemany`` on SQLite;
- :func:`update_rows`: one prepared ``UPDATE … WHERE id = %s`` run for many rows;
- :func:`record_history`: the django-simple-history rows (who, when, why, ``+``/``~``) copied by the
  database itself with ``INSERT … SELECT`` from the rows just written, so they hold exactly what was
  stored.

Columns are named by model attribute (``town_id``); every other column of the table gets its
model default (``auto_now_add`` gets ``now``), so a field added to the model later is filled as
the ORM would fill it. Values must already be what the database takes: ``date``, ``Decimal`` or
its string, ``bool``, ``int``, ``str`` or ``None``. Table and column names come from the models,
never from input; ids are integers from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection

HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model, attnames: Sequence[str]):
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def _filled(model, attnames: Sequence[str], now: datetime) -> tuple[list[str], tuple]:
    """The columns not given, with the value the ORM would store in them."""
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in attnames:
            continue
        value = now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default()
        columns.append(f.column)
        values.append(f.get_db_prep_save(value, connection))
    return columns, tuple(values)


def insert_rows(model, attnames: Sequence[str], rows: Iterable[tuple], *, now: datetime) -> int:
    """Insert ``rows`` (tuples in the order of ``attnames``) into ``model``'s table; returns how many."""
    fill_columns, fill = _filled(model, attnames, now)
    columns = [f.column for f in _fields(model, attnames)] + fill_columns
    names = ", ".join(_quote(c) for c in columns)
    table = _quote(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + fill)
                    count += 1
        else:
            batch = [row + fill for row in rows]
            count = len(batch)
            if batch:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
    return count


def update_rows(model, attnames: Sequence[str], rows: Sequence[tuple]) -> None:
    """``UPDATE`` the given columns of many rows: each tuple holds the values, then the row's id."""
    if not rows:
        return
    sets = ", ".join(f"{_quote(f.column)} = %s" for f in _fields(model, attnames))
    pk = _quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_quote(model._meta.db_table)} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608


def ids_sql(ids: Iterable[int]) -> str:
    """An SQL list of integer ids, written inline: no parameter limit, and nothing but digits."""
    return ", ".join(str(int(i)) for i in ids)


def record_history(model, ids: Sequence[int], *, history_type: str, user_id, reason: str, now: datetime) -> None:
    """One django-simple-history row per id, holding the row as it is now stored."""
    if not ids:
        return
    history = model.history.model
    source = {f.column for f in model._meta.concrete_fields}
    columns, selects, params = [], [], []
    constants = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user": user_id,
    }
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(_quote(f.column))
        if f.name in constants:
            selects.append("%s")
            value = constants[f.name]
            params.append(value if f.name == "history_user" else f.get_db_prep_save(value, connection))
        elif f.column in source:
            selects.append(_quote(f.column))
        else:  # a history field this helper does not know: better to fail than to store a wrong row
            raise ValueError(f"{history.__name__}.{f.name}: no value for this history column")
    sql = (
        f"INSERT INTO {_quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM {_quote(model._meta.db_table)} WHERE {_quote(model._meta.pk.column)} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 10_000):
            cursor.execute(sql + f"({ids_sql(ids[start : start + 10_000])})", params)
