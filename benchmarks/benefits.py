"""``luoshi bench benefits``: matching, approvals and 免申即享 at a district's and a municipality's scale.

1. Configures Django itself (SQLite file or PostgreSQL database, production settings, background
   tasks run immediately: ``LUOSHI_TASKS=immediate``; e-mail through Django's dummy backend),
   migrates an empty database and generates, with a fixed seed, an enterprise registry in the
   shape of ``luoshi bench rules`` (:func:`benchmarks.rules.generate`: industries, the 23 towns and
   streets of 永川区, founding dates, chains, sizes, 规上, six tags, two years of figures), 85 % of
   the figures verified; enterprise users (one per ``USERS_PER`` enterprises, each with a unit of
   kind 企业 and a 企业用户 grant on it, with an e-mail address) and commissioners (one per
   ``COMMISSIONER_LOAD`` 规上 enterprises); a policy library whose clauses use the rule texts of
   :data:`benchmarks.rules.RULES` and the amount formulas of the demo, ``--open`` of them matchable
   (published, document in force, window not closed), 10 % of those 免申即享.
   Rows are written straight into the tables (PostgreSQL COPY, SQLite executemany).
2. Measures, in this order (each optional with ``--phases``):

   - ``clause``: one clause (the demo's 研发投入补助) against every enterprise with
     :func:`luoshi.benefits.matching.match_clause`: first with ``announce=False`` on no stored
     matches, then (its matches deleted) with ``announce=True``, then again (the steady state: every
     match already stored); each split into load_base, batch (verdicts and amounts), judge (the
     explained gap of every near miss), store and announce. Baselines: one raw read of the
     enterprise table's columns, the loader matching uses (:func:`luoshi.benefits.loading.load_columns`)
     alone, and the registry's ORM loader (:func:`luoshi.enterprises.facts.load_base`) once.
   - ``rebuild``: :func:`luoshi.benefits.matching.rebuild` over the open clauses, twice: cold (no
     stored matches: every match written, every newly eligible enterprise told, every 免申即享 clause
     offered) and nightly (nothing changed). With ``--rebuild-sample N`` only N open clauses are
     matched with ``match_clause`` and the figure is *extrapolated* to all open clauses (said so in
     the output and the JSON).
   - ``enterprise``: one enterprise re-matched against every open clause with
     :func:`luoshi.benefits.matching.match_enterprise` (announce on, as the task runs it), for
     ``--samples`` random enterprises after one untimed call each (so that their matches are stored
     and the timed call is a re-match); p50/p95. Baseline: loading that enterprise's row through
     the ORM, timed the same way in the same loop.
   - ``approvals``: ``--approvals`` applications in 复审 approved by ``--threads`` threads at once
     through :func:`luoshi.benefits.services.review` (``"approve"``) against a budget that covers
     about three quarters of them; successes, refusals (``budget_exhausted``) and errors counted and
     the budget checked to the fen (reserved = Σ reserve entries = Σ approved amounts ≤ total, every
     refused amount larger than what is left).
   - ``e2e``: a 免申即享 clause created and published with
     :func:`luoshi.policies.services.create_clause`: its ``clause_changed`` signal enqueues the
     matching task after commit, which the immediate backend runs at once, in the same call:
     matches stored, applications offered to eligible enterprises with verified figures, their
     users and commissioners notified (:func:`luoshi.notices.services.notify_many`, e-mail bookkeeping
     included). The call is timed end to end and split as above; then every count is checked
     against an independent computation from the generated data (eligible set, applications,
     amounts to the fen, notices). Target ≤ 60 s (printed PASS/MISS, never asserted).

Targets print as PASS/MISS; nothing is asserted. ``--json`` prints exactly one JSON object on
stdout (progress goes to stderr); ``--json FILE`` writes it to FILE.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

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

SEED = 20250102
E2E_TARGET_S = 60.0
USERS_PER = 20  # one enterprise user per 20 enterprises
COMMISSIONER_LOAD = 40  # 规上 enterprises served by one commissioner
VERIFIED_SHARE = 0.85  # figures confirmed by the statistics or tax office
AUTOMATIC_SHARE = 0.10  # of the clauses, 免申即享
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/luoshi_bench_benefits"
PHASES = ("clause", "rebuild", "enterprise", "approvals", "e2e")
YUAN = Decimal("0.01")

# The clause the single-clause phase measures: the demo's 研发投入补助.
CLAUSE_RULE = "industry in C and revenue >= 2000万元 and rd_ratio >= 3%"
CLAUSE_AMOUNT = "min(rd_expense * 10%, 50万元)"
# The 免申即享 clause published end to end: the demo's 首次升规工业企业奖励, with an amount that
# depends on the figures so that it can be checked to the fen.
E2E_RULE = "industry in [B, C, D] and revenue >= 2000万元 and revenue[-1] < 2000万元"
E2E_AMOUNT = "min(revenue * 0.35%, 20万元)"
# Amount formulas of the demo's clauses, given to the generated clauses in turn.
AMOUNTS = [
    "50万元",
    "10万元",
    "min(rd_expense * 10%, 50万元)",
    "20万元",
    "min((revenue - revenue[-1]) * 1%, 30万元)",
    "min(revenue * 0.05%, 20万元)",
    "min(revenue * 0.2%, 100万元)",
    "5万元",
]
DEPARTMENTS = [
    ("重庆市永川区经济和信息化委员会", "区经信委"),
    ("重庆市永川区科学技术局", "区科技局"),
    ("重庆市永川区商务委员会", "区商务委"),
    ("重庆市永川区财政局", "区财政局"),
    ("重庆市永川区人力资源和社会保障局", "区人力社保局"),
    ("重庆市永川区农业农村委员会", "区农业农村委"),
    ("重庆市永川区住房和城乡建设委员会", "区住房城乡建委"),
    ("重庆市永川区发展和改革委员会", "区发展改革委"),
]


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    clauses: int  # DESIGN.md §4
    open_clauses: int  # matchable: published, document in force, window not closed (40 %)
    approvals: int
    rebuild_sample: int  # 0: the real rebuild; N: N clauses timed, the rest extrapolated


SCALES = {
    "district": Scale("district", 30_000, 500, 200, 2_000, 0),
    "municipality": Scale("municipality", 1_000_000, 10_000, 4_000, 5_000, 3),
}


def log(*parts) -> None:
    print(*parts, flush=True)


# --- the generated world ------------------------------------------------------------------------


class World:
    """Everything generated, kept for the independent checks after the product has run."""

    def __init__(self, n: int, n_clauses: int, n_open: int, seed: int, today: date):
        from benchmarks import rules as gen

        self.n, self.seed, self.today = n, seed, today
        self.year = today.year - 1  # the figure year a clause without one reads
        self.rng = random.Random(seed)
        self.data = gen.generate(n, seed)
        c = self.data.cols
        # The generator's figure year is 2024; move founding dates so that ages relative to today
        # look the same, and keep none in the future.
        shift = (date(self.year, 1, 1) - date(gen.FIGURE_YEAR, 1, 1)).days
        c["founded"] = np.minimum(c["founded"] + np.timedelta64(shift, "D"), np.datetime64(today))
        nrng = np.random.default_rng(seed + 11)
        self.verified = nrng.random(n) < VERIFIED_SHARE
        self.verified_prev = nrng.random(n) < VERIFIED_SHARE
        self.ids = np.arange(1, n + 1, dtype=np.int64)  # enterprise id of row i is i + 1
        self.n_clauses, self.n_open = n_clauses, n_open
        self.users_of: dict[int, list[int]] = defaultdict(list)  # enterprise id → user ids (users + commissioner)

    # the kernel's view of the generated rows, without the database in between

    def columns(self) -> dict:
        from benchmarks import rules as gen

        cols = gen.luoshi_columns(self.data)
        out = {}
        for key, values in cols.items():
            if "@" in key:
                name, year = key.split("@")
                key = f"{name}@{self.year - (gen.FIGURE_YEAR - int(year))}"
            out[key] = values
        return out


def _defaults(model, given: list[str], now) -> tuple[list[str], tuple]:
    """The model's other concrete columns with their defaults, so that a field added later with a
    default does not break the loader; a required field without one stops the run."""
    from django.db.models import NOT_PROVIDED

    extra, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = now
        elif field.default is not NOT_PROVIDED:
            value = field.get_default()
            if isinstance(value, dict | list):
                value = json.dumps(value)
            elif isinstance(value, Decimal):
                value = str(value)
        elif field.null:
            value = None
        elif field.get_internal_type() in ("CharField", "TextField") or field.blank:
            value = ""
        else:
            raise BenchError(f"{model.__name__}.{field.name} 没有默认值，基准测试的生成器需要更新。")
        extra.append(field.attname)
        values.append(value)
    return extra, tuple(values)


def _load(loader: Loader, model, columns: list[str], rows, *, total=None, label="") -> int:
    extra, tail = _defaults(model, columns, loader.dt(datetime.now(UTC)))
    return loader.load(model, columns + extra, (row + tail for row in rows), total=total, label=label)


def generate(world: World) -> dict:
    """Units, users, grants, the registry, figures, tags, commissioners and the policy library."""
    from django.contrib.auth.hashers import make_password

    from benchmarks import rules as gen
    from benchmarks.enterprises import MIDDLE, SUFFIXES, TRADES, uscc_of
    from luoshi.core.tree import child_path, depth_of
    from luoshi.enterprises.models import ChainNode, CommissionerAssignment, Enterprise, EnterpriseTag, YearFigure
    from luoshi.org.choices import Role, UnitKind
    from luoshi.org.models import RoleGrant, Unit, User

    n, c, rng, today = world.n, world.data.cols, world.rng, world.today
    loader = Loader()
    now = datetime.now(UTC)
    timings = {}
    t0 = time.perf_counter()

    # units: the district, its 23 towns and streets, departments, one unit per enterprise with users
    units = []  # (id, name, short, kind, parent, path)
    root_path = child_path(None, 1)
    units.append((1, "重庆市永川区", "永川区", UnitKind.GOVERNMENT, None, root_path))
    town_of_code = {}
    for code, name, _kind in gen.streets():
        uid = len(units) + 1
        units.append((uid, name, "", UnitKind.TOWN, 1, child_path(root_path, uid)))
        town_of_code[code] = uid
    world.departments = []
    for name, short in DEPARTMENTS:
        uid = len(units) + 1
        units.append((uid, name, short, UnitKind.DEPARTMENT, 1, child_path(root_path, uid)))
        world.departments.append(uid)
    town_path = {u[0]: u[5] for u in units}
    street_codes = np.array(sorted(town_of_code))
    town_ids = np.array([town_of_code[code] for code in street_codes])[np.searchsorted(street_codes, c["street"])]

    with_user = np.sort(np.array(rng.sample(range(n), n // USERS_PER), dtype=np.int64))
    unit_of = {}  # row → unit id
    names = [
        f"重庆{MIDDLE[i % len(MIDDLE)]}{TRADES[(i // 7) % len(TRADES)]}{i + 1}号{SUFFIXES[i % len(SUFFIXES)]}"
        for i in range(n)
    ]
    for i in with_user.tolist():
        uid = len(units) + 1
        town = int(town_ids[i])
        units.append((uid, names[i], "", UnitKind.ENTERPRISE, town, child_path(town_path[town], uid)))
        unit_of[i] = uid
    _load(
        loader,
        Unit,
        ["id", "name", "short_name", "kind", "parent_id", "path", "depth", "sort_order", "is_active"],
        (
            (uid, name, short, kind, parent, path, depth_of(path), 0, True)
            for uid, name, short, kind, parent, path in units
        ),
        total=len(units),
        label="units",
    )

    # users: a reviewer per department, an administrator, enterprise users, commissioners
    password = make_password("bench-benefits")  # one hash for every account: they never log in
    users, grants = [], []
    joined = loader.dt(now - timedelta(days=400))

    def user(username, full, email=""):
        uid = len(users) + 1
        users.append((uid, password, False, username, "", "", email, False, True, joined, full))
        return uid

    def grant(uid, role, unit, sub=False):
        grants.append((len(grants) + 1, uid, role, unit, sub, joined))

    world.admin = user("bench_admin", "管理员")
    grant(world.admin, Role.ADMIN, 1, True)
    world.reviewers = {}
    for k, dept in enumerate(world.departments):
        uid = user(f"reviewer{k + 1}", f"审核员{k + 1}")
        grant(uid, Role.REVIEWER, dept)
        world.reviewers[dept] = uid
    for i, unit in unit_of.items():
        uid = user(f"e{i + 1}", f"企业用户{i + 1}", f"e{i + 1}@bench.invalid")
        grant(uid, Role.ENTERPRISE_USER, unit)
        world.users_of[i + 1].append(uid)
    above = np.flatnonzero(c["above_scale"])
    served = above[np.array([rng.random() < 0.9 for _ in range(len(above))], dtype=bool)] if len(above) else above
    assignments = []
    commissioner = None
    for k, i in enumerate(served.tolist()):
        if k % COMMISSIONER_LOAD == 0:
            commissioner = user(
                f"c{k // COMMISSIONER_LOAD + 1}",
                f"服务专员{k // COMMISSIONER_LOAD + 1}",
                f"c{k // COMMISSIONER_LOAD + 1}@bench.invalid",
            )
            grant(commissioner, Role.COMMISSIONER, 1, True)
        assignments.append((len(assignments) + 1, i + 1, commissioner, loader.d(today - timedelta(days=200))))
        world.users_of[i + 1].append(commissioner)
    _load(
        loader,
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "full_name",
        ],
        iter(users),
        total=len(users),
        label="users",
    )
    _load(
        loader,
        RoleGrant,
        ["id", "user_id", "role", "unit_id", "include_subunits", "granted_at"],
        iter(grants),
        total=len(grants),
        label="role grants",
    )

    # the registry
    _load(
        loader,
        ChainNode,
        ["id", "name", "parent_id", "sort_order"],
        ((k + 1, name, None, k) for k, name in enumerate(gen.CHAINS)),
        label="chains",
    )
    tag_names = list(gen.TAGS.values())
    _load(
        loader,
        EnterpriseTag,
        ["id", "name", "sort_order"],
        ((k + 1, name, k) for k, name in enumerate(tag_names)),
        label="tags",
    )
    industry_name = {code: name for code, name, _ in gen.INDUSTRIES}
    founded = np.datetime_as_string(c["founded"], unit="D").tolist()
    industry = c["industry"].tolist()
    chain = c["chain"].tolist()
    size = c["size"].tolist()
    above_list = c["above_scale"].tolist()
    towns_list = town_ids.tolist()
    created = loader.dt(now - timedelta(days=30))

    def enterprise_rows():
        for i in range(n):
            yield (
                i + 1,
                uscc_of(i),
                names[i],
                f"{industry[i]:04d}",
                industry_name[industry[i]],
                towns_list[i],
                unit_of.get(i),
                founded[i],
                chain[i] + 1 if chain[i] >= 0 else None,
                gen.SIZES[size[i]] if size[i] >= 0 else "",
                bool(above_list[i]),
                created,
            )

    _load(
        loader,
        Enterprise,
        [
            "id",
            "uscc",
            "name",
            "industry_code",
            "industry_name",
            "town_id",
            "unit_id",
            "founded_on",
            "chain_id",
            "size_class",
            "above_scale",
            "created_at",
        ],
        enterprise_rows(),
        total=n,
        label="enterprises",
    )

    def tag_rows():
        k = 0
        for t, attr in enumerate(gen.TAGS):
            for i in np.flatnonzero(c[attr]).tolist():
                k += 1
                yield (k, i + 1, t + 1)

    _load(
        loader,
        Enterprise.tags.through,
        ["id", "enterprise_id", "enterprisetag_id"],
        tag_rows(),
        label="enterprise tags",
    )

    figure_names = gen.FIGURES
    this = {name: np.where(np.isnan(c[name]), None, c[name]).tolist() for name in figure_names}
    prev = {name: np.where(np.isnan(c[f"{name}_prev"]), None, c[f"{name}_prev"]).tolist() for name in figure_names}
    for values in (this, prev):
        values["employees"] = [None if v is None else int(v) for v in values["employees"]]
    verified, verified_prev = world.verified.tolist(), world.verified_prev.tolist()

    def figure_rows():
        k = 0
        for i in range(n):
            for year, values, ok in ((world.year, this, verified[i]), (world.year - 1, prev, verified_prev[i])):
                row = [values[name][i] for name in figure_names]
                if all(v is None for v in row):
                    continue  # founded during the figure year: nothing for the year before
                k += 1
                source = ("statistics" if above_list[i] else "tax") if ok else "self"
                yield (k, i + 1, year, *row, source, ok)

    _load(
        loader,
        YearFigure,
        ["id", "enterprise_id", "year", *figure_names, "source", "verified"],
        figure_rows(),
        total=2 * n,
        label="year figures",
    )
    _load(
        loader,
        CommissionerAssignment,
        ["id", "enterprise_id", "commissioner_id", "started_on"],
        iter(assignments),
        total=len(assignments),
        label="commissioner assignments",
    )
    timings["registry and people"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    library = build_library(world)
    timings["policy library"] = round(time.perf_counter() - t0, 1)
    loader.reset_sequences()
    world.counts = {
        "enterprises": n,
        "year figures": YearFigure.objects.count(),
        "enterprise tags": Enterprise.tags.through.objects.count(),
        "units": len(units),
        "users": len(users),
        "enterprise users": len(unit_of),
        "commissioners": len({a[2] for a in assignments}),
        "commissioner assignments": len(assignments),
        "role grants": len(grants),
        **library,
    }
    return timings


def build_library(world: World) -> dict:
    """Documents of five clauses each; ``n_open`` clauses matchable, the others closed, drafts,
    withdrawn or in expired documents. Clause 0 is the measured 研发投入补助, clause 1 takes the
    approvals."""
    from benchmarks import rules as gen
    from luoshi import rules
    from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, Mode, WindowKind
    from luoshi.policies.models import Clause, PolicyDocument

    rng, today = random.Random(world.seed + 5), world.today
    sentences: dict[tuple[str, str], str] = {}

    def sentence(text: str, kind: str) -> str:
        if (text, kind) not in sentences:
            sentences[text, kind] = rules.parse(text, kind=kind).render()
        return sentences[text, kind]

    specs = []  # (state, spec)
    kinds = ["closed"] * 50 + ["draft"] * 20 + ["withdrawn"] * 15 + ["expired"] * 15
    open_at = set(rng.sample(range(2, world.n_clauses), max(0, world.n_open - 2))) | {0, 1}
    for i in range(world.n_clauses):
        rule = gen.RULES[i % len(gen.RULES)]
        spec = {
            "title": rule.title.split("：")[0] + f"（{i + 1}）",
            "rule": rule.luoshi,
            "amount_formula": AMOUNTS[i % len(AMOUNTS)],
            "mode": Mode.AUTOMATIC if rng.random() < AUTOMATIC_SHARE else Mode.APPLY,
            "benefit_type": rng.choice([BenefitType.REWARD, BenefitType.SUBSIDY, BenefitType.INTEREST]),
            "status": ClauseStatus.PUBLISHED,
            "budget": Decimal(rng.randint(10, 3000) * 10_000),
            "department": world.departments[i % len(world.departments)],
        }
        if i == 0:
            spec.update(title="研发投入补助", rule=CLAUSE_RULE, amount_formula=CLAUSE_AMOUNT, mode=Mode.APPLY)
        if i == 1:
            spec.update(title="复审批量核定（基准）", mode=Mode.APPLY, department=world.departments[0])
        state = "open" if i in open_at else rng.choice(kinds)
        r = rng.random()
        if state == "open" and (r < 0.3 or spec["mode"] == Mode.AUTOMATIC):
            spec.update(window_kind=WindowKind.ROLLING, opens_on=None, closes_on=None)
        elif state == "open" and r < 0.9:
            opens = today - timedelta(days=rng.randint(1, 60))
            spec.update(
                window_kind=WindowKind.DATES, opens_on=opens, closes_on=today + timedelta(days=rng.randint(10, 120))
            )
        elif state == "open":  # not yet open, but matched already (enterprises see it coming)
            opens = today + timedelta(days=rng.randint(5, 60))
            spec.update(window_kind=WindowKind.DATES, opens_on=opens, closes_on=opens + timedelta(days=30))
        else:
            closes = today - timedelta(days=rng.randint(1, 300))
            spec.update(window_kind=WindowKind.DATES, opens_on=closes - timedelta(days=30), closes_on=closes)
            if state == "draft":
                spec["status"] = ClauseStatus.DRAFT
            elif state == "withdrawn":
                spec["status"] = ClauseStatus.WITHDRAWN
        specs.append((state, spec))

    documents, clauses = [], []
    by_state: dict[bool, list] = {True: [], False: []}
    for index, (state, spec) in enumerate(specs):
        by_state[state == "expired"].append((index, spec))
    order: dict[int, Clause] = {}
    for expired, group in by_state.items():
        for start in range(0, len(group), 5):
            k = len(documents) + 1
            issued = today - timedelta(days=rng.randint(60, 700))
            dept = group[start][1]["department"]
            doc = PolicyDocument(
                title=f"永川区支持企业高质量发展若干措施（第{k}号）",
                doc_number=f"永府发〔{issued.year}〕{k}号",
                issuer="重庆市永川区人民政府",
                issuer_unit_id=dept,
                level=Level.DISTRICT,
                status=DocumentStatus.PUBLISHED,
                published_on=issued,
                effective_on=issued,
                expires_on=(today - timedelta(days=rng.randint(1, 200))) if expired else None,
                summary="支持企业研发、升规、稳岗、外贸和产业链发展。",
            )
            if doc.expires_on is not None and doc.expires_on < doc.effective_on:
                doc.effective_on = doc.expires_on - timedelta(days=365)
            documents.append(doc)
            for position, (index, spec) in enumerate(group[start : start + 5], start=1):
                order[index] = Clause(
                    document=doc,
                    number=f"第{position}条",
                    position=position,
                    title=spec["title"],
                    benefit_type=spec["benefit_type"],
                    mode=spec["mode"],
                    department_id=spec["department"],
                    window_kind=spec["window_kind"],
                    opens_on=spec["opens_on"],
                    closes_on=spec["closes_on"],
                    budget=spec["budget"],
                    rule=spec["rule"],
                    amount_formula=spec["amount_formula"],
                    status=spec["status"],
                    rule_sentence=sentence(spec["rule"], "condition"),
                    amount_sentence=sentence(spec["amount_formula"], "amount")[:500],
                    text=f"符合条件的企业：{sentence(spec['rule'], 'condition')}",
                )
    PolicyDocument.objects.bulk_create(documents, batch_size=1000)
    for clause in order.values():
        clause.document_id = clause.document.pk
    clauses = [order[i] for i in range(len(specs))]
    Clause.objects.bulk_create(clauses, batch_size=1000)
    world.clause_ids = [c.pk for c in clauses]
    world.measured_clause, world.approval_clause = clauses[0].pk, clauses[1].pk
    world.e2e_document = next(d.pk for d in documents if d.expires_on is None)
    states = Counter(state for state, _ in specs)
    return {
        "policy documents": len(documents),
        "clauses": len(clauses),
        "clauses open": states["open"],
        "clauses open 免申即享": sum(1 for state, spec in specs if state == "open" and spec["mode"] == Mode.AUTOMATIC),
        "clauses closed window": states["closed"],
        "clauses draft": states["draft"],
        "clauses withdrawn": states["withdrawn"],
        "clauses in expired documents": states["expired"],
    }


# --- measuring --------------------------------------------------------------------------------

_SQL_VERB = re.compile(r"^\s*(\w+)", re.S)
_SQL_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.I)


class Probe:
    """Times named functions (wrapped in place while the probe is on) and tallies SQL by statement
    kind and table, through Django's execute wrapper on this thread's connection."""

    def __init__(self, targets: list[tuple[object, str, str]]):
        self.targets = targets
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()
        self.sql: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self._undo: list = []

    def _timed(self, fn, label):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def _execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            verb = _SQL_VERB.match(sql)
            where = _SQL_TABLE.search(sql[:2000])
            key = f"{verb.group(1).upper() if verb else '?'} {where.group(1) if where else ''}".strip()
            entry = self.sql[key]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    def __enter__(self):
        from django.db import connection

        for owner, name, label in self.targets:
            raw = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            setattr(owner, name, self._timed(getattr(owner, name), label))
            self._undo.append((owner, name, raw))
        self._wrapper = connection.execute_wrapper(self._execute)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        for owner, name, raw in reversed(self._undo):
            setattr(owner, name, raw)
        self._undo.clear()

    def figures(self, total: float, top: tuple[str, ...] = ()) -> dict:
        phases = {
            label: round(self.seconds.get(label, 0.0), 3)
            for label in dict.fromkeys(label for *_, label in self.targets)
        }
        if top:
            phases["other"] = round(total - sum(self.seconds.get(label, 0.0) for label in top), 3)
        ranked = sorted(self.sql.items(), key=lambda kv: -kv[1][1])
        return {
            "seconds": round(total, 3),
            "phases_s": phases,
            "calls": {label: self.calls.get(label, 0) for label in phases if label != "other"},
            "queries": sum(v[0] for v in self.sql.values()),
            "sql_s": round(sum(v[1] for v in self.sql.values()), 3),
            "sql_top": [{"statement": k, "count": v[0], "seconds": round(v[1], 3)} for k, v in ranked[:8]],
        }


def matching_probe(extra: list | None = None) -> Probe:
    from luoshi import rules
    from luoshi.benefits import matching, services

    return Probe(
        [
            (matching, "load_base", "load_base"),
            (rules.Table, "from_columns", "load_base: Table.from_columns"),
            (rules.Batch, "verdicts", "batch: verdicts"),
            (rules.Batch, "amounts", "batch: amounts"),
            (matching, "_judge", "judge"),
            (rules, "near_miss_gaps", "judge: near_miss_gaps"),
            (matching, "_store", "store"),
            (matching, "_write", "store: write"),
            (matching, "_announce", "announce"),
            (services, "offer_automatic", "announce: offer_automatic"),
            (matching, "recipients", "announce: recipients"),
            (matching, "notify_many", "announce: notify_many (match)"),
            (services, "notify_many", "announce: notify_many (offer)"),
            *(extra or []),
        ]
    )


TOP = ("load_base", "batch: verdicts", "batch: amounts", "judge", "store", "announce")


def _profile_text(profiler: cProfile.Profile, lines: int = 30) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def _run_probed(fn, probe: Probe, profile: bool, top=TOP) -> tuple[object, dict, str]:
    profiler = cProfile.Profile() if profile else None
    with probe:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            value = fn()
        finally:
            if profiler:
                profiler.disable()
        total = time.perf_counter() - started
    return value, probe.figures(total, top), _profile_text(profiler) if profiler else ""


def read_enterprises_once() -> float:
    """The baseline for one clause: the enterprise table's columns load_base reads, one raw query."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, industry_code, town_id, founded_on, chain_id, size_class, above_scale "
            "FROM enterprises_enterprise ORDER BY id"
        )
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    del rows
    return seconds


