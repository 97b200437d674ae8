"""Every write to the key projects, the reserve pool and the funds sought from higher levels.

Roles, as in the supervision ledger: supervisors (督查员) register projects, set their plans,
move them through the stages, reopen closed months and hand problems to other units; the lead
unit's reporter (单位联络员) reports the month's investment, completes milestones, raises
problems, uploads photos and proposes projects for the reserve; leaders read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from luoshi.cases import services as cases
from luoshi.cases.choices import Action, CaseSource, CaseState
from luoshi.cases.models import CaseType
from luoshi.core.actors import SYSTEM, is_system
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.enterprises.models import Enterprise
from luoshi.notices.services import notify
from luoshi.org import permissions
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Unit
from luoshi.org.queries import users_with_role
from luoshi.projects import status
from luoshi.projects.choices import (
    POOL,
    Channel,
    FundLevel,
    FundState,
    KeyLevel,
    Maturity,
    MilestoneKind,
    ProblemState,
    ProjectType,
    Stage,
)
from luoshi.projects.models import (
    FundReceipt,
    FundRequest,
    FundTarget,
    MonthlyReport,
    MonthPlan,
    MonthReopening,
    Photo,
    Problem,
    Project,
    ProjectMilestone,
    YearPlan,
)
from luoshi.tracking import calendar, timeline

STEERING = (Role.SUPERVISOR, Role.ADMIN)
REPORTERS = (Role.UNIT_REPORTER,)

MAX_AMOUNT = Decimal("1000000000")  # 万元: ten trillion yuan, far beyond any project
CENT = Decimal("0.01")

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 10
# What a photo must start with: an extension that claims to be a picture is not enough.
PHOTO_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}

# The stages a project may move to from each stage; anything else is refused with a sentence.
# 新开工 and 竣工 usually follow from completing the 开工 and 竣工 milestones.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PLANNING: frozenset({Stage.RESERVE}),
    Stage.RESERVE: frozenset({Stage.PREPARATION, Stage.NEW_START}),
    Stage.PREPARATION: frozenset({Stage.NEW_START}),
    Stage.NEW_START: frozenset({Stage.CONSTRUCTION, Stage.COMPLETED}),
    Stage.CONSTRUCTION: frozenset({Stage.COMPLETED}),
    Stage.COMPLETED: frozenset({Stage.OPERATING}),
    Stage.OPERATING: frozenset(),
}
# A project leaves the pipeline (出库、终止) only before construction starts.
WITHDRAWABLE = (Stage.PLANNING, Stage.RESERVE, Stage.PREPARATION)

CASE_TYPE = "项目协调"

_pending = threading.local()


def _after_commit_refresh(project_id: int) -> None:
    """Refresh the project's derived status once the transaction commits (each project once)."""
    pending = _pending.__dict__.setdefault("ids", set())
    pending.add(project_id)

    def flush() -> None:
        ids = _pending.__dict__.get("ids", set())
        _pending.ids = set()
        status.refresh(ids)

    transaction.on_commit(flush)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def parse_amount(value, *, field: str, label: str) -> Decimal:
    """An amount in 万元: a number, not negative, kept to two decimals.

    >>> parse_amount("1,250.456", field="amount", label="金额")
    Decimal('1250.46')
    """
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
        if not text:
            raise ValidationFailed(f"请填写{label}（万元）。", field=field)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed(f"{label}“{value}”不是有效数字，请填写以万元为单位的金额。", field=field) from None
    if not number.is_finite():
        raise ValidationFailed(f"{label}不是有效数字，请填写以万元为单位的金额。", field=field)
    if number < 0:
        raise ValidationFailed(f"{label}不能为负数。", field=field)
    if number >= MAX_AMOUNT:
        raise ValidationFailed(f"{label}过大，请确认是否以万元为单位填写。", field=field)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _choice(value: str, choices, *, field: str, label: str, blank: bool = False) -> str:
    if blank and not value:
        return ""
    if value not in choices.values:
        raise ValidationFailed(
            f"{label}“{value}”无效，请选择：{'、'.join(str(c) for c in choices.labels)}。", field=field
        )
    return value


def _check_town(town: Unit | None) -> None:
    if town is not None and town.kind != UnitKind.TOWN:
        raise ValidationFailed(f"“{town.display_name}”不是镇街，请选择项目所在的镇或街道。", field="town")


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationFailed(f"计划竣工（{end:%Y-%m-%d}）不能早于计划开工（{start:%Y-%m-%d}）。", field="end_date")


def _check_code(code: str, exclude: int | None = None) -> None:
    if code and Project.objects.filter(code=code).exclude(pk=exclude).exists():
        raise Conflict(f"项目编号“{code}”已被其他项目使用。", field="code")


def may_steer(actor, project: Project) -> bool:
    return permissions.allowed(actor, STEERING, project.lead_unit)


def is_lead_reporter(actor, project: Project) -> bool:
    return permissions.allowed(actor, REPORTERS, project.lead_unit)


def may_propose(actor, unit: Unit) -> bool:
    """A unit's reporter may propose projects into the reserve pool (常态谋划) for its own unit."""
    return permissions.allowed(actor, STEERING, unit) or permissions.allowed(actor, REPORTERS, unit)


