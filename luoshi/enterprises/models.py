"""The enterprise registry and the service desk around it: figures, tags, commissioners, visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from luoshi.enterprises.choices import FigureSource, SizeClass, VisitStatus

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class ChainNode(models.Model):
    """产业链: a node of the district's industry-chain taxonomy (the “2515” system in Yongchuan)."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="chain_node_unique")]

    def __str__(self) -> str:
        return self.name


class EnterpriseTag(models.Model):
    """企业标签: 专精特新, 高新技术企业, 科技型中小企业, 外资, 上市 …"""

    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """企业: an enterprise registered in the district, identified by its 统一社会信用代码."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    industry_code = models.CharField("行业代码", max_length=4, help_text="GB/T 4754-2017")
    industry_name = models.CharField("行业", max_length=100, blank=True)
    sector = models.CharField("划型行业", max_length=20, blank=True)
    town = models.ForeignKey(
        "org.Unit", verbose_name="所在镇街", null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    # The directory's unit of kind 企业 that this enterprise's own users are granted on.
    unit = models.OneToOneField(
        "org.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="enterprise"
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital = models.DecimalField("注册资本（万元）", **MONEY)
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    chain = models.ForeignKey(
        ChainNode, verbose_name="产业链", null=True, blank=True, on_delete=models.SET_NULL, related_name="enterprises"
    )
    tags = models.ManyToManyField(EnterpriseTag, verbose_name="标签", blank=True, related_name="enterprises")
    # Derived from the latest year's figures by the codes kernel; never typed by hand.
    size_class = models.CharField("企业规模", max_length=4, choices=SizeClass.choices, blank=True, default="")
    size_reason = models.CharField("划型依据", max_length=300, blank=True)
    above_scale = models.BooleanField("规上企业", default=False, db_index=True)
    scale_reason = models.CharField("规上依据", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["size_class", "size_reason", "above_scale", "scale_reason"])

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["town", "industry_code"], name="enterprise_town_industry"),
            # The directory filtered by town and 规上, already in name order.
            models.Index(fields=["town", "above_scale", "name", "id"], name="enterprise_town_scale_name"),
            # A section or division filter (a range of codes) and the list's totals by 规上 and size,
            # read from the index alone; it also serves what the single-column index did.
            models.Index(fields=["industry_code", "above_scale", "size_class"], name="enterprise_industry_totals"),
            # The name-fragment search has a trigram index of its own, made by a migration (on
            # SQLite an FTS5 table kept by triggers: a migration that remakes this table must
            # make them again; see luoshi.enterprises.namesearch.operations).
        ]

    def __str__(self) -> str:
        return self.name


class YearFigure(models.Model):
    """年度数据: one year's figures of an enterprise (万元), with where they came from."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField("年度")
    revenue = models.DecimalField("营业收入", **MONEY)
    rd_expense = models.DecimalField("研发费用", **MONEY)
    employees = models.PositiveIntegerField("从业人员", null=True, blank=True)
    total_assets = models.DecimalField("资产总额", **MONEY)
    tax_paid = models.DecimalField("纳税额", **MONEY)
    industrial_output = models.DecimalField("工业总产值", **MONEY)
    exports = models.DecimalField("出口额", **MONEY)
    source = models.CharField("来源", max_length=20, choices=FigureSource.choices, default=FigureSource.SELF)
    verified = models.BooleanField("已核实", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度数据"
        verbose_name_plural = "年度数据"
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="figure_one_per_year"),
            models.CheckConstraint(
                condition=(Q(revenue__gte=0) | Q(revenue__isnull=True))
                & (Q(total_assets__gte=0) | Q(total_assets__isnull=True)),
                name="figure_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class CommissionerAssignment(models.Model):
    """专员分工: a commissioner serving an enterprise, from a date until reassigned (一企一专员)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="assignments")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="服务专员", on_delete=models.PROTECT, related_name="served_enterprises"
    )
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    reason = models.CharField("调整原因", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "专员分工"
        verbose_name_plural = "专员分工"
        ordering = ["-started_on", "-id"]
        constraints = [
            # One enterprise, one commissioner at a time: the database refuses a second open assignment.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(ended_on__isnull=True), name="one_commissioner_per_enterprise"
            ),
        ]
        indexes = [models.Index(fields=["commissioner", "ended_on"], name="assignment_commissioner")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ← {self.commissioner_id}"


class Visit(models.Model):
    """走访: a planned or recorded visit to an enterprise (千企万户大走访)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="visits")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="走访人", on_delete=models.PROTECT, related_name="visits"
    )
    planned_on = models.DateField("计划日期")
    visited_on = models.DateField("走访日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visitors = models.CharField("走访人员", max_length=200, blank=True)
    findings = models.TextField("走访情况", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访"
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["status", "visited_on"], name="visit_status_day")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.planned_on}"


class VisitAttachment(models.Model):
    """走访附件: a photo or document from a visit."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to="enterprises/visits/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "走访附件"
        verbose_name_plural = "走访附件"

    def __str__(self) -> str:
        return self.name
