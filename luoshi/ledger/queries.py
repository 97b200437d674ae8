"""Read side of the ledger: what a user may see, filtered lists, inboxes, queues, scorecards."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, reduce

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.utils import timezone

from luoshi.core.errors import NotFound
from luoshi.core.paging import CountedPaginator
from luoshi.ledger.choices import FILTER_UNIT_KINDS, Cadence, ReportState
from luoshi.ledger.models import (
    AreaTag,
    Indicator,
    Milestone,
    ProgressReport,
    ReportAttachment,
    Source,
    SupervisionNotice,
    Task,
    TaskEvaluation,
    TaskLink,
)
from luoshi.ledger.periods import latest_owed, period_of
from luoshi.ledger.search import TITLES
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit
from luoshi.tracking import calendar
from luoshi.tracking.choices import Status

LEAD_READERS = (Role.LEADER, Role.SUPERVISOR, Role.UNIT_REPORTER, Role.ADMIN)
SCORECARD_READERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def can_use_ledger(user) -> bool:
    return permissions.allowed(user, LEAD_READERS)


def visibility_q(user) -> Q | None:
    """Tasks ``user`` may see: led by a unit it covers, or co-operated on by its unit (reporters)."""
    if permissions.reaches_every_unit(user, LEAD_READERS):
        return Q()
    lead = permissions.unit_q(user, LEAD_READERS, field="lead_unit")
    co = permissions.unit_q(user, (Role.UNIT_REPORTER,), field="unit")
    if co is None:
        return lead
    co_tasks = Task.co_units.through.objects.filter(co).order_by().values("task_id")
    if lead is None:
        return Q(pk__in=co_tasks)
    # One UNION of two indexed id lists: "led by … OR EXISTS (co-operated on by …)" made the planner
    # test every task (60 ms per count at municipal scale).
    return Q(pk__in=Task.objects.filter(lead).order_by().values("pk").union(co_tasks))


def visible_tasks(user) -> QuerySet[Task]:
    q = visibility_q(user)
    return Task.objects.none() if q is None else Task.objects.filter(q)


def filter_units(user, chosen: Unit | None = None) -> list[Unit]:
    """The units the ledger's filter offers ``user``, in tree order: the units of its grants, the
    units directly below a grant that includes sub-units, and below the chosen unit, so a supervisor
    drills down a level at a time instead of scrolling through every unit of a municipality."""
    if permissions.is_system(user):
        tops, expand = Q(parent__isnull=True), Q(parent__parent__isnull=True)
        drill = chosen is not None
    else:
        grants = [g for g in permissions.scope_of(user).grants if g[0] in LEAD_READERS]
        tops = Q(pk__in={unit_id for _, unit_id, _, _ in grants})
        expand = Q(parent_id__in={unit_id for _, unit_id, _, subunits in grants if subunits})
        drill = chosen is not None and any(chosen.path.startswith(path) for _, _, path, sub in grants if sub)
    if drill:
        expand |= Q(parent_id=chosen.pk)
    # One query: the tops, and the active units of the kinds worth filtering by right below them.
    below = expand & Q(is_active=True, kind__in=FILTER_UNIT_KINDS)
    return list(Unit.objects.filter(tops | below).order_by("path"))


RECENT_SOURCES = 30
CHOICES_SECONDS = 60
_CHOICES_VERSION = "ledger:filter-choices:version"


@dataclass(frozen=True)
class FilterChoices:
    """What the ledger's filter offers, as (value, label) pairs."""

    units: list[tuple[int, str]]
    sources: list[tuple[int, str]]
    areas: list[tuple[int, str]]


def filter_choices(user, chosen: Unit | None = None) -> FilterChoices:
    """The filter's units (see filter_units), the 30 latest sources and the areas.

    Kept a minute per set of grants and chosen unit: three queries on every full page of the
    ledger otherwise, for lists that change a few times a year. Saving or deleting a unit, a
    source or an area forgets them in this process (forget_filter_choices); another process may
    offer the old lists for up to a minute. They are choices only: any unit or source validates.
    """
    version = cache.get(_CHOICES_VERSION, 0)
    key = f"ledger:filter-choices:{version}:{permissions.grants_digest(user)}:{chosen.pk if chosen else ''}"
    choices = cache.get(key)
    if choices is None:
        choices = FilterChoices(
            units=[(u.pk, u.display_name) for u in filter_units(user, chosen)],
            sources=list(Source.objects.order_by("-held_on", "-id").values_list("id", "title")[:RECENT_SOURCES]),
            areas=list(AreaTag.objects.values_list("id", "name")),
        )
        cache.set(key, choices, CHOICES_SECONDS)
    return choices


