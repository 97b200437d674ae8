"""Every write to the supervision ledger.

Roles: supervisors (督查员) create and steer tasks and review reports for the units they
cover; unit reporters (单位联络员) report for tasks their unit leads or co-operates on and
complete their unit's milestones; leaders read and evaluate.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.core.tree import child_path, depth_of
from luoshi.ledger import status
from luoshi.ledger.choices import Cadence, Level, Priority, ReportState, SourceKind
from luoshi.ledger.models import (
    AreaTag,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressReport,
    ReportAttachment,
    Source,
    Task,
    TaskEvaluation,
)
from luoshi.ledger.periods import period_of
from luoshi.notices.services import notify
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Person, Unit
from luoshi.tracking import calendar, timeline

STEERING = (Role.SUPERVISOR, Role.ADMIN)
REPORTERS = (Role.UNIT_REPORTER,)
EVALUATORS = (Role.SUPERVISOR, Role.LEADER)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
ALLOWED_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".ofd",
    ".zip",
}

# Legal moves of a report under review; anything else is refused with a sentence.
REPORT_TRANSITIONS = {
    (ReportState.SUBMITTED, ReportState.ACCEPTED),
    (ReportState.SUBMITTED, ReportState.RETURNED),
}


_pending = threading.local()


def _after_commit_refresh(task_id: int) -> None:
    """Refresh the task's derived status once the transaction commits.

    A big transaction (an import, the demo) touches a task many times; the ids are collected
    and the first callback to run refreshes them all, so each task is assessed once.
    """
    pending = _pending.__dict__.setdefault("ids", set())
    pending.add(task_id)

    def flush() -> None:
        ids = _pending.__dict__.get("ids", set())
        _pending.ids = set()
        status.refresh(ids)

    transaction.on_commit(flush)


def _set_path(task) -> None:
    task.path = child_path(task.parent.path if task.parent_id else None, task.pk)
    task.depth = depth_of(task.path)


# --- sources and tasks ---------------------------------------------------------------------


@transaction.atomic
def create_source(
    actor,
    *,
    title: str,
    held_on: date,
    kind: str = SourceKind.MEETING,
    level: str = Level.DISTRICT,
    doc_number: str = "",
    note: str = "",
) -> Source:
    permissions.require(actor, STEERING, action="登记任务来源")
    if not title.strip():
        raise ValidationFailed("请填写来源名称。", field="title")
    source = Source(
        title=title.strip(), held_on=held_on, kind=kind, level=level, doc_number=doc_number.strip(), note=note
    )
    stamp(source, actor, "登记任务来源")
    source.save()
    return source


def area_tags(names: Iterable[str]) -> list[AreaTag]:
    tags = []
    for name in names:
        name = name.strip()
        if name:
            tags.append(AreaTag.objects.get_or_create(name=name[:20])[0])
    return tags


@dataclass(frozen=True)
class Due:
    date: date
    provisional: bool


def due_after(start: date, workdays: int) -> Due:
    """A deadline ``workdays`` working days after ``start``, marked provisional where the calendar is."""
    d = calendar.current().deadline(start, workdays)
    return Due(d.date, d.provisional)


def _check_dates(start: date, due: date) -> None:
    if due < start:
        raise ValidationFailed(f"完成时限（{due:%Y-%m-%d}）不能早于开始日期（{start:%Y-%m-%d}）。", field="due_date")


@transaction.atomic
def create_task(
    actor,
    *,
    title: str,
    lead_unit: Unit,
    start_date: date,
    due_date: date | None = None,
    parent: Task | None = None,
    source: Source | None = None,
    co_units: Iterable[Unit] = (),
    owner: Person | None = None,
    cadence: str = Cadence.MONTHLY,
    priority: int = Priority.NORMAL,
    areas: Iterable[str] = (),
    code: str = "",
    description: str = "",
    due_workdays: int | None = None,
) -> Task:
    """Create a task; ``due_workdays`` instead of ``due_date`` counts the deadline in working days."""
    permissions.require(actor, STEERING, lead_unit, action="交办任务")
    if due_workdays is not None:
        due_date = due_after(start_date, due_workdays).date
    title = title.strip()
    if not title:
        raise ValidationFailed("请填写任务内容。", field="title")
    if cadence not in Cadence.values:
        raise ValidationFailed(f"报送频次“{cadence}”无效。", field="cadence")
    if due_date is None:
        raise ValidationFailed("请填写完成时限，或开始后多少个工作日内完成。", field="due_date")
    _check_dates(start_date, due_date)
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    task = Task(
        title=title[:300],
        lead_unit=lead_unit,
        start_date=start_date,
        due_date=due_date,
        due_provisional=calendar.current().is_provisional(due_date),
        due_workdays=due_workdays,
        parent=parent,
        source=source or (parent.source if parent else None),
        owner=owner,
        cadence=cadence,
        priority=priority,
        code=code.strip(),
        description=description,
    )
    stamp(task, actor, "交办任务")
    task.save()
    _set_path(task)
    Task.objects.filter(pk=task.pk).update(path=task.path, depth=task.depth)
    task.co_units.set(co_units)
    task.areas.set(area_tags(areas))
    units = "、".join(u.display_name for u in co_units)
    timeline.record(
        task, actor, "created", f"交办：牵头单位{lead_unit.display_name}" + (f"，配合单位{units}" if units else "")
    )
    _after_commit_refresh(task.pk)
    return task


TASK_FIELDS = {"title", "description", "code", "start_date", "due_date", "cadence", "priority", "owner", "source"}


@transaction.atomic
def update_task(actor, task: Task, *, co_units: Iterable[Unit] | None = None, areas=None, **changes) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    permissions.require(actor, STEERING, task.lead_unit, action="调整任务")
    unknown = set(changes) - TASK_FIELDS - {"lead_unit"}
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    if "lead_unit" in changes:
        permissions.require(actor, STEERING, changes["lead_unit"], action="改变牵头单位")
    for key, value in changes.items():
        setattr(task, key, value)
    _check_dates(task.start_date, task.due_date)
    task.due_provisional = calendar.current().is_provisional(task.due_date)
    stamp(task, actor, "调整任务")
    task.save()
    if co_units is not None:
        task.co_units.set([u for u in co_units if u.pk != task.lead_unit_id])
    if areas is not None:
        task.areas.set(area_tags(areas))
    if changes:
        timeline.record(
            task, actor, "changed", "调整任务：" + "、".join(str(Task._meta.get_field(k).verbose_name) for k in changes)
        )
    _after_commit_refresh(task.pk)
    return task


def recompute_provisional(year: int) -> int:
    """After ``year``'s holidays are confirmed: recount working-day deadlines that fell in it."""
    cal = calendar.current()
    changed = []
    for task in Task.objects.filter(due_provisional=True, due_date__year__lte=year + 1):
        if task.due_workdays:
            result = cal.deadline(task.start_date, task.due_workdays)
            new_date, provisional = result.date, result.provisional
        else:
            new_date, provisional = task.due_date, cal.is_provisional(task.due_date)
        if (new_date, provisional) != (task.due_date, task.due_provisional):
            if new_date != task.due_date:
                timeline.record(task, SYSTEM, "recomputed", f"{year}年节假日确认，完成时限重算为{new_date:%Y-%m-%d}")
            task.due_date, task.due_provisional = new_date, provisional
            changed.append(task)
    Task.objects.bulk_update(changed, ["due_date", "due_provisional"])
    Milestone.objects.filter(due_provisional=True, due_date__year=year).update(due_provisional=False)
    status.refresh([t.pk for t in changed])
    return len(changed)


