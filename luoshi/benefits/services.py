"""Every write of redemption: applications through review and public notice, budgets, payment.

Money moves only here. Approval reserves on the clause's budget account with a conditional
UPDATE (the database re-checks the limit under its row lock, and a CHECK constraint refuses any
overdraft), payment consumes the reservation, refusal releases it. Each movement is a
:class:`BudgetEntry` unique per application and kind, so a retry, a double click or a repeated API
call with the same Idempotency-Key finds the work done and pays once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from luoshi import rules
from luoshi.benefits.choices import RESERVED_STATES, EntryKind, State
from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry, Material, Objection
from luoshi.core.actors import SYSTEM
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.enterprises.facts import facts_of
from luoshi.enterprises.models import CommissionerAssignment, Enterprise, YearFigure
from luoshi.notices.services import Message, notify, notify_many
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.queries import users_with_role
from luoshi.policies.choices import Mode
from luoshi.policies.models import Clause
from luoshi.policies.services import window_state
from luoshi.tracking import calendar, timeline

REVIEWERS = (Role.REVIEWER, Role.ADMIN)
CENT = Decimal("0.01")
# Working days each step may take before the application is overdue.
STEP_WORKDAYS = {
    State.CONFIRMING: 10,
    State.SUBMITTED: 2,
    State.FIRST_REVIEW: 5,
    State.SECOND_REVIEW: 5,
    State.DISBURSING: 10,
    State.RETURNED: 10,
}
PUBLICITY_WORKDAYS = 5
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".jpg", ".jpeg", ".png", ".zip")


# --- who may do what --------------------------------------------------------------------------


def is_commissioner_of(actor, enterprise: Enterprise) -> bool:
    return CommissionerAssignment.objects.filter(
        enterprise=enterprise, commissioner_id=getattr(actor, "pk", None), ended_on__isnull=True
    ).exists()


def can_act_for(actor, enterprise: Enterprise) -> bool:
    """The enterprise's own users and its commissioner apply; administrators may help."""
    if enterprise.unit_id and permissions.allowed(actor, (Role.ENTERPRISE_USER,), enterprise.unit):
        return True
    return is_commissioner_of(actor, enterprise) or permissions.allowed(actor, (Role.ADMIN,))


def can_review(actor, clause: Clause) -> bool:
    if clause.department_id is None:
        return permissions.allowed(actor, (Role.ADMIN,))
    return permissions.allowed(actor, REVIEWERS, clause.department)


def _require_applicant(actor, application: Application) -> None:
    if not can_act_for(actor, application.enterprise):
        raise NotPermitted("只有企业本身或其服务专员可以办理这项申报。")


def _require_reviewer(actor, clause: Clause) -> None:
    if not can_review(actor, clause):
        where = f"“{clause.department.display_name}”" if clause.department_id else ""
        raise NotPermitted(f"您没有审核{where}政策申报的权限：需要该部门的政策审核员角色。")


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("clause__document", "enterprise")
        .get(pk=application.pk)
    )


def _move(app: Application, actor, state: str, text: str, today: date, **data) -> None:
    app.state = state
    days = STEP_WORKDAYS.get(state)
    app.step_due = calendar.current().add_workdays(today, days) if days else None
    stamp(app, actor, text)
    app.save()
    timeline.record(app, actor, state, text, **data)


# --- eligibility --------------------------------------------------------------------------------


def check_eligibility(application: Application, today: date) -> rules.Outcome:
    clause = application.clause
    ctx = rules.Context(figure_year=clause.figure_year or today.year - 1, as_of=today)
    rule = rules.parse(clause.rule)
    amount = rules.parse(clause.amount_formula, kind="amount") if clause.amount_formula else None
    return rules.evaluate(rule, facts_of(application.enterprise, ctx), ctx, amount=amount)


# --- applying --------------------------------------------------------------------------------


