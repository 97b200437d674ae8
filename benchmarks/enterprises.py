"""``luoshi bench enterprises``: the enterprise registry and the case queue at a municipality's scale.

1. **Import.** Configures Django itself (database from ``--database-url``, production settings),
   migrates an empty database, creates the district (永川区), its 23 towns and streets
   (``luoshi/demo/data/yongchuan_divisions.json``) and a few departments, then writes a UTF-8 CSV
   of ``--rows`` valid enterprises (统一社会信用代码 from :func:`luoshi.codes.build_uscc` with
   distinct bodies, GB/T 4754 codes the catalogue knows, towns by name, one year's figures) and
   times :func:`luoshi.enterprises.importer.import_enterprises` end to end as SYSTEM: rows/s,
   tracemalloc's peak and the process's peak RSS. Then re-imports the same file with 1 % of
   the rows changed (the upsert path).
2. **Search.** Times ``/enterprises/`` in-process (Django's test client, full middleware stack)
   as a supervisor covering the district: a name fragment, a full 统一社会信用代码, a town with
   规上 only, and section C (制造业). The baseline is ``/help/`` (使用说明: signed in, the base
   layout rendered, nothing from the data); ``/healthz/`` (no session, no template) is measured
   beside it for reference. Both are measured again before the case queue.
3. **Case queue.** Writes ``--rows`` cases straight into the table (PostgreSQL COPY, SQLite
   executemany; most closed, a few thousand open per unit) and times ``/cases/queue/`` and
   ``/api/v1/cases/queue`` as one department's unit reporter, against the same baseline.

Prints p50/p95/max per page, the ratios of its p95 to ``/help/``'s and to ``/healthz/``'s,
PASS/MISS against 5× ``/help/`` and the slowest SQL of one request per page with its plan.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import time
import traceback
import tracemalloc
from datetime import timedelta
from pathlib import Path

from benchmarks.common import (
    DEFAULT_VAR_DIR,
    REPO_ROOT,
    BenchError,
    Database,
    Loader,
    configure_django,
    machine,
    parse_database,
    percentile,
    table,
)

WARMUP = 3
TARGET_RATIO = 5.0
UPSERT_SHARE = 0.01
OPEN_PER_UNIT = 3_000  # open cases per unit at 1,000,000 cases; fewer at a smaller scale
DEPARTMENTS = [
    ("重庆市永川区经济和信息化委员会", "区经信委"),
    ("重庆市永川区发展和改革委员会", "区发展改革委"),
    ("重庆市永川区商务委员会", "区商务委"),
    ("重庆市永川区科学技术局", "区科技局"),
    ("重庆市永川区市场监督管理局", "区市场监管局"),
    ("重庆市永川区税务局", "区税务局"),
    ("重庆市永川区人力资源和社会保障局", "区人力社保局"),
    ("重庆市永川区规划和自然资源局", "区规划自然资源局"),
    ("重庆市永川区住房和城乡建设委员会", "区住房城乡建委"),
    ("重庆市永川区生态环境局", "区生态环境局"),
]
# Name parts: a fragment of the middle list appears in about 1 in len(MIDDLE) names.
MIDDLE = [
    "长城", "华宇", "恒通", "金鼎", "瑞丰", "宏达", "鑫源", "博远", "中科", "新航", "德润", "汇能", "天成",
    "兴业", "永盛", "嘉禾", "安泰", "众诚", "联创", "光明", "海川", "盛世", "腾飞", "利民", "卓越", "巨力",
    "星辰", "蓝天", "绿源", "东方", "西部", "南山", "北辰", "凯旋", "精工", "远航", "宏图", "锦程", "万通",
]  # fmt: skip
TRADES = ["机械", "电子", "科技", "食品", "建材", "物流", "汽车配件", "新材料", "纺织", "化工", "医药", "商贸"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "制造有限公司"]
HEADER = ["统一社会信用代码", "企业名称", "行业代码", "所在镇街", "成立日期", "注册资本（万元）", "年度",
          "营业收入", "从业人员", "资产总额", "工业总产值"]  # fmt: skip
BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the code's alphabet without I, O, Z, S, V


class Page:
    def __init__(self, key: str, label: str, persona: str, urls: list[str], target: str):
        self.key, self.label, self.persona, self.urls, self.target = key, label, persona, urls, target
        self.samples: list[float] = []
        self.queries: dict = {}
        self.statuses: dict[int, int] = {}

    def figures(self, base_p95: float | None, healthz_p95: float | None = None) -> dict:
        p95 = percentile(self.samples, 95)
        ratio = p95 / base_p95 if base_p95 and self.target == "ratio" else None
        ratio_healthz = p95 / healthz_p95 if healthz_p95 and self.target == "ratio" else None
        verdict = "" if ratio is None else ("PASS" if ratio <= TARGET_RATIO else "MISS")
        return {
            "label": self.label,
            "persona": self.persona,
            "urls": self.urls,
            "samples": len(self.samples),
            "p50_ms": round(percentile(self.samples, 50), 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(self.samples), 2),
            "ratio_p95_to_trivial": None if ratio is None else round(ratio, 2),
            "ratio_p95_to_healthz": None if ratio_healthz is None else round(ratio_healthz, 2),
            "target": self.target,
            "verdict": verdict,
            "status_codes": {str(k): v for k, v in sorted(self.statuses.items())},
            "queries": self.queries,
        }


# --- small helpers ----------------------------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


class _ImportProgress:
    """The importer's ``progress(done, total)``: a line every 5 s, stages told apart."""

    def __init__(self, label: str):
        self.label, self.stage, self.last_done, self.shown = label, 0, -1, 0.0
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if done < self.last_done or (done == 0 and self.last_done < 0):
            self.stage += 1
            self.stage_started = time.perf_counter()
        self.last_done = done
        now = time.perf_counter()
        if now - self.shown >= 5 or (total and done == total):
            self.shown = now
            stage = "checking" if self.stage == 1 else "writing"
            of = f" / {total:,}" if total else ""
            rate = done / max(now - self.stage_started, 1e-9)
            print(f"  {self.label} {stage}: {done:,}{of} rows ({rate:,.0f} rows/s)", flush=True)