def may_edit(actor, project: Project) -> bool:
    """Supervisors edit any project they cover; the lead unit's reporter edits its reserve projects."""
    return may_steer(actor, project) or (project.in_pool and is_lead_reporter(actor, project))


# --- projects ------------------------------------------------------------------------------


@transaction.atomic
def create_project(
    actor,
    *,
    name: str,
    project_type: str,
    lead_unit: Unit,
    total_investment,
    stage: str = Stage.PLANNING,
    code: str = "",
    key_level: str = KeyLevel.DISTRICT,
    owner_enterprise: Enterprise | None = None,
    owner_name: str = "",
    town: Unit | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    description: str = "",
    maturity: str = "",
    channel: str = "",
    invested_before=0,
) -> Project:
    """Register a project; a unit's reporter may only propose one for the reserve (谋划 or 储备)."""
    stage = _choice(stage, Stage, field="stage", label="建设阶段")
    if stage in POOL:
        if not may_propose(actor, lead_unit):
            raise NotPermitted(f"只有督查员或“{lead_unit.display_name}”的联络员可以为该单位谋划储备项目。")
    else:
        permissions.require(actor, STEERING, lead_unit, action="登记实施项目")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写项目名称。", field="name")
    code = (code or "").strip()[:30]
    _check_code(code)
    _check_town(town)
    _check_dates(start_date, end_date)
    today = timezone.localdate()
    project = Project(
        code=code,
        name=name[:200],
        project_type=_choice(project_type, ProjectType, field="project_type", label="项目类型"),
        stage=stage,
        key_level=_choice(key_level, KeyLevel, field="key_level", label="项目级别"),
        lead_unit=lead_unit,
        owner_enterprise=owner_enterprise,
        owner_name="" if owner_enterprise else (owner_name or "").strip()[:200],
        town=town,
        total_investment=parse_amount(total_investment, field="total_investment", label="总投资"),
        invested_before=parse_amount(invested_before or 0, field="invested_before", label="以前年度累计完成投资"),
        start_date=start_date,
        end_date=end_date,
        description=(description or "").strip(),
        maturity=_choice(maturity, Maturity, field="maturity", label="前期工作深度", blank=True),
        channel=_choice(channel, Channel, field="channel", label="资金渠道", blank=True),
        entered_pool_on=today if stage in POOL else None,
        promoted_on=None if stage in POOL else today,
        started_on=today if Stage(stage) in (Stage.NEW_START, Stage.CONSTRUCTION) else None,
    )
    stamp(project, actor, "登记项目")
    project.save()
    timeline.record(
        project,
        actor,
        "created",
        f"登记项目：{Stage(stage).label}阶段，牵头单位{lead_unit.display_name}，总投资{project.total_investment}万元",
    )
    _after_commit_refresh(project.pk)
    return project


PROJECT_FIELDS = {
    "code",
    "name",
    "project_type",
    "key_level",
    "owner_enterprise",
    "owner_name",
    "town",
    "total_investment",
    "invested_before",
    "start_date",
    "end_date",
    "description",
    "maturity",
    "channel",
}


@transaction.atomic
def update_project(actor, project: Project, **changes) -> Project:
    # The row lock keeps two editors from overwriting each other's half of a change.
    project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    if not may_edit(actor, project):
        raise NotPermitted("只有督查员可以修改该项目；牵头单位联络员只能修改本单位的储备项目。")
    unknown = set(changes) - PROJECT_FIELDS - {"lead_unit"}
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    if "lead_unit" in changes and changes["lead_unit"].pk != project.lead_unit_id:
        permissions.require(actor, STEERING, project.lead_unit, action="改变牵头单位")
        permissions.require(actor, STEERING, changes["lead_unit"], action="改变牵头单位")
    for key in ("total_investment", "invested_before"):
        if key in changes:
            label = str(Project._meta.get_field(key).verbose_name).split("（")[0]
            changes[key] = parse_amount(changes[key], field=key, label=label)
    if "project_type" in changes:
        _choice(changes["project_type"], ProjectType, field="project_type", label="项目类型")
    if "key_level" in changes:
        _choice(changes["key_level"], KeyLevel, field="key_level", label="项目级别")
    if "maturity" in changes:
        _choice(changes["maturity"], Maturity, field="maturity", label="前期工作深度", blank=True)
    if "channel" in changes:
        _choice(changes["channel"], Channel, field="channel", label="资金渠道", blank=True)
    if "name" in changes and not str(changes["name"]).strip():
        raise ValidationFailed("请填写项目名称。", field="name")
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip()[:30]
        _check_code(changes["code"], exclude=project.pk)
    if changes.get("owner_enterprise"):
        changes["owner_name"] = ""
    _check_town(changes.get("town"))
    changed = [k for k, v in changes.items() if getattr(project, k) != v]
    if not changed:
        return project
    for key in changed:
        setattr(project, key, changes[key])
    _check_dates(project.start_date, project.end_date)
    stamp(project, actor, "修改项目信息")
    project.save()
    labels = "、".join(str(Project._meta.get_field(k).verbose_name).split("（")[0] for k in changed)
    timeline.record(project, actor, "changed", f"修改项目信息：{labels}")
    _after_commit_refresh(project.pk)
    return project


