# ruff: noqa: S608, S611 -- SQL is built from table and column names checked in BigramIndex
# (code, never input); every searched value travels as a parameter.
"""Substring search in short Chinese text (task titles) by an index of character pairs.

People search a ledger by a fragment of a title, and Chinese fragments are short: 养老, 招商,
产业 are two characters. ``title LIKE '%养老%'`` can use no B-tree index and reads every row
(25–35 ms per query at 100,000 tasks, twice per list page). A trigram index (pg_trgm, FTS5
``trigram``; see :mod:`luoshi.enterprises.namesearch`) has no trigram in a two-character query
and degrades to the same scan. Every pair of consecutive characters (bigram) does: a text
containing the query contains each of the query's bigrams, so the rows holding all of them are a
superset of the answer, found through an index, and the ``LIKE`` kept beside it makes the
answer exact. A one-character query has no bigram and is searched by scan.

- **PostgreSQL**: an immutable SQL function ``luoshi_bigrams(text)`` and a GIN index on
  ``luoshi_bigrams(column)``; the query adds ``luoshi_bigrams(column) @> ARRAY[…]``. The
  database keeps the index, so no writer has to remember it.
- **SQLite**: a ``WITHOUT ROWID`` table of (bigram, row id) kept by triggers on the table, which
  cut the text with ``substr`` over a small table of positions (a trigger may not use a recursive
  CTE); a query of several bigrams counts them first and takes the rows of the rarest that
  also hold the next rarest, as a search engine starts from its shortest posting list.

Both sides fold ASCII letters to lower case and nothing else, one character for one, as SQLite's
``lower()`` and ``LIKE`` do (PostgreSQL's ``LIKE`` folds nothing): the candidates are a superset
of the answer on both. A two-character query is one bigram, and then the candidates *are* the
answer wherever the folding agrees with ``LIKE`` (always on SQLite, on PostgreSQL when the query
has no ASCII letter, as 养老 has not): the titles are not read again to check them.
"""

from __future__ import annotations

import re
import string