def phase_clause(world: World, args, result: dict) -> None:
    from luoshi import rules
    from luoshi.benefits import matching
    from luoshi.benefits.models import Match, MatchRun
    from luoshi.enterprises import facts
    from luoshi.policies.models import Clause

    clause = Clause.objects.get(pk=world.measured_clause)
    log(f"· one clause against all {world.n:,} enterprises: “{clause.title}” ({clause.rule})")
    out: dict = {"clause": clause.title, "rule": clause.rule, "amount_formula": clause.amount_formula}
    read_s = min(read_enterprises_once() for _ in range(2))
    ctx = matching.context_for(clause, world.today)
    loads = []
    for _ in range(2):
        started = time.perf_counter()
        base = matching.load_base(ctx)
        loads.append(time.perf_counter() - started)
        del base
    load_s = min(loads)
    started = time.perf_counter()
    base = facts.load_base(ctx)
    orm_s = time.perf_counter() - started
    del base
    out["baseline"] = {
        "read_enterprise_table_s": round(read_s, 3),
        "load_base_s": round(load_s, 3),
        "load_base_runs_s": [round(x, 3) for x in loads],
        "orm_load_base_s": round(orm_s, 3),
    }
    log(
        f"  baseline: raw read of the enterprise table {read_s:.2f} s, load_base (matching's loader) {load_s:.2f} s, "
        f"the registry's ORM load_base {orm_s:.2f} s"
    )

    runs = {}
    for key, announce, fresh in (
        ("fresh_no_announce", False, True),
        ("fresh_announce", True, True),
        ("rerun_announce", True, False),
    ):
        if fresh:
            Match.objects.filter(clause_id=clause.pk).delete()
            MatchRun.objects.filter(clause_id=clause.pk).delete()
        run, figures, profile = _run_probed(
            lambda announce=announce: matching.match_clause(clause, world.today, announce=announce),
            matching_probe(),
            args.profile and key != "fresh_no_announce",
        )
        figures.update(eligible=run.eligible, near_miss=run.near_miss, enterprises=run.enterprises)
        runs[key] = figures
        if profile:
            out[f"profile_{key}"] = profile
            log(profile)
        log(
            f"  match_clause announce={announce} ({'no stored matches' if fresh else 'all stored'}): "
            f"{figures['seconds']:.2f} s — eligible {run.eligible:,}, near miss {run.near_miss:,}; "
            + ", ".join(f"{k} {v:.2f}" for k, v in figures["phases_s"].items() if v)
        )
    out["runs"] = runs
    out["eligible"], out["near_miss"] = runs["rerun_announce"]["eligible"], runs["rerun_announce"]["near_miss"]
    out["ratio_to_load_base"] = round(runs["fresh_no_announce"]["seconds"] / load_s, 2) if load_s else None
    # Independent check: the kernel over the generated columns (no database in between).
    table_ = rules.Table.from_columns(world.columns(), ctx)
    codes = rules.compile_batch([rules.parse(clause.rule)]).verdicts(table_)[0]
    out["agree"] = _stored_agree(clause, world, codes, out["eligible"], out["near_miss"])
    log(f"  stored matches agree with the kernel over the generated columns: {out['agree']}")
    result["clause_match"] = out


