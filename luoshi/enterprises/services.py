"""Every write to the enterprise registry and its service desk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi import codes
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.enterprises.choices import FigureSource, VisitStatus
from luoshi.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseTag, Visit, YearFigure
from luoshi.enterprises.signals import enterprise_changed
from luoshi.org import permissions
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Unit, User
from luoshi.tracking import timeline

REGISTRARS = (Role.SUPERVISOR, Role.ADMIN)
FIGURE_FIELDS = ("revenue", "rd_expense", "employees", "total_assets", "tax_paid", "industrial_output", "exports")


def check_uscc(code: str) -> str:
    result = codes.validate_uscc(code or "")
    if not result.valid:
        raise ValidationFailed(f"统一社会信用代码“{(code or '').strip()}”无效：{result.reason}", field="uscc")
    return result.code


def check_industry(code: str) -> tuple[str, str, str]:
    """(code, name, size sector) for a GB/T 4754 code; a leading section letter (C3411) is dropped."""
    code = (code or "").strip().upper()
    if code[:1].isalpha() and len(code) > 1:
        code = code[1:]
    try:
        industry = codes.lookup(code)
    except codes.UnknownIndustry as exc:
        raise ValidationFailed(str(exc), field="industry_code") from None
    try:
        sector = codes.sector_for_industry(code)
    except codes.SizeRuleError:
        sector = ""  # outside the size rules (e.g. 金融业): kept, just never sized
    return code, industry.name, sector


def _town(town: Unit | None) -> Unit | None:
    if town is not None and town.kind != UnitKind.TOWN:
        raise ValidationFailed(f"“{town.display_name}”不是镇街。", field="town")
    return town


@transaction.atomic
def register_enterprise(
    actor,
    *,
    uscc: str,
    name: str,
    industry_code: str,
    town: Unit | None = None,
    founded_on: date | None = None,
    registered_capital=None,
    address: str = "",
    legal_representative: str = "",
    contact_phone: str = "",
    tags: Iterable[str] = (),
    chain=None,
) -> Enterprise:
    permissions.require(actor, REGISTRARS, town, action="登记企业")
    uscc = check_uscc(uscc)
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise Conflict(f"统一社会信用代码{uscc}的企业已登记。", field="uscc")
    if not (name or "").strip():
        raise ValidationFailed("请填写企业名称。", field="name")
    code, industry_name, sector = check_industry(industry_code)
    enterprise = Enterprise(
        uscc=uscc,
        name=name.strip()[:200],
        industry_code=code,
        industry_name=industry_name,
        sector=sector,
        town=_town(town),
        founded_on=founded_on,
        registered_capital=_money(registered_capital, "registered_capital"),
        address=address.strip()[:200],
        legal_representative=legal_representative.strip()[:50],
        contact_phone=contact_phone.strip()[:30],
        chain=chain,
    )
    stamp(enterprise, actor, "登记企业")
    enterprise.save()
    set_tags(actor, enterprise, tags)
    return enterprise


def set_tags(actor, enterprise: Enterprise, names: Iterable[str]) -> None:
    tags = [EnterpriseTag.objects.get_or_create(name=n.strip()[:30])[0] for n in names if n and n.strip()]
    enterprise.tags.set(tags)
    enterprise_changed.send(sender=Enterprise, enterprise_id=enterprise.pk)


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"“{value}”不是有效金额。", field=field) from None
    if amount < 0:
        raise ValidationFailed("金额不能为负数。", field=field)
    return amount


@transaction.atomic
def record_figures(
    actor, enterprise: Enterprise, *, year: int, source: str = FigureSource.SELF, verified: bool = False, **figures
) -> YearFigure:
    """Enter one year's figures (万元); size class and 规上 are re-derived from the latest year."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not can_edit(actor, enterprise):
        raise NotPermitted("您没有维护该企业数据的权限。")
    unknown = set(figures) - set(FIGURE_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知的指标：{'、'.join(sorted(unknown))}。")
    if source not in FigureSource.values:
        raise ValidationFailed(f"数据来源“{source}”无效。", field="source")
    if (source != FigureSource.SELF or verified) and not permissions.allowed(actor, REGISTRARS, enterprise.town):
        # Official figures and their verification carry weight in matching and size rules.
        raise NotPermitted("只有督查员、系统管理员可以录入统计、税务部门的数据或标记数据已核实。")
    if not 1990 <= year <= timezone.localdate().year:
        raise ValidationFailed(f"年度{year}不在有效范围内。", field="year")
    row = YearFigure.objects.filter(enterprise=enterprise, year=year).first() or YearFigure(
        enterprise=enterprise, year=year
    )
    for key, value in figures.items():
        if key == "employees":
            if value in (None, ""):
                row.employees = None
            else:
                try:
                    count = int(value)
                except (TypeError, ValueError):
                    raise ValidationFailed(f"从业人员“{value}”不是整数。", field="employees") from None
                if count < 0:
                    raise ValidationFailed("从业人员不能为负数。", field="employees")
                row.employees = count
        else:
            setattr(row, key, _money(value, key))
    row.source, row.verified = source, verified
    stamp(row, actor, "录入年度数据")
    row.save()
    derive(enterprise)
    enterprise_changed.send(sender=Enterprise, enterprise_id=enterprise.pk)
    return row


def derive(enterprise: Enterprise) -> Enterprise:
    """Size class and 规上 from the latest year's figures, by the codes kernel; saved without history."""
    latest = enterprise.figures.order_by("-year").first()
    size, size_reason, above, scale_reason = "", "", False, ""
    if latest is not None and enterprise.sector:
        try:
            result = codes.classify_size(
                enterprise.sector,
                employees=latest.employees,
                revenue_wan=latest.revenue,
                assets_wan=latest.total_assets,
            )
            size, size_reason = result.size, f"{latest.year}年数据：{result.reason}"
        except codes.SizeRuleError as exc:
            size_reason = f"{latest.year}年数据不足以划型：{exc}"
        if latest.revenue is not None:
            scale = codes.is_above_scale(enterprise.sector, revenue_wan=latest.revenue)
            above, scale_reason = scale.above, f"{latest.year}年{scale.reason}"
    Enterprise.objects.filter(pk=enterprise.pk).update(
        size_class=size, size_reason=size_reason[:300], above_scale=above, scale_reason=scale_reason[:300]
    )
    enterprise.size_class, enterprise.size_reason = size, size_reason[:300]
    enterprise.above_scale, enterprise.scale_reason = above, scale_reason[:300]
    return enterprise


def can_edit(actor, enterprise: Enterprise) -> bool:
    if permissions.allowed(actor, REGISTRARS, enterprise.town):
        return True
    if enterprise.unit_id and permissions.allowed(actor, (Role.ENTERPRISE_USER,), enterprise.unit):
        return True
    return is_commissioner_of(actor, enterprise)


def is_commissioner_of(actor, enterprise: Enterprise) -> bool:
    return CommissionerAssignment.objects.filter(
        enterprise=enterprise, ended_on__isnull=True, commissioner_id=getattr(actor, "pk", None)
    ).exists()


@transaction.atomic
def assign_commissioner(
    actor, enterprise: Enterprise, commissioner: User, *, reason: str = ""
) -> CommissionerAssignment:
    """一企一专员: end the current assignment (if any) and start a new one, in one step."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    permissions.require(actor, REGISTRARS, enterprise.town, action="分配服务专员")
    if not permissions.allowed(commissioner, (Role.COMMISSIONER,)):
        raise ValidationFailed(f"{commissioner}不是企业服务专员。", field="commissioner")
    today = timezone.localdate()
    current = enterprise.assignments.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.commissioner_id == commissioner.pk:
            return current
        current.ended_on = today
        current.reason = (reason or "调整服务专员")[:200]
        stamp(current, actor, "调整服务专员")
        current.save(update_fields=["ended_on", "reason"])
    assignment = CommissionerAssignment(
        enterprise=enterprise,
        commissioner=commissioner,
        started_on=today,
        reason=reason[:200],
        assigned_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp(assignment, actor, "分配服务专员")
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise Conflict("该企业的服务专员刚被他人调整，请刷新后重试。") from None
    return assignment


@transaction.atomic
def plan_visit(actor, enterprise: Enterprise, *, planned_on: date, visitors: str = "") -> Visit:
    if not (is_commissioner_of(actor, enterprise) or permissions.allowed(actor, REGISTRARS, enterprise.town)):
        raise NotPermitted("只有该企业的服务专员可以安排走访。")
    visit = Visit(enterprise=enterprise, commissioner=actor, planned_on=planned_on, visitors=visitors.strip()[:200])
    stamp(visit, actor, "计划走访")
    visit.save()
    return visit


@transaction.atomic
def record_visit(
    actor, visit: Visit, *, visited_on: date, findings: str, visitors: str = "", demands: Iterable[dict] = ()
) -> Visit:
    """Record a visit; each demand raised ({"case_type", "title", "description"}) opens a case."""
    from luoshi.cases.choices import CaseSource
    from luoshi.cases.services import submit_case

    visit = Visit.objects.select_for_update().select_related("enterprise").get(pk=visit.pk)
    if visit.commissioner_id != getattr(actor, "pk", None) and not permissions.allowed(actor, REGISTRARS):
        raise NotPermitted("只有走访人可以登记走访情况。")
    if visit.status == VisitStatus.DONE:
        raise Conflict("该走访已登记，如需补充请新增一次走访。")
    if visited_on > timezone.localdate():
        raise ValidationFailed("走访日期不能晚于今天。", field="visited_on")
    if not (findings or "").strip():
        raise ValidationFailed("请填写走访情况。", field="findings")
    visit.visited_on, visit.findings, visit.status = visited_on, findings.strip(), VisitStatus.DONE
    if visitors:
        visit.visitors = visitors.strip()[:200]
    stamp(visit, actor, "登记走访")
    visit.save()
    for demand in demands:
        submit_case(
            actor,
            case_type=demand["case_type"],
            title=demand["title"],
            description=demand["description"],
            source=CaseSource.VISIT,
            enterprise=visit.enterprise,
            visit=visit,
        )
    timeline.record(visit.enterprise, actor, "visit", f"走访：{visit.findings[:80]}")
    return visit


@transaction.atomic
def ensure_unit(actor, enterprise: Enterprise, *, parent: Unit) -> Unit:
    """The directory unit (kind 企业) that this enterprise's own users are granted on."""
    from luoshi.org.services import create_unit

    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.unit_id:
        return enterprise.unit
    unit = create_unit(actor, name=enterprise.name, kind=UnitKind.ENTERPRISE, parent=parent)
    Enterprise.objects.filter(pk=enterprise.pk).update(unit=unit)
    enterprise.unit = unit
    return unit