def stages_from(stage: str) -> list[str]:
    return [s for s in Stage.values if s in STAGE_TRANSITIONS[stage]]


@transaction.atomic
def move_stage(actor, project: Project, *, stage: str, on: date | None = None, note: str = "") -> Project:
    """Move a project to its next stage, by the transition table; 储备 → 前期/新开工 is a promotion."""
    project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    permissions.require(actor, STEERING, project.lead_unit, action="调整项目阶段")
    if project.stage == stage:
        return project  # a second click changes nothing
    _move(actor, project, stage, on or timezone.localdate(), note)
    return project


def _move(actor, project: Project, stage: str, on: date, note: str = "") -> None:
    if project.withdrawn_on is not None:
        raise Conflict("该项目已出库，不能再调整阶段。")
    if stage not in STAGE_TRANSITIONS.get(project.stage, ()):
        allowed = "、".join(Stage(s).label for s in stages_from(project.stage)) or "无"
        raise Conflict(
            f"项目当前为“{project.get_stage_display()}”阶段，不能转为“{Stage(stage).label}”；可转为：{allowed}。",
            field="stage",
        )
    if on > timezone.localdate():
        raise ValidationFailed("日期不能晚于今天。", field="on")
    previous = project.stage
    project.stage = stage
    fields = ["stage"]
    if previous in POOL and stage not in POOL:
        project.promoted_on = on
        fields.append("promoted_on")
    if stage == Stage.NEW_START and project.started_on is None:
        project.started_on = on
        fields.append("started_on")
    if stage == Stage.COMPLETED:
        project.completed_on = on
        fields.append("completed_on")
    if stage == Stage.OPERATING:
        project.operating_on = on
        fields.append("operating_on")
    stamp(project, actor, f"转为{Stage(stage).label}")
    project.save(update_fields=fields)
    verb = "转入实施" if "promoted_on" in fields else "阶段调整"
    text = f"{verb}：{Stage(previous).label} → {Stage(stage).label}（{on:%Y-%m-%d}）"
    timeline.record(project, actor, "stage", text + (f"：{note.strip()}" if note.strip() else ""))
    _after_commit_refresh(project.pk)


@transaction.atomic
def withdraw_project(actor, project: Project, *, reason: str, on: date | None = None) -> Project:
    """出库: a project leaves the reserve or its preliminary work stops; it keeps its history."""
    project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    permissions.require(actor, STEERING, project.lead_unit, action="项目出库")
    if project.withdrawn_on is not None:
        return project
    if project.stage not in WITHDRAWABLE:
        raise Conflict(f"项目已{project.get_stage_display()}，不能出库。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请写明出库原因（如：条件不成熟、合并到其他项目、业主放弃）。", field="reason")
    project.withdrawn_on = on or timezone.localdate()
    project.withdraw_reason = reason[:300]
    stamp(project, actor, "项目出库")
    project.save(update_fields=["withdrawn_on", "withdraw_reason"])
    timeline.record(project, actor, "withdrawn", f"出库：{project.withdraw_reason}")
    _after_commit_refresh(project.pk)
    return project


def roll_new_starts(today: date | None = None) -> int:
    """A 新开工 project started in an earlier year is 在建 (续建) from the new year on."""
    today = today or timezone.localdate()
    moved = 0
    for project in Project.objects.filter(stage=Stage.NEW_START, started_on__lt=date(today.year, 1, 1)):
        with transaction.atomic():
            _move(SYSTEM, project, Stage.CONSTRUCTION, date(today.year, 1, 1), "跨年续建")
        moved += 1
    return moved


# --- the year's plan -----------------------------------------------------------------------


def spread(amount: Decimal, months: list[int]) -> dict[int, Decimal]:
    """``amount`` spread evenly over ``months``, the cents left over going to the last one.

    >>> spread(Decimal("100"), [10, 11, 12])
    {10: Decimal('33.33'), 11: Decimal('33.33'), 12: Decimal('33.34')}
    """
    share = (amount / len(months)).quantize(CENT, rounding="ROUND_DOWN")
    result = dict.fromkeys(months, share)
    result[months[-1]] = amount - share * (len(months) - 1)
    return result


def default_months(project: Project, year: int) -> list[int]:
    """The months of ``year`` inside the project's planned construction window."""
    first = project.start_date.month if project.start_date and project.start_date.year == year else 1
    last = project.end_date.month if project.end_date and project.end_date.year == year else 12
    if project.start_date and project.start_date.year > year:
        return []
    return list(range(first, max(first, last) + 1))


