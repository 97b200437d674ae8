"""Every write to a case: submission and each transition of the workflow table.

A transition locks the case row, checks the table and the actor's part, moves the clock
(deadlines in working days; a suspended case's clock stops), writes a timeline entry and history,
and notifies whoever must act next after the commit.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from luoshi.cases.choices import Action, CaseSource, CaseState
from luoshi.cases.models import Case, CaseType
from luoshi.cases.workflow import DISPATCHER, FOLLOWER, HANDLER, NEEDS_REASON, next_state
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.notices.services import notify
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.models import Unit
from luoshi.org.queries import users_with_role
from luoshi.tracking import calendar, timeline
from luoshi.tracking.choices import Colour, Stage
from luoshi.tracking.status import MilestoneFact, assess, stage

DISPATCH_ROLES = (Role.SUPERVISOR, Role.ADMIN)


# --- who is who on a case ------------------------------------------------------------------


def parts_of(actor, case: Case) -> set[str]:
    """The workflow parts ``actor`` plays on ``case``."""
    parts = set()
    if permissions.allowed(actor, DISPATCH_ROLES):
        parts.add(DISPATCHER)
    if case.unit_id and permissions.allowed(actor, (Role.UNIT_REPORTER,), case.unit):
        parts.add(HANDLER)
    if case.enterprise_id and _follows(actor, case):
        parts.add(FOLLOWER)
    if DISPATCHER in parts:
        parts.add(FOLLOWER)  # the dispatcher may record a follow-up made by phone
    return parts


def _follows(actor, case: Case) -> bool:
    enterprise = case.enterprise
    if enterprise.unit_id and permissions.allowed(actor, (Role.ENTERPRISE_USER,), enterprise.unit):
        return True
    return enterprise.assignments.filter(ended_on__isnull=True, commissioner_id=getattr(actor, "pk", None)).exists()


def may_submit_for(actor, enterprise) -> bool:
    if permissions.allowed(actor, DISPATCH_ROLES):
        return True
    if enterprise is None:
        return False
    if enterprise.unit_id and permissions.allowed(actor, (Role.ENTERPRISE_USER,), enterprise.unit):
        return True
    return enterprise.assignments.filter(ended_on__isnull=True, commissioner_id=getattr(actor, "pk", None)).exists()


# --- submission ----------------------------------------------------------------------------


@transaction.atomic
def submit_case(
    actor,
    *,
    case_type: CaseType,
    title: str,
    description: str,
    source: str = CaseSource.ONLINE,
    enterprise=None,
    visit=None,
    parent: Case | None = None,
) -> Case:
    if not may_submit_for(actor, enterprise):
        raise NotPermitted("您只能为本企业或您服务的企业提交诉求。")
    if source not in CaseSource.values:
        raise ValidationFailed(f"诉求来源“{source}”无效。", field="source")
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ValidationFailed("请简要写明诉求。", field="title")
    if not description:
        raise ValidationFailed("请写明诉求的具体内容。", field="description")
    now = timezone.now()
    case = Case(
        number=f"tmp-{now.timestamp()}",
        case_type=case_type,
        source=source,
        enterprise=enterprise,
        visit=visit,
        parent=parent,
        title=title[:200],
        description=description,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=now,
    )
    stamp(case, actor, "提交诉求")
    case.save()
    # The number follows the row id, so two submissions can never be given the same one.
    case.number = f"SQ{timezone.localdate(now):%Y}{case.pk:07d}"
    Case.objects.filter(pk=case.pk).update(number=case.number)
    who = enterprise.name if enterprise else "群众"
    timeline.record(case, actor, "submitted", f"{who}提交诉求（来源：{CaseSource(source).label}）")
    _notify_dispatchers(case)
    return case


def _notify_dispatchers(case: Case) -> None:
    dispatchers = (
        list(users_with_role((Role.SUPERVISOR,), case.enterprise.town))
        if (case.enterprise_id and case.enterprise.town_id)
        else []
    )
    transaction.on_commit(
        lambda: notify(
            dispatchers,
            cause=f"cases:{case.pk}:submitted",
            title=f"新诉求待受理：{case.title[:40]}",
            link=f"/cases/{case.pk}/",
        )
    )


# --- transitions ---------------------------------------------------------------------------


def transition(
    actor, case: Case, action: str, *, unit: Unit | None = None, note: str = "", rating: int | None = None
) -> Case:
    with transaction.atomic():
        # The row lock serialises two people acting on one case: the second sees the first's state.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("case_type", "unit", "enterprise")
            .get(pk=case.pk)
        )
        move = next_state(case.state, action)
        if move is None:
            raise Conflict(f"诉求当前为“{case.get_state_display()}”，不能{Action(action).label}。")
        target, allowed_parts = move
        if not parts_of(actor, case) & allowed_parts:
            raise NotPermitted(f"您不能对该诉求执行“{Action(action).label}”。")
        note = (note or "").strip()
        if action in NEEDS_REASON and not note:
            words = {Action.RESOLVE: "请填写办理结果。", Action.REOPEN: "请说明不满意的原因，以便重新办理。"}
            raise ValidationFailed(words.get(action, f"请说明{Action(action).label}的原因。"), field="note")
        text = _apply(actor, case, action, unit=unit, note=note, rating=rating)
        previous = case.state
        case.state = target
        _refresh_colour(case)
        stamp(case, actor, Action(action).label)
        case.save()
        timeline.record(case, actor, action, text, **{"from": previous, "to": target})
        _notify_next(case, action)
    return case


def _apply(actor, case: Case, action: str, *, unit, note: str, rating) -> str:
    cal = calendar.current()
    now = timezone.now()
    today = timezone.localdate(now)
    label = Action(action).label
    if action == Action.ACCEPT:
        case.accepted_at = now
        due = cal.deadline(today, case.case_type.resolution_workdays)
        case.resolution_due, case.due_provisional = due.date, due.provisional
        return f"受理，办结时限{due.date:%Y-%m-%d}"
    if action in (Action.ASSIGN, Action.TRANSFER):
        if unit is None:
            raise ValidationFailed("请选择承办单位。", field="unit")
        if unit.pk == case.unit_id:
            raise ValidationFailed("转办的单位与当前承办单位相同。", field="unit")
        if action == Action.TRANSFER and not permissions.allowed(actor, DISPATCH_ROLES) and unit.kind == "enterprise":
            raise ValidationFailed("诉求只能转给政府部门或镇街。", field="unit")
        old = case.unit
        case.unit = unit
        case.assigned_at = now
        case.first_response_at = None
        due = cal.deadline(today, case.case_type.first_response_workdays)
        case.first_response_due = due.date
        if action == Action.TRANSFER:
            return f"由{old.display_name if old else '—'}转办至{unit.display_name}：{note}"
        return f"交办{unit.display_name}，{due.date:%Y-%m-%d}前首次响应"
    if action == Action.START:
        case.first_response_at = now
        return "开始办理（首次响应）"
    if action == Action.RETURN:
        old = case.unit
        case.unit = None
        # The returning unit's response clock ends here; the next unit gets its own.
        case.first_response_due = None
        case.first_response_at = None
        return f"{old.display_name if old else ''}退回：{note}"
    if action == Action.SUSPEND:
        case.suspended_on = today
        return f"挂起，计时暂停：{note}"
    if action == Action.RESUME:
        paused = cal.workdays_between(case.suspended_on or today, today)
        if case.resolution_due and paused > 0:
            case.resolution_due = cal.add_workdays(case.resolution_due, paused)
        case.suspended_on = None
        return f"恢复办理，挂起{paused}个工作日，办结时限顺延至{case.resolution_due:%Y-%m-%d}"
    if action == Action.RESOLVE:
        case.resolved_at = now
        case.resolution = note
        return f"办结：{note}"
    if action in (Action.FOLLOW_UP, Action.REOPEN):
        if rating is None or not 1 <= int(rating) <= 5:
            raise ValidationFailed("请给出1到5分的满意度评价。", field="rating")
        case.rating = int(rating)
        case.rating_comment = note[:300]
        if action == Action.REOPEN:
            case.reopen_count += 1
            case.resolved_at = None
            due = cal.deadline(today, case.case_type.resolution_workdays)
            case.resolution_due, case.due_provisional = due.date, due.provisional
            return f"回访不满意（{rating}分），重新办理：{note}"
        return f"回访满意（{rating}分）" + (f"：{note}" if note else "")
    return label


def _notify_next(case: Case, action: str) -> None:
    if action in (Action.ASSIGN, Action.TRANSFER) and case.unit_id:
        recipients = list(users_with_role((Role.UNIT_REPORTER,), case.unit))
        title = f"新交办诉求：{case.title[:40]}"
    elif action == Action.RETURN:
        recipients = (
            list(users_with_role((Role.SUPERVISOR,), case.enterprise.town))
            if (case.enterprise_id and case.enterprise.town_id)
            else []
        )
        title = f"诉求被退回，请重新交办：{case.title[:40]}"
    elif action == Action.RESOLVE and case.submitted_by_id:
        recipients = [case.submitted_by]
        title = f"您的诉求已办结，请评价：{case.title[:40]}"
    else:
        return
    cause = f"cases:{case.pk}:{action}:{case.assigned_at or case.resolved_at or timezone.now():%Y%m%d%H%M%S}"
    transaction.on_commit(lambda: notify(recipients, cause=cause, title=title, link=f"/cases/{case.pk}/"))


# --- deadline colour -----------------------------------------------------------------------


def assess_case(case: Case, today: date | None = None):
    """The shared tracking rule applied to a case: first response as a milestone, resolution as the due date."""
    today = today or timezone.localdate()
    cal = calendar.current()
    if case.state == CaseState.SUSPENDED:
        return "green", f"已挂起（{case.suspended_on:%Y-%m-%d}起），等待企业补充，计时暂停"
    if case.state == CaseState.SUBMITTED:
        return "green", "待受理"
    start = timezone.localdate(case.accepted_at) if case.accepted_at else today
    due = case.resolution_due or today
    milestones = []
    if case.first_response_due:
        responded = timezone.localdate(case.first_response_at) if case.first_response_at else None
        milestones.append(MilestoneFact("首次响应", case.first_response_due, responded))
    done_on = timezone.localdate(case.resolved_at) if case.resolved_at else None
    a = assess(cal, today=today, start=start, due=due, done_on=done_on, milestones=milestones, judge_progress=False)
    if a.status == "on_track":
        # A case has no percent; what matters is the time left, and the last days are yellow.
        left = cal.workdays_between(today, due)
        if stage(cal, due, today) == Stage.SOON:
            return Colour.YELLOW, f"距办结时限（{due:%Y-%m-%d}）仅剩{left}个工作日"
        return Colour.GREEN, f"距办结时限（{due:%Y-%m-%d}）还有{left}个工作日"
    reason = a.reason.replace("，完成进度0%", "")
    if done_on and case.state == CaseState.RESOLVED:
        reason += "，待回访"
    return a.colour, reason[:300]


def _refresh_colour(case: Case) -> None:
    case.colour, case.colour_reason = assess_case(case)


def refresh_colours(today: date | None = None) -> int:
    changed = []
    for case in Case.objects.exclude(state=CaseState.FOLLOWED_UP).select_related("case_type").iterator(chunk_size=2000):
        colour, reason = assess_case(case, today)
        if (colour, reason) != (case.colour, case.colour_reason):
            case.colour, case.colour_reason = colour, reason
            changed.append(case)
    Case.objects.bulk_update(changed, ["colour", "colour_reason"], batch_size=2000)
    return len(changed)