from django.contrib.postgres.fields import ArrayField
from django.db import connection, migrations
from django.db.models import F, Func, Q, TextField
from django.db.models.expressions import RawSQL

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,40}")
# SQLite: the positions a trigger cuts at. A text longer than this would lose the bigrams past
# it, so it is far above any column indexed here (titles are at most 300 characters).
POSITIONS = 4000
# A long query is narrowed by this many of its bigrams, spread over it; LIKE does the rest.
MAX_GRAMS = 6


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of ``text`` with ASCII letters in lower case, in order of first appearance.

    >>> bigrams("城市更新")
    ['城市', '市更', '更新']
    >>> bigrams("5G手机")
    ['5g', 'g手', '手机']
    >>> bigrams("养")
    []
    >>> bigrams("ÉCOLE")  # only ASCII is folded, as the databases fold it
    ['Éc', 'co', 'ol', 'le']
    """
    text = text.translate(_ASCII_LOWER)
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


def spread(grams: list[str]) -> list[str]:
    """At most MAX_GRAMS of ``grams``, evenly spread from the first to the last."""
    if len(grams) <= MAX_GRAMS:
        return grams
    step = (len(grams) - 1) / (MAX_GRAMS - 1)
    return [grams[round(i * step)] for i in range(MAX_GRAMS)]


class _Bigrams(Func):
    function = "luoshi_bigrams"
    output_field = ArrayField(TextField())


class BigramIndex:
    """The bigram index of one text column: ``BigramIndex("ledger_task", "title")``.

    Declared once in the app, created by a migration (``*INDEX.operations()``), used by the
    queries (``INDEX.contains("title", text)``). The names are code, never input.
    """

    def __init__(self, table: str, column: str):
        if not (_IDENTIFIER.fullmatch(table) and _IDENTIFIER.fullmatch(column)):
            raise ValueError(f"not plain lower-case names: {table!r}, {column!r}")
        self.table = table
        self.column = column
        self.name = f"{table}_{column}_bigram"  # the SQLite table, the PostgreSQL index

    def contains(self, field: str, text: str, *, model=None, alternative: Q | None = None) -> Q:
        """Rows whose ``field`` (this index's column) contains ``text``, through the index whenever
        ``text`` has a bigram; with ``alternative`` (an indexed condition, e.g. an exact code), rows
        matching either. ``model`` is the queried model, needed with an alternative.
        """
        plain = Q(**{f"{field}__contains": text})
        if alternative is not None:
            plain |= alternative
        narrowed, exact = self._narrowing(field, text)
        if narrowed is None:
            return plain
        if alternative is not None:
            if connection.vendor == "postgresql":
                # A UNION of two id lists: under an OR with the alternative, PostgreSQL cut the
                # bigrams of every candidate's title again to check them.
                ids = model.objects.filter(narrowed).order_by().values("pk")
                narrowed = Q(pk__in=ids.union(model.objects.filter(alternative).order_by().values("pk")))
            else:
                narrowed |= alternative  # SQLite: two index lookups OR-ed (MULTI-INDEX OR)
        # Not exact, the candidates are checked by the plain condition, on rows read anyway.
        return narrowed if exact else narrowed & plain

    def _narrowing(self, field: str, text: str) -> tuple[Q | None, bool]:
        """The index's own condition for rows whose ``field`` contains ``text`` (a superset), and
        whether it is exact; ``(None, False)`` where the index cannot help."""
        grams = spread(bigrams(text))
        if not grams or connection.vendor not in ("postgresql", "sqlite"):
            return None, False
        if connection.vendor == "postgresql":
            # GIN intersects the bigrams' posting lists itself.
            lookup = _Bigrams.output_field.get_lookup("contains")
            exact = len(text) == 2 and not any(c in string.ascii_letters for c in text)
            return Q(lookup(_Bigrams(F(field)), grams)), exact
        return self._sqlite_narrowing(grams), len(text) == 2

    def _sqlite_narrowing(self, grams: list[str]) -> Q:
        """The rows of the rarest bigram that also hold the next rarest (the text check does the
        rest). Intersecting every bigram's rows in temporary B-trees cost as much again as
        counting them, and the counts also show a bigram no row has: then nothing matches.
        A single bigram (a two-character query) has nothing to choose between: no count."""
        one = f"SELECT g.row_id FROM {self.name} g WHERE g.gram = %s"
        if len(grams) == 1:
            return Q(pk__in=RawSQL(one, grams))
        marks = ", ".join(["%s"] * len(grams))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT gram, count(*) FROM {self.name} WHERE gram IN ({marks}) GROUP BY gram", grams)
            counts = dict(cursor.fetchall())
        if len(counts) < len(grams):
            return Q(pk__in=[])
        rarest = sorted(grams, key=lambda gram: (counts[gram], gram))[:2]
        also = f" AND EXISTS (SELECT 1 FROM {self.name} h WHERE h.gram = %s AND h.row_id = g.row_id)"
        return Q(pk__in=RawSQL(one + also, rarest))

    # --- storage -------------------------------------------------------------------------

    def _sqlite_create(self) -> list[str]:
        t, c, n = self.table, self.column, self.name
        add = (
            f"INSERT OR IGNORE INTO {n} (gram, row_id) "
            f"SELECT substr(lower(new.{c}), p, 2), new.id FROM luoshi_positions WHERE p < length(new.{c})"
        )
        drop = (
            f"DELETE FROM {n} WHERE row_id = old.id AND gram IN "
            f"(SELECT substr(lower(old.{c}), p, 2) FROM luoshi_positions WHERE p < length(old.{c}))"
        )
        return [
            "CREATE TABLE IF NOT EXISTS luoshi_positions (p INTEGER PRIMARY KEY)",
            "INSERT OR IGNORE INTO luoshi_positions (p) WITH RECURSIVE s(p) AS "
            f"(SELECT 1 UNION ALL SELECT p + 1 FROM s WHERE p < {POSITIONS}) SELECT p FROM s",
            f"CREATE TABLE IF NOT EXISTS {n} (gram TEXT NOT NULL, row_id INTEGER NOT NULL, "
            "PRIMARY KEY (gram, row_id)) WITHOUT ROWID",
            f"CREATE TRIGGER IF NOT EXISTS {n}_insert AFTER INSERT ON {t} BEGIN {add}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n}_delete AFTER DELETE ON {t} BEGIN {drop}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n}_update AFTER UPDATE OF {c} ON {t} BEGIN {drop}; {add}; END",
            f"DELETE FROM {n}",
            f"INSERT OR IGNORE INTO {n} (gram, row_id) SELECT substr(lower(r.{c}), p, 2), r.id "
            f"FROM {t} AS r JOIN luoshi_positions ON p < length(r.{c})",
        ]

    def _sqlite_drop(self) -> list[str]:
        n = self.name
        return [
            f"DROP TRIGGER IF EXISTS {n}_insert",
            f"DROP TRIGGER IF EXISTS {n}_delete",
            f"DROP TRIGGER IF EXISTS {n}_update",
            f"DROP TABLE IF EXISTS {n}",
        ]

    def _postgresql_create(self) -> list[str]:
        return [
            # generate_series over the characters; IMMUTABLE as translate() and substr() are, so that
            # an index may be built on it. STRICT: NULL text has no bigrams and no index entry.
            "CREATE OR REPLACE FUNCTION luoshi_bigrams(text) RETURNS text[] "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
            "$$ SELECT coalesce(array_agg(DISTINCT substr(folded, i, 2)), '{}') "
            "FROM translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS folded, "
            "generate_series(1, char_length($1) - 1) AS i $$",
            f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} USING gin (luoshi_bigrams({self.column}))",
        ]

    def operations(self) -> list:
        """The migration operations that create (and drop) this index on the migrating database.

        On SQLite, a migration that remakes the table (most AlterFields do) drops its triggers
        with the old table: such a migration must end with these operations again (they are
        idempotent and re-index every row).
        """

        def create(apps, schema_editor):
            statements = {"sqlite": self._sqlite_create, "postgresql": self._postgresql_create}
            db = schema_editor.connection
            if db.vendor in statements:
                with db.cursor() as cursor:
                    for statement in statements[db.vendor]():
                        cursor.execute(statement)

        def drop(apps, schema_editor):
            db = schema_editor.connection
            with db.cursor() as cursor:
                if db.vendor == "sqlite":
                    for statement in self._sqlite_drop():
                        cursor.execute(statement)
                elif db.vendor == "postgresql":
                    cursor.execute(f"DROP INDEX IF EXISTS {self.name}")

        return [migrations.RunPython(create, drop, elidable=False)]
