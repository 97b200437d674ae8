"""Finding enterprises by a fragment of their name among a million, on both databases.

``name LIKE '%海川建材%'`` can use no B-tree index: it reads every row. A person typing part of a
name means a substring, not words, so this is a trigram index (every three consecutive
characters of each name), not the jieba full-text index of :mod:`luoshi.core.fulltext`, whose
words would miss a fragment that cuts across them (“川建” in 海川建材):

- **PostgreSQL**: the ``pg_trgm`` extension and a GIN index on ``name gin_trgm_ops``; the
  ordinary ``LIKE`` is then served by the index, nothing else changes. The migration creates the
  extension where the database lets it (``pg_trgm`` is a trusted extension: a database owner may)
  and the index only where the extension is there; without it the search still works, by scan.
- **SQLite** (3.34 or newer): an FTS5 table with the ``trigram`` tokenizer over the enterprise
  table's names (external content, so names are not stored twice), kept current by triggers, so
  no writer — the services, the importer's bulk writes, the admin — has to remember it. The
  query takes the candidate ids from it and keeps the ``LIKE`` for exactness.

A fragment shorter than three characters has no trigram: it is searched by scan on both.
"""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError, connection, migrations, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

NAME_INDEX = "enterprises_enterprise_name_fts"  # SQLite: the FTS5 table
TRGM_INDEX = "enterprise_name_trgm"  # PostgreSQL: the GIN index
INSERT_TRIGGER = "enterprises_enterprise_name_fts_insert"
MIN_LENGTH = 3


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def name_contains(text: str) -> Q:
    """Enterprises whose name contains ``text``."""
    q = Q(name__contains=text)
    if connection.vendor == "sqlite" and sqlite_has_trigram() and len(text) >= MIN_LENGTH:
        # A quoted FTS5 string is one phrase: its trigrams in order, i.e. the substring; a '"'
        # inside is doubled, so no FTS5 syntax comes from the query.
        phrase = '"' + text.replace('"', '""') + '"'
        ids = RawSQL(
            "SELECT rowid FROM enterprises_enterprise_name_fts WHERE enterprises_enterprise_name_fts MATCH %s", [phrase]
        )
        q &= Q(id__in=ids)
    return q


class BulkNames:
    """Around a bulk insert of enterprises, inside the caller's transaction: on SQLite the insert
    trigger is set aside and the names of each batch go into the FTS5 table in one statement.

    FTS5 flushes its pending index data at every statement, and a trigger makes every inserted
    row a statement of its own: a million rows through the trigger take ~10× as long as the
    same rows added by one ``INSERT … SELECT`` per batch. Dropping the trigger is transactional
    in SQLite, and a writer holds the database's only write lock until it commits, so nobody
    else inserts an enterprise meanwhile; on an error the rollback brings the trigger back.
    """

    def __init__(self):
        self.active = False

    def __enter__(self) -> BulkNames:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [INSERT_TRIGGER])
                if cursor.fetchone() is not None:
                    cursor.execute("DROP TRIGGER enterprises_enterprise_name_fts_insert")
                    self.active = True
        return self

    def added(self, ids: list[int]) -> None:
        """Index the names of the enterprises just inserted with these ids."""
        if self.active and ids:
            with connection.cursor() as cursor:
                listed = ", ".join(str(int(i)) for i in ids)  # integers from the database, written inline
                cursor.execute(
                    "INSERT INTO enterprises_enterprise_name_fts(rowid, name) "  # noqa: S608
                    f"SELECT id, name FROM enterprises_enterprise WHERE id IN ({listed})"
                )

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.active and exc_type is None:
            with connection.cursor() as cursor:
                cursor.execute(_SQLITE_CREATE[1])


# Written out, not formatted, so that the linter sees plain SQL: NAME_INDEX is the table's name.
_SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS enterprises_enterprise_name_fts USING fts5("
    "name, content='enterprises_enterprise', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_name_fts_insert AFTER INSERT ON enterprises_enterprise
    BEGIN
        INSERT INTO enterprises_enterprise_name_fts(rowid, name) VALUES (new.id, new.name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_name_fts_delete AFTER DELETE ON enterprises_enterprise
    BEGIN
        INSERT INTO enterprises_enterprise_name_fts(enterprises_enterprise_name_fts, rowid, name)
        VALUES ('delete', old.id, old.name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_name_fts_update
    AFTER UPDATE OF name ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_enterprise_name_fts(enterprises_enterprise_name_fts, rowid, name)
        VALUES ('delete', old.id, old.name);
        INSERT INTO enterprises_enterprise_name_fts(rowid, name) VALUES (new.id, new.name);
    END""",
    "INSERT INTO enterprises_enterprise_name_fts(enterprises_enterprise_name_fts) VALUES ('rebuild')",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS enterprises_enterprise_name_fts_insert",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_name_fts_delete",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_name_fts_update",
    "DROP TABLE IF EXISTS enterprises_enterprise_name_fts",
]


def _create(apps, schema_editor) -> None:
    db = schema_editor.connection
    with db.cursor() as cursor:
        if db.vendor == "sqlite" and sqlite_has_trigram():
            for statement in _SQLITE_CREATE:
                cursor.execute(statement)
        elif db.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                try:
                    with transaction.atomic(using=db.alias):  # a savepoint: a refusal leaves the migration going
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                except DatabaseError:
                    return  # not allowed here: the search works without the index, by scan
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise "
                "USING gin (name gin_trgm_ops)"
            )


def _drop(apps, schema_editor) -> None:
    db = schema_editor.connection
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for statement in _SQLITE_DROP:
                cursor.execute(statement)
        elif db.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS enterprise_name_trgm")


def operations() -> list:
    """The migration operations that create (and drop) the name index of this database.

    On SQLite, a migration that remakes the enterprise table (most AlterFields do) drops its
    triggers with the old table: such a migration must end with these operations again (they
    are idempotent). ``test_a_new_name_is_found_by_a_fragment`` fails if one does not.
    """
    return [migrations.RunPython(_create, _drop, elidable=False)]