@transaction.atomic
def start(actor, enterprise: Enterprise, clause: Clause, *, today: date | None = None) -> Application:
    """A draft application, or the live one if the enterprise already has it."""
    today = today or timezone.localdate()
    if not can_act_for(actor, enterprise):
        raise NotPermitted("只有企业本身或其服务专员可以为企业申报。")
    live = Application.objects.filter(enterprise=enterprise, clause=clause).exclude(state=State.REJECTED).first()
    if live is not None:
        return live
    if clause.mode == Mode.AUTOMATIC:
        raise ValidationFailed("这项政策免申即享，无需申报：符合条件的企业由系统生成申请，企业确认收款账户即可。")
    state, sentence = window_state(clause, today)
    if state != "open":
        raise ValidationFailed(f"“{clause.title}”现在不受理申报：{sentence}。")
    app = Application(
        enterprise=enterprise,
        clause=clause,
        clause_version=clause.version,
        figure_year=clause.figure_year or today.year - 1,
    )
    stamp(app, actor, "新建申报")
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:  # a concurrent start won; use its application
        return Application.objects.filter(enterprise=enterprise, clause=clause).exclude(state=State.REJECTED).get()
    timeline.record(app, actor, State.DRAFT, "新建申报")
    return app


@transaction.atomic
def add_material(actor, application: Application, *, name: str, upload) -> Material:
    app = _locked(application)
    _require_applicant(actor, app)
    if app.state not in (State.DRAFT, State.RETURNED):
        raise Conflict("申报已提交，不能再修改材料；如需补正，请等待审核部门退回。")
    filename = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if not filename.lower().endswith(MATERIAL_TYPES):
        raise ValidationFailed(
            f"材料“{filename}”的类型不支持，请上传 PDF、Word、Excel、OFD、图片或压缩包。", field="file"
        )
    if upload.size > MATERIAL_MAX_BYTES:
        raise ValidationFailed(f"材料“{filename}”超过20MB，请压缩后再上传。", field="file")
    name = (name or "").strip()[:200]
    if name not in app.clause.material_list:
        raise ValidationFailed("请选择条款要求的材料项。", field="name")
    material = Material(application=app, name=name, size=upload.size, uploaded_by=actor if actor.pk else None)
    material.file.save(filename, upload, save=False)
    material.save()
    return material


def _account_fields(app: Application, fields: dict) -> None:
    for name, label, limit in (
        ("bank_name", "开户银行", 100),
        ("bank_account", "银行账号", 40),
        ("account_holder", "账户名称", 200),
        ("contact", "联系人及电话", 100),
    ):
        value = (fields.get(name) or "").strip()
        if not value:
            raise ValidationFailed(f"请填写{label}。", field=name)
        setattr(app, name, value[:limit])
    digits = app.bank_account.replace(" ", "")
    if not (digits.isdigit() and 8 <= len(digits) <= 30):
        raise ValidationFailed("银行账号应为8至30位数字。", field="bank_account")
    app.bank_account = digits
    if app.account_holder != app.enterprise.name:
        raise ValidationFailed(f"收款账户名称须为企业全称“{app.enterprise.name}”。", field="account_holder")


