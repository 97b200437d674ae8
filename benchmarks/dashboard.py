"""``luoshi bench dashboard``: the cockpit, the big screen and the role home pages at scale.

1. Configures Django itself (``--db sqlite|postgresql`` or ``--database-url``; production
   settings, DEBUG off), migrates an empty database and generates the supervision ledger with
   :mod:`benchmarks.ledger`'s generator (the same units, users, role grants, tasks, milestones,
   progress reports, timeline events and task history for the same scale and seed), then — unless
   ``--cases 0`` — as many enterprises and cases (诉求) as DESIGN.md §4 has enterprises, written with
   :func:`benchmarks.enterprises.generate_cases`. Policies, applications, projects and indicators
   are not generated: those tiles count empty tables.
2. Times, in one run: the snapshot refresh (:func:`luoshi.dashboard.services.refresh`, what
   ``luoshi tick`` runs daily) and the ``dashboard.snapshot`` tick job itself; then, in-process
   through the full middleware stack with Django's test client, ``/help/`` (the trivial page and
   baseline: signed in, the base layout, nothing that depends on the data), ``/healthz/`` (no session,
   no template; a reference), ``/dashboard/`` as a leader (served from the shared snapshot) and as a
   supervisor (its personal snapshot, made on its first visit), the big screen's htmx partial
   ``/dashboard/screen/`` as the leader, and the home page ``/`` for a leader, a supervisor and a
   unit reporter.
3. Prints p50/p95/max per page, the queries of one request, the ratio of each p95 to the
   baseline's p95 with PASS/MISS against 5×, where the cockpit's time goes (each metric's
   queries, SQL against Python), and whether the pages say how fresh the numbers are.
   Nothing is asserted.

Run ``luoshi bench dashboard --help`` for the options; benchmarks/README.md explains the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import random
import sys
import time
import traceback
from datetime import date
from pathlib import Path

from benchmarks import ledger
from benchmarks.common import (
    DEFAULT_VAR_DIR,
    BenchError,
    Database,
    Loader,
    configure_django,
    create_pg_database,
    machine,
    parse_database,
    percentile,
    pg_admin,
    table,
)

MARKER = "bench:dashboard"
GENERATOR_VERSION = 1  # on top of benchmarks.ledger's GENERATOR_VERSION
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/luoshi_bench_dash"
TARGET_RATIO = 5.0
WARMUP = ledger.WARMUP
SLOW_MS = ledger.SLOW_MS
# Enterprises and cases (one case per enterprise, as `luoshi bench enterprises` does): DESIGN.md §4's enterprises.
CASES = {"tiny": 300, "district": 30_000, "municipality": 1_000_000}
PAGES = (
    "trivial",
    "healthz",
    "cockpit_leader",
    "cockpit_supervisor",
    "cockpit_district_supervisor",
    "screen_leader",
    "home_leader",
    "home_supervisor",
    "home_reporter",
)
# The cockpit's parts, in the order metrics.cockpit computes them.
METRICS = ("tasks", "case_quality", "money", "policies", "projects", "indicators", "units")
FRESH_TEXT = "数据更新于"
PERSONAL_TEXT = "按您的权限计算"


def log(*args) -> None:
    print(*args, flush=True)


# --- the database ------------------------------------------------------------------------------


def _database(args) -> tuple[Database, bool]:
    """The database, and whether this run created it (PostgreSQL) and may drop it."""
    if args.database_url:
        return parse_database(args.database_url), False
    if args.db == "sqlite":
        path = (args.var_dir / f"dashboard-{args.scale}.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Database(f"sqlite:///{path}", "sqlite", path), False
    database = parse_database(PG_DEFAULT)
    return database, create_pg_database(database)


def _cleanup(database: Database, created: bool) -> None:
    from django.db import connections

    try:
        if database.vendor == "sqlite":
            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database.sqlite_path}{suffix}").unlink(missing_ok=True)
        elif created:
            from psycopg import sql

            connections.close_all()
            admin, name = pg_admin(database)
            with admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        else:
            ledger._drop_tables()
            connections.close_all()
        log("· generated data removed (use --keep to keep it)")
    except Exception as exc:  # cleaning up must not hide the run's own outcome
        print(f"· could not remove the generated data: {exc}", file=sys.stderr)


def _marker() -> dict | None:
    from django.db import DatabaseError

    from luoshi.tracking.models import JobRun

    try:
        run = JobRun.objects.filter(name=MARKER).first()
    except DatabaseError:
        return None
    try:
        return json.loads(run.last_result) if run else None
    except ValueError:
        return None


def _write_marker(info: dict) -> None:
    from django.utils import timezone

    from luoshi.tracking.models import JobRun

    text = json.dumps(info, ensure_ascii=False, separators=(",", ":"))
    JobRun.objects.update_or_create(
        name=MARKER, defaults={"last_day": timezone.localdate(), "last_at": timezone.now(), "last_result": text[:300]}
    )


# --- generation --------------------------------------------------------------------------------


def generate_enterprises(n: int, seed: int, towns: list[int]) -> tuple[int, int]:
    """``n`` plain enterprises (code, name, industry, town), straight into the table: the cases
    need someone to belong to. Returns the id range."""
    from django.utils import timezone

    from benchmarks.enterprises import MIDDLE, SUFFIXES, TRADES, uscc_of
    from luoshi.enterprises.models import Enterprise

    rng = random.Random(seed + 11)
    loader = Loader()
    now = loader.dt(timezone.now())
    industries = ["3670", "3311", "3824", "1391", "5191", "6513", "3990", "2651", "4710", "7291"]
    columns = [
        "id", "uscc", "name", "industry_code", "industry_name", "sector", "town_id", "unit_id", "founded_on",
        "registered_capital", "address", "legal_representative", "contact_phone", "chain_id", "size_class",
        "size_reason", "above_scale", "scale_reason", "created_at",
    ]  # fmt: skip

    def rows():
        for i in range(n):
            founded = date(rng.randint(1995, 2023), rng.randint(1, 12), rng.randint(1, 28))
            yield (
                i + 1, uscc_of(i), f"重庆{rng.choice(MIDDLE)}{rng.choice(TRADES)}{i}号{rng.choice(SUFFIXES)}",
                rng.choice(industries), "", "", towns[i % len(towns)], None, loader.d(founded),
                f"{rng.randint(10, 10_000)}.00", "", "", "", None, "", "", rng.random() < 0.08, "", now,
            )  # fmt: skip

    loader.load(Enterprise, columns, rows(), total=n, label="enterprises")
    loader.reset_sequences()
    return 1, n


def generate(scale, seed: int, cases: int, today: date) -> dict:
    """The ledger through benchmarks.ledger's World, then enterprises and cases."""
    from django.db import connection

    started = time.perf_counter()
    ledger._sqlite_tuning(True)
    loader = Loader()
    world = ledger.World(scale, seed, today, loader)
    world.generate()
    plan_s = time.perf_counter() - started
    world.write()
    write_s = time.perf_counter() - started - plan_s
    top = world.scopes[0]
    personas = {
        "leader": f"lead{top.code}_0",
        "supervisor": "bench_supervisor",
        "reporter": "bench_reporter",
        # A district's own supervisor and leader, when there are districts under the municipality.
        "district_supervisor": "",
        "district_leader": "",
    }
    if len(world.scopes) > 1:
        district = next((s for s in world.scopes if s.code == ledger.YONGCHUAN[2]), world.scopes[1])
        personas["district_supervisor"] = f"sup{district.code}_0"
        personas["district_leader"] = f"lead{district.code}_0"
    extra_s = 0.0
    case_info: dict = {"cases": 0}
    if cases:
        t0 = time.perf_counter()
        from benchmarks.enterprises import generate_cases

        towns = [u.id for sc in world.scopes for u in sc.towns] or [top.root.id]
        units = [u.id for sc in world.scopes for u in sc.departments + sc.towns]
        ids = generate_enterprises(cases, seed, towns)
        case_info = generate_cases(cases, seed, units, ids)
        extra_s = time.perf_counter() - t0
    info = {
        "reused": False,
        "generated_on": today.isoformat(),
        "planning_seconds": round(plan_s, 1),
        "writing_seconds": round(write_s, 1),
        "enterprises_and_cases_seconds": round(extra_s, 1),
        "co_unit_report_probability": round(world.p_co, 3),
        "reporter_persona_unit": world.persona_units["reporter"],
        "cases": case_info,
        "personas": personas,
    }
    del world
    ledger._sqlite_tuning(False)
    t0 = time.perf_counter()
    ledger._analyze()
    info["analyze_seconds"] = round(time.perf_counter() - t0, 1)
    info["seconds"] = round(time.perf_counter() - started, 1)
    log(
        f"· generation: {info['seconds']:.1f} s (planning in Python {plan_s:.1f} s, writing the ledger "
        f"{write_s:.1f} s, enterprises and cases {extra_s:.1f} s"
        + (f", VACUUM ANALYZE {info['analyze_seconds']:.1f} s" if connection.vendor == "postgresql" else "")
        + ")"
    )
    return info