def _match_sample(world: World, clauses: list, label: str) -> dict:
    """``match_clause`` on some open clauses, as rebuild runs it; the per-clause mean is extrapolated."""
    from luoshi.benefits import matching

    per = []
    probe = matching_probe()
    started = time.perf_counter()
    with probe:
        for clause in clauses:
            t0 = time.perf_counter()
            run = matching.match_clause(clause, world.today)
            per.append(
                {
                    "clause": clause.pk,
                    "rule": clause.rule,
                    "seconds": round(time.perf_counter() - t0, 2),
                    "eligible": run.eligible,
                    "near_miss": run.near_miss,
                }
            )
            log(
                f"  {label} clause {clause.pk}: {per[-1]['seconds']:.1f} s, eligible {run.eligible:,}, "
                f"near miss {run.near_miss:,} ({clause.rule})"
            )
    figures = probe.figures(time.perf_counter() - started, TOP)
    figures.update(sampled=per, per_clause_s=round(figures["seconds"] / max(len(clauses), 1), 3))
    return figures


def _stored_agree(clause, world: World, codes: np.ndarray, eligible: int, near_miss: int) -> bool:
    """The stored matches against the kernel run over the generated columns (no database in between):
    the eligible set exactly; near misses a subset of the kernel's (matching drops those whose only
    gaps are things an enterprise cannot change: industry, town, chain, age), counted as stored."""
    from luoshi.benefits.models import Match

    rows = dict(Match.objects.filter(clause=clause).values_list("enterprise_id", "verdict"))
    stored_eligible = {e for e, v in rows.items() if v == "eligible"}
    stored_near = {e for e, v in rows.items() if v == "near_miss"}
    kernel_near = set(world.ids[codes == 1].tolist())
    return (
        stored_eligible == set(world.ids[codes == 2].tolist())
        and stored_near <= kernel_near
        and (eligible, near_miss) == (len(stored_eligible), len(stored_near))
        and len(rows) == len(stored_eligible) + len(stored_near)
    )