def _tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _cleanup(database: Database, paths: list[Path]) -> None:
    from django.db import connection

    for path in paths:
        path.unlink(missing_ok=True)
    try:
        if database.vendor == "sqlite":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database.sqlite_path}{suffix}").unlink(missing_ok=True)
        else:
            tables = _tables()
            if tables:
                with connection.cursor() as cursor:
                    names = ", ".join(connection.ops.quote_name(t) for t in tables)
                    cursor.execute("DROP TABLE IF EXISTS " + names + " CASCADE")
            connection.close()
        print("· generated data removed (use --keep to keep it)", flush=True)
    except Exception as exc:  # cleaning up must not hide the run's own outcome
        print(f"· could not remove the generated data: {exc}", file=sys.stderr)


# --- the world ------------------------------------------------------------------------------


def build_units():
    """The district, its 23 towns and streets, and a few departments, through the services."""
    from luoshi.core.actors import SYSTEM
    from luoshi.org.choices import UnitKind
    from luoshi.org.services import create_unit

    data = json.loads((REPO_ROOT / "luoshi" / "demo" / "data" / "yongchuan_divisions.json").read_text("utf-8"))
    district = data["district"]
    root = create_unit(
        SYSTEM, name=district["full_name"], short_name=district["name"], kind=UnitKind.GOVERNMENT,
        area_code=district["code"],
    )  # fmt: skip
    towns = [
        create_unit(SYSTEM, name=d["name"], kind=UnitKind.TOWN, parent=root, area_code=d["code"], sort_order=i)
        for i, d in enumerate(data["divisions"])
    ]
    departments = [
        create_unit(SYSTEM, name=name, short_name=short, kind=UnitKind.DEPARTMENT, parent=root, sort_order=100 + i)
        for i, (name, short) in enumerate(DEPARTMENTS)
    ]
    return root, towns, departments


def build_users(root, department):
    from luoshi.org.choices import Role
    from luoshi.org.models import RoleGrant, User

    supervisor = User.objects.create_user("bench_supervisor", full_name="督查员")
    reporter = User.objects.create_user("bench_reporter", full_name="联络员")
    RoleGrant.objects.create(user=supervisor, role=Role.SUPERVISOR, unit=root, include_subunits=True)
    RoleGrant.objects.create(user=reporter, role=Role.UNIT_REPORTER, unit=department, include_subunits=False)
    return supervisor, reporter