def _row_counts() -> dict[str, int]:
    from luoshi.cases.models import Case
    from luoshi.dashboard.models import CockpitSnapshot
    from luoshi.enterprises.models import Enterprise

    counts = ledger._row_counts()
    counts["enterprises"] = Enterprise.objects.count()
    counts["cases"] = Case.objects.count()
    counts["cockpit snapshots"] = CockpitSnapshot.objects.count()
    return counts


def _included(counts: dict) -> dict:
    """What the cockpit's tiles count over in this data: generated, or an empty table."""
    from luoshi.benefits.models import Application
    from luoshi.ledger.models import Indicator
    from luoshi.policies.models import Clause
    from luoshi.projects.models import Project

    empty = {
        "policy clauses": Clause.objects.count(),
        "applications": Application.objects.count(),
        "projects": Project.objects.count(),
        "indicators": Indicator.objects.count(),
    }
    return {
        "generated": ["ledger (benchmarks.ledger.World)"] + (["enterprises", "cases"] if counts.get("cases") else []),
        "not generated (tables as migrate left them)": empty,
    }


# --- measuring -------------------------------------------------------------------------------


class Recorder:
    """SQL of a block: statements, exact times (an execute wrapper), count and total."""

    def __init__(self):
        self.times: list[float] = []
        self.sqls: list[str] = []

    @contextlib.contextmanager
    def __call__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def timer(execute, sql, params, many, context):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.times.append((time.perf_counter() - t0) * 1000)

        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            yield self
        self.sqls = [q["sql"] for q in ctx.captured_queries]
        if len(self.times) != len(self.sqls):
            self.times = [float(q["time"]) * 1000 for q in ctx.captured_queries]

    @property
    def sql_ms(self) -> float:
        return sum(self.times)

    def slowest(self, n: int = 3) -> list[dict]:
        ranked = sorted(zip(self.times, self.sqls, strict=True), key=lambda q: -q[0])
        return [{"ms": round(ms, 2), "sql": sql} for ms, sql in ranked[:n]]

    def replay_ms(self) -> list[float | None]:
        """Each statement run again with every row fetched: SQLite does much of a statement's work
        while its rows are fetched, which the execute wrapper leaves out. None: it did not replay."""
        from django.db import DatabaseError, connection

        out: list[float | None] = []
        for sql in self.sqls:
            try:
                with connection.cursor() as cursor:
                    t0 = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    out.append((time.perf_counter() - t0) * 1000)
            except DatabaseError:
                out.append(None)
        return out