@transaction.atomic
def set_year_plan(
    actor, project: Project, *, year: int, amount, months: Iterable | None = None, note: str = ""
) -> YearPlan:
    """Set (or change) a year's investment plan; ``months`` are the twelve monthly amounts.

    Without ``months`` the plan is spread evenly over the months of the planned construction
    window. The months must add up to the year's amount.
    """
    project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    permissions.require(actor, STEERING, project.lead_unit, action="下达投资计划")
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度应在2000—2100年之间。", field="year")
    amount = parse_amount(amount, field="amount", label="年度计划投资")
    if months is None:
        window = default_months(project, year) or list(range(1, 13))
        monthly = spread(amount, window) if amount else {}
    else:
        values = list(months)
        if len(values) != 12:
            raise ValidationFailed("月度计划应为1—12月共12个数。", field="months")
        monthly = {
            m: parse_amount(v if v not in (None, "") else 0, field="months", label=f"{m}月计划")
            for m, v in enumerate(values, 1)
        }
        total = sum(monthly.values(), Decimal(0))
        if total != amount:
            raise ValidationFailed(f"1—12月计划合计{total}万元，与年度计划{amount}万元不一致。", field="months")
    plan = YearPlan.objects.filter(project=project, year=year).first()
    old = plan.amount if plan else None
    plan = plan or YearPlan(project=project, year=year)
    plan.amount = amount
    plan.note = (note or "").strip()[:300]
    stamp(plan, actor, "下达投资计划")
    plan.save()
    existing = {m.month: m for m in plan.months.all()}
    for month in range(1, 13):
        value = monthly.get(month, Decimal(0))
        row = existing.get(month)
        if row is None:
            if value:
                row = MonthPlan(plan=plan, month=month, amount=value)
                stamp(row, actor, "下达投资计划")
                row.save()
        elif row.amount != value:
            row.amount = value
            stamp(row, actor, "调整月度计划")
            row.save(update_fields=["amount"])
    if old is None:
        timeline.record(project, actor, "plan", f"下达{year}年投资计划{amount}万元")
    elif old != amount:
        timeline.record(project, actor, "plan", f"调整{year}年投资计划：{old}万元 → {amount}万元")
    else:
        timeline.record(project, actor, "plan", f"调整{year}年月度投资计划")
    _after_commit_refresh(project.pk)
    return plan


# --- monthly investment reports ------------------------------------------------------------


def month_state(project: Project, year: int, month: int, today: date | None = None) -> str:
    """ "future", "open" or "closed" — whether the lead unit may report ``month`` now by itself."""
    today = today or timezone.localdate()
    if date(year, month, 1) > today:
        return "future"
    return "closed" if today > status.closes_on(calendar.current(), year, month) else "open"


def open_reopening(project: Project, year: int, month: int) -> MonthReopening | None:
    return MonthReopening.objects.filter(project=project, year=year, month=month, used_at__isnull=True).first()


def submit_report(
    actor, project: Project, *, year: int, month: int, amount, progress: str, problems: str = ""
) -> MonthlyReport:
    """Report (or correct) the investment ``project`` completed in one month.

    One report per project and month: sending it again updates the same row, and the history
    keeps the earlier figures; sending the same figures again changes nothing. A closed month
    needs a supervisor's reopening, which this report then uses up.
    """
    with transaction.atomic():
        # Lock the project: two submissions for one month (a double click, two tabs) must not
        # both find no report and both insert one.
        project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
        if not is_lead_reporter(actor, project):
            raise NotPermitted(f"只有牵头单位“{project.lead_unit.display_name}”的联络员可以报送该项目的投资完成情况。")
        return _submit_report(actor, project, int(year), int(month), amount, progress, problems)


def _submit_report(actor, project: Project, year: int, month: int, amount, progress, problems) -> MonthlyReport:
    if project.withdrawn_on is not None:
        raise Conflict("该项目已出库，无需报送投资。")
    if project.stage in POOL:
        raise Conflict("储备项目尚未转入实施，无需报送投资完成情况。")
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationFailed("请选择有效的年度和月份。", field="month")
    label = f"{year}年{month}月"
    state = month_state(project, year, month)
    if state == "future":
        raise ValidationFailed(f"{label}尚未开始，不能报送。", field="month")
    reopening = None
    # Work that no person starts (the demo, an operator's import) acts as the system, which
    # passes every check; everyone else needs a supervisor's reopening for a closed month.
    if state == "closed" and not is_system(actor):
        reopening = (
            MonthReopening.objects.select_for_update()
            .filter(project=project, year=year, month=month, used_at__isnull=True)
            .first()
        )
        if reopening is None:
            raise Conflict(f"{label}的投资数据已关账，如需补报或更正，请联系督查室开通补报。", code="month_closed")
    amount = parse_amount(amount, field="amount", label="本月完成投资")
    progress = (progress or "").strip()
    if not progress:
        raise ValidationFailed("请填写本月形象进度。", field="progress")
    problems = (problems or "").strip()
    now = timezone.now()
    cal = calendar.current()
    due = status.month_period(cal, year, month).due
    report = MonthlyReport.objects.filter(project=project, year=year, month=month).first()
    unit = project.lead_unit
    if report is not None:
        if (report.amount, report.progress, report.problems) == (amount, progress, problems):
            return report  # the same figures again: a retry, not a correction
        old = report.amount
        report.amount, report.progress, report.problems = amount, progress, problems
        report.unit = unit
        report.submitted_by = _user(actor) or report.submitted_by
        report.revised_at = now
        report.revision += 1
        stamp(report, actor, "更正投资月报" + ("（补报授权）" if reopening else ""))
        report.save()
        change = f"{old}万元 → {amount}万元" if old != amount else f"{amount}万元，更新形象进度"
        timeline.record(project, actor, "report", f"{unit.display_name}更正{label}投资：{change}", report=report.pk)
    else:
        report = MonthlyReport(
            project=project,
            year=year,
            month=month,
            unit=unit,
            amount=amount,
            progress=progress,
            problems=problems,
            submitted_by=_user(actor),
            submitted_at=now,
            due_date=due,
            is_late=timezone.localdate(now) > due,
        )
        stamp(report, actor, "报送投资月报" + ("（补报授权）" if reopening else ""))
        report.save()
        late = "（迟报）" if report.is_late else ""
        timeline.record(
            project, actor, "report", f"{unit.display_name}报送{label}投资{late}：完成{amount}万元", report=report.pk
        )
    if reopening is not None:
        reopening.used_at = now
        stamp(reopening, actor, "补报")
        reopening.save(update_fields=["used_at"])
    _after_commit_refresh(project.pk)
    return report