def industry_codes() -> list[str]:
    """4-digit codes the importer accepts, manufacturing (C) weighted like an industrial district."""
    from luoshi import codes
    from luoshi.codes.industries import _catalogue

    # The catalogue lists classes only for divisions 59 and 70; any other division accepts its
    # 4-digit classes on the strength of the division, so a few are made up for each.
    catalogue = _catalogue()
    details = [c for c in catalogue.details if len(c) == 4 and c.isdigit()]
    details += [
        d + tail for d in catalogue.divisions if d not in catalogue.complete_divisions for tail in ("11", "21", "90")
    ]
    accepted = []
    for code in details:
        try:
            codes.lookup(code)
        except Exception:  # noqa: S112 — only codes the catalogue resolves are used
            continue
        accepted.append(code)
    manufacturing = set(next(s for s in codes.sections() if s.code == "C").divisions)
    c = [x for x in accepted if x[:2] in manufacturing]
    other = [x for x in accepted if x[:2] not in manufacturing]
    return c * 3 + other  # about half the picks are 制造业


def uscc_of(i: int) -> str:
    from luoshi.codes import build_uscc

    body, n = [], i
    for _ in range(8):
        n, r = divmod(n, len(BODY_CHARS))
        body.append(BODY_CHARS[r])
    return build_uscc("".join(reversed(body)))