def time_refresh(runs: int, budget_s: float, today: date) -> dict:
    """services.refresh() as `luoshi tick` runs it, ``runs`` times: the first in a cold process
    (as a tick's own process), the rest warm; the SQL of the last one is recorded."""
    from luoshi.dashboard import services

    times: list[float] = []
    rec = Recorder()
    while True:
        last = len(times) + 1 >= runs or sum(times) + 2 * (times[-1] if times else 0) > budget_s * 1000
        t0 = time.perf_counter()
        with rec() if last else contextlib.nullcontext():
            snapshot = services.refresh(today)
        times.append((time.perf_counter() - t0) * 1000)
        if last:
            break
    warm = times[1:] or times
    out = {
        "runs": len(times),
        "times_ms": [round(t, 1) for t in times],
        "cold_ms": round(times[0], 1),
        "warm_p50_ms": round(percentile(warm, 50), 1),
        "max_ms": round(max(times), 1),
        "stored_seconds": round(snapshot.seconds, 3),
        "queries": len(rec.sqls),
        "sql_ms": round(rec.sql_ms, 1),
        "python_ms": round(times[-1] - rec.sql_ms, 1),
        "slowest": rec.slowest(),
        "plan_of_slowest": ledger._explain(rec.slowest(1)[0]["sql"]) if rec.sqls else [],
        "snapshot_bytes": len(json.dumps(snapshot.data, ensure_ascii=False).encode()),
    }
    log(f"  snapshot refresh: {len(times)} runs {out['times_ms']} ms, {out['queries']} queries, "
        f"SQL {out['sql_ms']:.0f} ms")  # fmt: skip
    return out