# --- milestones ----------------------------------------------------------------------------


def can_manage_milestones(actor, task: Task) -> bool:
    return permissions.allowed(actor, STEERING, task.lead_unit) or permissions.allowed(actor, REPORTERS, task.lead_unit)


@transaction.atomic
def add_milestone(actor, task: Task, *, title: str, due_date: date) -> Milestone:
    if not can_manage_milestones(actor, task):
        raise NotPermitted("只有督查员或牵头单位联络员可以设置里程碑。")
    if not title.strip():
        raise ValidationFailed("请填写里程碑名称。", field="title")
    if not task.start_date <= due_date <= task.due_date:
        raise ValidationFailed(
            f"里程碑时限应在任务期限内（{task.start_date:%Y-%m-%d}至{task.due_date:%Y-%m-%d}）。", field="due_date"
        )
    milestone = Milestone(
        task=task,
        title=title.strip()[:200],
        due_date=due_date,
        due_provisional=calendar.current().is_provisional(due_date),
        sort_order=task.milestones.count(),
    )
    stamp(milestone, actor, "设置里程碑")
    milestone.save()
    timeline.record(task, actor, "milestone_added", f"设置里程碑“{milestone.title}”，{due_date:%Y-%m-%d}前完成")
    _after_commit_refresh(task.pk)
    return milestone


