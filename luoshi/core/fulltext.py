"""Chinese full-text search: jieba tokens in SQLite FTS5 or in a PostgreSQL tsvector, one interface.

Neither database segments Chinese, so text is cut into words by jieba in Python and stored as
space-separated tokens; the database then only has to split on spaces. SQLite (the embedded
default) keeps them in an FTS5 virtual table ranked by bm25; PostgreSQL (at scale) keeps them in a
plain table with a generated ``tsvector`` under a GIN index, ranked by ``ts_rank_cd``. Titles
weigh more than bodies on both.

An app declares one index and creates its storage in a migration::

    from luoshi.core.fulltext import FullTextIndex

    POLICY_SEARCH = FullTextIndex("policies_search")

    class Migration(migrations.Migration):
        operations = [*POLICY_SEARCH.operations()]

and its services keep it current with :meth:`FullTextIndex.replace` / :meth:`FullTextIndex.delete`
(or :meth:`FullTextIndex.rebuild` for a whole kind), while views call :meth:`FullTextIndex.search`
and :func:`highlight`.

Documents are cut in search-engine mode (a long word and the shorter words inside it), queries in
precise mode, so "中小企业" finds a document about 中小企业 and "小企业" still finds it too. A query's
words are AND-ed; if that finds nothing they are OR-ed, the same on both databases. Adding words
to jieba's dictionary changes how text is cut: rebuild the indexes afterwards.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

import jieba
from django.db import connection as default_connection
from django.db import migrations, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Letters and digits only: punctuation, spaces and "_" never reach a query, so no token can carry
# FTS5 or tsquery syntax, and both databases split the stored text exactly where we did.
_WORD = re.compile(r"[^\W_]+")
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Hit(NamedTuple):
    """One search result: which object, and how well it matched (higher is better)."""

    kind: str
    object_id: int
    score: float


@cache
def _jieba():
    """jieba, with its dictionary loaded once (about 0.7 s) and without its DEBUG chatter on stderr."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _clean(pieces: Iterable[str]) -> list[str]:
    return [word.lower() for piece in pieces for word in _WORD.findall(piece)]


def tokenize(text: str) -> list[str]:
    """Index tokens of ``text``: jieba's search-engine cut, lowercased, without punctuation or spaces.

    >>> tokenize("以旧换新消费补贴（5G手机）")
    ['换新', '以旧换新', '消费', '补贴', '5g', '手机']
    """
    return _clean(_jieba().cut_for_search(text or ""))


def query_tokens(query: str) -> list[str]:
    """The distinct words of a search query (jieba's precise cut), in order.

    >>> query_tokens('专精特新 "OR 1=1 --')
    ['专精', '特新', 'or', '1']
    """
    return list(dict.fromkeys(_clean(_jieba().cut(query or ""))))