def time_tick_job() -> dict:
    """The `dashboard.snapshot` job as `luoshi tick` runs it: claimed for today, run, recorded;
    and a later tick the same day, which skips it."""
    from luoshi import tick
    from luoshi.tracking.models import JobRun

    job = next(j for j in tick.JOBS if j.name == "dashboard.snapshot")
    JobRun.objects.filter(name=job.name).delete()  # as on a new day's first tick

    def one() -> tuple[float, str]:
        t0 = time.perf_counter()
        if job.daily and not tick._claim_today(job.name):
            return (time.perf_counter() - t0) * 1000, f"[{job.name}] 今日已运行，跳过"
        result = job.run()
        JobRun.objects.filter(name=job.name).update(last_result=result[:300])
        return (time.perf_counter() - t0) * 1000, f"[{job.name}] {result}"

    first_ms, first = one()
    later_ms, later = one()
    log(f"  tick job dashboard.snapshot: {first_ms:.0f} ms ({first}); a later tick today {later_ms:.1f} ms")
    return {
        "job": job.name,
        "daily": job.daily,
        "first_tick_of_day_ms": round(first_ms, 1),
        "first_tick_result": first,
        "later_tick_ms": round(later_ms, 2),
        "later_tick_result": later,
    }


def metric_breakdown(user, today: date, year: int) -> dict:
    """Each part of metrics.cockpit() for ``user``: wall time, queries, SQL time, slowest statement."""
    from luoshi.dashboard import metrics

    calls = {
        "tasks": lambda: metrics._tasks(user),
        "case_quality": lambda: metrics._case_quality(user, year),
        "money": lambda: metrics._money(user, year),
        "policies": lambda: metrics._policies(user, today),
        "projects": lambda: metrics._projects(user, year),
        "indicators": lambda: metrics._indicators(user, today, year),
        "units": lambda: metrics._units(user),
    }
    parts = {}
    for name in METRICS:
        rec = Recorder()
        t0 = time.perf_counter()
        with rec():
            calls[name]()
        wall = (time.perf_counter() - t0) * 1000
        replay = rec.replay_ms()
        replay_sum = sum(t for t in replay if t is not None)
        parts[name] = {
            "ms": round(wall, 1),
            "queries": len(rec.sqls),
            "sql_ms": round(rec.sql_ms, 1),
            "python_ms": round(wall - rec.sql_ms, 1),
            # The statements again, each with all its rows fetched (see Recorder.replay_ms).
            "sql_with_fetch_ms": round(replay_sum, 1),
            "python_without_fetch_ms": round(max(0.0, wall - replay_sum), 1),
            "slowest": rec.slowest(3),
            "statements_ms": [round(t, 1) for t in rec.times],
            "statements_with_fetch_ms": [None if t is None else round(t, 1) for t in replay],
        }
    rec = Recorder()
    t0 = time.perf_counter()
    with rec():
        metrics.cockpit(user, today, year)
    whole = (time.perf_counter() - t0) * 1000
    slowest = rec.slowest(1)
    return {
        "parts": parts,
        "cockpit_ms": round(whole, 1),
        "queries": len(rec.sqls),
        "sql_ms": round(rec.sql_ms, 1),
        "python_ms": round(whole - rec.sql_ms, 1),
        "slowest": rec.slowest(5),
        "plan_of_slowest": ledger._explain(slowest[0]["sql"]) if slowest else [],
    }


class Page(ledger.Page):
    """ledger.Page, with the client it is asked through (htmx or not) and its PASS/MISS at 5×."""

    client: str = ""

    def figures(self, baseline_p95: float | None, healthz_p95: float | None = None) -> dict:
        out = super().figures(baseline_p95, healthz_p95 if self.target != "baseline" else None)
        if self.target == "reference":
            out["target"] = "reference, not a target"
        elif self.target == "baseline":
            out["target"] = "baseline"
        else:
            out["target"] = f"p95 ≤ {TARGET_RATIO:g}× trivial"
        return out


def _page(key, label, persona, urls, target="ratio", client="") -> Page:
    page = Page(key, label, persona, urls, target)
    page.client = client or persona
    return page