def phase_rebuild(world: World, args, result: dict) -> None:
    from luoshi.benefits import matching
    from luoshi.benefits.models import Match

    open_clauses = list(matching.matchable(world.today))
    open_count = len(open_clauses)
    out: dict = {"open_clauses": open_count}
    rng = random.Random(world.seed + 9)
    matched = open_clauses
    for key, sample in (("cold", args.rebuild_sample), ("nightly", args.nightly_sample)):
        if sample < 0:
            log(f"· rebuild ({key}): skipped (see --nightly-sample)")
            continue
        stored = Match.objects.count()
        if sample == 0:
            log(
                f"· full rebuild ({key}): {open_count:,} open clauses × {world.n:,} enterprises "
                f"({stored:,} matches stored before)"
            )
            text, figures, profile = _run_probed(
                lambda: matching.rebuild(world.today), matching_probe(), args.profile and key == "nightly"
            )
            figures.update(result=text, per_clause_s=round(figures["seconds"] / max(open_count, 1), 3))
            figures["extrapolated"] = False
            if profile:
                out[f"profile_{key}"] = profile
                log(profile)
            log(
                f"  {figures['seconds']:.1f} s ({figures['per_clause_s']:.2f} s per clause): {text}; "
                + ", ".join(f"{k} {v:.1f}" for k, v in figures["phases_s"].items() if v)
            )
        else:
            picked = sorted(rng.sample(range(len(matched)), min(sample, len(matched))))
            clauses = [matched[i] for i in picked]
            log(
                f"· rebuild ({key}), SAMPLED: {len(clauses)} of {open_count:,} open clauses matched with "
                f"match_clause as rebuild does ({stored:,} matches stored before); the total is EXTRAPOLATED"
            )
            figures = _match_sample(world, clauses, key)
            figures["extrapolated"] = len(clauses) < open_count
            figures["extrapolated_total_s"] = round(figures["per_clause_s"] * open_count, 0)
            if key == "cold":
                matched = clauses  # only these have stored matches for a nightly re-run
            log(
                f"  mean {figures['per_clause_s']:.1f} s per clause → EXTRAPOLATED rebuild "
                f"{figures['extrapolated_total_s']:,.0f} s for {open_count:,} clauses; "
                + ", ".join(f"{k} {v:.1f}" for k, v in figures["phases_s"].items() if v)
            )
        figures["matches_after"] = Match.objects.count()
        out[key] = figures
    # What a rebuild would take if the base were loaded once instead of once per clause.
    cold = out.get("cold")
    if cold:
        load = cold["phases_s"]["load_base"]
        n_loaded = max(cold["calls"]["load_base"], 1)
        per_rest = (cold["seconds"] - load) / n_loaded
        out["estimate_base_loaded_once_s"] = round(load / n_loaded + per_rest * open_count, 1)
    result["rebuild"] = out


