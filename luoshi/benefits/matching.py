"""Matching: every enterprise against every open clause, stored and kept current.

Three entry points, all idempotent: :func:`match_clause` (a clause published or changed: that
clause against the whole base, one vectorised pass), :func:`match_enterprise` (an enterprise's
data changed: it against every open clause in one batch) and :func:`rebuild` (the nightly safety
net: the base loaded once per figure year, the year's clauses evaluated together). Each writes
only what changed — a re-run with nothing changed writes nothing — notifies enterprises and their
commissioners once when a new eligible match appears, and offers 免申即享 clauses to newly eligible
enterprises.

Nothing here goes row by row in Python over the whole base: the base is read as integer columns
(:mod:`luoshi.benefits.loading`), verdicts and amounts come from the rules kernel's batch, the gap
of each near miss from the batch's leaf masks (:func:`luoshi.rules.near_miss_gaps`), and the
changed rows go to the database in bulk (COPY and ``INSERT … ON CONFLICT DO UPDATE`` on PostgreSQL).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from luoshi import rules
from luoshi.benefits.choices import Verdict
from luoshi.benefits.loading import Columns
from luoshi.benefits.loading import load_columns as load_base
from luoshi.benefits.models import Match, MatchRun
from luoshi.enterprises.models import CommissionerAssignment, Enterprise
from luoshi.notices.services import Message, notify_many
from luoshi.org.choices import Role
from luoshi.org.models import RoleGrant
from luoshi.policies.choices import ClauseStatus, DocumentStatus, Mode, WindowKind
from luoshi.policies.models import Clause

# A "near miss" an enterprise cannot act on is no near miss: it will not change its industry,
# move its registered town, be founded earlier, or rewrite an earlier year's figures to qualify;
# a missing tag (专精特新, 高新技术企业) is a status granted elsewhere, not a gap it closes by an
# amount. Only a gap in its own figures of the clause's year is stored; other pairs count as not eligible.
FIXED = frozenset({"industry", "street", "chain", "founded", "age"})
# Nor is an amount or a count less than half of what the clause asks (营业收入300万元 against
# ≥2000万元: one condition short, but not near). A percentage is near whatever its value: an
# enterprise reaches 研发费用占比3% by spending, not by growing tenfold.
NEAR = Fraction(1, 2)
# Rules evaluated together over one table when rebuilding: verdicts are (rules × enterprises) int8.
REBUILD_CHUNK = 32
CODES = {Verdict.ELIGIBLE: 2, Verdict.NEAR_MISS: 1}
NAMES = {2: Verdict.ELIGIBLE, 1: Verdict.NEAR_MISS}


def matchable(today: date):
    """Clauses worth matching: published, in a document in force, with a rule, window not yet closed."""
    in_force = (
        Q(document__status=DocumentStatus.PUBLISHED)
        & (Q(document__effective_on__isnull=True) | Q(document__effective_on__lte=today))
        & (Q(document__expires_on__isnull=True) | Q(document__expires_on__gte=today))
    )
    window = Q(window_kind=WindowKind.ROLLING) | Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    return Clause.objects.filter(in_force & window, status=ClauseStatus.PUBLISHED).exclude(rule="")


def context_for(clause: Clause, today: date) -> rules.Context:
    return rules.Context(figure_year=clause.figure_year or today.year - 1, as_of=today)


def actionable(leaf) -> bool:
    """Whether a failing leaf is a gap the enterprise can close (see FIXED)."""
    return leaf.variable not in FIXED and rules.reads_current_figures(leaf.node)


# Parsed rules by (clause, version, texts): re-matching one enterprise against 4,000 open clauses
# otherwise parses 4,000 rule texts per call. The texts are part of the key because a clause can
# be changed without a new version (a bulk update); the rule objects are immutable.
_PARSED: dict[tuple, tuple[rules.Rule, rules.Rule | None]] = {}
_PARSED_LIMIT = 50_000


def parsed(clause: Clause) -> tuple[rules.Rule, rules.Rule | None]:
    """The clause's condition and amount formula, parsed once per version."""
    key = (clause.pk, clause.version, clause.rule, clause.amount_formula)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        amount = rules.parse(clause.amount_formula, kind="amount") if clause.amount_formula else None
        found = _PARSED[key] = (rules.parse(clause.rule), amount)
    return found


