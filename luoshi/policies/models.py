"""The policy library: documents, their clauses (with eligibility as rules-as-code), links, simulations."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, Mode, WindowKind

YUAN = {"max_digits": 16, "decimal_places": 2}


class PolicyDocument(models.Model):
    """政策文件: a national, municipal or district policy, with its full text.

    ``version`` counts substantive revisions (text, dates, status); a revision of an upper-level
    policy flags the district measures linked to it.
    """

    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=80, blank=True)
    issuer = models.CharField("发文机关", max_length=100)
    issuer_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="发文单位（本地）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies_issued",
        help_text="本区单位发文时填写，决定谁可以维护。",
    )
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    status = models.CharField("状态", max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    published_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    summary = models.TextField("摘要", blank=True)
    full_text = models.TextField("全文", blank=True)
    budget = models.DecimalField(
        "政策总预算（元）",
        null=True,
        blank=True,
        help_text="各条款合计不得超过的总额；留空则只受各条款预算约束。",
        **YUAN,
    )
    version = models.PositiveIntegerField("版本", default=1)
    revised_at = models.DateTimeField("最近修订", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["level", "status"], name="policy_level_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(expires_on__gte=F("effective_on")),
                name="policy_expires_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def in_force(self, today: date) -> bool:
        return (
            self.status == DocumentStatus.PUBLISHED
            and (self.effective_on is None or self.effective_on <= today)
            and (self.expires_on is None or today <= self.expires_on)
        )


class PolicyAttachment(models.Model):
    """政策附件: the signed PDF, an application form, an interpretation."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to="policies/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策附件"
        verbose_name_plural = "政策附件"

    def __str__(self) -> str:
        return self.name


class Clause(models.Model):
    """政策条款: one benefit of a policy, with who may have it (a rule) and how much (a formula).

    ``version`` counts changes to what the clause decides (rule, amount, figure year, budget,
    window, mode); a simulation records the version it ran on.
    """

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="clauses")
    number = models.CharField("条款号", max_length=30, blank=True, help_text="如“第三条”。")
    position = models.PositiveSmallIntegerField("顺序", default=1)
    title = models.CharField("名称", max_length=200)
    benefit_type = models.CharField("支持方式", max_length=16, choices=BenefitType.choices)
    text = models.TextField("条款原文", blank=True)
    mode = models.CharField("兑现方式", max_length=12, choices=Mode.choices, default=Mode.APPLY)
    department = models.ForeignKey(
        "org.Unit", verbose_name="审核部门", null=True, blank=True, on_delete=models.PROTECT, related_name="clauses"
    )
    window_kind = models.CharField("申报期", max_length=10, choices=WindowKind.choices, default=WindowKind.DATES)
    opens_on = models.DateField("申报开始", null=True, blank=True)
    closes_on = models.DateField("申报截止", null=True, blank=True)
    budget = models.DecimalField("预算（元）", null=True, blank=True, **YUAN)
    rule = models.TextField("申报条件（规则）", blank=True)
    amount_formula = models.CharField("支持金额（公式）", max_length=500, blank=True)
    figure_year = models.PositiveSmallIntegerField(
        "数据年度", null=True, blank=True, help_text="规则读取哪一年的企业数据；留空为申报当年的上一年度。"
    )
    materials = models.TextField("申报材料", blank=True, help_text="每行一项。")
    status = models.CharField("状态", max_length=12, choices=ClauseStatus.choices, default=ClauseStatus.DRAFT)
    version = models.PositiveIntegerField("版本", default=1)
    # The rule as a Chinese sentence, kept with the rule so lists need not re-parse it.
    rule_sentence = models.TextField("条件说明", blank=True)
    amount_sentence = models.CharField("金额说明", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策条款"
        verbose_name_plural = "政策条款"
        ordering = ["document", "position", "id"]
        indexes = [
            models.Index(fields=["status", "closes_on"], name="clause_status_closes"),
            models.Index(fields=["status", "opens_on"], name="clause_status_opens"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="clause_budget_positive"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="clause_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def is_open(self, today: date) -> bool:
        if self.status != ClauseStatus.PUBLISHED:
            return False
        if self.window_kind == WindowKind.ROLLING:
            return True
        return (self.opens_on is None or self.opens_on <= today) and (self.closes_on is None or today <= self.closes_on)


class PolicyLink(models.Model):
    """政策承接: a district measure (or one of its clauses) implements an upper-level policy.

    ``upper_version`` is the upper policy's version when the link was last reviewed; a newer
    version flags the link until someone reviews it again.
    """

    measure = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="implements")
    measure_clause = models.ForeignKey(
        Clause, verbose_name="本级条款", null=True, blank=True, on_delete=models.SET_NULL, related_name="implements"
    )
    upper = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="implemented_by")
    upper_clause = models.CharField("对应上级条款", max_length=200, blank=True, help_text="如“第十条 支持专精特新”。")
    note = models.CharField("承接说明", max_length=300, blank=True)
    upper_version = models.PositiveIntegerField("复核时上级版本", default=1)
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策承接关系"
        verbose_name_plural = "政策承接关系"
        constraints = [
            models.UniqueConstraint(fields=["measure", "upper", "measure_clause"], name="policy_link_unique"),
            models.CheckConstraint(condition=~Q(measure=F("upper")), name="policy_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} ← {self.upper}"


class Simulation(models.Model):
    """政策测算: a draft clause (and up to two variants) run over the whole enterprise base.

    ``variants`` is what was asked (label, rule, amount formula, budget) and ``results`` what came
    out, both JSON, kept as a snapshot: later data changes do not alter a saved simulation.
    """

    title = models.CharField("名称", max_length=200)
    clause = models.ForeignKey(
        Clause, verbose_name="基于条款", null=True, blank=True, on_delete=models.SET_NULL, related_name="simulations"
    )
    clause_version = models.PositiveIntegerField("条款版本", null=True, blank=True)
    figure_year = models.PositiveSmallIntegerField("数据年度")
    enterprise_count = models.PositiveIntegerField("企业总数")
    variants = models.JSONField("方案", default=list)
    results = models.JSONField("结果", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("测算时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策测算"
        verbose_name_plural = "政策测算"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
