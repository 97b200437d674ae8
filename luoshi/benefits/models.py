"""Redemption: stored matches, applications through review and public notice, budgets paid within limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from luoshi.benefits.choices import EntryKind, State, Verdict

YUAN = {"max_digits": 16, "decimal_places": 2}


class Match(models.Model):
    """企业 × 条款 的判断结果, kept current by the matching tasks.

    Only eligible and near-miss pairs are stored; an enterprise without a row for a clause that
    has a :class:`MatchRun` was judged not eligible on that run. A near miss is stored only when the
    enterprise can close it with its own figures of the clause's year (``matching.NEAR``).

    A run writes only the rows whose verdict, amount or gap changed: ``computed_at`` is when the row
    last changed, and the run that last confirmed it is the clause's latest :class:`MatchRun`.
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="matches")
    clause = models.ForeignKey("policies.Clause", on_delete=models.CASCADE, related_name="matches")
    verdict = models.CharField("结论", max_length=12, choices=Verdict.choices)
    amount = models.DecimalField("测算金额（元）", null=True, blank=True, **YUAN)
    gap = models.CharField("差距", max_length=300, blank=True)
    figure_year = models.PositiveSmallIntegerField("数据年度")
    clause_version = models.PositiveIntegerField("条款版本")
    computed_at = models.DateTimeField("计算时间")
    eligible_since = models.DateTimeField("首次符合", null=True, blank=True)

    class Meta:
        verbose_name = "政策匹配"
        verbose_name_plural = "政策匹配"
        constraints = [models.UniqueConstraint(fields=["enterprise", "clause"], name="match_unique")]
        indexes = [
            models.Index(fields=["clause", "verdict"], name="match_clause_verdict"),
            models.Index(fields=["enterprise", "verdict"], name="match_enterprise_verdict"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}×{self.clause_id} {self.get_verdict_display()}"


class MatchRun(models.Model):
    """The last time a clause was matched against the whole enterprise base."""

    clause = models.OneToOneField("policies.Clause", on_delete=models.CASCADE, related_name="match_run")
    clause_version = models.PositiveIntegerField("条款版本")
    figure_year = models.PositiveSmallIntegerField("数据年度")
    enterprises = models.PositiveIntegerField("企业数")
    eligible = models.PositiveIntegerField("符合条件")
    near_miss = models.PositiveIntegerField("差一项")
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("耗时（秒）")

    class Meta:
        verbose_name = "匹配记录"
        verbose_name_plural = "匹配记录"

    def __str__(self) -> str:
        return f"{self.clause_id}: {self.eligible}/{self.enterprises}"


class BudgetAccount(models.Model):
    """A clause's budget, or a whole policy's: approval reserves, disbursement consumes, release returns.

    An approval draws on the clause's account and, when the policy has an overall budget, on the
    policy's too. The database refuses any state where reserved + paid exceeds the total,
    whatever the code above it does.
    """

    clause = models.OneToOneField(
        "policies.Clause", null=True, blank=True, on_delete=models.PROTECT, related_name="budget_account"
    )
    document = models.OneToOneField(
        "policies.PolicyDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="budget_account"
    )
    total = models.DecimalField("预算", **YUAN)
    reserved = models.DecimalField("已预留", default=0, **YUAN)
    paid = models.DecimalField("已拨付", default=0, **YUAN)

    class Meta:
        verbose_name = "预算账户"
        verbose_name_plural = "预算账户"
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="budget_reserved_not_negative"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="budget_paid_not_negative"),
            models.CheckConstraint(condition=Q(total__gte=F("reserved") + F("paid")), name="budget_within_total"),
            models.CheckConstraint(
                condition=Q(clause__isnull=True, document__isnull=False)
                | Q(clause__isnull=False, document__isnull=True),
                name="budget_of_clause_or_policy",
            ),
        ]

    def __str__(self) -> str:
        owner = f"clause {self.clause_id}" if self.clause_id else f"policy {self.document_id}"
        return f"{owner}: {self.reserved}+{self.paid}/{self.total}"

    @property
    def available(self):
        return self.total - self.reserved - self.paid


class Application(models.Model):
    """申报: one enterprise's claim on one clause, from draft (or the system's offer) to payment."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="applications")
    clause = models.ForeignKey("policies.Clause", on_delete=models.PROTECT, related_name="applications")
    clause_version = models.PositiveIntegerField("条款版本")
    automatic = models.BooleanField("免申即享", default=False)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    figure_year = models.PositiveSmallIntegerField("数据年度")
    amount_estimated = models.DecimalField("测算金额（元）", null=True, blank=True, **YUAN)
    amount_approved = models.DecimalField("核定金额（元）", null=True, blank=True, **YUAN)
    # The eligibility check at submission: verdict, amount, every condition and the gaps.
    eligibility = models.JSONField("资格核验", default=dict, blank=True)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)
    account_holder = models.CharField("账户名称", max_length=200, blank=True)
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    reason = models.CharField("退回或不予支持的理由", max_length=500, blank=True)
    step_due = models.DateField("本环节时限", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("核定时间", null=True, blank=True)
    publicity_from = models.DateField("公示开始", null=True, blank=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    paid_at = models.DateTimeField("拨付时间", null=True, blank=True)
    payment_reference = models.CharField("支付凭证号", max_length=60, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["eligibility"])

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-created_at"]
        constraints = [
            # One live application per enterprise and clause; a refused one may be followed by another.
            models.UniqueConstraint(
                fields=["enterprise", "clause"], condition=~Q(state=State.REJECTED), name="application_one_live"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gte=0),
                name="application_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["clause", "state"], name="application_clause_state"),
            models.Index(fields=["state", "step_due"], name="application_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.clause}"


class BudgetEntry(models.Model):
    """One movement on a budget account; at most one of each kind per application and account."""

    account = models.ForeignKey(BudgetAccount, on_delete=models.PROTECT, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="budget_entries")
    kind = models.CharField("类型", max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField("金额（元）", **YUAN)
    idempotency_key = models.CharField("幂等键", max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "预算流水"
        verbose_name_plural = "预算流水"
        constraints = [
            models.UniqueConstraint(fields=["account", "application", "kind"], name="budget_entry_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_entry_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Material(models.Model):
    """申报材料: one required item of the clause, as a file."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="benefits/%Y/%m/")
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """公示异议: lodged by anyone during the public notice; must be resolved before payment."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField("异议人", max_length=50)
    contact = models.CharField("联系方式", max_length=50)
    text = models.TextField("异议内容")
    lodged_at = models.DateTimeField("提出时间", auto_now_add=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    resolution = models.TextField("处理意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["lodged_at"]

    def __str__(self) -> str:
        return f"{self.name}：{self.text[:20]}"