@transaction.atomic
def reopen_month(actor, project: Project, *, year: int, month: int, reason: str) -> MonthReopening:
    """A supervisor lets the lead unit report or correct a closed month once."""
    project = Project.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    permissions.require(actor, (Role.SUPERVISOR,), project.lead_unit, action="开通补报")
    year, month = int(year), int(month)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationFailed("请选择有效的年度和月份。", field="month")
    label = f"{year}年{month}月"
    if month_state(project, year, month) != "closed":
        raise Conflict(f"{label}尚未关账，牵头单位可以直接报送或更正，无需开通补报。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请写明开通补报的原因。", field="reason")
    existing = open_reopening(project, year, month)
    if existing is not None:
        return existing
    reopening = MonthReopening(
        project=project,
        year=year,
        month=month,
        reason=reason[:300],
        reopened_by=_user(actor),
        reopened_at=timezone.now(),
    )
    stamp(reopening, actor, "开通补报")
    reopening.save()
    timeline.record(project, actor, "reopened", f"开通{label}投资补报：{reopening.reason}")
    recipients = list(users_with_role(REPORTERS, project.lead_unit))
    transaction.on_commit(
        lambda: notify(
            recipients,
            cause=f"projects:reopen:{reopening.pk}",
            title=f"已开通补报：{project.name[:40]}{label}投资",
            body=f"原因：{reopening.reason}\n请尽快补报或更正该月投资完成情况。",
            link=f"/projects/{project.pk}/",
        )
    )
    return reopening


# --- milestones ----------------------------------------------------------------------------


def can_manage_milestones(actor, project: Project) -> bool:
    return may_steer(actor, project) or is_lead_reporter(actor, project)


@transaction.atomic
def add_milestone(
    actor,
    project: Project,
    *,
    kind: str = MilestoneKind.OTHER,
    title: str = "",
    due_date: date | None = None,
    due_workdays: int | None = None,
    base_date: date | None = None,
) -> ProjectMilestone:
    """Set a milestone due on ``due_date``, or ``due_workdays`` working days after ``base_date`` (today)."""
    if not can_manage_milestones(actor, project):
        raise NotPermitted("只有督查员或牵头单位联络员可以设置项目节点。")
    kind = _choice(kind, MilestoneKind, field="kind", label="节点类别")
    title = (title or "").strip() or MilestoneKind(kind).label
    cal = calendar.current()
    if due_workdays is not None:
        if not 1 <= int(due_workdays) <= 2000:
            raise ValidationFailed("工作日时限应在1到2000之间。", field="due_workdays")
        base_date = base_date or timezone.localdate()
        due_date = cal.deadline(base_date, int(due_workdays)).date
    if due_date is None:
        raise ValidationFailed("请填写计划完成日期，或起算后多少个工作日内完成。", field="due_date")
    milestone = ProjectMilestone(
        project=project,
        kind=kind,
        title=title[:200],
        due_date=due_date,
        due_provisional=cal.is_provisional(due_date),
        due_workdays=due_workdays,
        base_date=base_date if due_workdays is not None else None,
        sort_order=project.milestones.count(),
    )
    stamp(milestone, actor, "设置项目节点")
    milestone.save()
    timeline.record(project, actor, "milestone_added", f"设置节点“{milestone.title}”，{due_date:%Y-%m-%d}前完成")
    _after_commit_refresh(project.pk)
    return milestone


@transaction.atomic
def complete_milestone(actor, milestone: ProjectMilestone, *, done_on: date, evidence: str) -> ProjectMilestone:
    """Record a milestone done; completing 开工 or 竣工 moves the project to that stage."""
    milestone = ProjectMilestone.objects.select_for_update().select_related("project__lead_unit").get(pk=milestone.pk)
    project = milestone.project
    if not can_manage_milestones(actor, project):
        raise NotPermitted("只有督查员或牵头单位联络员可以确认节点完成。")
    if milestone.done_on is not None:
        return milestone
    if done_on > timezone.localdate():
        raise ValidationFailed("完成日期不能晚于今天。", field="done_on")
    if not (evidence or "").strip():
        raise ValidationFailed("请填写完成佐证（如批复文号、证书编号、现场照片说明）。", field="evidence")
    milestone.done_on = done_on
    milestone.evidence = evidence.strip()
    stamp(milestone, actor, "节点完成")
    milestone.save(update_fields=["done_on", "evidence"])
    late = calendar.current().workdays_between(milestone.due_date, done_on)
    suffix = f"（超期{late}个工作日）" if late > 0 else ""
    timeline.record(project, actor, "milestone_done", f"节点“{milestone.title}”完成{suffix}")
    # The stage follows the milestones that define it, only ever forward.
    project = Project.objects.select_for_update().get(pk=project.pk)
    target = {MilestoneKind.START: Stage.NEW_START, MilestoneKind.COMPLETION: Stage.COMPLETED}.get(milestone.kind)
    if target and target in STAGE_TRANSITIONS.get(project.stage, ()) and project.withdrawn_on is None:
        _move(actor, project, target, done_on, f"节点“{milestone.title}”完成")
    _after_commit_refresh(project.pk)
    return milestone