@dataclass
class Found:
    """What one pass found for one clause, as columns: eligible rows first, then the near misses kept."""

    ids: np.ndarray  # enterprise ids
    codes: np.ndarray  # 2 eligible, 1 near miss
    fen: list[int | None]  # the amount in fen (eligible rows with an amount formula), else None
    gaps: list[str]

    @property
    def eligible(self) -> int:
        return int((self.codes == 2).sum())

    def eligible_ids(self) -> list[int]:
        return self.ids[self.codes == 2].tolist()


def _fen(amounts: np.ndarray | None, rows: np.ndarray) -> list[int | None]:
    """The batch's float yuan (exact to the fen, NaN when data is missing) as integer fen."""
    if amounts is None:
        return [None] * len(rows)
    values = amounts[rows]
    missing = np.isnan(values)
    fen = np.rint(np.where(missing, 0, values) * 100).astype(np.int64).tolist()
    return [None if m else f for f, m in zip(fen, missing.tolist(), strict=True)]


def _judge(base: Columns, codes: np.ndarray, rule: rules.Rule, amount: rules.Rule | None) -> Found:
    """The eligible rows with their amounts, and the near misses the enterprise can act on with their gaps."""
    eligible = np.flatnonzero(codes == 2)
    near, gaps = rules.near_miss_gaps(rule, base.table, np.flatnonzero(codes == 1), keep=actionable, within=NEAR)
    amounts = None
    if amount is not None and len(eligible):
        amounts = rules.compile_batch([rule]).amounts(amount, base.table)
    return Found(
        ids=np.concatenate([base.ids[eligible], base.ids[near]]),
        codes=np.concatenate([np.full(len(eligible), 2, np.int8), np.ones(len(near), np.int8)]),
        fen=_fen(amounts, eligible) + [None] * len(near),
        gaps=[""] * len(eligible) + [g[:300] for g in gaps],
    )


# --- writing only what changed -----------------------------------------------------------------