def highlight(text: str, query: str, *, width: int = 120) -> SafeString:
    """An HTML snippet of ``text`` about ``width`` characters long, centred on the first match of
    ``query``, with runs of its words in ``<mark>`` and "…" where text was cut off.

    Safe to render: every character of ``text`` goes through Django's ``escape``; the only markup
    added is ``<mark>``/``</mark>``. Runs on the original text (whitespace collapsed), so Chinese
    reads naturally.

    >>> highlight("<b>稳岗</b>补贴：稳岗补贴申领指南", "稳岗补贴")
    '&lt;b&gt;<mark>稳岗</mark>&lt;/b&gt;<mark>补贴</mark>：<mark>稳岗补贴</mark>申领指南'
    """
    text = " ".join((text or "").split())
    words = sorted(query_tokens(query), key=len, reverse=True)
    pattern = re.compile(f"(?:{'|'.join(map(re.escape, words))})+", re.IGNORECASE) if words else None
    first = pattern.search(text) if pattern else None
    start = 0
    if first:
        start = max(0, min(first.start() - (width - len(first.group())) // 2, len(text) - width))
    end = min(len(text), start + width)
    snippet = text[start:end]

    parts, at = [], 0
    for match in pattern.finditer(snippet) if pattern else ():
        parts += [escape(snippet[at : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        at = match.end()
    parts.append(escape(snippet[at:]))
    return mark_safe("…" * (start > 0) + "".join(parts) + "…" * (end < len(text)))  # noqa: S308 (escaped above)


class FullTextIndex:
    """A named full-text index of (kind, object_id) entries with a title and a body each.

    ``kind`` tells entries of different models apart in one index (e.g. "document", "clause").
    All methods use the default database connection.
    """

    # Also reachable through the index, for callers that hold only the index.
    tokenize = staticmethod(tokenize)
    highlight = staticmethod(highlight)

    def __init__(self, table: str):
        if not _TABLE_NAME.fullmatch(table):
            raise ValueError(f"not a plain lower-case table name: {table!r}")
        self.table = table

    def _backend(self, conn=None) -> _SQLite | _PostgreSQL:
        conn = conn or default_connection
        backends = {"sqlite": _SQLite, "postgresql": _PostgreSQL}
        if conn.vendor not in backends:
            raise NotImplementedError(f"full-text search does not support {conn.vendor}")
        return backends[conn.vendor](self.table, conn)

    def operations(self) -> list[migrations.RunPython]:
        """Migration operations that create (and on reverse drop) the storage for the migrating database."""

        def create(apps, schema_editor):
            self._backend(schema_editor.connection).create()

        def drop(apps, schema_editor):
            self._backend(schema_editor.connection).drop()

        return [migrations.RunPython(create, drop)]

    def replace(self, kind: str, object_id: int, *, title: str, body: str) -> None:
        """Index one object, replacing whatever was indexed for it before (safe to repeat)."""
        row = (kind, int(object_id), " ".join(tokenize(title)), " ".join(tokenize(body)))
        backend = self._backend()
        with transaction.atomic():
            backend.delete(kind, row[1])
            backend.insert([row])

    def delete(self, kind: str, object_id: int) -> None:
        """Remove one object from the index (nothing happens if it is not there)."""
        self._backend().delete(kind, int(object_id))

    def rebuild(self, entries: Iterable[tuple[str, int, str, str]], *, kinds: Sequence[str]) -> int:
        """Replace every entry of ``kinds`` by ``entries`` (kind, object_id, title, body); returns the count.

        One transaction and one batched INSERT: 10,000 clauses take a few seconds, nearly all of it jieba.
        Objects missing from ``entries`` drop out of the index; the last of duplicate entries wins.
        """
        rows = {}
        for kind, object_id, title, body in entries:
            if kind not in kinds:
                raise ValueError(f"entry of kind {kind!r} is outside the rebuilt kinds {list(kinds)!r}")
            rows[kind, int(object_id)] = (" ".join(tokenize(title)), " ".join(tokenize(body)))
        backend = self._backend()
        with transaction.atomic():
            backend.clear(list(kinds))
            backend.insert([(kind, object_id, *tokens) for (kind, object_id), tokens in rows.items()])
        return len(rows)

    def search(self, query: str, *, kinds: Sequence[str] | None = None, limit: int = 200) -> list[Hit]:
        """Entries matching all words of ``query`` (or, if none does, any word), best first.

        Any user input is safe here: words are reduced to letters and digits and passed as parameters.
        """
        words = query_tokens(query)
        kinds = list(kinds) if kinds is not None else None
        if not words or limit <= 0 or kinds == []:
            return []
        backend = self._backend()
        hits = backend.search(words, "AND", kinds, limit)
        if not hits and len(words) > 1:
            hits = backend.search(words, "OR", kinds, limit)
        return hits


class _Backend:
    """The vendor's SQL. Templates name the table ``{table}``: a validated identifier, quoted, filled
    in by :meth:`_run`; every value travels as a parameter."""

    def __init__(self, table: str, conn):
        self.conn = conn
        self.name = table

    def _run(self, sql: str, params=(), *, many: bool = False, **parts: str) -> list[tuple]:
        sql = sql.format(table=self.conn.ops.quote_name(self.name), **parts)
        with self.conn.cursor() as cursor:
            if many:
                cursor.executemany(sql, params)
                return []
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def drop(self) -> None:
        self._run("DROP TABLE IF EXISTS {table}")

    def delete(self, kind: str, object_id: int) -> None:
        self._run("DELETE FROM {table} WHERE kind = %s AND object_id = %s", [kind, object_id])

    def clear(self, kinds: list[str]) -> None:
        if kinds:
            self._run("DELETE FROM {table} WHERE kind IN ({marks})", kinds, marks=", ".join(["%s"] * len(kinds)))

    def _hits(self, sql: str, match: str, kinds: list[str] | None, limit: int) -> list[Hit]:
        """Run a search template with a ``{kinds}`` slot for the optional kinds filter."""
        kinds_sql = "" if kinds is None else f"AND kind IN ({', '.join(['%s'] * len(kinds))})"
        rows = self._run(sql, [match, *(kinds or []), limit], kinds=kinds_sql)
        return [Hit(kind, int(object_id), float(score)) for kind, object_id, score in rows]


class _SQLite(_Backend):
    """An FTS5 table; unicode61 splits on our spaces and keeps CJK runs whole (they are letters)."""

    def create(self) -> None:
        self._run(
            "CREATE VIRTUAL TABLE {table} USING fts5("
            "kind UNINDEXED, object_id UNINDEXED, title, body, tokenize='unicode61')"
        )

    def insert(self, rows: list[tuple[str, int, str, str]]) -> None:
        # FTS5 has no unique keys: callers delete the old entries first, in the same transaction.
        self._run("INSERT INTO {table} (kind, object_id, title, body) VALUES (%s, %s, %s, %s)", rows, many=True)

    def search(self, words: list[str], op: str, kinds: list[str] | None, limit: int) -> list[Hit]:
        # Every word becomes an FTS5 string ("..." with " doubled), so no input is read as syntax.
        match = f" {op} ".join('"' + word.replace('"', '""') + '"' for word in words)
        # bm25 takes a weight per column (kind, object_id, title, body): a title counts five times
        # the body. Lower is better, so Hit.score is its negation.
        sql = (
            "SELECT kind, object_id, -bm25({table}, 0, 0, 5.0, 1.0) FROM {table} WHERE {table} MATCH %s {kinds} "
            "ORDER BY bm25({table}, 0, 0, 5.0, 1.0), kind, object_id LIMIT %s"
        )
        return self._hits(sql, match, kinds, limit)


class _PostgreSQL(_Backend):
    """A table with a generated tsvector ('simple': no stemming, no stop words) under a GIN index."""

    def create(self) -> None:
        self._run(
            "CREATE TABLE {table} ("
            " kind varchar(64) NOT NULL, object_id bigint NOT NULL,"
            " title_tokens text NOT NULL, body_tokens text NOT NULL,"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('simple'::regconfig, title_tokens), 'A')"
            "  || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')) STORED,"
            " PRIMARY KEY (kind, object_id))"
        )
        self._run(
            "CREATE INDEX {index} ON {table} USING gin (document)", index=self.conn.ops.quote_name(f"{self.name}_gin")
        )

    def insert(self, rows: list[tuple[str, int, str, str]]) -> None:
        # ON CONFLICT: two concurrent replaces of one object must not fail on the primary key.
        self._run(
            "INSERT INTO {table} (kind, object_id, title_tokens, body_tokens) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (kind, object_id) DO UPDATE "
            "SET title_tokens = EXCLUDED.title_tokens, body_tokens = EXCLUDED.body_tokens",
            rows,
            many=True,
        )

    def search(self, words: list[str], op: str, kinds: list[str] | None, limit: int) -> list[Hit]:
        # Words are letters and digits only; quoting each as a lexeme is belt and braces.
        match = (" & " if op == "AND" else " | ").join("'" + word.replace("'", "''") + "'" for word in words)
        sql = (
            "SELECT kind, object_id, ts_rank_cd(document, q) AS score "
            "FROM {table}, to_tsquery('simple', %s) AS q WHERE document @@ q {kinds} "
            "ORDER BY score DESC, kind, object_id LIMIT %s"
        )
        return self._hits(sql, match, kinds, limit)
