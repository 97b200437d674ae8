"""What every benchmark needs: Django configured from the command line, fast bulk loading
(PostgreSQL COPY, SQLite executemany in one transaction), a one-line progress counter,
percentiles and plain-text tables.

Nothing here imports Django at module level: a benchmark must set its environment before
``django.setup()`` runs, and this module is imported before that.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = REPO_ROOT / "var" / "bench"
# A benchmark signs only its own throw-away sessions; the key must merely be long enough.
BENCH_SECRET_KEY = "luoshi-benchmark-only-not-a-secret-" + "0123456789" * 3


class BenchError(Exception):
    """A benchmark cannot run as asked; the message says why and what to do."""


# --- the database and Django ---------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None = None

    @property
    def label(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite {self.sqlite_path}"
        # Never print a password that may be part of the URL.
        import dj_database_url

        cfg = dj_database_url.parse(self.url)
        return f"PostgreSQL {cfg.get('HOST') or 'localhost'}:{cfg.get('PORT') or 5432}/{cfg['NAME']}"


def parse_database(url: str) -> Database:
    import dj_database_url

    try:
        cfg = dj_database_url.parse(url)
    except Exception as exc:  # dj_database_url raises several kinds for a bad URL
        raise BenchError(f"数据库地址“{url}”无法识别：{exc}") from exc
    engine = cfg.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        name = cfg["NAME"]
        if not name or name == ":memory:":
            raise BenchError("基准测试需要一个 SQLite 文件，例如 sqlite:////tmp/bench.sqlite3。")
        return Database(url, "sqlite", Path(name).resolve())
    if engine.endswith("postgresql"):
        return Database(url, "postgresql")
    raise BenchError("--database-url 只支持 sqlite:/// 或 postgres:// 地址。")


def pg_admin(database: Database):
    """An autocommit connection to the server's ``postgres`` database, and the name of ``database``."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(database.url)
    conn = psycopg.connect(
        host=cfg.get("HOST") or "127.0.0.1",
        port=cfg.get("PORT") or 5432,
        user=cfg.get("USER") or "postgres",
        password=cfg.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    return conn, cfg["NAME"]


def create_pg_database(database: Database) -> bool:
    """Create ``database`` on its server unless it exists; True when this call created it."""
    from psycopg import sql

    try:
        admin, name = pg_admin(database)
    except Exception as exc:
        raise BenchError(f"无法连接 PostgreSQL：{exc}") from exc
    with admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"· created database {name}", flush=True)
        return True