def _fen_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} * 100)::bigint"
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def _existing(where: str, params: list) -> dict[tuple[int, int], tuple]:
    """(enterprise id, clause id) → (pk, verdict code, fen, gap, figure year, verdict) of the stored matches."""
    table = connection.ops.quote_name(Match._meta.db_table)
    sql = (
        f"SELECT id, enterprise_id, clause_id, verdict, {_fen_sql('amount')}, gap, figure_year "  # noqa: S608
        f"FROM {table} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(e, c): (pk, CODES.get(v, 0), fen, gap, year) for pk, e, c, v, fen, gap, year in rows}


@dataclass
class _Changes:
    """The rows one pass writes (new or changed) and deletes, and the pairs that just became eligible."""

    now: object  # as the database takes it (SQLite: naive UTC text, as the ORM writes it)
    rows: list[tuple]  # (enterprise, clause, verdict, amount text, gap, figure year, clause version, since)
    delete: list[int]
    newly: list[tuple[int, int]]

    def diff(self, old: tuple | None, key: tuple[int, int], code: int, fen, gap: str, year: int, version: int):
        """Record the pair's new state when it differs from ``old`` (or is new)."""
        if old is not None and old[1:] == (code, fen, gap, year):
            return
        eligible = code == 2
        if eligible and (old is None or old[1] != 2):
            self.newly.append(key)
        amount = None if fen is None else f"{fen // 100}.{fen % 100:02d}"  # the batch never pays below 0
        since = self.now if eligible else None
        self.rows.append((key[0], key[1], NAMES[code], amount, gap, year, version, since))


def _now() -> object:
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _changes(found: Found, clause: Clause, year: int, existing: dict) -> _Changes:
    changes = _Changes(_now(), [], [], [])
    clause_id, version = clause.pk, clause.version
    for eid, code, fen, gap in zip(found.ids.tolist(), found.codes.tolist(), found.fen, found.gaps, strict=True):
        key = (eid, clause_id)
        changes.diff(existing.pop(key, None), key, code, fen, gap, year, version)
    return changes


COLUMNS = "enterprise_id, clause_id, verdict, amount, gap, figure_year, clause_version, eligible_since"
# A pair that stays eligible keeps the moment it first became so.
UPSERT = (
    "ON CONFLICT (enterprise_id, clause_id) DO UPDATE SET verdict = excluded.verdict, amount = excluded.amount, "
    "gap = excluded.gap, figure_year = excluded.figure_year, clause_version = excluded.clause_version, "
    "computed_at = excluded.computed_at, eligible_since = CASE WHEN excluded.verdict <> 'eligible' THEN NULL "
    "WHEN {t}.verdict = 'eligible' THEN {t}.eligible_since ELSE excluded.eligible_since END "
)


def _write(changes: _Changes) -> None:
    """Insert or update the changed rows and delete the vanished ones, in one transaction; nothing at all
    when nothing changed. PostgreSQL: COPY into a temporary table, then one ``INSERT … ON CONFLICT DO
    UPDATE … WHERE … IS DISTINCT FROM``; SQLite: ``executemany`` of the same upsert."""
    if not changes.rows and not changes.delete:
        return
    table = connection.ops.quote_name(Match._meta.db_table)
    upsert = UPSERT.format(t=table)
    with transaction.atomic(), connection.cursor() as cursor:
        if changes.rows and connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS benefits_match_incoming")
            cursor.execute(
                "CREATE TEMPORARY TABLE benefits_match_incoming (enterprise_id bigint, clause_id bigint, "
                "verdict varchar(12), amount numeric(16, 2), gap varchar(300), figure_year smallint, "
                "clause_version integer, eligible_since timestamptz) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY benefits_match_incoming ({COLUMNS}) FROM STDIN") as copy:
                for row in changes.rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({COLUMNS}, computed_at) SELECT {COLUMNS}, %s "  # noqa: S608
                f"FROM benefits_match_incoming {upsert}"
                f"WHERE ({table}.verdict, {table}.amount, {table}.gap, {table}.figure_year) IS DISTINCT FROM "
                "(excluded.verdict, excluded.amount, excluded.gap, excluded.figure_year)",
                [changes.now],
            )
        elif changes.rows:
            distinct = " OR ".join(
                f"{table}.{c} IS NOT excluded.{c}" for c in ("verdict", "amount", "gap", "figure_year")
            )
            cursor.executemany(
                f"INSERT INTO {table} ({COLUMNS}, computed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
                f"{upsert}WHERE {distinct}",
                [(*row, changes.now) for row in changes.rows],
            )
        if changes.delete and connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [changes.delete])  # noqa: S608
        else:
            for start in range(0, len(changes.delete), 500):
                chunk = changes.delete[start : start + 500]
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608


def _store(clause: Clause, ctx: rules.Context, found: Found) -> list[int]:
    """Make the stored matches of ``clause`` equal ``found``, writing only the differences; the newly
    eligible enterprise ids."""
    existing = _existing("clause_id = %s", [clause.pk])
    changes = _changes(found, clause, ctx.figure_year, existing)
    changes.delete = [old[0] for old in existing.values()]
    _write(changes)
    return [eid for eid, _ in changes.newly]