def forget_filter_choices(**kwargs) -> None:
    """Receiver for saves and deletes of units, sources and areas."""
    try:
        cache.incr(_CHOICES_VERSION)
    except ValueError:  # not set yet in this cache
        cache.set(_CHOICES_VERSION, 1, None)


def filter_tasks(qs: QuerySet[Task], data: dict) -> QuerySet[Task]:
    """Apply the cleaned data of ``TaskFilterForm``: the page, the API and the export share this."""
    if data.get("q"):
        # A fragment of the title, through its bigram index, or the exact code.
        qs = qs.filter(TITLES.contains("title", data["q"], model=Task, alternative=Q(code=data["q"])))
    unit = data.get("unit")
    if unit:
        # Led or co-operated on by the unit or below it. One UNION of two indexed id lists: an OR of
        # the two conditions makes the planner scan every task (40–70 ms per unit at municipal scale).
        # The units are a list first: joined to each task's unit instead, SQLite walked every task
        # to test its unit's path (110 ms against 2 ms).
        subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
        led = Task.objects.filter(lead_unit__in=subtree).order_by().values("pk")
        co = Task.co_units.through.objects.filter(unit__in=subtree).order_by().values("task_id")
        qs = qs.filter(pk__in=led.union(co))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("colour"):
        qs = qs.filter(colour=data["colour"])
    if data.get("area"):
        qs = qs.filter(Exists(Task.areas.through.objects.filter(task_id=OuterRef("pk"), areatag=data["area"])))
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("due_from"):
        qs = qs.filter(due_date__gte=data["due_from"])
    if data.get("due_to"):
        qs = qs.filter(due_date__lte=data["due_to"])
    if data.get("open_only"):
        qs = qs.filter(closed_on__isnull=True)
    if data.get("top_only"):
        qs = qs.filter(parent__isnull=True)
    return qs


# What a co-unit is shown and checked by: its name, and its path for permissions.covers.
CO_UNIT_FIELDS = ("id", "name", "short_name", "path")


def _with_tags() -> tuple[Prefetch, Prefetch]:
    """Co-units and area tags as plain lists (``task.co_unit_list``, ``task.area_list``).

    Prefetched through the related managers instead, Django builds a queryset per task and
    relation to hold them and the template clones it again on every ``.all``: for a page of 50
    tasks that was about 5 ms, more than the page's SQL.
    """
    return (
        Prefetch("co_units", queryset=Unit.objects.only(*CO_UNIT_FIELDS), to_attr="co_unit_list"),
        Prefetch("areas", to_attr="area_list"),
    )


def ledger_rows(user, data: dict) -> QuerySet[Task]:
    """The filtered ledger in tree order, with what a row shows: lead unit, co-units, areas."""
    return (
        filter_tasks(visible_tasks(user), data)
        .select_related("lead_unit")
        .prefetch_related(*_with_tags())
        .order_by("path")
    )


SHORT_LIST = 2000  # a filtered ledger up to this long is read once for its totals and its page


@dataclass
class LedgerPage:
    counts: list[dict]  # the totals line: tasks per status
    page: Page  # of tasks, with what a row shows


def ledger_page(user, data: dict, number, size: int) -> LedgerPage:
    """One page of the filtered ledger, and the totals of all of it.

    A narrowed list (a unit, a keyword, or a user who reaches only part of the tree) is usually
    short: one query reads the id and status of every task of it in tree order, which gives both
    the totals and the page's ids, and a second fetches the page's rows by id. Filtering twice
    instead (a COUNT per status, then OFFSET/LIMIT) cost a keyword search at municipal scale
    twice the candidate checks. A list longer than SHORT_LIST, or the whole tree unfiltered, is
    counted by the database and paged with OFFSET/LIMIT.
    """
    tasks = filter_tasks(visible_tasks(user), data)
    narrowed = bool(data.get("q") or data.get("unit")) or not permissions.reaches_every_unit(user, LEAD_READERS)
    found = list(tasks.order_by("path").values_list("pk", "status")[: SHORT_LIST + 1]) if narrowed else []
    if narrowed and len(found) <= SHORT_LIST:
        counts = _as_counts(Counter(status for _, status in found))
        page = Paginator([pk for pk, _ in found], size).get_page(number)
        rows = Task.objects.filter(pk__in=page.object_list).select_related("lead_unit").order_by("path")
    else:
        counts = status_counts(tasks)
        # Every task has a status, so the counts already say how many rows there are: no second COUNT.
        ordered = tasks.select_related("lead_unit").order_by("path")
        page = CountedPaginator(ordered, size, count=sum(c["n"] for c in counts)).get_page(number)
        rows = page.object_list
    page.object_list = _named_tags(list(rows))
    return LedgerPage(counts, page)