def recompute_provisional(year: int) -> int:
    """After ``year``'s holidays are confirmed: recount milestones given in working days."""
    cal = calendar.current()
    changed = []
    for m in ProjectMilestone.objects.filter(due_provisional=True, due_date__year__lte=year + 1):
        if m.due_workdays and m.base_date:
            result = cal.deadline(m.base_date, m.due_workdays)
            new = (result.date, result.provisional)
        else:
            new = (m.due_date, cal.is_provisional(m.due_date))
        if new != (m.due_date, m.due_provisional):
            if new[0] != m.due_date:
                timeline.record(
                    m.project, SYSTEM, "recomputed", f"{year}年节假日确认，节点“{m.title}”时限重算为{new[0]:%Y-%m-%d}"
                )
            m.due_date, m.due_provisional = new
            changed.append(m)
    ProjectMilestone.objects.bulk_update(changed, ["due_date", "due_provisional"])
    status.refresh({m.project_id for m in changed})
    return len(changed)


# --- problems ------------------------------------------------------------------------------


@transaction.atomic
def raise_problem(actor, project: Project, *, title: str, description: str = "", unit: Unit | None = None) -> Problem:
    """Record what blocks a project; a supervisor naming the unit that must act hands it over at once."""
    if not (may_steer(actor, project) or is_lead_reporter(actor, project)):
        raise NotPermitted("只有督查员或牵头单位联络员可以反映项目问题。")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请简要写明问题。", field="title")
    problem = Problem(
        project=project,
        title=title[:200],
        description=(description or "").strip(),
        unit=unit,
        raised_by=_user(actor),
        raised_at=timezone.now(),
    )
    stamp(problem, actor, "反映问题")
    problem.save()
    who = f"，需{unit.display_name}协调" if unit else ""
    timeline.record(project, actor, "problem", f"反映问题：{problem.title}{who}", problem=problem.pk)
    if unit is not None and permissions.allowed(actor, cases.DISPATCH_ROLES):
        problem = escalate_problem(actor, problem, unit=unit)
    elif unit is not None:
        supervisors = list(users_with_role((Role.SUPERVISOR,), project.lead_unit))
        transaction.on_commit(
            lambda: notify(
                supervisors,
                cause=f"projects:problem:{problem.pk}:raised",
                title=f"项目问题待交办：{project.name[:30]}",
                body=f"{problem.title}\n牵头单位建议交{unit.display_name}协调解决。",
                link=f"/projects/{project.pk}/",
            )
        )
    return problem


def _case_type() -> CaseType:
    case_type, _ = CaseType.objects.get_or_create(
        name=CASE_TYPE, defaults={"first_response_workdays": 1, "resolution_workdays": 10, "sort_order": 90}
    )
    return case_type


@transaction.atomic
def escalate_problem(actor, problem: Problem, *, unit: Unit) -> Problem:
    """Hand a problem to the unit that must act: it becomes a case, accepted and assigned to that unit."""
    # of=self: PostgreSQL cannot lock the nullable side of the join to the owner enterprise.
    locked = Problem.objects.select_for_update(of=("self",)).select_related(
        "project__lead_unit", "project__owner_enterprise"
    )
    problem = locked.get(pk=problem.pk)
    project = problem.project
    permissions.require(actor, cases.DISPATCH_ROLES, project.lead_unit, action="交办项目问题")
    if problem.case_id is not None:
        return problem
    if problem.state == ProblemState.RESOLVED:
        raise Conflict("该问题已解决，无需交办。")
    if unit.kind == UnitKind.ENTERPRISE:
        raise ValidationFailed("项目问题只能交给政府部门或镇街协调。", field="unit")
    description = (
        f"项目：{project.name}（牵头单位{project.lead_unit.display_name}，{project.get_stage_display()}阶段）\n"
        f"{problem.description or problem.title}"
    )
    case = cases.submit_case(
        actor,
        case_type=_case_type(),
        title=f"【项目协调】{problem.title}"[:200],
        description=description,
        source=CaseSource.ONLINE,
        enterprise=project.owner_enterprise,
    )
    case = cases.transition(actor, case, Action.ACCEPT)
    case = cases.transition(actor, case, Action.ASSIGN, unit=unit)
    problem.case = case
    problem.unit = unit
    problem.state = ProblemState.ESCALATED
    stamp(problem, actor, "交办问题")
    problem.save(update_fields=["case", "unit", "state"])
    timeline.record(
        project, actor, "problem_escalated", f"问题“{problem.title}”交{unit.display_name}办理（诉求{case.number}）"
    )
    return problem