def _finish(clause: Clause, ctx, base: Columns, codes: np.ndarray, started: float, announce: bool) -> MatchRun:
    """Judge, store and announce one clause's verdicts over the base; its MatchRun."""
    rule, amount = parsed(clause)
    found = _judge(base, codes, rule, amount)
    newly = _store(clause, ctx, found)
    eligible = found.eligible
    run, _ = MatchRun.objects.update_or_create(
        clause=clause,
        defaults={
            "clause_version": clause.version,
            "figure_year": ctx.figure_year,
            "enterprises": len(base),
            "eligible": eligible,
            "near_miss": len(found.ids) - eligible,
            "finished_at": timezone.now(),
            "seconds": time.perf_counter() - started,
        },
    )
    if announce:
        _announce(clause, newly, found.eligible_ids())
    return run


def match_clause(clause: Clause, today: date | None = None, *, announce: bool = True) -> MatchRun:
    """The clause against every enterprise: one vectorised pass, explained gaps for near misses."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    clause = Clause.objects.select_related("document").get(pk=clause.pk)
    ctx = context_for(clause, today)
    rule, amount = parsed(clause)
    base = load_base(ctx, used=[rule, amount])  # only the columns this clause reads
    codes = rules.compile_batch([rule]).verdicts(base.table)[0]
    return _finish(clause, ctx, base, codes, started, announce)


def match_enterprise(enterprise_id: int, today: date | None = None, *, announce: bool = True) -> int:
    """One enterprise against every matchable clause: one batch per figure year, one read of its
    stored matches and one write of what changed (nothing when nothing did), however many clauses are open."""
    today = today or timezone.localdate()
    clauses = list(matchable(today).select_related("document"))
    by_year: dict[int, list[Clause]] = defaultdict(list)
    for clause in clauses:
        by_year[context_for(clause, today).figure_year].append(clause)
    existing = _existing("enterprise_id = %s", [enterprise_id])
    changes = _Changes(_now(), [], [], [])
    eligible: list[Clause] = []
    open_ids = {clause.pk for clause in clauses}
    for year, group in by_year.items():
        ctx = rules.Context(figure_year=year, as_of=today)
        base = load_base(ctx, enterprises=[enterprise_id])
        if not len(base):
            return 0
        codes = rules.compile_batch([parsed(c)[0] for c in group]).verdicts(base.table)[:, 0]
        for clause, code in zip(group, codes.tolist(), strict=True):
            if not code:
                continue
            rule, amount = parsed(clause)
            found = _judge(base, np.array([code], np.int8), rule, amount)
            if not len(found.ids):
                continue
            key = (enterprise_id, clause.pk)
            changes.diff(
                existing.pop(key, None), key, int(found.codes[0]), found.fen[0], found.gaps[0], year, clause.version
            )
            if found.codes[0] == 2:
                eligible.append(clause)
    # Stored matches of clauses still open that it no longer meets; those of closed clauses stay as they were.
    changes.delete = [old[0] for (_, clause_id), old in existing.items() if clause_id in open_ids]
    _write(changes)
    newly = {clause_id for _, clause_id in changes.newly}
    if announce:
        _announce_enterprise(enterprise_id, eligible, newly)
    return len(newly)


def rebuild(today: date | None = None) -> str:
    """Every matchable clause against every enterprise (the nightly safety net): the base is loaded once
    per figure year and that year's clauses are evaluated together, a chunk at a time."""
    today = today or timezone.localdate()
    by_year: dict[int, list[Clause]] = defaultdict(list)
    for clause in matchable(today).select_related("document"):
        by_year[context_for(clause, today).figure_year].append(clause)
    runs: list[MatchRun] = []
    for year, group in sorted(by_year.items()):
        ctx = rules.Context(figure_year=year, as_of=today)
        base = load_base(ctx)
        for start in range(0, len(group), REBUILD_CHUNK):
            chunk = group[start : start + REBUILD_CHUNK]
            started = time.perf_counter()
            codes = rules.compile_batch([parsed(c)[0] for c in chunk]).verdicts(base.table)
            batch_s = (time.perf_counter() - started) / len(chunk)
            for k, clause in enumerate(chunk):
                runs.append(_finish(clause, ctx, base, codes[k], time.perf_counter() - batch_s, announce=True))
            del codes
    eligible = sum(r.eligible for r in runs)
    return f"重新匹配条款 {len(runs)} 项，符合条件 {eligible} 家次"