def build_pages(personas: dict, year: int) -> list[Page]:
    cockpit = [f"/dashboard/?year={year}", "/dashboard/"]
    pages = [
        _page("trivial", "trivial page /help/ (signed in), leader", "leader", ["/help/"], "baseline"),
        # Not a target: the smallest response through the middleware, no session, no template.
        _page("healthz", "/healthz/ (no session, no template)", "supervisor", ["/healthz/"], "reference"),
        _page("cockpit_leader", "cockpit, leader (shared snapshot)", "leader", cockpit),
        _page("cockpit_supervisor", "cockpit, supervisor of all units (personal snapshot)", "supervisor", cockpit),
    ]
    if personas.get("district_supervisor"):
        pages.append(
            _page(
                "cockpit_district_supervisor",
                "cockpit, a district's supervisor (personal snapshot)",
                "district_supervisor",
                cockpit,
            )
        )
    pages += [
        _page(
            "screen_leader",
            "big screen htmx partial, leader",
            "leader",
            [f"/dashboard/screen/?year={year}", "/dashboard/screen/"],
            client="leader_htmx",
        ),
        _page("home_leader", "home /, leader", "leader", ["/"]),
        _page("home_supervisor", "home /, supervisor", "supervisor", ["/"]),
        _page("home_reporter", "home /, unit reporter", "reporter", ["/"]),
    ]
    return pages


def _clients(personas: dict) -> dict:
    from django.test import Client

    from luoshi.org.models import User

    clients = {}
    for role, username in personas.items():
        if not username:
            continue
        for key, headers in ((role, {}), (f"{role}_htmx", {"HX-Request": "true"})):
            client = Client(HTTP_HOST="testserver", headers=headers)
            client.force_login(User.objects.get(username=username))
            clients[key] = client
    return clients


def _profile_request(client, page: Page) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    ledger._get(client, page.urls[0], page)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    page.profile = out.getvalue()


def measure(pages: list[Page], clients: dict, n: int, budget: float, profile: bool) -> None:
    """As benchmarks.ledger.measure: the first warm-up request counts the SQL, a slow page gets
    fewer samples within ``budget`` seconds, a fast page has its SQL counted again warm."""
    for page in pages:
        client = clients[page.client]
        warm = [ledger._capture(client, page)]
        slow = warm[0] >= SLOW_MS
        if not slow:
            warm += [ledger._get(client, page.urls[i % len(page.urls)], page) for i in range(1, WARMUP)]
        page.warmup = len(warm)
        count = n
        if min(warm) * n > budget * 1000:
            count = max(1, min(n, int(budget * 1000 / min(warm))))
            page.note = f"{count} samples instead of {n}: one request takes {min(warm) / 1000:.1f} s"
        for i in range(count):
            page.samples.append(ledger._get(client, page.urls[(len(warm) + i) % len(page.urls)], page))
        note = f" ({page.note})" if page.note else ""
        log(f"  {page.label}: {count} requests, p95 {percentile(page.samples, 95):.1f} ms{note}")
        if not slow:
            ledger._capture(client, page)
        if profile:
            _profile_request(client, page)


def freshness(clients: dict, personas: dict) -> dict:
    """Does each page say how fresh its numbers are? The leader's pages name the snapshot's time."""
    from luoshi.dashboard.models import CockpitSnapshot

    def text(key, url):
        response = clients[key].get(url, HTTP_HOST="testserver")
        return response.content.decode("utf-8", "replace") if response.status_code == 200 else ""

    snapshot = CockpitSnapshot.objects.order_by("-computed_at").first()
    leader = text("leader", "/dashboard/")
    screen = text("leader_htmx", "/dashboard/screen/")
    supervisor = text("supervisor", "/dashboard/")

    def snippet(body, needle):
        i = body.find(needle)
        return "" if i < 0 else " ".join(body[i : i + 40].split())

    return {
        "snapshot_computed_at": snapshot.computed_at.isoformat() if snapshot else None,
        "snapshot_seconds": round(snapshot.seconds, 3) if snapshot else None,
        "cockpit_leader_shows_time": FRESH_TEXT in leader,
        "cockpit_leader_text": snippet(leader, FRESH_TEXT),
        "screen_shows_time": FRESH_TEXT in screen,
        "screen_text": snippet(screen, FRESH_TEXT),
        "cockpit_supervisor_says_personal": PERSONAL_TEXT in supervisor,
    }


