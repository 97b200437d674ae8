"""Every write to the policy library: documents, clauses, links between levels, simulations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from luoshi import rules
from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.notices.services import notify
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.org.queries import users_with_role
from luoshi.policies import search
from luoshi.policies.choices import ClauseStatus, DocumentStatus, Level, WindowKind
from luoshi.policies.models import Clause, PolicyAttachment, PolicyDocument, PolicyLink
from luoshi.policies.signals import clause_changed, document_budget_changed
from luoshi.tracking import calendar

EDITORS = (Role.REVIEWER, Role.ADMIN)
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".jpg", ".jpeg", ".png", ".zip")

# Changes to these make a new version: what the document says, and when it applies.
DOCUMENT_REVISION_FIELDS = ("title", "doc_number", "full_text", "effective_on", "expires_on", "status")
# Changes to these change who gets what: a simulation run before them is out of date.
CLAUSE_DECISION_FIELDS = (
    "rule",
    "amount_formula",
    "figure_year",
    "budget",
    "window_kind",
    "opens_on",
    "closes_on",
    "mode",
    "status",
)
DOCUMENT_FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "issuer_unit",
    "level",
    "status",
    "published_on",
    "effective_on",
    "expires_on",
    "summary",
    "full_text",
    "budget",
)
CLAUSE_FIELDS = (
    "number",
    "position",
    "title",
    "benefit_type",
    "text",
    "mode",
    "department",
    "window_kind",
    "opens_on",
    "closes_on",
    "budget",
    "rule",
    "amount_formula",
    "figure_year",
    "materials",
    "status",
)


# --- permissions ---------------------------------------------------------------------------


def can_edit_document(actor, document: PolicyDocument) -> bool:
    if document.issuer_unit_id is None:
        return permissions.allowed(actor, (Role.ADMIN,))
    return permissions.allowed(actor, EDITORS, document.issuer_unit)


def can_edit_clause(actor, clause: Clause) -> bool:
    if can_edit_document(actor, clause.document):
        return True
    return clause.department_id is not None and permissions.allowed(actor, EDITORS, clause.department)


def _require_document(actor, document: PolicyDocument) -> None:
    if not can_edit_document(actor, document):
        where = f"“{document.issuer_unit.display_name}”" if document.issuer_unit_id else "本平台"
        raise NotPermitted(f"您没有维护{where}政策文件的权限：需要该单位的政策审核员角色。")


# --- rules -----------------------------------------------------------------------------------


def check_rule(text: str, *, kind: str = "condition", field: str = "rule") -> rules.Rule | None:
    """The parsed rule, None for a blank one; a rule that does not parse is a ValidationFailed."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return rules.parse(text, kind=kind)
    except rules.RuleError as exc:
        what = "申报条件" if kind == "condition" else "金额公式"
        raise ValidationFailed(f"{what}有误，{exc}", code="rule_" + exc.code, field=field) from None


# --- documents -------------------------------------------------------------------------------