def phase_enterprise(world: World, args, result: dict) -> None:
    from luoshi.benefits import matching
    from luoshi.enterprises.models import Enterprise

    rng = random.Random(world.seed + 13)
    sample = rng.sample(range(1, world.n + 1), min(args.samples, world.n))
    open_count = matching.matchable(world.today).count()
    log(
        f"· one enterprise against all {open_count:,} open clauses: up to {len(sample)} enterprises, "
        f"one untimed call each first (time budget {args.enterprise_budget:.0f} s)"
    )
    started = time.perf_counter()
    prime_s = 0.0
    base, times, changed = [], [], 0
    probe = matching_probe()
    queries = []
    for k, eid in enumerate(sample):
        if k >= 5 and time.perf_counter() - started > args.enterprise_budget:
            log(f"  time budget spent: {k} enterprises measured of {len(sample)}")
            break
        t0 = time.perf_counter()
        matching.match_enterprise(eid, world.today)  # its matches stored: the timed call re-matches
        prime_s += time.perf_counter() - t0
        with probe:
            t0 = time.perf_counter()
            Enterprise.objects.filter(pk=eid).values_list("pk", "industry_code", "town_id", "founded_on").first()
            base.append((time.perf_counter() - t0) * 1000)
            before = sum(v[0] for v in probe.sql.values())
            t0 = time.perf_counter()
            changed += matching.match_enterprise(eid, world.today)
            times.append((time.perf_counter() - t0) * 1000)
            queries.append(sum(v[0] for v in probe.sql.values()) - before)
        if k % 10 == 9:
            log(f"  {k + 1} enterprises: p50 {percentile(times, 50):,.0f} ms so far")
    total = sum(times) / 1000
    figures = probe.figures(total, TOP)
    p95, b95 = percentile(times, 95), percentile(base, 95)
    out = {
        "open_clauses": open_count,
        "samples": len(times),
        "samples_asked": len(sample),
        "prime_s": round(prime_s, 2),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(sum(times) / len(times), 1),
        "baseline": {
            "what": "Enterprise.objects.filter(pk=…).values_list(…).first()",
            "p50_ms": round(percentile(base, 50), 3),
            "p95_ms": round(b95, 3),
        },
        "ratio_p95": round(p95 / b95, 1) if b95 else None,
        "queries_per_call": round(sum(queries) / len(queries), 1),
        "newly_eligible": changed,
        "phases_ms_per_call": {k: round(v * 1000 / len(times), 1) for k, v in figures["phases_s"].items()},
        "sql_top": figures["sql_top"],
    }
    log(
        f"  match_enterprise p50 {out['p50_ms']:.0f} ms, p95 {out['p95_ms']:.0f} ms "
        f"({out['queries_per_call']:.0f} queries per call); baseline p95 {b95:.2f} ms → {out['ratio_p95']}×"
    )
    result["enterprise_rematch"] = out