@transaction.atomic
def submit(actor, application: Application, *, today: date | None = None, **account) -> Application:
    """Submit (or resubmit after 退回补正): eligibility is re-checked now and its trace kept."""
    today = today or timezone.localdate()
    app = _locked(application)
    _require_applicant(actor, app)
    if app.state not in (State.DRAFT, State.RETURNED):
        raise Conflict(f"申报当前为“{app.get_state_display()}”，不能再次提交。")
    state, sentence = window_state(app.clause, today)
    if state != "open" and app.state == State.DRAFT:
        raise ValidationFailed(f"“{app.clause.title}”现在不受理申报：{sentence}。")
    missing = [m for m in app.clause.material_list if not app.materials.filter(name=m).exists()]
    if missing:
        raise ValidationFailed(f"还缺少申报材料：{'、'.join(missing)}。", field="materials")
    _account_fields(app, account)
    outcome = check_eligibility(app, today)
    if outcome.verdict != "eligible":
        gaps = "；".join(g.gap or g.text for g in outcome.gaps) or "不符合申报条件"
        raise ValidationFailed(f"按{app.figure_year}年数据核验，企业暂不符合申报条件：{gaps}。", code="not_eligible")
    app.eligibility = outcome.to_dict()
    app.amount_estimated = outcome.amount
    app.clause_version = app.clause.version
    app.submitted_at, app.submitted_by = timezone.now(), actor if actor.pk else None
    app.reason = ""
    _move(app, actor, State.SUBMITTED, "提交申报（资格核验通过）", today)
    notify(
        users_with_role(REVIEWERS[:1], app.clause.department) if app.clause.department_id else [],
        cause=f"benefits.submitted:{app.pk}:{app.submitted_at:%Y%m%d%H%M%S}",
        title=f"新的政策申报：{app.enterprise.name} · {app.clause.title}",
        link=f"/benefits/applications/{app.pk}/",
    )
    return app


# --- budgets -----------------------------------------------------------------------------------


def account_for(clause: Clause) -> BudgetAccount:
    if clause.budget is None:
        raise ValidationFailed(f"“{clause.title}”尚未设定预算，不能核定资金。请先在条款中填写预算。")
    account, _ = BudgetAccount.objects.get_or_create(clause=clause, defaults={"total": clause.budget})
    return account


def accounts_for(clause: Clause) -> list[BudgetAccount]:
    """The accounts an approval draws on: the clause's, and the policy's when it has an overall budget."""
    accounts = [account_for(clause)]
    document = clause.document
    if document.budget is not None:
        account, _ = BudgetAccount.objects.get_or_create(document=document, defaults={"total": document.budget})
        accounts.append(account)
    return accounts