def _clean_document(fields: dict) -> dict:
    fields = {k: v for k, v in fields.items() if k in DOCUMENT_FIELDS}
    for name in ("title", "doc_number", "issuer", "summary", "full_text"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "title" in fields and not fields["title"]:
        raise ValidationFailed("请填写政策标题。", field="title")
    if "issuer" in fields and not fields["issuer"]:
        raise ValidationFailed("请填写发文机关。", field="issuer")
    if "level" in fields and fields["level"] not in Level.values:
        raise ValidationFailed("层级只能是国家、市级或区级。", field="level")
    if "status" in fields and fields["status"] not in DocumentStatus.values:
        raise ValidationFailed("状态无效。", field="status")
    if "budget" in fields:
        fields["budget"] = _money(fields["budget"], "budget")
    return fields


def _check_dates(document: PolicyDocument) -> None:
    if document.effective_on and document.expires_on and document.expires_on < document.effective_on:
        raise ValidationFailed("有效期至不能早于施行日期。", field="expires_on")
    if document.status == DocumentStatus.PUBLISHED and document.published_on is None:
        raise ValidationFailed("发布政策时请填写发布日期。", field="published_on")


@transaction.atomic
def create_document(actor, **fields) -> PolicyDocument:
    fields = _clean_document(fields)
    document = PolicyDocument(created_by=actor if getattr(actor, "pk", None) else None, **fields)
    _require_document(actor, document)
    _check_dates(document)
    stamp(document, actor, "登记政策文件")
    document.save()
    search.index_document(document)
    return document


@transaction.atomic
def update_document(actor, document: PolicyDocument, **fields) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    _require_document(actor, document)
    fields = _clean_document(fields)
    before = {name: getattr(document, name) for name in DOCUMENT_REVISION_FIELDS}
    budget_before = document.budget
    for name, value in fields.items():
        setattr(document, name, value)
    _require_document(actor, document)  # may not hand the document to a unit one does not cover
    _check_dates(document)
    revised = any(getattr(document, name) != before[name] for name in DOCUMENT_REVISION_FIELDS)
    if revised:
        document.version += 1
        document.revised_at = timezone.now()
    stamp(document, actor, f"修订为第{document.version}版" if revised else "更新政策信息")
    document.save()
    if document.budget != budget_before:
        document_budget_changed.send(sender=PolicyDocument, document=document)
    search.index_document(document)
    if revised:
        _flag_measures(document)
        for clause in document.clauses.all():
            clause_changed.send(sender=Clause, clause=clause, changed=["document"])
    return document


def _flag_measures(upper: PolicyDocument) -> None:
    """Tell the keepers of every district measure implementing ``upper`` that it changed."""
    links = PolicyLink.objects.filter(upper=upper).select_related("measure__issuer_unit")
    for link in links:
        unit = link.measure.issuer_unit
        recipients = users_with_role([Role.REVIEWER], unit) if unit is not None else []
        notify(
            recipients,
            cause=f"policies.upper_revised:{link.pk}:{upper.version}",
            title=f"上级政策已修订：{upper.title}",
            body=f"《{link.measure.title}》承接的上级政策修订为第{upper.version}版，请复核本级措施是否需要调整。",
            link=f"/policies/crosswalk/?flagged=1#link-{link.pk}",
        )


@transaction.atomic
def add_attachment(actor, document: PolicyDocument, upload) -> PolicyAttachment:
    _require_document(actor, document)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise ValidationFailed(f"附件“{name}”的类型不支持，请上传 PDF、Word、Excel、OFD、图片或压缩包。", field="file")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationFailed(f"附件“{name}”超过20MB，请压缩后再上传。", field="file")
    attachment = PolicyAttachment(document=document, name=name[:200], size=upload.size, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


# --- clauses ---------------------------------------------------------------------------------


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationFailed(f"“{value}”不是有效金额。", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed("金额不能为负数。", field=field)
    return amount.quantize(Decimal("0.01"))


def _clean_clause(fields: dict) -> dict:
    fields = {k: v for k, v in fields.items() if k in CLAUSE_FIELDS}
    for name in ("number", "title", "text", "rule", "amount_formula", "materials"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "title" in fields and not fields["title"]:
        raise ValidationFailed("请填写条款名称。", field="title")
    if "budget" in fields:
        fields["budget"] = _money(fields["budget"], "budget")
    if "status" in fields and fields["status"] not in ClauseStatus.values:
        raise ValidationFailed("状态无效。", field="status")
    return fields


def _check_clause(clause: Clause) -> None:
    rule = check_rule(clause.rule, field="rule")
    amount = check_rule(clause.amount_formula, kind="amount", field="amount_formula")
    clause.rule_sentence = rule.render() if rule else ""
    clause.amount_sentence = amount.render()[:500] if amount else ""
    if clause.window_kind == WindowKind.DATES:
        if clause.opens_on and clause.closes_on and clause.closes_on < clause.opens_on:
            raise ValidationFailed("申报截止日期不能早于开始日期。", field="closes_on")
        if clause.status == ClauseStatus.PUBLISHED and not (clause.opens_on and clause.closes_on):
            raise ValidationFailed("集中申报的条款发布前请填写申报开始和截止日期。", field="opens_on")
    else:
        clause.opens_on = clause.opens_on if clause.opens_on else None
    if clause.status == ClauseStatus.PUBLISHED and rule is None:
        raise ValidationFailed("发布条款前请填写申报条件，企业才能被匹配。", field="rule")
    if clause.figure_year is not None and not 2000 <= clause.figure_year <= 2100:
        raise ValidationFailed("数据年度应为四位年份，如2024。", field="figure_year")


@transaction.atomic
def create_clause(actor, document: PolicyDocument, **fields) -> Clause:
    fields = _clean_clause(fields)
    clause = Clause(document=document, **fields)
    if not can_edit_clause(actor, clause):
        _require_document(actor, document)
    if "position" not in fields:
        clause.position = (document.clauses.count() or 0) + 1
    _check_clause(clause)
    stamp(clause, actor, "新增条款")
    clause.save()
    search.index_clause(clause)
    clause_changed.send(sender=Clause, clause=clause, changed=[])
    return clause


@transaction.atomic
def update_clause(actor, clause: Clause, **fields) -> Clause:
    clause = Clause.objects.select_for_update().select_related("document").get(pk=clause.pk)
    if not can_edit_clause(actor, clause):
        raise NotPermitted("您没有修改该条款的权限：需要发文单位或审核部门的政策审核员角色。")
    fields = _clean_clause(fields)
    before = {name: getattr(clause, name) for name in CLAUSE_DECISION_FIELDS}
    for name, value in fields.items():
        setattr(clause, name, value)
    if not can_edit_clause(actor, clause):
        raise NotPermitted("不能把条款交给您不负责的审核部门。")
    _check_clause(clause)
    changed = [name for name in CLAUSE_DECISION_FIELDS if getattr(clause, name) != before[name]]
    if changed:
        clause.version += 1
    labels = "、".join(str(Clause._meta.get_field(name).verbose_name) for name in changed)
    stamp(clause, actor, f"修改{labels}，升为第{clause.version}版" if changed else "更新条款说明")
    clause.save()
    search.index_clause(clause)
    clause_changed.send(sender=Clause, clause=clause, changed=changed)
    return clause


# --- links between levels --------------------------------------------------------------------


@transaction.atomic
def link_policy(
    actor,
    measure: PolicyDocument,
    upper: PolicyDocument,
    *,
    measure_clause: Clause | None = None,
    upper_clause: str = "",
    note: str = "",
) -> PolicyLink:
    _require_document(actor, measure)
    if measure.pk == upper.pk:
        raise ValidationFailed("政策不能承接它自己。", field="upper")
    order = [Level.DISTRICT, Level.MUNICIPAL, Level.NATIONAL]
    if order.index(upper.level) <= order.index(measure.level):
        raise ValidationFailed(
            f"“{upper.title}”是{upper.get_level_display()}政策，只能被更低层级的措施承接。", field="upper"
        )
    if measure_clause is not None and measure_clause.document_id != measure.pk:
        raise ValidationFailed("所选条款不属于本措施。", field="measure_clause")
    if PolicyLink.objects.filter(measure=measure, upper=upper, measure_clause=measure_clause).exists():
        raise Conflict("这条承接关系已经登记。", field="upper")
    link = PolicyLink(
        measure=measure,
        upper=upper,
        measure_clause=measure_clause,
        upper_clause=(upper_clause or "").strip()[:200],
        note=(note or "").strip()[:300],
        upper_version=upper.version,
        reviewed_at=timezone.now(),
    )
    stamp(link, actor, "登记承接关系")
    link.save()
    return link


@transaction.atomic
def review_link(actor, link: PolicyLink, *, note: str | None = None) -> PolicyLink:
    """Confirm a district measure still answers the current version of its upper policy."""
    link = PolicyLink.objects.select_for_update().select_related("measure", "upper").get(pk=link.pk)
    _require_document(actor, link.measure)
    link.upper_version = link.upper.version
    link.reviewed_at = timezone.now()
    if note is not None:
        link.note = note.strip()[:300]
    stamp(link, actor, f"复核承接关系（上级第{link.upper_version}版）")
    link.save()
    return link


@transaction.atomic
def unlink(actor, link: PolicyLink) -> None:
    _require_document(actor, link.measure)
    stamp(link, actor, "删除承接关系")
    link.delete()


def window_state(clause: Clause, today: date) -> tuple[str, str]:
    """(state, sentence) of a clause's application window, e.g. ("closing", "还有3个工作日截止")."""
    cal = calendar.current()
    if clause.status != ClauseStatus.PUBLISHED:
        return "inactive", clause.get_status_display()
    if clause.window_kind == WindowKind.ROLLING:
        return "open", "常年受理"
    if clause.opens_on and today < clause.opens_on:
        n = cal.workdays_between(today, clause.opens_on)
        return "upcoming", f"{n}个工作日后开始申报（{clause.opens_on:%Y-%m-%d}）"
    if clause.closes_on and today > clause.closes_on:
        return "closed", f"已于{clause.closes_on:%Y-%m-%d}截止"
    if clause.closes_on:
        n = cal.workdays_between(today, clause.closes_on)
        return "open", f"申报中，还有{n}个工作日截止（{clause.closes_on:%Y-%m-%d}）"
    return "open", "申报中"


# --- clauses proposed from a notice's text --------------------------------------------------------

BENEFIT_WORDS = (
    ("贴息", "interest"),
    ("减免", "tax"),
    ("认定", "qualification"),
    ("补助", "subsidy"),
    ("补贴", "subsidy"),
)


def guess_benefit_type(text: str) -> str:
    """奖励 unless the clause's own words say 补贴/补助, 贴息, 减免 or 认定."""
    return next((kind for word, kind in BENEFIT_WORDS if word in text), "reward")


@transaction.atomic
def create_proposed_clauses(actor, document: PolicyDocument, rows: list[dict]) -> list[Clause]:
    """Create the checked proposals as draft clauses, all or none; a rule that does not parse
    stops them all with its row named."""
    _require_document(actor, document)
    created = []
    for n, row in enumerate(rows, start=1):
        try:
            created.append(
                create_clause(
                    actor,
                    document,
                    title=row["title"],
                    benefit_type=row["benefit_type"],
                    text=row["text"],
                    rule=row.get("rule", ""),
                    amount_formula=row.get("amount_formula", ""),
                    status=ClauseStatus.DRAFT,
                )
            )
        except ValidationFailed as exc:
            raise ValidationFailed(f"第{n}项“{row['title']}”：{exc.message}", code=exc.code, field=exc.field) from None
    return created