def _named_tags(tasks: list[Task]) -> list[Task]:
    """Give each task the names its row shows: ``co_unit_names`` and ``area_names``.

    Two plain value queries; prefetching the related objects instead cost twice as much for a
    page of 20 (a queryset per task and relation, and objects nobody reads but for a name).
    """
    ids = [t.pk for t in tasks]
    co_units: dict[int, list[str]] = {}
    pairs = Task.co_units.through.objects.filter(task_id__in=ids).order_by("unit__path")
    for task_id, name, short_name in pairs.values_list("task_id", "unit__name", "unit__short_name"):
        co_units.setdefault(task_id, []).append(short_name or name)
    areas: dict[int, list[str]] = {}
    tags = Task.areas.through.objects.filter(task_id__in=ids).order_by("areatag__sort_order", "areatag_id")
    for task_id, name in tags.values_list("task_id", "areatag__name"):
        areas.setdefault(task_id, []).append(name)
    for task in tasks:
        task.co_unit_names = co_units.get(task.pk, [])
        task.area_names = areas.get(task.pk, [])
    return tasks


def visible_task(user, task_id: int) -> Task:
    """The task with its lead unit, if ``user`` may see it (for an action on it); NotFound otherwise."""
    task = visible_tasks(user).select_related("lead_unit").filter(pk=task_id).order_by().first()
    if task is None:
        # Someone else's task looks exactly like a missing one.
        raise NotFound("没有找到该任务，或您无权查看。")
    return task


def task_detail(user, task_id: int) -> Task:
    """The task as the API and its page show it: source, parent, owner, co-units and areas.

    Four joins, the rest separate: PostgreSQL's planning time roughly doubles with each join
    (0.5 ms with four, 2.9 ms with seven). Plain queries, not prefetch_related: for one object
    its machinery cost as much again as the queries.
    """
    task = (
        visible_tasks(user)
        .select_related("lead_unit", "source", "parent", "owner")
        .filter(pk=task_id)
        .order_by()
        .first()
    )
    if task is None:
        raise NotFound("没有找到该任务，或您无权查看。")
    task.co_unit_list = list(Unit.objects.filter(co_tasks=task).only(*CO_UNIT_FIELDS))
    task.area_list = list(AreaTag.objects.filter(tasks=task))
    return task


@dataclass
class TaskPage:
    milestones: list[Milestone]
    children: list[Task]
    notices: list
    evaluation: TaskEvaluation | None
    links: list


def task_page(task: Task) -> TaskPage:
    """What the task's page shows besides the task: milestones, sub-tasks, supervision notices,
    the closing assessment and links to other objects.

    Most tasks have no sub-tasks, notices, assessment or links: one query of four EXISTS says
    which of them to read, instead of four queries that mostly find nothing.
    """
    present = Task.objects.filter(pk=task.pk).values_list(
        Exists(Task.objects.filter(parent=OuterRef("pk"))),
        Exists(SupervisionNotice.objects.filter(task=OuterRef("pk"))),
        Exists(TaskEvaluation.objects.filter(task=OuterRef("pk"))),
        Exists(TaskLink.objects.filter(task=OuterRef("pk"))),
    )
    children, notices, evaluation, links = present.get()
    return TaskPage(
        milestones=list(task.milestones.all()),
        children=list(task.children.select_related("lead_unit")) if children else [],
        notices=list(task.supervision_notices.all()) if notices else [],
        evaluation=TaskEvaluation.objects.select_related("evaluated_by").get(task=task) if evaluation else None,
        links=list(task.links.select_related("content_type")) if links else [],
    )