@transaction.atomic
def complete_milestone(actor, milestone: Milestone, *, done_on: date, evidence: str) -> Milestone:
    milestone = Milestone.objects.select_for_update().select_related("task__lead_unit").get(pk=milestone.pk)
    task = milestone.task
    if not can_manage_milestones(actor, task):
        raise NotPermitted("只有督查员或牵头单位联络员可以确认里程碑完成。")
    if milestone.done_on is not None:
        return milestone  # a second click changes nothing
    if done_on > timezone.localdate():
        raise ValidationFailed("完成日期不能晚于今天。", field="done_on")
    if not evidence.strip():
        raise ValidationFailed("请填写完成佐证（如批复文号、现场照片说明）。", field="evidence")
    milestone.done_on = done_on
    milestone.evidence = evidence.strip()
    stamp(milestone, actor, "里程碑完成")
    milestone.save(update_fields=["done_on", "evidence"])
    late = calendar.current().workdays_between(milestone.due_date, done_on)
    suffix = f"（超期{late}个工作日）" if late > 0 else ""
    timeline.record(task, actor, "milestone_done", f"里程碑“{milestone.title}”完成{suffix}")
    _after_commit_refresh(task.pk)
    return milestone


# --- progress reports ----------------------------------------------------------------------


def reporting_units(actor, task: Task) -> list[Unit]:
    """Units for which ``actor`` may report on ``task``: its lead unit first, then co-units."""
    # A task read for its page carries its co-units already (queries.task_detail).
    co_units = task.co_unit_list if hasattr(task, "co_unit_list") else task.co_units.all()
    units = [task.lead_unit, *co_units]
    return [u for u in units if permissions.allowed(actor, REPORTERS, u)]