def scope_check(personas: dict, today: date) -> dict | None:
    """At municipality scale: what a district's leader sees on the cockpit (its own snapshot, or the
    shared one if its grants reached everything) against the open tasks its own grants reach."""
    username = personas.get("district_leader")
    if not username:
        return None
    from luoshi.dashboard import services
    from luoshi.ledger import queries as ledger_queries
    from luoshi.org.models import User

    user = User.objects.get(username=username)
    data, snapshot = services.cockpit_for(user, today, today.year)
    shown = next(t["value"] for s in data["sections"] for t in s["tiles"] if t["key"] == "tasks_open")
    own = ledger_queries.ledger_rows(user, {"open_only": True}).count()
    return {
        "persona": username,
        "served_from_snapshot": snapshot is not None,
        "snapshot": "shared" if snapshot is not None and snapshot.user_id is None else "personal",
        "tasks_open_shown": shown,
        "tasks_open_in_own_scope": own,
        "sees_beyond_scope": shown != own,
    }


# --- the command --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luoshi bench dashboard",
        description="驾驶舱性能基准：按固定种子生成区县或市级规模的督办台账和诉求，测量快照刷新、驾驶舱、大屏和首页。",
    )
    parser.add_argument("--scale", choices=list(ledger.SCALES), default="district", help="数据规模（默认 district）")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite", help="数据库（默认 sqlite）")
    parser.add_argument("--database-url", help=f"数据库地址（覆盖 --db）；PostgreSQL 默认 {PG_DEFAULT}，须为空库")
    parser.add_argument("--requests", type=int, default=50, help="每个页面的计时请求数（默认 50）")
    parser.add_argument("--refresh-runs", type=int, default=3, help="快照刷新的计时次数（默认 3）")
    parser.add_argument("--cases", type=int, help="企业数和诉求数（默认按规模：300 / 30,000 / 1,000,000；0 不生成）")
    parser.add_argument("--seed", type=int, default=20250102, help="随机种子（默认 20250102，与 ledger 相同）")
    parser.add_argument(
        "--json", nargs="?", const="-", help="输出 JSON：不带文件名时 stdout 只有一个 JSON 对象（进度写到 stderr）"
    )
    parser.add_argument("--keep", action="store_true", help="保留生成的数据（供以后 --reuse）")
    parser.add_argument("--reuse", action="store_true", help="复用此前以同一规模、种子和诉求数生成并保留的数据")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="工作目录（默认 var/bench）")
    parser.add_argument(
        "--pages",
        type=lambda text: set(text.split(",")),
        help=f"只测这些页面（逗号分隔：{','.join(PAGES)}；trivial 与 healthz 总会测）",
    )
    parser.add_argument("--budget", type=float, default=300, help="每个页面计时的时间预算（秒，默认 300）")
    parser.add_argument("--profile", action="store_true", help="对每个页面的一次请求做 cProfile 并打印")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.requests < 1 or args.refresh_runs < 1:
        print("--requests 和 --refresh-runs 至少为 1。", file=sys.stderr)
        return 2
    if args.pages and not args.pages <= set(PAGES):
        print(f"--pages 只能是 {','.join(PAGES)} 中的页面。", file=sys.stderr)
        return 2
    args.cases = CASES[args.scale] if args.cases is None else args.cases
    to_stdout = args.json == "-"
    real_stdout = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr) if to_stdout else contextlib.nullcontext():
            result = _run(args)
    except BenchError as exc:
        print(f"\n错误：{exc}", file=sys.stderr)
        return 1
    if to_stdout:
        real_stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
        real_stdout.flush()
    elif args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
        print(f"· figures written to {path}")
    return 0