def phase_approvals(world: World, args, result: dict) -> None:
    from django.db import connection, connections

    from luoshi.benefits import services
    from luoshi.benefits.choices import EntryKind, State
    from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry
    from luoshi.core.errors import Conflict
    from luoshi.org.models import User
    from luoshi.policies.models import Clause

    n, threads = args.approvals, args.threads
    rng = random.Random(world.seed + 17)
    clause = Clause.objects.select_related("document").get(pk=world.approval_clause)
    reviewer = User.objects.get(pk=world.reviewers[clause.department_id])
    enterprises = rng.sample(range(1, world.n + 1), min(n + 1, world.n))
    amounts = [Decimal(rng.randint(100_000, 9_999_999)) / 100 for _ in enterprises]
    total_asked = sum(amounts[1:], Decimal(0))
    budget = (total_asked * 3 / 4 + amounts[0]).quantize(YUAN)
    Clause.objects.filter(pk=clause.pk).update(budget=budget)
    clause.refresh_from_db()
    apps = Application.objects.bulk_create(
        [
            Application(
                enterprise_id=eid,
                clause=clause,
                clause_version=clause.version,
                state=State.SECOND_REVIEW,
                figure_year=world.year,
                amount_estimated=amount,
                submitted_at=datetime.now(UTC),
            )
            for eid, amount in zip(enterprises, amounts, strict=True)
        ],
        batch_size=2000,
    )
    apps = list(Application.objects.filter(clause=clause).order_by("pk"))
    services.review(reviewer, apps[0], "approve", today=world.today)  # warm-up; opens the budget account
    todo = apps[1:]
    log(
        f"· approvals: {len(todo):,} applications in 复审 approved by {threads} threads at once "
        f"(budget {budget:,} 元 for {total_asked:,} 元 asked)"
    )
    outcome: dict[int, str] = {}
    errors: list[str] = []
    lock = threading.Lock()
    cursor = iter(todo)

    def worker():
        try:
            while True:
                with lock:
                    app = next(cursor, None)
                if app is None:
                    return
                try:
                    services.review(reviewer, app, "approve", today=world.today)
                    result_ = "ok"
                except Conflict as exc:
                    result_ = exc.code
                except Exception as exc:
                    result_ = "error"
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:300])
                outcome[app.pk] = result_
        finally:
            connections.close_all()

    connection.close()
    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started

    counts = Counter(outcome.values())
    account = BudgetAccount.objects.get(clause=clause)
    reserve = BudgetEntry.objects.filter(account=account, kind=EntryKind.RESERVE)
    reserved_sum = sum(reserve.values_list("amount", flat=True), Decimal(0))
    approved = Application.objects.filter(clause=clause, state=State.PUBLICITY)
    approved_sum = sum(approved.values_list("amount_approved", flat=True), Decimal(0))
    expected_sum = sum((a.amount_estimated for a in apps if outcome.get(a.pk, "ok") == "ok"), Decimal(0))
    left = account.total - account.reserved - account.paid
    refused = [a.amount_estimated for a in todo if outcome.get(a.pk) == "budget_exhausted"]
    exact = (
        account.reserved == reserved_sum == approved_sum == expected_sum
        and account.reserved <= account.total
        and reserve.count() == counts["ok"] + 1
        and approved.count() == counts["ok"] + 1
        and all(amount > left for amount in refused)
    )
    out = {
        "applications": len(todo),
        "threads": threads,
        "database": connection.vendor,
        "seconds": round(seconds, 2),
        "per_second": round(len(todo) / seconds, 1),
        "ok": counts["ok"],
        "refused_budget": counts["budget_exhausted"],
        "errors": counts["error"] + sum(v for k, v in counts.items() if k not in ("ok", "budget_exhausted", "error")),
        "error_samples": errors[:5],
        "budget_total": str(account.total),
        "reserved": str(account.reserved),
        "left": str(left),
        "smallest_refused": str(min(refused)) if refused else None,
        "exact": exact,
    }
    log(
        f"  {out['per_second']:.0f} approvals/s ({seconds:.1f} s): ok {out['ok']:,}, "
        f"refused {out['refused_budget']:,}, errors {out['errors']}; reserved {account.reserved} "
        f"of {account.total}, left {left}; exact to the fen: {exact}"
    )
    result["approvals"] = out


def phase_e2e(world: World, args, result: dict) -> None:
    from django.db.models import Q
    from django_tasks.base import TaskResultStatus
    from django_tasks.signals import task_finished

    from luoshi import rules
    from luoshi.benefits import matching
    from luoshi.benefits.models import Application, MatchRun
    from luoshi.notices.models import EmailStatus, Notice
    from luoshi.org.models import User
    from luoshi.policies import services as policy_services
    from luoshi.policies.choices import BenefitType, ClauseStatus, Mode, WindowKind
    from luoshi.policies.models import PolicyDocument

    document = PolicyDocument.objects.get(pk=world.e2e_document)
    reviewer = User.objects.get(pk=world.reviewers[document.issuer_unit_id])
    tasks: list = []

    def finished(sender, task_result, **kwargs):
        tasks.append(task_result)

    task_finished.connect(finished)
    # Warm-up, untimed: a draft clause through the same service (the full-text tokenizer's
    # dictionary and the code paths loaded, as in a running server).
    policy_services.create_clause(
        reviewer, document, title="草稿条款（预热）", benefit_type=BenefitType.REWARD, rule="industry in C"
    )
    tasks.clear()
    log(
        f"· end to end: a 免申即享 clause published through create_clause over {world.n:,} enterprises "
        f"(LUOSHI_TASKS=immediate: the matching task runs after the commit, inside the call)\n  rule: {args.e2e_rule}; "
        f"amount: {args.e2e_amount}"
    )
    fields = {
        "title": "首次升规工业企业奖励（免申即享，基准）",
        "benefit_type": BenefitType.REWARD,
        "mode": Mode.AUTOMATIC,
        "department": document.issuer_unit,
        "window_kind": WindowKind.ROLLING,
        "budget": Decimal("50000000"),
        "rule": args.e2e_rule,
        "amount_formula": args.e2e_amount,
        "status": ClauseStatus.PUBLISHED,
    }
    probe = matching_probe([(matching, "match_clause", "match_clause (the task)")])
    clause, figures, profile = _run_probed(
        lambda: policy_services.create_clause(reviewer, document, **fields),
        probe,
        args.profile,
        top=("match_clause (the task)",),
    )
    task_finished.disconnect(finished)
    seconds = figures["seconds"]
    statuses = [getattr(t, "status", None) for t in tasks]
    failures = [e.traceback[-1500:] for t in tasks for e in getattr(t, "errors", [])]
    if failures:
        log("  the matching task FAILED:\n" + failures[0])
    run = MatchRun.objects.filter(clause=clause).first()

    # Independent: the eligible set from the generated columns, by hand for the default rule,
    # by the kernel over the generated columns (no database in between) for any rule.
    ctx = matching.context_for(clause, world.today)
    table_ = rules.Table.from_columns(world.columns(), ctx)
    codes = rules.compile_batch([rules.parse(clause.rule)]).verdicts(table_)[0]
    eligible_ids = world.ids[codes == 2]
    c = world.data.cols
    hand = None
    if args.e2e_rule == E2E_RULE:
        division = c["industry"] // 100
        mask = (division >= 6) & (division <= 46) & (c["revenue"] >= 2000) & (c["revenue_prev"] < 2000)
        hand = set(world.ids[mask].tolist()) == set(eligible_ids.tolist())
    amounts_kernel = rules.compile_batch([rules.parse(clause.rule)]).amounts(
        rules.parse(clause.amount_formula, kind="amount"), table_
    )
    expected_apps = {int(e) for e in eligible_ids.tolist() if world.verified[e - 1]}
    expected_amount: dict[int, Decimal | None] = {}
    for eid in expected_apps:
        if args.e2e_amount == E2E_AMOUNT:
            revenue = Decimal(repr(float(c["revenue"][eid - 1])))
            value = min(revenue * 10000 * Decimal("0.0035"), Decimal(200000))
        else:
            k = amounts_kernel[eid - 1]
            value = None if np.isnan(k) else Decimal(repr(float(k)))
        expected_amount[eid] = None if value is None else value.quantize(YUAN, ROUND_HALF_UP)
    apps = dict(Application.objects.filter(clause=clause).values_list("enterprise_id", "amount_estimated"))
    state_ok = (
        not Application.objects.filter(clause=clause).filter(~Q(state="confirming") | Q(automatic=False)).exists()
    )
    notices = Notice.objects.filter(cause__startswith=f"benefits.offer:{clause.pk}:")
    got_pairs = {(r, int(cause.rsplit(":", 1)[1])) for r, cause in notices.values_list("recipient_id", "cause")}
    want_pairs = {(u, eid) for eid in expected_apps for u in set(world.users_of.get(eid, []))}
    amounts_ok = all(apps.get(eid) == expected_amount[eid] for eid in expected_apps)
    checks = {
        "task_succeeded": bool(tasks) and not failures and all(s == TaskResultStatus.SUCCESSFUL for s in statuses),
        "eligible_as_hand_mask": hand,
        "stored_matches_as_kernel": run is not None
        and _stored_agree(clause, world, codes, run.eligible, run.near_miss),
        "applications_exactly_eligible_and_verified": set(apps) == expected_apps,
        "applications_confirming_automatic": state_ok,
        "amounts_exact_to_the_fen": amounts_ok,
        "notices_exactly_users_and_commissioners": got_pairs == want_pairs,
    }
    agree = all(v is not False for v in checks.values())
    out = {
        "seconds": round(seconds, 2),
        "target_s": E2E_TARGET_S,
        "verdict": "PASS" if seconds <= E2E_TARGET_S and agree else "MISS",
        "via": "policies.services.create_clause → clause_changed → match_clause_task (LUOSHI_TASKS=immediate)",
        "rule": clause.rule,
        "amount_formula": clause.amount_formula,
        "enterprises": run.enterprises if run else None,
        "eligible": len(eligible_ids),
        "near_miss": run.near_miss if run else None,
        "near_miss_kernel": int((codes == 1).sum()),
        "eligible_without_verified_figures": len(eligible_ids) - len(expected_apps),
        "applications": len(apps),
        "amount_total": str(sum((a for a in apps.values() if a is not None), Decimal(0))),
        "notices": len(got_pairs),
        "notice_recipients": len({r for r, _ in got_pairs}),
        "emails_sent": notices.filter(email_status=EmailStatus.SENT).count(),
        "task_statuses": [str(s) for s in statuses],
        "checks": checks,
        "agree": agree,
        **{k: v for k, v in figures.items() if k != "seconds"},
    }
    if profile:
        out["profile"] = profile
        log(profile)
    log(
        f"  {seconds:.1f} s end to end [{out['verdict']} ≤ {E2E_TARGET_S:.0f} s]: eligible {out['eligible']:,}, "
        f"near miss {out['near_miss']:,}, applications {out['applications']:,}, notices {out['notices']:,} "
        f"({out['emails_sent']:,} e-mails); checks agree: {agree}"
    )
    log("  " + ", ".join(f"{k} {v:.2f}" for k, v in figures["phases_s"].items() if v))
    if not agree:
        log(f"  checks: {checks}")
    result["e2e"] = out