def _check_files(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传{MAX_FILES}个佐证文件。", field="files")
    for f in files:
        name = f.name or ""
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext not in ALLOWED_EXTENSIONS:
            raise ValidationFailed(
                f"文件“{name}”的类型不允许，请上传 PDF、Word、Excel、PPT、OFD、图片或 ZIP。", field="files"
            )
        if f.size > MAX_FILE_BYTES:
            raise ValidationFailed(f"文件“{name}”超过20MB，请压缩后上传。", field="files")
    return files


def _validate_percent(percent) -> int:
    try:
        value = int(percent)
    except (TypeError, ValueError):
        raise ValidationFailed("完成进度应为0到100之间的整数。", field="percent") from None
    if not 0 <= value <= 100:
        raise ValidationFailed("完成进度应为0到100之间的整数。", field="percent")
    return value


def submit_report(
    actor,
    task: Task,
    *,
    text: str,
    percent: int,
    unit: Unit | None = None,
    problems: str = "",
    files: Iterable[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> ProgressReport:
    """Store a progress report for the period now owed; a retry with the same key stores nothing new."""
    if idempotency_key:
        existing = ProgressReport.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submitter(actor, existing)
    try:
        with transaction.atomic():
            return _submit_report(actor, task, text, percent, unit, problems, files, idempotency_key)
    except IntegrityError:
        # Two requests with one key raced past the check above: the other one stored it.
        existing = ProgressReport.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return _same_submitter(actor, existing)


def _same_submitter(actor, report: ProgressReport) -> ProgressReport:
    if report.submitted_by_id != getattr(actor, "pk", None):
        raise Conflict("该幂等键已被其他报告使用，请换一个键重新提交。", code="idempotency_conflict")
    return report


def _submit_report(actor, task, text, percent, unit, problems, files, idempotency_key) -> ProgressReport:
    task = Task.objects.select_related("lead_unit").get(pk=task.pk)
    allowed_units = reporting_units(actor, task)
    if not allowed_units:
        raise NotPermitted("只有牵头单位或配合单位的联络员可以报送该任务的进展。")
    if unit is None:
        unit = allowed_units[0]
    elif unit.pk not in {u.pk for u in allowed_units}:
        raise NotPermitted(f"您不能代表“{unit.display_name}”报送该任务的进展。")
    if not task.is_open:
        raise Conflict("该任务已完成或已销号，无需再报送进展。")
    if not text or not text.strip():
        raise ValidationFailed("请填写进展情况。", field="text")
    percent = _validate_percent(percent)
    files = _check_files(files)

    cal = calendar.current()
    now = timezone.now()
    today = timezone.localdate(now)
    period = _period_to_report(cal, task, unit, today)
    report = ProgressReport(
        task=task,
        period=period.key if period else today.isoformat(),
        period_end=period.end if period else today,
        due_date=period.due if period else today,
        unit=unit,
        text=text.strip(),
        problems=problems.strip(),
        percent=percent,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=now,
        is_late=bool(period and today > period.due),
        idempotency_key=idempotency_key or None,
    )
    stamp(report, actor, "报送进展")
    report.save()
    for f in files:
        ReportAttachment.objects.create(
            report=report,
            file=f,
            name=f.name[:200],
            size=f.size,
            content_type=getattr(f, "content_type", None) or mimetypes.guess_type(f.name)[0] or "",
        )
    late = "（迟报）" if report.is_late else ""
    label = period.label if period else "不定期"
    timeline.record(
        task, actor, "report", f"{unit.display_name}报送{label}进展{late}：进度{percent}%", report=report.pk
    )
    _after_commit_refresh(task.pk)
    return report


def _period_to_report(cal, task: Task, unit: Unit, today: date):
    """The oldest owed period this unit has not yet reported (catching up), else the current one."""
    current = period_of(cal, task.cadence, min(today, task.due_date))
    if current is None:
        return None
    from luoshi.ledger.periods import owed_periods

    reported = set(
        ProgressReport.objects.filter(task=task, unit=unit)
        .exclude(state=ReportState.RETURNED)
        .values_list("period", flat=True)
    )
    for period in owed_periods(cal, task.cadence, task.start_date, today)[-status.REPORT_LOOKBACK :]:
        if period.key not in reported:
            return period
    return current


@transaction.atomic
def review_report(actor, report: ProgressReport, *, accept: bool, note: str = "") -> ProgressReport:
    # Lock the report: two supervisors clicking at once must not both move it.
    report = ProgressReport.objects.select_for_update().select_related("task__lead_unit", "unit").get(pk=report.pk)
    task = report.task
    permissions.require(actor, (Role.SUPERVISOR,), task.lead_unit, action="审核进展报告")
    target = ReportState.ACCEPTED if accept else ReportState.RETURNED
    if report.state == target:
        return report  # the same decision twice (a retry, a double click) is one decision
    if (report.state, target) not in REPORT_TRANSITIONS:
        raise Conflict(f"该报告已{report.get_state_display()}，不能再{ReportState(target).label}。")
    if not accept and not note.strip():
        raise ValidationFailed("退回报告时请写明退回原因，便于单位修改后重报。", field="note")
    report.state = target
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()[:500]
    stamp(report, actor, "审核进展报告")
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])

    if accept and report.unit_id == task.lead_unit_id:
        # The lead unit's accepted report is the task's progress; 100% completes it.
        task = Task.objects.select_for_update().get(pk=task.pk)
        task.percent = report.percent
        fields = ["percent"]
        if report.percent == 100 and task.done_on is None:
            task.done_on = timezone.localdate(report.submitted_at)
            fields.append("done_on")
        stamp(task, actor, "采纳进展报告")
        task.save(update_fields=fields)
        if "done_on" in fields:
            timeline.record(task, actor, "done", "任务完成（采纳100%进展报告）")
    verdict = "采纳" if accept else f"退回（{report.review_note}）"
    timeline.record(task, actor, "review", f"{report.unit.display_name}的{report.period}进展报告已{verdict}")
    if not accept and report.submitted_by_id:
        notify(
            [report.submitted_by],
            cause=f"ledger:report:{report.pk}:returned",
            title=f"进展报告被退回：{task.title[:40]}",
            body=f"退回原因：{report.review_note}\n请修改后重新报送。",
            link=f"/ledger/tasks/{task.pk}/",
        )
    _after_commit_refresh(task.pk)
    return report


# --- closing: completion, evaluation, 销号 -------------------------------------------------------


@transaction.atomic
def evaluate_task(actor, task: Task, *, score, comment: str = "") -> TaskEvaluation:
    task = Task.objects.select_for_update().select_related("lead_unit").get(pk=task.pk)
    permissions.require(actor, EVALUATORS, task.lead_unit, action="评价任务")
    try:
        score = Decimal(str(score)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("评分应为0到100之间的数。", field="score") from None
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationFailed("评分应为0到100之间的数。", field="score")
    evaluation = TaskEvaluation.objects.filter(task=task).first() or TaskEvaluation(task=task)
    evaluation.score = score
    evaluation.comment = comment.strip()
    evaluation.evaluated_by = actor if getattr(actor, "pk", None) else None
    stamp(evaluation, actor, "问效评价")
    evaluation.save()
    timeline.record(task, actor, "evaluated", f"问效评价：{score}分")
    return evaluation


@transaction.atomic
def close_task(actor, task: Task, *, note: str = "") -> Task:
    """销号: the supervisor closes a completed task; it leaves the active ledger but keeps its history."""
    task = Task.objects.select_for_update().select_related("lead_unit").get(pk=task.pk)
    permissions.require(actor, (Role.SUPERVISOR,), task.lead_unit, action="销号")
    if task.closed_on is not None:
        return task
    if task.done_on is None:
        raise Conflict("任务尚未完成，不能销号。请先采纳完成进度为100%的进展报告。")
    open_children = task.children.filter(closed_on__isnull=True).count()
    if open_children:
        raise Conflict(f"还有{open_children}项子任务未销号，请先处理子任务。")
    task.closed_on = timezone.localdate()
    task.closed_by = actor if getattr(actor, "pk", None) else None
    task.close_note = note.strip()[:300]
    stamp(task, actor, "销号")
    task.save(update_fields=["closed_on", "closed_by", "close_note"])
    timeline.record(task, actor, "closed", "销号" + (f"：{task.close_note}" if task.close_note else ""))
    _after_commit_refresh(task.pk)
    return task


# --- indicators ----------------------------------------------------------------------------


@transaction.atomic
def create_indicator(
    actor,
    *,
    name: str,
    measure: str,
    target,
    year: int,
    owner_unit: Unit,
    target_kind: str = "growth",
    direction: str = "up",
    baseline=None,
    period_type: str = "monthly",
    cumulative: bool = True,
    note: str = "",
) -> Indicator:
    permissions.require(actor, STEERING, owner_unit, action="设置指标")
    indicator = Indicator(
        name=name.strip(),
        measure=measure.strip(),
        target=_decimal(target, "target"),
        baseline=None if baseline in (None, "") else _decimal(baseline, "baseline"),
        year=year,
        owner_unit=owner_unit,
        target_kind=target_kind,
        direction=direction,
        period_type=period_type,
        cumulative=cumulative,
        note=note,
    )
    if Indicator.objects.filter(name=indicator.name, year=year, owner_unit=owner_unit).exists():
        raise Conflict(f"{year}年已有指标“{indicator.name}”。", field="name")
    stamp(indicator, actor, "设置指标")
    indicator.save()
    return indicator


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"“{value}”不是有效数字。", field=field) from None


def can_enter_indicator(actor, indicator: Indicator) -> bool:
    unit = indicator.owner_unit
    return permissions.allowed(actor, STEERING, unit) or permissions.allowed(actor, REPORTERS, unit)


@transaction.atomic
def record_indicator_value(
    actor, indicator: Indicator, *, period_end: date, value=None, growth=None, note: str = ""
) -> IndicatorValue:
    """Enter (or correct) the published figure of one period; the correction keeps its history."""
    indicator = Indicator.objects.select_related("owner_unit").get(pk=indicator.pk)
    if not can_enter_indicator(actor, indicator):
        raise NotPermitted(f"只有{indicator.owner_unit.display_name}联络员或督查员可以录入该指标。")
    if value in (None, "") and growth in (None, ""):
        raise ValidationFailed("请至少填写数值或同比增长率。", field="value")
    if period_end.year != indicator.year:
        raise ValidationFailed(f"期末日期应在{indicator.year}年内。", field="period_end")
    if period_end > timezone.localdate():
        raise ValidationFailed("不能录入未来期间的数据。", field="period_end")
    row = IndicatorValue.objects.select_for_update().filter(
        indicator=indicator, period_end=period_end
    ).first() or IndicatorValue(indicator=indicator, period_end=period_end)
    row.value = None if value in (None, "") else _decimal(value, "value")
    row.growth = None if growth in (None, "") else _decimal(growth, "growth")
    row.note = note.strip()[:300]
    row.entered_by = actor if getattr(actor, "pk", None) else None
    stamp(row, actor, "录入指标值")
    row.save()
    return row