def _run(args) -> dict:
    scale = ledger.SCALES[args.scale]
    database, created = _database(args)
    configure_django(database, args.var_dir.resolve())

    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.utils import timezone

    log(f"luoshi bench dashboard — scale {scale.name}, {database.label}, seed {args.seed}, cases {args.cases:,}")
    try:
        existing = ledger._tables()
    except OperationalError as exc:
        raise BenchError(
            f"无法连接数据库：{exc}。PostgreSQL 请先建库，例如：createdb -h 127.0.0.1 -U postgres luoshi_bench_dash"
        ) from exc
    marker = _marker() if existing else None
    wanted = {"scale": scale.name, "seed": args.seed, "cases": args.cases, "v": GENERATOR_VERSION,
              "lv": ledger.GENERATOR_VERSION}  # fmt: skip
    reuse = False
    if existing:
        if not args.reuse:
            raise BenchError(
                f"数据库不是空的（已有 {len(existing)} 张表）。基准测试只在空数据库上建表和生成数据；"
                "若其中是此前用 --keep 保留的本基准数据，请加 --reuse。"
            )
        if marker is None or any(marker.get(k) != v for k, v in wanted.items()):
            raise BenchError(
                f"数据库里没有规模 {scale.name}、种子 {args.seed}、诉求 {args.cases} 的驾驶舱基准数据"
                f"（找到：{marker}），不能 --reuse；请换一个空数据库。"
            )
        reuse = True
    keep = args.keep or args.reuse
    result: dict = {"scale": scale.name, "seed": args.seed, "database": database.vendor, "cases_asked": args.cases}
    try:
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        log(f"· migrate: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        log(f"· collectstatic (production static storage, manifest): {time.perf_counter() - t0:.1f} s")
        today = timezone.localdate()
        if reuse:
            log(f"· reusing data generated on {marker.get('today')}")
            generation = {"reused": True, "generated_on": marker.get("today"), "seconds": marker.get("seconds"),
                          "personas": marker["personas"]}  # fmt: skip
        else:
            log(f"· generating ({scale.name}: {scale.tasks:,} tasks, ~{scale.reports:,} reports, {scale.users:,} "
                f"users through benchmarks.ledger; {args.cases:,} enterprises and cases; today {today})")  # fmt: skip
            if scale.note:
                log(f"  note: {scale.note}")
            generation = generate(scale, args.seed, args.cases, today)
            ledger._write_marker({"scale": scale.name, "seed": args.seed, "v": ledger.GENERATOR_VERSION,
                                  "today": today.isoformat(), "seconds": generation["seconds"]})  # fmt: skip
            p = generation["personas"]
            _write_marker({**wanted, "today": today.isoformat(), "seconds": generation["seconds"],
                           "personas": {k: v for k, v in p.items() if v}})  # fmt: skip
        personas = {"district_supervisor": "", "district_leader": "", **generation["personas"]}
        connection.close()  # measure on a fresh connection, as a new server process would

        counts = _row_counts()
        result.update({
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": machine(),
            "generation": generation,
            "rows": counts,
            "included": _included(counts),
            "personas": personas,
            "requests_per_page": args.requests,
            "warmup_per_page": WARMUP,
        })  # fmt: skip
        log("· rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        load_before = ledger._load()

        log("· the snapshot (what `luoshi tick` precomputes for leaders and admins)")
        result["refresh"] = time_refresh(args.refresh_runs, args.budget, today)
        result["tick"] = time_tick_job()  # leaves a fresh snapshot for the leader's pages

        log(f"· measuring {args.requests} requests per page after {WARMUP} warm-up requests")
        always = {"trivial", "healthz"}
        pages = [p for p in build_pages(personas, today.year) if not args.pages or p.key in args.pages | always]
        clients = _clients(personas)
        try:
            measure(pages, clients, args.requests, args.budget, args.profile)
        except ledger.Non200 as exc:
            result["error"] = str(exc)
            raise
        result["load_average"] = {"before": load_before, "after": ledger._load()}
        base_p95 = percentile(next(p for p in pages if p.key == "trivial").samples, 95)
        healthz_p95 = percentile(next(p for p in pages if p.key == "healthz").samples, 95)
        result["pages"] = {p.key: p.figures(base_p95, healthz_p95) for p in pages}
        result["freshness"] = freshness(clients, personas)

        log("· where the cockpit's time goes (each metric, once, after the pages)")
        from luoshi.core.actors import SYSTEM
        from luoshi.org.models import User

        breakdown = {"snapshot (SYSTEM: everything)": metric_breakdown(SYSTEM, today, today.year)}
        breakdown["supervisor (computing its personal snapshot)"] = metric_breakdown(
            User.objects.get(username=personas["supervisor"]), today, today.year
        )
        if personas.get("district_supervisor"):
            breakdown["district supervisor (computing its personal snapshot)"] = metric_breakdown(
                User.objects.get(username=personas["district_supervisor"]), today, today.year
            )
        result["breakdown"] = breakdown
        result["scope_check"] = scope_check(personas, today)
        result["verdicts"] = {k: f["verdict"] for k, f in result["pages"].items() if f["verdict"]}
        log("")
        log(report_text(result, pages))
        return result
    except BenchError:
        raise
    except Exception:
        traceback.print_exc()
        raise BenchError("基准测试意外中止（见上面的错误）。") from None
    finally:
        if not keep and not reuse:
            _cleanup(database, created)


def report_text(result: dict, pages: list[Page]) -> str:
    figures = result["pages"]
    rows = []
    for p in pages:
        f = figures[p.key]
        ratio = f["ratio_p95_to_trivial"]
        q = f["queries"]
        rows.append([
            f["label"], f["samples"], f"{f['p50_ms']:.2f}", f"{f['p95_ms']:.2f}", f"{f['max_ms']:.2f}",
            f"{ratio:.1f}×" if ratio is not None else "",
            f"{f['ratio_p95_to_healthz']:.1f}×" if f["ratio_p95_to_healthz"] is not None else "",
            q["count"], f"{q['sql_ms']:.1f}", f["target"], f["verdict"] or "—",
        ])  # fmt: skip
    m = result["machine"]
    r, t = result["refresh"], result["tick"]
    lines = [
        f"Scale {result['scale']} on {m['database']}, {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"Django {m['django']}, {result['requests_per_page']} requests per page",
        f"Load average (1/5/15 min) before measuring {result['load_average']['before']}, "
        f"after {result['load_average']['after']}",
        "Rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()),
        "",
        table(
            [
                "page",
                "n",
                "p50 ms",
                "p95 ms",
                "max ms",
                "p95/trivial",
                "p95/healthz",
                "queries",
                "SQL ms",
                "target",
                "result",
            ],
            rows,
        ),
        "",
        "queries and SQL ms: one request per page (its first URL), CaptureQueriesContext plus an execute wrapper.",
        "p95/healthz: against /healthz/ of the same run (no session, no template; a reference, not the target).",
        "",
        f"Snapshot refresh (services.refresh): {r['runs']} runs {r['times_ms']} ms (the first in a cold process); "
        f"the last: {r['queries']} queries, SQL {r['sql_ms']:.0f} ms, Python {r['python_ms']:.0f} ms; "
        f"snapshot {r['snapshot_bytes']:,} bytes",
        f"Tick job {t['job']}: first tick of the day {t['first_tick_of_day_ms']:.0f} ms ({t['first_tick_result']}); "
        f"a later tick the same day {t['later_tick_ms']:.1f} ms ({t['later_tick_result']})",
    ]
    f = result["freshness"]
    lines.append(
        f"Freshness shown: cockpit (leader) {f['cockpit_leader_shows_time']} “{f['cockpit_leader_text']}”; "
        f"screen {f['screen_shows_time']} “{f['screen_text']}”; supervisor's page says it is personal "
        f"{f['cockpit_supervisor_says_personal']}"
    )
    if result.get("scope_check"):
        s = result["scope_check"]
        lines.append(
            f"Scope: {s['persona']} (a district's leader) is served the {s['snapshot']} snapshot: open tasks shown "
            f"{s['tasks_open_shown']:,}, in its own scope {s['tasks_open_in_own_scope']:,}"
        )
    for who, b in result["breakdown"].items():
        lines += ["", f"cockpit() for {who}: {b['cockpit_ms']:.0f} ms, {b['queries']} queries, "
                      f"SQL {b['sql_ms']:.0f} ms, Python {b['python_ms']:.0f} ms"]  # fmt: skip
        part_rows = [
            [name, f"{p['ms']:.1f}", p["queries"], f"{p['sql_ms']:.1f}", f"{p['python_ms']:.1f}",
             f"{p['sql_with_fetch_ms']:.1f}", f"{p['slowest'][0]['ms']:.1f}" if p["slowest"] else ""]
            for name, p in b["parts"].items()
        ]  # fmt: skip
        headers = ["metric", "ms", "queries", "SQL ms", "Python ms", "SQL+fetch ms (replayed)", "slowest SQL ms"]
        lines.append(table(headers, part_rows))
        if b["slowest"]:
            s = b["slowest"][0]
            sql = s["sql"] if len(s["sql"]) < 700 else s["sql"][:700] + " …"
            lines.append(f"  slowest statement {s['ms']:.1f} ms: {sql}")
            for plan_line in b["plan_of_slowest"][:16]:
                lines.append(f"      | {plan_line}")
    lines += ["", "Slowest SQL per page:"]
    for p in pages:
        q = figures[p.key]["queries"]
        if not q["slowest"]:
            lines.append(f"- {p.label}: no SQL")
            continue
        s = q["slowest"][0]
        sql = s["sql"] if len(s["sql"]) < 400 else s["sql"][:400] + " …"
        lines.append(f"- {p.label} ({q['url']}): {s['ms']:.1f} ms of {q['sql_ms']:.1f} ms SQL; {sql}")
    if any(p.profile for p in pages):
        lines.append("")
        for p in pages:
            lines += [f"--- profile: {p.label} ---", p.profile]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