def write_csv(path: Path, rows: int, seed: int, towns: list[str], year: int) -> None:
    """The import file, generated from the seed."""
    rng = random.Random(seed)
    industries = industry_codes()
    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow(_row(rng, i, industries, towns, year))
    print(f"  wrote {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip


def _row(rng: random.Random, i: int, industries: list[str], towns: list[str], year: int) -> list:
    industry = rng.choice(industries)
    name = f"重庆{rng.choice(MIDDLE)}{rng.choice(TRADES)}{i}号{rng.choice(SUFFIXES)}"
    founded = f"{rng.randint(1995, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    big = rng.random() < 0.08
    revenue = rng.randint(2_000, 80_000) if big else rng.randint(10, 1_999)
    employees = rng.randint(100, 2_000) if big else rng.randint(1, 99)
    return [
        uscc_of(i), name, industry, rng.choice(towns), founded, rng.randint(10, 10_000), year,
        revenue, employees, revenue * rng.randint(1, 3), revenue,
    ]  # fmt: skip


def write_upsert_csv(source: Path, target: Path, rows: int, seed: int) -> int:
    """The same file with 1 % of the rows changed (revenue and name); returns how many."""
    rng = random.Random(seed + 7)
    changed_rows = set(rng.sample(range(rows), max(1, int(rows * UPSERT_SHARE))))
    with source.open(encoding="utf-8", newline="") as fin, target.open("w", encoding="utf-8", newline="") as fout:
        r, w = csv.reader(fin), csv.writer(fout)
        w.writerow(next(r))
        for i, row in enumerate(r):
            if i in changed_rows:
                row[1] = row[1] + "（更名）"
                row[7] = str(int(row[7]) + 1)
            w.writerow(row)
    return len(changed_rows)


def import_phase(path: Path, label: str, year: int, *, trace: bool) -> dict:
    from django.db import connection

    from luoshi.core.actors import SYSTEM
    from luoshi.enterprises.importer import import_enterprises

    rss_before = _maxrss_mb()
    if trace:
        tracemalloc.start()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    result = import_enterprises(SYSTEM, str(path), year=year, progress=_ImportProgress(label))
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    connection.close()
    if not result.ok:
        raise BenchError(f"导入失败：{result.error_count} 个错误，例如 {[str(e) for e in result.errors[:3]]}")
    out = {
        "file": path.name,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "seconds": round(seconds, 1),
        "importer_seconds": round(result.seconds, 1),
        "rows_per_second": round(result.rows / seconds),
        # This process's CPU time (not the PostgreSQL server's): rows per CPU second hold steady
        # when other work on the machine slows the wall clock.
        "cpu_seconds": round(cpu, 1),
        "rows_per_cpu_second": round(result.rows / cpu) if cpu > 0 else None,
        "tracemalloc_peak_mb": None if peak is None else round(peak, 1),
        "maxrss_before_mb": round(rss_before, 1),
        "maxrss_after_mb": round(_maxrss_mb(), 1),
    }
    print(f"· {label}: {result.rows:,} rows in {seconds:.1f} s = {out['rows_per_second']:,} rows/s "
          f"(created {result.created:,}, updated {result.updated:,}, unchanged {result.unchanged:,}); "
          f"tracemalloc peak {out['tracemalloc_peak_mb']} MB, maxrss {out['maxrss_after_mb']:.0f} MB",
          flush=True)  # fmt: skip
    return out


def generate_cases(rows: int, seed: int, units: list[int], enterprise_ids: tuple[int, int]) -> dict:
    """``rows`` cases straight into the table: most closed, a few thousand open per unit."""
    from django.utils import timezone

    from luoshi.cases.choices import CaseSource, CaseState
    from luoshi.cases.models import Case, CaseType

    rng = random.Random(seed + 3)
    case_type = CaseType.objects.create(name="政策咨询", first_response_workdays=1, resolution_workdays=10)
    loader = Loader()
    now = timezone.now()
    today = timezone.localdate()
    open_per_unit = max(50, min(OPEN_PER_UNIT, int(rows * 0.1 / len(units))))
    unassigned = min(2_000, rows // 100)
    n_open = open_per_unit * len(units)
    lo, hi = enterprise_ids
    sources = list(CaseSource.values)
    queue_states = [CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.SUSPENDED]
    counts: dict[str, int] = {}
    columns = [
        "id", "number", "case_type_id", "source", "enterprise_id", "title", "description", "submitted_at",
        "state", "unit_id", "accepted_at", "assigned_at", "first_response_at", "first_response_due",
        "resolution_due", "due_provisional", "suspended_on", "resolved_at", "resolution", "rating",
        "rating_comment", "reopen_count", "colour", "colour_reason",
    ]  # fmt: skip

    def gen():
        for i in range(rows):
            if i < n_open:
                state, unit = queue_states[i % 3] if i % 10 else CaseState.IN_PROGRESS, units[i % len(units)]
                age = rng.randint(0, 40)
            elif i < n_open + unassigned:
                state, unit, age = rng.choice([CaseState.SUBMITTED, CaseState.ACCEPTED]), None, rng.randint(0, 3)
            else:
                state = CaseState.FOLLOWED_UP if rng.random() < 0.6 else CaseState.RESOLVED
                unit, age = units[rng.randrange(len(units))], rng.randint(30, 1_500)
            counts[state] = counts.get(state, 0) + 1
            submitted = now - timedelta(days=age, minutes=rng.randint(0, 600))
            accepted = submitted + timedelta(hours=2) if state != CaseState.SUBMITTED else None
            assigned = submitted + timedelta(hours=5) if unit else None
            closed = state in (CaseState.RESOLVED, CaseState.FOLLOWED_UP)
            resolved = submitted + timedelta(days=rng.randint(1, 25)) if closed else None
            due = (submitted + timedelta(days=14)).date() if unit else None
            colour = "green"
            if not closed and due is not None:
                colour = "red" if due < today else ("yellow" if due <= today + timedelta(days=3) else "green")
            yield (
                i + 1, f"SQ{submitted:%Y%m%d}{i + 1:07d}", case_type.pk, sources[i % len(sources)],
                rng.randint(lo, hi) if i % 5 else None, f"诉求{i + 1}：{rng.choice(TRADES)}用地与融资协调",
                "企业反映的问题及诉求内容。", loader.dt(submitted), state, unit, loader.dt(accepted),
                loader.dt(assigned),
                loader.dt(assigned + timedelta(hours=20)) if assigned else None,
                loader.d((submitted + timedelta(days=1)).date()), loader.d(due), False,
                loader.d(today - timedelta(days=2)) if state == CaseState.SUSPENDED else None,
                loader.dt(resolved), "已办结。" if closed else "",
                rng.randint(3, 5) if state == CaseState.FOLLOWED_UP else None, "", 0, colour, "",
            )  # fmt: skip

    loader.load(Case, columns, gen(), total=rows, label="cases")
    loader.reset_sequences()
    return {"cases": rows, "open_per_unit": open_per_unit, "units": len(units), "by_state": counts}


# --- measuring --------------------------------------------------------------------------------


def _get(client, url: str, page: Page) -> float:
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST="testserver")
    _ = response.content
    elapsed = (time.perf_counter() - started) * 1000
    page.statuses[response.status_code] = page.statuses.get(response.status_code, 0) + 1
    if response.status_code != 200:
        raise BenchError(f"{page.label}：{url} 返回 {response.status_code}，基准测试中止。")
    return elapsed


def _explain(sql: str) -> list[str]:
    from django.db import DatabaseError, connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except DatabaseError as exc:
        return [f"(no plan: {exc})"]
    if connection.vendor == "postgresql":
        return [r[0] for r in rows]
    return [" " * (2 * (r[1] != 0)) + str(r[-1]) for r in rows]


def _capture(client, page: Page) -> None:
    """One request with its SQL (CaptureQueriesContext) and each statement's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        total = _get(client, page.urls[0], page)
    sqls = [q["sql"] for q in ctx.captured_queries]
    if len(times) != len(sqls):
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
    ranked = sorted(zip(times, sqls, strict=True), key=lambda q: -q[0])
    page.queries = {
        "url": page.urls[0],
        "count": len(sqls),
        "request_ms": round(total, 2),
        "sql_ms": round(sum(times), 2),
        "slowest": [{"ms": round(ms, 2), "sql": sql} for ms, sql in ranked[:3]],
        "plan_of_slowest": _explain(ranked[0][1]) if ranked else [],
    }


def measure(pages: list[Page], clients: dict, n: int, budget: float) -> None:
    for page in pages:
        client = clients[page.persona]
        warm = [_get(client, page.urls[i % len(page.urls)], page) for i in range(WARMUP)]
        count = n
        if min(warm) * n > budget * 1000:
            count = max(3, int(budget * 1000 / min(warm)))
        for i in range(count):
            page.samples.append(_get(client, page.urls[(WARMUP + i) % len(page.urls)], page))
        _capture(client, page)
        print(f"  {page.label}: {count} requests, p50 {percentile(page.samples, 50):.1f} ms, "
              f"p95 {percentile(page.samples, 95):.1f} ms", flush=True)  # fmt: skip


def baselines(suffix: str, persona: str, *, again: bool = False) -> tuple[Page, Page]:
    """``/help/``, the baseline the 5× target is judged against, and ``/healthz/`` for reference."""
    note = ", again" if again else ""
    return (
        Page(f"trivial{suffix}", f"/help/ (baseline{note})", persona, ["/help/"], "baseline"),
        Page(f"healthz{suffix}", f"/healthz/ (reference{note})", persona, ["/healthz/"], "reference"),
    )


def search_pages(rng: random.Random, n: int, towns: list[int]) -> list[Page]:
    from luoshi.enterprises.models import Enterprise

    ids = list(Enterprise.objects.order_by("?").values_list("uscc", flat=True)[: n + WARMUP])
    return [
        Page("search_name", "/enterprises/?q=<name fragment>", "supervisor",
             [f"/enterprises/?q={rng.choice(MIDDLE)}{rng.choice(TRADES)}" for _ in range(n + WARMUP)], "ratio"),
        Page("search_uscc", "/enterprises/?q=<full USCC>", "supervisor",
             [f"/enterprises/?q={u}" for u in ids], "ratio"),
        Page("search_town", "/enterprises/?town=<id>&above_scale=on", "supervisor",
             [f"/enterprises/?town={rng.choice(towns)}&above_scale=on" for _ in range(n + WARMUP)], "ratio"),
        Page("search_industry", "/enterprises/?industry=C", "supervisor", ["/enterprises/?industry=C"], "ratio"),
    ]  # fmt: skip


def case_pages() -> list[Page]:
    return [
        Page("queue_page", "/cases/queue/ (unit reporter)", "reporter", ["/cases/queue/"], "ratio"),
        Page("queue_api", "/api/v1/cases/queue (unit reporter)", "reporter", ["/api/v1/cases/queue"], "ratio"),
    ]


def report_text(result: dict) -> str:
    lines = []
    m = result["machine"]
    lines.append(f"{result['rows']:,} rows on {m['database']}, {m['cpus']} CPUs ({m['cpu_model']}), "
                 f"Python {m['python']}, Django {m['django']}, seed {result['seed']}")  # fmt: skip
    rows = []
    for key in ("import", "upsert"):
        f = result.get(key)
        if f:
            rows.append([key, f"{f['rows']:,}", f"{f['seconds']:.1f}", f"{f['rows_per_second']:,}",
                         f"{f['created']:,}", f"{f['updated']:,}", f"{f['tracemalloc_peak_mb']}",
                         f"{f['maxrss_after_mb']:.0f}"])  # fmt: skip
    lines.append(table(["import", "rows", "s", "rows/s", "created", "updated", "tracemalloc MB", "maxrss MB"], rows))
    lines.append("")
    rows = []
    for f in result.get("pages", {}).values():
        ratio, ratio_healthz = f["ratio_p95_to_trivial"], f.get("ratio_p95_to_healthz")
        rows.append([f["label"], f["samples"], f"{f['p50_ms']:.2f}", f"{f['p95_ms']:.2f}", f"{f['max_ms']:.2f}",
                     f"{ratio:.1f}×" if ratio is not None else "",
                     f"{ratio_healthz:.1f}×" if ratio_healthz is not None else "", f["queries"].get("count", ""),
                     f"{f['queries'].get('sql_ms', 0):.1f}", f["verdict"] or f.get("target", "baseline")])  # fmt: skip
    headers = ["page", "n", "p50 ms", "p95 ms", "max ms", "p95 / help p95", "p95 / healthz p95", "queries", "SQL ms",
               "≤5× help"]  # fmt: skip
    lines.append(table(headers, rows))
    lines.append("")
    lines.append("Slowest SQL of one request per page:")
    for f in result.get("pages", {}).values():
        q = f["queries"]
        if not q.get("slowest"):
            continue
        s = q["slowest"][0]
        sql = s["sql"] if len(s["sql"]) < 500 else s["sql"][:500] + " …"
        lines.append(f"- {f['label']} ({q['url']}): {s['ms']:.1f} ms of {q['sql_ms']:.1f} ms SQL")
        lines.append(f"    {sql}")
        for plan_line in q["plan_of_slowest"][:12]:
            lines.append(f"      | {plan_line}")
    return "\n".join(lines)


# --- the command --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luoshi bench enterprises",
        description="企业名录性能基准：导入N家企业（CSV）、再导入1%变更，测量企业查询页和单位诉求待办队列。",
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="企业数和诉求数（默认 1,000,000）")
    parser.add_argument("--database-url", help="数据库地址；默认在 var/bench/ 下新建 SQLite 文件；PostgreSQL 库须为空")
    parser.add_argument("--requests", type=int, default=50, help="每个页面的计时请求数（默认 50）")
    parser.add_argument("--seed", type=int, default=20250102, help="随机种子（默认 20250102）")
    parser.add_argument("--json", type=Path, help="把测量结果写入此 JSON 文件")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="工作目录（默认 var/bench）")
    parser.add_argument("--keep", action="store_true", help="保留生成的数据和CSV文件")
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="两次导入都不开 tracemalloc（其开销会拉低速度；峰值内存仍以 maxrss 报告）",
    )
    parser.add_argument("--budget", type=float, default=120, help="每个页面计时的时间预算（秒，默认 120）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rows < 1_000 or args.requests < 1:
        print("--rows 至少 1000，--requests 至少 1。", file=sys.stderr)
        return 2
    try:
        return _run(args)
    except BenchError as exc:
        print(f"\n错误：{exc}", file=sys.stderr)
        return 1


def _write_json(path: Path | None, result: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"· figures written to {path}", flush=True)


def _run(args) -> int:
    var_dir = args.var_dir.resolve()
    if args.database_url is None:
        path = var_dir / f"enterprises-{args.rows}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = Database(f"sqlite:///{path}", "sqlite", path)
    else:
        database = parse_database(args.database_url)
    configure_django(database, var_dir)

    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.test import Client
    from django.utils import timezone

    print(f"luoshi bench enterprises — {args.rows:,} rows, {database.label}, seed {args.seed}", flush=True)
    try:
        existing = _tables()
    except OperationalError as exc:
        raise BenchError(f"无法连接数据库：{exc}") from exc
    if existing:
        raise BenchError(f"数据库不是空的（已有 {len(existing)} 张表）：请换一个空数据库。")
    result: dict = {"rows": args.rows, "seed": args.seed, "database": database.vendor, "phases_s": {}}
    phases = result["phases_s"]
    csv_path = var_dir / f"enterprises-{database.vendor}-{os.getpid()}-{args.rows}.csv"
    upsert_path = var_dir / f"enterprises-{database.vendor}-{os.getpid()}-{args.rows}-upsert.csv"
    try:
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        root, towns, departments = build_units()
        supervisor, reporter = build_users(root, departments[0])
        phases["setup (migrate, collectstatic, units, users)"] = round(time.perf_counter() - t0, 1)
        print(f"· setup: {phases['setup (migrate, collectstatic, units, users)']} s", flush=True)
        result["machine"] = machine()
        result["load_average_start"] = _load()
        year = timezone.localdate().year - 1

        t0 = time.perf_counter()
        write_csv(csv_path, args.rows, args.seed, [t.name for t in towns], year)
        phases["write CSV"] = round(time.perf_counter() - t0, 1)

        t0 = time.perf_counter()
        result["import"] = import_phase(csv_path, "import", year, trace=not args.no_tracemalloc)
        phases["import"] = round(time.perf_counter() - t0, 1)

        t0 = time.perf_counter()
        result["upsert_rows_changed_in_file"] = write_upsert_csv(csv_path, upsert_path, args.rows, args.seed)
        result["upsert"] = import_phase(upsert_path, "upsert (1% changed)", year, trace=not args.no_tracemalloc)
        phases["upsert (incl. writing its CSV)"] = round(time.perf_counter() - t0, 1)

        t0 = time.perf_counter()
        _analyze()
        phases["VACUUM ANALYZE after import"] = round(time.perf_counter() - t0, 1)

        from luoshi.enterprises.models import Enterprise

        bounds = (Enterprise.objects.order_by("id").values_list("id", flat=True).first(),
                  Enterprise.objects.order_by("-id").values_list("id", flat=True).first())  # fmt: skip
        clients = {}
        for persona, user in (("supervisor", supervisor), ("reporter", reporter)):
            client = Client(HTTP_HOST="testserver")
            client.force_login(user)
            clients[persona] = client
        rng = random.Random(args.seed + 1)
        result["pages"] = {}
        connection.close()

        t0 = time.perf_counter()
        print(f"· measuring search: {args.requests} requests per page after {WARMUP} warm-up", flush=True)
        help_page, healthz = baselines("", "supervisor")
        pages = [healthz, help_page, *search_pages(rng, args.requests, [t.pk for t in towns])]
        measure(pages, clients, args.requests, args.budget)
        base_p95, healthz_p95 = percentile(help_page.samples, 95), percentile(healthz.samples, 95)
        result["pages"].update({p.key: p.figures(base_p95, healthz_p95) for p in pages})
        phases["search measurement"] = round(time.perf_counter() - t0, 1)
        _write_json(args.json, result)  # the figures so far, should the next phase not finish

        t0 = time.perf_counter()
        result["cases"] = generate_cases(args.rows, args.seed, [u.pk for u in departments + towns], bounds)
        _analyze()
        phases["generate cases"] = round(time.perf_counter() - t0, 1)
        connection.close()

        t0 = time.perf_counter()
        print(f"· measuring the case queue: {args.requests} requests per page", flush=True)
        help_page, healthz = baselines("_2", "reporter", again=True)
        pages = [healthz, help_page, *case_pages()]
        measure(pages, clients, args.requests, args.budget)
        base_p95, healthz_p95 = percentile(help_page.samples, 95), percentile(healthz.samples, 95)
        result["pages"].update({p.key: p.figures(base_p95, healthz_p95) for p in pages})
        phases["queue measurement"] = round(time.perf_counter() - t0, 1)
        result["load_average_end"] = _load()
        print()
        print(report_text(result))
        print("phases (s): " + ", ".join(f"{k} {v}" for k, v in phases.items()))
        print(f"load average start {result['load_average_start']}, end {result['load_average_end']}")
        _write_json(args.json, result)
        return 0
    except BenchError:
        _write_json(args.json, result)
        raise
    except Exception:
        traceback.print_exc()
        _write_json(args.json, result)
        raise BenchError("基准测试意外中止（见上面的错误）。") from None
    finally:
        if not args.keep:
            _cleanup(database, [csv_path, upsert_path])


if __name__ == "__main__":
    sys.exit(main())