def configure_django(database: Database, var_dir: Path) -> None:
    """Point luoshi's settings at ``database`` through its environment, then set Django up."""
    from django.conf import settings

    if settings.configured:
        raise BenchError("Django 已在本进程中配置过：请在新进程中运行基准测试（luoshi bench …）。")
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LUOSHI_DATABASE_URL"] = database.url
    os.environ["LUOSHI_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    os.environ["LUOSHI_DEBUG"] = "0"
    os.environ["LUOSHI_SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ["LUOSHI_HTTPS"] = "0"
    os.environ["LUOSHI_ALLOWED_HOSTS"] = "testserver"
    os.environ["LUOSHI_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(),
    }


# --- progress ------------------------------------------------------------------------------


class Progress:
    """``label 12,345 / 200,000 rows (85,000 rows/s)`` rewritten in place on a terminal,
    a line every few seconds otherwise (logs, CI)."""

    def __init__(self, label: str, total: int | None = None, stream=None):
        self.label = label
        self.total = total
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.done = 0
        self.started = time.perf_counter()
        self._shown = 0.0

    def _line(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        of = f" / {self.total:,}" if self.total else ""
        return f"  {self.label}: {self.done:,}{of} rows ({self.done / elapsed:,.0f} rows/s)"

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._shown >= (0.5 if self.tty else 5.0):
            self._shown = now
            if self.tty:
                self.stream.write("\r" + self._line() + "\x1b[K")
            else:
                self.stream.write(self._line() + "\n")
            self.stream.flush()

    def finish(self) -> float:
        elapsed = time.perf_counter() - self.started
        self.stream.write(
            ("\r" if self.tty else "") + self._line() + f", {elapsed:.1f} s" + ("\x1b[K" if self.tty else "")
        )
        self.stream.write("\n")
        self.stream.flush()
        return elapsed


# --- bulk loading --------------------------------------------------------------------------


class Loader:
    """Writes rows straight into a model's table: COPY on PostgreSQL, executemany on SQLite.

    Rows are tuples in the order of ``columns`` (attribute names such as ``lead_unit_id``),
    already in the database's text forms: dates as ISO strings, date-times through
    :meth:`dt`, JSON as a string. Ids are given explicitly; :meth:`reset_sequences` makes
    PostgreSQL's sequences continue after them.
    """

    BATCH = 10_000

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.models: list = []
        self.counts: dict[str, int] = {}

    def dt(self, value: datetime | None) -> str | None:
        """A UTC date-time as the backend stores it (Django keeps naive UTC text in SQLite)."""
        if value is None:
            return None
        value = value.astimezone(UTC)
        if self.vendor == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ")
        return value.isoformat(" ")

    @staticmethod
    def d(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    @staticmethod
    def json(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def load(self, model, columns: Sequence[str], rows: Iterable[tuple], *, total: int | None = None, label="") -> int:
        from django.db import transaction

        meta = model._meta
        table = self.connection.ops.quote_name(meta.db_table)
        names = ", ".join(self.connection.ops.quote_name(meta.get_field(c).column) for c in columns)
        progress = Progress(label or meta.verbose_name_plural, total)
        written = 0
        with transaction.atomic(), self.connection.cursor() as cursor:
            rebuild = self._set_aside(cursor, meta.db_table)
            if self.vendor == "postgresql":
                # Table and column names come from the models, never from input.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
                        if written % self.BATCH == 0:
                            progress.add(self.BATCH)
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
                raw = cursor.cursor
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= self.BATCH:
                        raw.executemany(sql, batch)
                        written += len(batch)
                        progress.add(len(batch))
                        batch.clear()
                if batch:
                    raw.executemany(sql, batch)
                    written += len(batch)
            # Indexes are built, and foreign keys checked, once over all rows.
            for statement in rebuild:
                cursor.execute(statement)
        progress.done = written
        progress.finish()
        self.models.append(model)
        self.counts[meta.db_table] = self.counts.get(meta.db_table, 0) + written
        return written

    def _set_aside(self, cursor, table: str) -> list[str]:
        """On PostgreSQL, drop the table's secondary indexes and foreign keys for the load, as
        pg_restore does; returns the statements that put them back. Primary keys and unique
        constraints stay in place throughout; every foreign key is validated when re-added.

        SQLite keeps its indexes as ``migrate`` made them: without statistics its planner
        chooses between equally rated indexes by their order in the schema, so rebuilding them
        would measure a different plan from the one a migrated database gets.
        """
        if self.vendor != "postgresql":
            return []
        ops = self.connection.ops
        quoted = ops.quote_name(table)
        restore = []
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {ops.quote_name(name)}")
            restore.append(f"ALTER TABLE {quoted} ADD CONSTRAINT {ops.quote_name(name)} {definition}")
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique ORDER BY i.relname",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {ops.quote_name(name)}")
            restore.insert(0, definition)  # indexes first, then the foreign keys
        return restore

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(dict.fromkeys(self.models)))
        if statements:
            with self.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


# --- figures -------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, markdown: bool = False) -> str:
    """A plain-text (or Markdown) table; numbers right-aligned, text left-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) for i in range(len(headers))]

    def fmt(row):
        out = []
        for i, c in enumerate(row):
            pad = " " * (widths[i] - _width(c))
            out.append(pad + c if numeric[i] else c + pad)
        return out

    if markdown:
        lines = ["| " + " | ".join(fmt(cells[0])) + " |"]
        lines.append(
            "|"
            + "|".join(("-" * (w + 1) + ":") if n else ("-" * (w + 2)) for w, n in zip(widths, numeric, strict=True))
            + "|"
        )
        lines += ["| " + " | ".join(fmt(row)) + " |" for row in cells[1:]]
        return "\n".join(lines)
    lines = ["  ".join(fmt(cells[0])).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(fmt(row)).rstrip() for row in cells[1:]]
    return "\n".join(lines)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("×"))
    except ValueError:
        return False
    return True