# --- report ---------------------------------------------------------------------------------


def report_text(result: dict) -> str:
    lines = []
    m = result.get("machine", {})
    lines.append(
        f"luoshi bench benefits — {result['enterprises']:,} enterprises, {result['rows'].get('clauses', 0):,} clauses "
        f"({result['rows'].get('clauses open', 0):,} open), {m.get('database', '')}, {m.get('cpus')} CPUs, "
        f"seed {result['seed']}, today {result['today']}"
    )
    rows = []
    e = result.get("enterprise_rematch")
    if e:
        rows.append(
            [
                "1. one enterprise × open clauses (match_enterprise)",
                f"p50 {e['p50_ms']:,.0f} ms",
                f"p95 {e['p95_ms']:,.0f} ms",
                f"row read p95 {e['baseline']['p95_ms']:.2f} ms",
                f"{e['ratio_p95']}×",
            ]
        )
    cm = result.get("clause_match")
    if cm:
        for key, label in (
            ("fresh_no_announce", "announce=False, nothing stored"),
            ("fresh_announce", "announce=True, nothing stored"),
            ("rerun_announce", "announce=True, all stored"),
        ):
            r = cm["runs"][key]
            rows.append(
                [
                    f"2. one clause × all (match_clause, {label})",
                    f"{r['seconds']:.2f} s",
                    f"load_base {r['phases_s']['load_base']:.2f} s",
                    f"load_base alone {cm['baseline']['load_base_s']:.2f} s",
                    f"{r['seconds'] / cm['baseline']['load_base_s']:.1f}×" if cm["baseline"]["load_base_s"] else "",
                ]
            )
    rb = result.get("rebuild")
    if rb:
        for key in ("cold", "nightly"):
            r = rb.get(key)
            if not r:
                continue
            if r.get("extrapolated"):
                rows.append(
                    [
                        f"3. rebuild ({key}), EXTRAPOLATED from {len(r['sampled'])} clauses",
                        f"{r['extrapolated_total_s']:,.0f} s",
                        f"{r['per_clause_s']:.1f} s/clause",
                        f"{rb['open_clauses']:,} clauses",
                        "",
                    ]
                )
            else:
                rows.append(
                    [
                        f"3. full rebuild ({key})",
                        f"{r['seconds']:,.1f} s",
                        f"{r['per_clause_s']:.2f} s/clause",
                        f"{rb['open_clauses']:,} clauses",
                        "",
                    ]
                )
    ap = result.get("approvals")
    if ap:
        rows.append(
            [
                f"4. approvals, {ap['threads']} threads ({ap['database']})",
                f"{ap['per_second']:,.0f} /s",
                f"ok {ap['ok']:,} refused {ap['refused_budget']:,} errors {ap['errors']}",
                f"exact: {ap['exact']}",
                "",
            ]
        )
    ee = result.get("e2e")
    if ee:
        rows.append(
            [
                "5. 免申即享 end to end (create_clause)",
                f"{ee['seconds']:.1f} s",
                f"apps {ee['applications']:,}, notices {ee['notices']:,}",
                f"agree: {ee['agree']}",
                f"{ee['verdict']} ≤ {E2E_TARGET_S:.0f} s",
            ]
        )
    lines.append(table(["measure", "figure", "", "baseline / check", "ratio / target"], rows))
    return "\n".join(lines)