@transaction.atomic
def resolve_problem(actor, problem: Problem, *, resolution: str, on: date | None = None) -> Problem:
    problem = (
        Problem.objects.select_for_update(of=("self",)).select_related("project__lead_unit", "case").get(pk=problem.pk)
    )
    project = problem.project
    if not (may_steer(actor, project) or is_lead_reporter(actor, project)):
        raise NotPermitted("只有督查员或牵头单位联络员可以确认问题解决。")
    if problem.state == ProblemState.RESOLVED:
        return problem
    if problem.case_id and problem.case.is_open:
        raise Conflict(f"该问题已交办（诉求{problem.case.number}），请待承办单位办结后再确认。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationFailed("请写明问题如何解决。", field="resolution")
    _resolve(actor, problem, resolution, on or timezone.localdate())
    return problem


def _resolve(actor, problem: Problem, resolution: str, on: date) -> None:
    problem.state = ProblemState.RESOLVED
    problem.resolution = resolution
    problem.resolved_on = on
    stamp(problem, actor, "问题解决")
    problem.save(update_fields=["state", "resolution", "resolved_on"])
    timeline.record(problem.project, actor, "problem_resolved", f"问题“{problem.title}”已解决：{resolution[:200]}")


def sync_problems_from_cases() -> int:
    """Problems whose case the handling unit has closed are resolved with the case's result."""
    done = (CaseState.RESOLVED, CaseState.FOLLOWED_UP)
    synced = 0
    for problem in Problem.objects.filter(state=ProblemState.ESCALATED, case__state__in=done).select_related(
        "case", "project"
    ):
        with transaction.atomic():
            on = timezone.localdate(problem.case.resolved_at) if problem.case.resolved_at else timezone.localdate()
            _resolve(SYSTEM, problem, problem.case.resolution or "承办单位已办结", on)
        synced += 1
    return synced


# --- photos --------------------------------------------------------------------------------


def _check_photos(files: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    files = list(files)
    if not files:
        raise ValidationFailed("请选择要上传的照片。", field="files")
    if len(files) > MAX_PHOTOS:
        raise ValidationFailed(f"一次最多上传{MAX_PHOTOS}张照片。", field="files")
    checked = []
    for f in files:
        name = f.name or ""
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext not in PHOTO_SIGNATURES:
            raise ValidationFailed(f"文件“{name}”不是照片，请上传 JPG、PNG 或 WebP 图片。", field="files")
        if f.size > MAX_PHOTO_BYTES:
            raise ValidationFailed(f"照片“{name}”超过10MB，请压缩后上传。", field="files")
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        if not any(head.startswith(sig) for sig in PHOTO_SIGNATURES[ext]) or (ext == ".webp" and head[8:12] != b"WEBP"):
            raise ValidationFailed(f"文件“{name}”的内容不是{ext[1:].upper()}图片，请重新导出后上传。", field="files")
        checked.append((f, PHOTO_TYPES[ext]))
    return checked


@transaction.atomic
def add_photos(
    actor, project: Project, files: Iterable[UploadedFile], *, caption: str = "", taken_on: date | None = None
) -> list[Photo]:
    if not (may_steer(actor, project) or is_lead_reporter(actor, project)):
        raise NotPermitted("只有督查员或牵头单位联络员可以上传现场照片。")
    checked = _check_photos(files)
    if taken_on and taken_on > timezone.localdate():
        raise ValidationFailed("拍摄日期不能晚于今天。", field="taken_on")
    photos = []
    for f, content_type in checked:
        photo = Photo(
            project=project,
            file=f,
            name=f.name[:200],
            size=f.size,
            content_type=content_type,
            caption=(caption or "").strip()[:200],
            taken_on=taken_on or timezone.localdate(),
            uploaded_by=_user(actor),
        )
        photo.save()
        photos.append(photo)
    timeline.record(
        project, actor, "photos", f"上传现场照片{len(photos)}张" + (f"：{caption.strip()}" if caption else "")
    )
    return photos


# --- funds sought from higher levels -------------------------------------------------------


def may_edit_fund(actor, unit: Unit) -> bool:
    return permissions.allowed(actor, STEERING, unit) or permissions.allowed(actor, REPORTERS, unit)


def _fund_editor(actor, unit: Unit, action: str) -> None:
    if not may_edit_fund(actor, unit):
        raise NotPermitted(f"只有督查员或“{unit.display_name}”的联络员可以{action}。")


@transaction.atomic
def create_fund(
    actor,
    *,
    title: str,
    channel: str,
    applying_unit: Unit,
    amount_applied,
    applied_on: date,
    level: str = FundLevel.NATIONAL,
    year: int | None = None,
    project: Project | None = None,
    note: str = "",
) -> FundRequest:
    """Register a fund or project sought from a higher level, as the applying unit files it."""
    _fund_editor(actor, applying_unit, "登记本单位争取的资金")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写申报事项。", field="title")
    if applied_on > timezone.localdate():
        raise ValidationFailed("申报日期不能晚于今天。", field="applied_on")
    fund = FundRequest(
        title=title[:200],
        channel=_choice(channel, Channel, field="channel", label="资金渠道"),
        level=_choice(level, FundLevel, field="level", label="层级"),
        applying_unit=applying_unit,
        project=project,
        year=year or applied_on.year,
        amount_applied=parse_amount(amount_applied, field="amount_applied", label="申报金额"),
        applied_on=applied_on,
        note=(note or "").strip(),
    )
    stamp(fund, actor, "登记争取资金")
    fund.save()
    timeline.record(fund, actor, "applied", f"{applying_unit.display_name}申报{fund.amount_applied}万元")
    return fund


@transaction.atomic
def approve_fund(actor, fund: FundRequest, *, amount_approved, approved_on: date, note: str = "") -> FundRequest:
    # Lock the row: an approval and a receipt recorded at the same moment must see each other.
    fund = FundRequest.objects.select_for_update().select_related("applying_unit").get(pk=fund.pk)
    _fund_editor(actor, fund.applying_unit, "登记批复")
    if fund.state == FundState.REJECTED:
        raise Conflict("该事项已登记为未获支持，不能再登记批复。")
    amount = parse_amount(amount_approved, field="amount_approved", label="批复金额")
    if amount < fund.amount_received:
        raise ValidationFailed(f"批复金额不能少于已到位的{fund.amount_received}万元。", field="amount_approved")
    if approved_on < fund.applied_on or approved_on > timezone.localdate():
        raise ValidationFailed("批复日期应在申报日期之后、今天之前。", field="approved_on")
    if (fund.amount_approved, fund.approved_on) == (amount, approved_on):
        return fund
    fund.amount_approved = amount
    fund.approved_on = approved_on
    fund.state = FundState.RECEIVED if amount and fund.amount_received == amount else FundState.APPROVED
    if note.strip():
        fund.note = f"{fund.note}\n{note.strip()}".strip()
    stamp(fund, actor, "登记批复")
    fund.save(update_fields=["amount_approved", "approved_on", "state", "note"])
    timeline.record(fund, actor, "approved", f"获批{amount}万元（{approved_on:%Y-%m-%d}）")
    return fund


@transaction.atomic
def reject_fund(actor, fund: FundRequest, *, note: str) -> FundRequest:
    fund = FundRequest.objects.select_for_update().select_related("applying_unit").get(pk=fund.pk)
    _fund_editor(actor, fund.applying_unit, "登记未获支持")
    if fund.state == FundState.REJECTED:
        return fund
    if fund.state != FundState.APPLIED:
        raise Conflict("该事项已获批复，不能再登记为未获支持。")
    if not (note or "").strip():
        raise ValidationFailed("请写明未获支持的原因，便于下次申报改进。", field="note")
    fund.state = FundState.REJECTED
    fund.note = f"{fund.note}\n未获支持：{note.strip()}".strip()
    stamp(fund, actor, "未获支持")
    fund.save(update_fields=["state", "note"])
    timeline.record(fund, actor, "rejected", f"未获支持：{note.strip()}")
    return fund


@transaction.atomic
def record_receipt(actor, fund: FundRequest, *, amount, received_on: date, note: str = "") -> FundReceipt:
    """Record a tranche of approved money that has arrived; the total never exceeds the approval."""
    # The row lock serialises two tranches recorded at once: each sees the other's amount, so
    # together they cannot pass the approved total (the check constraint backs this up).
    fund = FundRequest.objects.select_for_update().select_related("applying_unit").get(pk=fund.pk)
    _fund_editor(actor, fund.applying_unit, "登记资金到位")
    if fund.amount_approved is None or fund.state == FundState.REJECTED:
        raise Conflict("该事项尚未获批，不能登记资金到位。请先登记批复。")
    amount = parse_amount(amount, field="amount", label="到位金额")
    if amount <= 0:
        raise ValidationFailed("到位金额应大于0。", field="amount")
    left = fund.amount_approved - fund.amount_received
    if amount > left:
        raise ValidationFailed(f"到位金额超过尚未到位的批复资金（{left}万元）。", field="amount")
    if (fund.approved_on and received_on < fund.approved_on) or received_on > timezone.localdate():
        raise ValidationFailed("到位日期应在批复日期之后、今天之前。", field="received_on")
    receipt = FundReceipt(fund=fund, amount=amount, received_on=received_on, note=note.strip()[:300])
    receipt.recorded_by = _user(actor)
    stamp(receipt, actor, "登记资金到位")
    receipt.save()
    fund.amount_received += amount
    fund.state = FundState.RECEIVED if fund.amount_received == fund.amount_approved else FundState.APPROVED
    stamp(fund, actor, "资金到位")
    fund.save(update_fields=["amount_received", "state"])
    timeline.record(fund, actor, "received", f"到位{amount}万元，累计到位{fund.amount_received}万元")
    return receipt


def _district() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()


@transaction.atomic
def set_fund_target(actor, *, year: int, amount, note: str = "") -> FundTarget:
    permissions.require(actor, STEERING, _district(), action="设定争取资金目标")
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度应在2000—2100年之间。", field="year")
    target = FundTarget.objects.select_for_update().filter(year=year).first() or FundTarget(year=year)
    target.amount = parse_amount(amount, field="amount", label="争取资金目标")
    target.note = (note or "").strip()[:300]
    stamp(target, actor, "设定争取资金目标")
    target.save()
    return target