def _entry(account, app, kind, amount, actor, key) -> bool:
    """Record one movement; False when it was already recorded (a retry)."""
    try:
        with transaction.atomic():
            BudgetEntry.objects.create(
                account=account,
                application=app,
                kind=kind,
                amount=amount,
                idempotency_key=(key or "")[:80],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        return False
    return True


def _reserve(app: Application, amount: Decimal, actor, key: str) -> None:
    # All or nothing: a refusal on the policy's account rolls back the clause's reservation with it.
    for account in accounts_for(app.clause):
        if not _entry(account, app, EntryKind.RESERVE, amount, actor, key):
            continue
        taken = BudgetAccount.objects.filter(pk=account.pk, total__gte=F("reserved") + F("paid") + amount).update(
            reserved=F("reserved") + amount
        )
        if not taken:
            account.refresh_from_db()
            whose = f"“{app.clause.title}”" if account.clause_id else f"《{app.clause.document.title}》总"
            raise Conflict(
                f"{whose}预算不足：预算{account.total}元，已预留{account.reserved}元、已拨付{account.paid}元，"
                f"剩余{account.available}元，不够核定{amount}元。",
                code="budget_exhausted",
            )


def _release(app: Application, actor) -> None:
    for reserved in BudgetEntry.objects.filter(application=app, kind=EntryKind.RESERVE):
        consumed = BudgetEntry.objects.filter(application=app, account=reserved.account_id, kind=EntryKind.CONSUME)
        if consumed.exists():
            continue
        if _entry(reserved.account, app, EntryKind.RELEASE, reserved.amount, actor, ""):
            BudgetAccount.objects.filter(pk=reserved.account_id).update(reserved=F("reserved") - reserved.amount)


def _consume(app: Application, actor, key: str) -> None:
    for reserved in BudgetEntry.objects.filter(application=app, kind=EntryKind.RESERVE):
        if _entry(reserved.account, app, EntryKind.CONSUME, reserved.amount, actor, key):
            BudgetAccount.objects.filter(pk=reserved.account_id).update(
                reserved=F("reserved") - reserved.amount, paid=F("paid") + reserved.amount
            )


def _follow_total(account: BudgetAccount | None, total: Decimal | None, what: str, field: str) -> None:
    if account is None or total == account.total:
        return
    committed = account.reserved + account.paid
    if total is None or total < committed:
        raise ValidationFailed(
            f"{what}不能低于已核定和已拨付的合计{committed}元（已预留{account.reserved}元、已拨付{account.paid}元）。",
            field=field,
        )
    account.total = total
    account.save(update_fields=["total"])


def sync_budget(clause: Clause) -> None:
    """Follow a changed clause budget; refuse one below what is already reserved and paid."""
    _follow_total(
        BudgetAccount.objects.select_for_update().filter(clause=clause).first(), clause.budget, "预算", "budget"
    )


def sync_document_budget(document) -> None:
    """Follow a changed policy budget the same way."""
    account = BudgetAccount.objects.select_for_update().filter(document=document).first()
    _follow_total(account, document.budget, "政策总预算", "budget")


# --- review --------------------------------------------------------------------------------------

ACTIONS = {
    "accept": ((State.SUBMITTED,), State.FIRST_REVIEW, "受理，进入初审"),
    "pass": ((State.FIRST_REVIEW,), State.SECOND_REVIEW, "初审通过，进入复审"),
    "approve": ((State.SECOND_REVIEW,), State.PUBLICITY, "复审通过，核定金额并进入公示"),
    "return": ((State.SUBMITTED, State.FIRST_REVIEW, State.SECOND_REVIEW), State.RETURNED, "退回补正"),
    "reject": (
        (State.SUBMITTED, State.FIRST_REVIEW, State.SECOND_REVIEW, State.PUBLICITY, State.CONFIRMING),
        State.REJECTED,
        "不予支持",
    ),
}


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(CENT)
    except InvalidOperation:
        raise ValidationFailed(f"“{value}”不是有效金额。", field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed("核定金额应大于0。", field=field)
    return amount


@transaction.atomic
def review(
    actor,
    application: Application,
    action: str,
    *,
    reason: str = "",
    amount=None,
    idempotency_key: str = "",
    today: date | None = None,
) -> Application:
    """One reviewer step. Repeating an approval that already happened changes nothing."""
    today = today or timezone.localdate()
    app = _locked(application)
    _require_reviewer(actor, app.clause)
    if action not in ACTIONS:
        raise ValidationFailed(f"未知的审核操作“{action}”。", field="action")
    sources, target, text = ACTIONS[action]
    if app.state == target or (action == "approve" and app.state in (*RESERVED_STATES, State.PAID)):
        return app  # done before: a retry or a double click
    if app.state not in sources:
        raise Conflict(f"申报当前为“{app.get_state_display()}”，不能{text}。")
    reason = (reason or "").strip()
    if target in (State.RETURNED, State.REJECTED) and not reason:
        raise ValidationFailed(f"{text}须写明理由。", field="reason")
    if action == "approve":
        granted = _money(amount, "amount") if amount not in (None, "") else app.amount_estimated
        if granted is None:
            raise ValidationFailed("请填写核定金额。", field="amount")
        if app.amount_estimated is not None and granted > app.amount_estimated:
            raise ValidationFailed(f"核定金额不能超过按政策测算的{app.amount_estimated}元。", field="amount")
        _reserve(app, granted, actor, idempotency_key)
        _publish(app, actor, granted, today)
        return app
    if target == State.REJECTED:
        _release(app, actor)
    app.reason = reason[:500]
    _move(app, actor, target, f"{text}：{reason}" if reason else text, today)
    if target in (State.RETURNED, State.REJECTED):
        people = _applicants(app)
        notify(
            people,
            cause=f"benefits.{action}:{app.pk}:{timezone.now():%Y%m%d%H%M%S}",
            title=f"“{app.clause.title}”申报{text}",
            body=reason,
            link=f"/benefits/applications/{app.pk}/",
        )
    return app


def _publish(app: Application, actor, granted: Decimal, today: date) -> None:
    cal = calendar.current()
    app.amount_approved = granted
    app.approved_at = timezone.now()
    app.publicity_from = cal.next_workday(today)
    app.publicity_until = cal.add_workdays(today, PUBLICITY_WORKDAYS)
    _move(app, actor, State.PUBLICITY, f"核定{granted}元，公示至{app.publicity_until:%Y-%m-%d}", today)
    app.step_due = app.publicity_until
    app.save(update_fields=["step_due"])


def _applicants(app: Application) -> list:
    from luoshi.benefits.matching import recipients

    return recipients([app.enterprise_id]).get(app.enterprise_id, [])


# --- public notice -------------------------------------------------------------------------------


@transaction.atomic
def lodge_objection(application: Application, *, name: str, contact: str, text: str) -> Objection:
    """Anyone may object to an application on public notice; it waits until resolved."""
    app = _locked(application)
    if app.state != State.PUBLICITY:
        raise Conflict("该申报不在公示期内，不能提出异议。")
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    if not name or not contact:
        raise ValidationFailed("请留下姓名和联系方式，以便核实。", field="name")
    if len(text) < 10:
        raise ValidationFailed("请具体说明异议的事实和理由（至少10个字）。", field="text")
    objection = Objection(application=app, name=name[:50], contact=contact[:50], text=text[:2000])
    stamp(objection, SYSTEM, "公示期异议")
    objection.save()
    timeline.record(app, SYSTEM, "objection", f"收到公示异议（{name[:1]}某）")
    reviewers = users_with_role([Role.REVIEWER], app.clause.department) if app.clause.department_id else []
    notify(
        reviewers,
        cause=f"benefits.objection:{objection.pk}",
        title=f"公示异议：{app.enterprise.name} · {app.clause.title}",
        body=text[:200],
        link=f"/benefits/applications/{app.pk}/",
    )
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, *, upheld: bool, resolution: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("application__clause").get(pk=objection.pk)
    _require_reviewer(actor, objection.application.clause)
    if objection.resolved_at is not None:
        return objection
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationFailed("请填写处理意见。", field="resolution")
    objection.upheld, objection.resolution = upheld, resolution[:2000]
    objection.resolved_at, objection.resolved_by = timezone.now(), actor if actor.pk else None
    stamp(objection, actor, "异议成立" if upheld else "异议不成立")
    objection.save()
    if upheld:
        review(actor, objection.application, "reject", reason=f"公示异议成立：{resolution}")
    else:
        timeline.record(objection.application, actor, "objection", f"异议经核查不成立：{resolution}")
    return objection


def close_publicities(today: date | None = None) -> str:
    """Applications whose notice ended with every objection resolved go on to payment."""
    today = today or timezone.localdate()
    due = Application.objects.filter(state=State.PUBLICITY, publicity_until__lt=today)
    moved = held = 0
    for app in due:
        with transaction.atomic():
            app = _locked(app)
            if app.state != State.PUBLICITY:
                continue
            if app.objections.filter(resolved_at__isnull=True).exists():
                held += 1
                continue
            _move(app, SYSTEM, State.DISBURSING, "公示期满无异议，进入拨付", today)
            moved += 1
    return f"公示期满转入拨付 {moved} 件，因异议未处理暂缓 {held} 件"


# --- payment -------------------------------------------------------------------------------------


@transaction.atomic
def pay(actor, application: Application, *, reference: str, idempotency_key: str = "", today=None) -> Application:
    """Disburse the approved amount. Paying an application already paid changes nothing."""
    today = today or timezone.localdate()
    app = _locked(application)
    _require_reviewer(actor, app.clause)
    if app.state == State.PAID:
        return app
    if app.state != State.DISBURSING:
        raise Conflict(f"申报当前为“{app.get_state_display()}”，公示期满后才能拨付。")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationFailed("请填写支付凭证号。", field="reference")
    _consume(app, actor, idempotency_key)
    app.paid_at, app.payment_reference = timezone.now(), reference[:60]
    _move(app, actor, State.PAID, f"已拨付{app.amount_approved}元（凭证{reference}）", today)
    notify(
        _applicants(app),
        cause=f"benefits.paid:{app.pk}",
        title=f"“{app.clause.title}”资金{app.amount_approved}元已拨付",
        link=f"/benefits/applications/{app.pk}/",
    )
    return app


# --- 免申即享 --------------------------------------------------------------------------------------


def offer_automatic(clause: Clause, enterprise_ids: list[int], *, today: date | None = None) -> int:
    """Create applications for newly eligible enterprises whose figures are verified."""
    from luoshi.benefits.matching import recipients
    from luoshi.benefits.models import Match

    today = today or timezone.localdate()
    year = clause.figure_year or today.year - 1
    verified = set(
        YearFigure.objects.filter(enterprise_id__in=enterprise_ids, year=year, verified=True).values_list(
            "enterprise_id", flat=True
        )
    )
    taken = set(
        Application.objects.filter(clause=clause, enterprise_id__in=enterprise_ids)
        .exclude(state=State.REJECTED)
        .values_list("enterprise_id", flat=True)
    )
    amounts = dict(
        Match.objects.filter(clause=clause, enterprise_id__in=enterprise_ids).values_list("enterprise_id", "amount")
    )
    due = calendar.current().add_workdays(today, STEP_WORKDAYS[State.CONFIRMING])
    fresh = [
        Application(
            enterprise_id=eid,
            clause=clause,
            clause_version=clause.version,
            automatic=True,
            state=State.CONFIRMING,
            figure_year=year,
            amount_estimated=amounts.get(eid),
            step_due=due,
        )
        for eid in enterprise_ids
        if eid in verified and eid not in taken
    ]
    with transaction.atomic():
        created = Application.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    if not created:
        return 0
    people = recipients([a.enterprise_id for a in created])
    notify_many(
        Message(
            user,
            cause=f"benefits.offer:{clause.pk}:{app.enterprise_id}",
            title=f"免申即享：“{clause.title}”待您确认收款账户",
            body=f"按{year}年已核实数据企业符合条件，测算金额{app.amount_estimated or '—'}元；确认收款账户后进入公示。",
            link=f"/benefits/checkup/{app.enterprise_id}/",
        )
        for app in created
        for user in people.get(app.enterprise_id, [])
    )
    return len(created)


@transaction.atomic
def confirm_account(actor, application: Application, *, today: date | None = None, **account) -> Application:
    """免申即享: the enterprise confirms its receiving account; the system approves and publishes."""
    today = today or timezone.localdate()
    app = _locked(application)
    _require_applicant(actor, app)
    if app.state in (*RESERVED_STATES, State.PAID):
        return app
    if app.state != State.CONFIRMING:
        raise Conflict(f"申报当前为“{app.get_state_display()}”，不需要确认账户。")
    _account_fields(app, account)
    outcome = check_eligibility(app, today)
    if outcome.verdict != "eligible":
        raise ValidationFailed("企业数据已变化，按最新数据不再符合条件，请联系审核部门。", code="not_eligible")
    app.eligibility = outcome.to_dict()
    app.amount_estimated = outcome.amount
    app.submitted_at, app.submitted_by = timezone.now(), actor if actor.pk else None
    stamp(app, actor, "确认收款账户")
    app.save()
    timeline.record(app, actor, State.CONFIRMING, "企业确认收款账户")
    if app.amount_estimated is None:
        raise ValidationFailed("该条款未设金额公式，无法免申核定，请联系审核部门。")
    _reserve(app, app.amount_estimated, actor, "")
    _publish(app, SYSTEM, app.amount_estimated, today)
    return app


# States in which a reviewer has something to do on the application page.
ACTIONS_FROM = frozenset(state for sources, _, _ in ACTIONS.values() for state in sources) - {State.CONFIRMING}