def task_reports(task: Task) -> QuerySet[ProgressReport]:
    """The task's reports, newest first, each saying whether it has files (``has_files``)."""
    files = ReportAttachment.objects.filter(report=OuterRef("pk"))
    return task.reports.select_related("unit", "submitted_by").annotate(has_files=Exists(files))


def with_files(reports: list[ProgressReport]) -> list[ProgressReport]:
    """Load the attachments of those of ``reports`` that have any (most have none: no query)."""
    prefetch_related_objects([r for r in reports if r.has_files], "attachments")
    return reports


# --- inboxes -------------------------------------------------------------------------------


@dataclass
class Owed:
    task: Task
    unit: Unit
    period_label: str
    due: date
    late: bool


@dataclass
class ReporterInbox:
    to_report: list[Owed] = field(default_factory=list)
    returned: list[ProgressReport] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.to_report) + len(self.returned) + len(self.milestones)


def reporter_inbox(user, today: date | None = None) -> ReporterInbox:
    """待我填报 / 待我办理 for a unit reporter: reports owed now, reports returned, milestones near due."""
    inbox = ReporterInbox()
    unit_q = permissions.unit_q(user, (Role.UNIT_REPORTER,), field="")
    if unit_q is None:
        return inbox
    today = today or timezone.localdate()
    cal = calendar.current()
    units = {u.pk: u for u in Unit.objects.filter(unit_q)}
    # Led or co-operated on by the units: a UNION of two indexed id lists (an OR across the join
    # made the planner scan every task with DISTINCT, 0.2 s at municipal scale).
    led = Task.objects.filter(lead_unit_id__in=units).order_by().values("pk")
    co = Task.co_units.through.objects.filter(unit_id__in=units).order_by().values("task_id")
    tasks = list(
        Task.objects.filter(pk__in=led.union(co))
        .filter(done_on__isnull=True, closed_on__isnull=True, start_date__lte=today)
        .exclude(cadence=Cadence.NONE)
        .select_related("lead_unit")
        .order_by("path")
    )
    # Which of the reporter's units co-operate on each task (not every co-unit of every task).
    co_units: dict[int, list[int]] = {}
    pairs = Task.co_units.through.objects.filter(unit_id__in=units, task_id__in=[t.pk for t in tasks])
    for task_id, unit_id in pairs.order_by("task_id", "unit_id").values_list("task_id", "unit_id"):
        co_units.setdefault(task_id, []).append(unit_id)
    reported = set(
        ProgressReport.objects.filter(task__in=tasks, unit_id__in=units)
        .exclude(state=ReportState.RETURNED)
        .values_list("task_id", "unit_id", "period")
    )
    for task in tasks:
        mine = [task.lead_unit] if task.lead_unit_id in units else []
        mine += [units[unit_id] for unit_id in co_units.get(task.pk, ())]
        owed = latest_owed(cal, task.cadence, task.start_date, today)
        current = period_of(cal, task.cadence, min(today, task.due_date))
        candidates = ([owed] if owed else []) + ([current] if current and (not owed or current.key != owed.key) else [])
        for unit in mine:
            for period in candidates:
                if (task.pk, unit.pk, period.key) not in reported:
                    inbox.to_report.append(Owed(task, unit, period.label, period.due, today > period.due))
                    break
    inbox.to_report.sort(key=lambda o: o.due)
    latest_ok = ProgressReport.objects.filter(
        task=OuterRef("task"),
        unit=OuterRef("unit"),
        period=OuterRef("period"),
        submitted_at__gt=OuterRef("submitted_at"),
    )
    inbox.returned = list(
        ProgressReport.objects.filter(state=ReportState.RETURNED, unit_id__in=units, task__closed_on__isnull=True)
        .exclude(Exists(latest_ok))
        .select_related("task", "unit")
        .order_by("-reviewed_at")
    )
    horizon = cal.add_workdays(today, 10)
    inbox.milestones = list(
        Milestone.objects.filter(done_on__isnull=True, due_date__lte=horizon, task__lead_unit_id__in=units)
        .filter(task__closed_on__isnull=True, task__done_on__isnull=True)
        .select_related("task")
        .order_by("due_date")
    )
    return inbox


def review_queue(user) -> QuerySet[ProgressReport]:
    """Reports waiting for a supervisor who covers the task's lead unit, oldest first."""
    q = permissions.unit_q(user, (Role.SUPERVISOR,), field="task__lead_unit")
    if q is None:
        return ProgressReport.objects.none()
    return (
        ProgressReport.objects.filter(q, state=ReportState.SUBMITTED)
        .select_related("task__lead_unit", "unit", "submitted_by")
        .order_by("submitted_at")
    )