# --- telling people ----------------------------------------------------------------------------


def recipients(enterprise_ids: list[int]) -> dict[int, list]:
    """enterprise id → its own users and its current commissioner, in three queries."""
    units = dict(Enterprise.objects.filter(pk__in=enterprise_ids, unit__isnull=False).values_list("unit_id", "pk"))
    out: dict[int, list] = defaultdict(list)
    grants = RoleGrant.objects.filter(
        role=Role.ENTERPRISE_USER, unit_id__in=list(units), revoked_at__isnull=True, user__is_active=True
    ).select_related("user")
    for grant in grants:
        out[units[grant.unit_id]].append(grant.user)
    serving = CommissionerAssignment.objects.filter(enterprise_id__in=enterprise_ids, ended_on__isnull=True)
    for assignment in serving.select_related("commissioner"):
        out[assignment.enterprise_id].append(assignment.commissioner)
    return out


def _match_messages(clause: Clause, enterprise_ids: list[int], people: dict, names: dict) -> list[Message]:
    return [
        Message(
            user,
            cause=f"benefits.match:{clause.pk}:{enterprise_id}",
            title=f"{names.get(enterprise_id, '企业')}符合“{clause.title}”的申报条件",
            body=f"《{clause.document.title}》{clause.title}：{clause.rule_sentence}",
            link=f"/benefits/checkup/{enterprise_id}/",
        )
        for enterprise_id in enterprise_ids
        for user in people.get(enterprise_id, [])
    ]


def _announce(clause: Clause, enterprise_ids: list[int], eligible: list[int]) -> None:
    """Tell each newly eligible enterprise and its commissioner once. A 免申即享 clause instead
    offers an application to every eligible enterprise that has none yet (its data may have been
    verified since it first qualified)."""
    if clause.mode == Mode.AUTOMATIC:
        from luoshi.benefits.services import offer_automatic

        if eligible:
            offer_automatic(clause, eligible)
        return
    if not enterprise_ids:
        return
    people = recipients(enterprise_ids)
    if not people:
        return
    names = dict(Enterprise.objects.filter(pk__in=list(people)).values_list("pk", "name"))
    notify_many(_match_messages(clause, enterprise_ids, people, names))


def _announce_enterprise(enterprise_id: int, eligible: list[Clause], newly: set[int]) -> None:
    """:func:`_announce` for one enterprise and the clauses it meets: one notice write for all of them."""
    from luoshi.benefits.services import offer_automatic

    told = [c for c in eligible if c.mode != Mode.AUTOMATIC and c.pk in newly]
    automatic = [c for c in eligible if c.mode == Mode.AUTOMATIC]
    if automatic:
        # offer_automatic reads three tables per clause; ask once which clauses could still be offered.
        from luoshi.benefits.choices import State
        from luoshi.benefits.models import Application
        from luoshi.enterprises.models import YearFigure

        live = set(
            Application.objects.filter(enterprise_id=enterprise_id, clause__in=automatic)
            .exclude(state=State.REJECTED)
            .values_list("clause_id", flat=True)
        )
        verified = set(
            YearFigure.objects.filter(enterprise_id=enterprise_id, verified=True).values_list("year", flat=True)
        )
        today = timezone.localdate()
        for clause in automatic:
            if clause.pk not in live and (clause.figure_year or today.year - 1) in verified:
                offer_automatic(clause, [enterprise_id])
    if not told:
        return
    people = recipients([enterprise_id])
    if not people:
        return
    names = dict(Enterprise.objects.filter(pk=enterprise_id).values_list("pk", "name"))
    notify_many([m for clause in told for m in _match_messages(clause, [enterprise_id], people, names)])