# --- the command ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luoshi bench benefits",
        description="政策兑现性能基准：单企业重新匹配、单条款全量匹配、全量重建、并发核定、免申即享端到端。",
    )
    parser.add_argument("--scale", choices=list(SCALES), default="district", help="数据规模（默认 district）")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite", help="数据库（默认 sqlite）")
    parser.add_argument("--database-url", help=f"数据库地址（覆盖 --db）；PostgreSQL 默认 {PG_DEFAULT}，须为空库")
    parser.add_argument("--rows", type=int, help="企业数（覆盖规模的默认值，用于快速试跑）")
    parser.add_argument("--clauses", type=int, help="条款总数（默认按规模：500 / 10,000）")
    parser.add_argument("--open", type=int, help="可匹配的条款数（默认按规模：200 / 4,000）")
    parser.add_argument("--samples", type=int, default=50, help="单企业重新匹配的计时企业数（默认 50）")
    parser.add_argument("--approvals", type=int, help="并发核定的申报数（默认按规模：2,000 / 5,000）")
    parser.add_argument("--threads", type=int, default=8, help="并发核定的线程数（默认 8）")
    parser.add_argument(
        "--rebuild-sample", type=int, help="全量重建只计时这么多条款并外推（默认：区县规模 0 = 真实全量，市级 3）"
    )
    parser.add_argument(
        "--nightly-sample",
        type=int,
        default=None,
        help="夜间重建（无变化）只计时这么多条款并外推（默认：区县 10，0 = 真实全量；市级不测）",
    )
    parser.add_argument(
        "--enterprise-budget", type=float, default=900, help="单企业重新匹配阶段的时间预算（秒，默认 900；至少测 5 家）"
    )
    parser.add_argument("--e2e-rule", default=E2E_RULE, help="端到端免申即享条款的规则")
    parser.add_argument("--e2e-amount", default=E2E_AMOUNT, help="端到端免申即享条款的金额公式")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"要测的阶段（逗号分隔：{','.join(PHASES)}）")
    parser.add_argument("--seed", type=int, default=SEED, help=f"随机种子（默认 {SEED}）")
    parser.add_argument(
        "--json", nargs="?", const="-", help="输出 JSON：不带文件名时 stdout 只有一个 JSON 对象（进度写到 stderr）"
    )
    parser.add_argument("--profile", action="store_true", help="对单条款匹配、夜间重建和端到端做 cProfile 并打印")
    parser.add_argument("--keep", action="store_true", help="保留生成的数据库")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="工作目录（默认 var/bench）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    scale = SCALES[args.scale]
    args.rows = args.rows or scale.enterprises
    args.clauses = args.clauses or scale.clauses
    args.open = min(args.open or scale.open_clauses, args.clauses)
    args.approvals = args.approvals or scale.approvals
    args.rebuild_sample = scale.rebuild_sample if args.rebuild_sample is None else args.rebuild_sample
    if args.nightly_sample is None:
        args.nightly_sample = 10 if scale.rebuild_sample == 0 else -1
    args.phases = [p for p in args.phases.split(",") if p]
    if args.rows < 100 or args.clauses < 2 or args.open < 2 or args.samples < 1 or args.threads < 1:
        print("--rows 至少 100，--clauses 与 --open 至少 2，--samples、--threads 至少 1。", file=sys.stderr)
        return 2
    if not set(args.phases) <= set(PHASES):
        print(f"--phases 只能是 {','.join(PHASES)} 中的阶段。", file=sys.stderr)
        return 2
    if args.approvals + 1 > args.rows:
        args.approvals = args.rows - 1
    to_stdout = args.json == "-"
    real_stdout = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr) if to_stdout else contextlib.nullcontext():
            result = _run(args)
    except BenchError as exc:
        print(f"\n错误：{exc}", file=sys.stderr)
        return 1
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if to_stdout:
        real_stdout.write(text + "\n")
        real_stdout.flush()
    elif args.json:
        _write(args.json, result)
        print(f"· figures written to {args.json}")
    return 0 if not result.get("errors") else 1


def _write(path: str, result: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")


def _database(args) -> tuple[Database, bool]:
    """The database to use, and whether this run created it (PostgreSQL) and may drop it."""
    if args.database_url:
        return parse_database(args.database_url), False
    if args.db == "sqlite":
        path = (args.var_dir / f"benefits-{args.rows}.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Database(f"sqlite:///{path}", "sqlite", path), True
    database = parse_database(PG_DEFAULT)
    return database, create_pg_database(database)


def _cleanup(database: Database, created: bool) -> None:
    from django.db import connection, connections

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
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
                if tables:
                    cursor.execute(
                        "DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
                    )
            connections.close_all()
        log("· generated data removed (use --keep to keep it)")
    except Exception as exc:
        print(f"· could not remove the generated data: {exc}", file=sys.stderr)


def _code_state() -> dict:
    """Which code is measured: the commit, whether luoshi/ had uncommitted changes, and a digest of the
    modules under test as this process imported them."""
    import hashlib
    import subprocess

    from luoshi.benefits import matching, services
    from luoshi.enterprises import facts
    from luoshi.notices import services as notices
    from luoshi.rules import batch

    root = Path(__file__).resolve().parent.parent
    state: dict = {}
    try:
        git = ["git", "-C", str(root)]  # fixed arguments: our own checkout
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)  # noqa: S603
        state["commit"] = head.stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "luoshi"], capture_output=True, text=True, check=True)  # noqa: S603
        state["luoshi_uncommitted"] = [line[3:] for line in dirty.stdout.splitlines()]
    except (OSError, subprocess.CalledProcessError):
        state["commit"] = None
    state["sha1"] = {
        module.__name__: hashlib.sha1(Path(module.__file__).read_bytes()).hexdigest()[:12]  # noqa: S324
        for module in (matching, services, facts, notices, batch)
    }
    return state


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _run(args) -> dict:
    database, created = _database(args)
    # The matching task runs in the process that enqueued it, after the commit; e-mail goes
    # through Django's dummy backend (the notices and their e-mail bookkeeping are real).
    os.environ["LUOSHI_TASKS"] = "immediate"
    os.environ["LUOSHI_EMAIL_BACKEND"] = "dummy"
    configure_django(database, args.var_dir.resolve())

    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.utils import timezone

    log(
        f"luoshi bench benefits — {args.rows:,} enterprises, {args.clauses:,} clauses ({args.open:,} open), "
        f"{database.label}, seed {args.seed}"
    )
    try:
        with connection.cursor() as cursor:
            existing = connection.introspection.table_names(cursor)
    except OperationalError as exc:
        raise BenchError(f"无法连接数据库：{exc}") from exc
    if existing:
        raise BenchError(f"数据库不是空的（已有 {len(existing)} 张表）：请换一个空数据库，或删除 {database.label}。")
    today = timezone.localdate()
    result: dict = {
        "scale": args.scale,
        "enterprises": args.rows,
        "database": database.vendor,
        "seed": args.seed,
        "today": today.isoformat(),
        "figure_year": today.year - 1,
        "command": "luoshi bench benefits " + " ".join(sys.argv[3:] if sys.argv[1:3] == ["bench", "benefits"] else []),
    }
    try:
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        result["migrate_s"] = round(time.perf_counter() - t0, 1)
        log(f"· migrate: {result['migrate_s']} s")
        result["machine"] = machine()
        log(f"· generating (today {today}, figure year {today.year - 1})")
        t0 = time.perf_counter()
        _sqlite(True)
        world = World(args.rows, args.clauses, args.open, args.seed, today)
        timings = generate(world)
        _sqlite(False)
        t1 = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        timings["VACUUM ANALYZE"] = round(time.perf_counter() - t1, 1)
        timings["total"] = round(time.perf_counter() - t0, 1)
        result["generation_s"] = timings
        result["rows"] = world.counts
        log("· rows: " + ", ".join(f"{k} {v:,}" for k, v in world.counts.items()))
        log("· generation: " + ", ".join(f"{k} {v} s" for k, v in timings.items()))
        connection.close()  # measure on a fresh connection, as a worker process would
        result["code"] = _code_state()
        result["load_average_start"] = _loadavg()
        phases = {
            "clause": phase_clause,
            "rebuild": phase_rebuild,
            "enterprise": phase_enterprise,
            "approvals": phase_approvals,
            "e2e": phase_e2e,
        }
        for name in PHASES:
            if name in args.phases:
                t0 = time.perf_counter()
                try:
                    phases[name](world, args, result)
                except Exception:  # one phase's failure is reported; the others still run
                    text = traceback.format_exc()
                    print(text, file=sys.stderr)
                    result.setdefault("errors", {})[name] = text[-3000:]
                result.setdefault("phase_wall_s", {})[name] = round(time.perf_counter() - t0, 1)
                if args.json and args.json != "-":
                    _write(args.json, result)  # the figures so far, should a later phase not finish
        result["load_average_end"] = _loadavg()
        checks = [
            result.get("clause_match", {}).get("agree", True),
            result.get("approvals", {}).get("exact", True),
            result.get("e2e", {}).get("agree", True),
        ]
        result["agree"] = all(checks) and not result.get("errors")
        log("")
        log(report_text(result))
        log(f"load average start {result['load_average_start']}, end {result['load_average_end']}")
        return result
    except BenchError:
        raise
    except Exception:
        traceback.print_exc()
        raise BenchError("基准测试意外中止（见上面的错误）。") from None
    finally:
        if not args.keep:
            _cleanup(database, created)


def _sqlite(loading: bool) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if loading:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")


if __name__ == "__main__":
    sys.exit(main())