def status_counts(qs: QuerySet[Task]) -> list[dict]:
    """How many tasks of ``qs`` are in each status, in the order of the status table."""
    # COUNT(*), not COUNT(id): PostgreSQL then counts from an index holding the status alone
    # (12,000 open red tasks: 13 ms through the table, 1 ms from task_colour_status).
    return _as_counts(dict(qs.order_by().values_list("status").annotate(n=Count("*"))))


def _as_counts(counts: Mapping[str, int]) -> list[dict]:
    return [{"value": value, "label": label, "n": counts.get(value, 0)} for value, label in Status.choices]


# --- scorecards ----------------------------------------------------------------------------


@dataclass
class UnitScore:
    unit: Unit
    tasks: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    milestones_due: int = 0
    milestones_on_time: int = 0
    tasks_due: int = 0
    tasks_done: int = 0
    overdue: int = 0
    rank: int = 0
    previous_rank: int | None = None
    previous_score: Decimal | None = None

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        """part/whole in per cent to one decimal, rounded half to even, in integers (a ranking of
        thousands of units computes three per unit)."""
        if whole == 0:
            return None
        tenths, rest = divmod(1000 * part, whole)
        if 2 * rest > whole or (2 * rest == whole and tenths % 2):
            tenths += 1
        return Decimal(tenths).scaleb(-1)

    @cached_property
    def report_rate(self):
        return self._rate(self.reports_on_time, self.reports_due)

    @cached_property
    def milestone_rate(self):
        return self._rate(self.milestones_on_time, self.milestones_due)

    @cached_property
    def completion_rate(self):
        return self._rate(self.tasks_done, self.tasks_due)

    @cached_property
    def score(self) -> Decimal:
        """综合得分: 35% on-time reports, 35% on-time milestones, 30% completion, minus 2 per overdue task.

        Read only once every count is in (``_scores`` fills them first): a ranking of thousands of
        units reads the rates and score several times per unit.

        A rate with nothing due in the period counts as full marks: a unit is not punished for
        having had nothing to deliver.
        """
        parts = [
            (self.report_rate, Decimal("0.35")),
            (self.milestone_rate, Decimal("0.35")),
            (self.completion_rate, Decimal("0.30")),
        ]
        total = sum((Decimal(100) if rate is None else rate) * weight for rate, weight in parts)
        return max(Decimal(0), total - 2 * self.overdue).quantize(Decimal("0.1"))

    @property
    def movement(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


def quarter_bounds(day: date) -> tuple[date, date]:
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end = date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def scorecard(user, start: date, end: date, *, compare: bool = True) -> list[UnitScore]:
    """Scores of the lead units ``user`` covers for tasks in [start, end], ranked, with movement."""
    q = permissions.unit_q(user, SCORECARD_READERS, field="lead_unit")
    if q is None:
        return []
    # A quarter still under way is scored on what has fallen due so far, not on the whole quarter.
    scores = _scores(user, q, start, min(end, timezone.localdate()))
    if compare:
        prev_end = start - timedelta(days=1)
        prev_start = quarter_bounds(prev_end)[0] if (start, end) == quarter_bounds(start) else prev_end - (end - start)
        previous = {s.unit.pk: s for s in _closed_scores(user, q, prev_start, prev_end)}
        for s in scores:
            if s.unit.pk in previous:
                s.previous_rank = previous[s.unit.pk].rank
                s.previous_score = previous[s.unit.pk].score
    return scores


CLOSED_SCORES_SECONDS = 600
UNIT_FIELDS = ("name", "short_name", "kind", "parent", "path", "depth", "sort_order", "is_active")


def _closed_scores(user, q: Q, start: date, end: date) -> list[UnitScore]:
    """Scores of a period that has ended, kept for a few minutes: every visit to the scorecard compares
    with the previous quarter, whose counts only change when a late review or a status does."""
    if end >= timezone.localdate():
        return _scores(user, q, start, end)
    key = f"ledger:scores:{permissions.grants_digest(user)}:{start}:{end}"
    return cache.get_or_set(key, lambda: _scores(user, q, start, end), CLOSED_SCORES_SECONDS)


def _scores(user, q: Q, start: date, end: date) -> list[UnitScore]:
    cal = calendar.current()
    tasks = Task.objects.filter(q)
    active = Q(start_date__lte=end, due_date__gte=start) & (Q(done_on__isnull=True) | Q(done_on__gte=start))
    by_unit: dict[int, UnitScore] = {}

    # Reports owed: for each cadence, the periods whose report fell due in the window, counted
    # per unit in one aggregate query (a task owes a period it was running during).
    owed_counts = [
        Count(
            "id",
            filter=Q(cadence=cadence, start_date__lte=p.end, due_date__gte=p.start)
            & (Q(done_on__isnull=True) | Q(done_on__gt=p.end)),
        )
        for cadence in (Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY, Cadence.QUARTERLY)
        for p in _periods_due_between(cal, cadence, start, end)
    ]
    # Summed in the database: one column per unit instead of one per period.
    owed = reduce(operator.add, owed_counts) if owed_counts else Value(0)
    unit_fields = ("lead_unit", *(f"lead_unit__{f}" for f in UNIT_FIELDS))
    aggregates = (
        tasks.order_by()
        .values(*unit_fields)
        .annotate(
            n_tasks=Count("id", filter=active),
            n_due=Count("id", filter=Q(due_date__range=(start, end))),
            n_done=Count("id", filter=Q(due_date__range=(start, end), done_on__isnull=False, done_on__lte=end)),
            n_overdue=Count("id", filter=Q(status=Status.OVERDUE)),
            n_owed=owed,
        )
        .values_list(*unit_fields, "n_tasks", "n_due", "n_done", "n_overdue", "n_owed")
    )
    for lead_unit, *fields, n_tasks, n_due, n_done, n_overdue, n_owed in aggregates:
        # Every lead unit in scope leads a task, so the units come with the task counts: no
        # second query for thousands of units.
        unit = dict(zip(UNIT_FIELDS, fields, strict=True))
        unit["parent_id"] = unit.pop("parent")
        s = by_unit[lead_unit] = UnitScore(unit=Unit(pk=lead_unit, **unit))
        s.tasks, s.tasks_due, s.tasks_done, s.overdue, s.reports_due = n_tasks, n_due, n_done, n_overdue, n_owed

    # Reports and milestones are counted for every lead unit, and only the units in scope (each of
    # which leads a task counted above) are kept. Restricting them in SQL cost more than counting:
    # "task IN (visible tasks)" made the planner walk every report (80 s at 100,000 tasks), and the
    # unit's path looked up once per report (PostgreSQL, 0.3 s of a quarter's 0.5 s).
    on_time = (
        ProgressReport.objects.filter(due_date__range=(start, end), is_late=False)
        .filter(unit_id=F("task__lead_unit"))  # the lead unit's own reports, not co-units'
        .exclude(state=ReportState.RETURNED)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("task_id"))
    )
    for unit_id, n in on_time:
        if unit_id in by_unit:
            s = by_unit[unit_id]
            s.reports_on_time = min(n, s.reports_due)
    milestones = (
        Milestone.objects.filter(due_date__range=(start, end))
        .order_by()
        .values_list("task__lead_unit")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due_date"))))
    )
    for unit_id, n, ok in milestones:
        if unit_id in by_unit:
            by_unit[unit_id].milestones_due, by_unit[unit_id].milestones_on_time = n, ok

    result = [s for s in by_unit.values() if s.tasks or s.reports_due or s.milestones_due or s.overdue]
    result.sort(key=lambda s: (-s.score, s.unit.path))
    for i, s in enumerate(result, start=1):
        s.rank = i
    return result


def _periods_due_between(cal, cadence: str, start: date, end: date):
    """Periods of ``cadence`` whose report is due within [start, end]."""
    periods = []
    probe = period_of(cal, cadence, start - timedelta(days=100))
    while probe is not None and probe.due <= end:
        if probe.due >= start:
            periods.append(probe)
        probe = period_of(cal, cadence, probe.end + timedelta(days=1))
    return periods


# --- indicators ----------------------------------------------------------------------------


def visible_indicators(user) -> QuerySet[Indicator]:
    q = permissions.unit_q(user, LEAD_READERS, field="owner_unit")
    if q is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(q).select_related("owner_unit").prefetch_related("values")


def indicator_detail(user, indicator_id: int) -> Indicator:
    indicator = visible_indicators(user).filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound("没有找到该指标，或您无权查看。")
    return indicator
