"""Key projects (重点项目) and the reserve pool, their investment plans and monthly reports,
milestones, blocking problems and photos; funds and projects sought from higher levels (争取资金).

Amounts are Decimal 万元, as investment statistics report them, and never negative.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from luoshi.projects.choices import (
    FINISHED,
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
from luoshi.tracking.choices import Colour, Status

WAN = {"max_digits": 14, "decimal_places": 2}

# Derived columns are refreshed with QuerySet.update(); they are not part of a project's history.
DERIVED = [
    "status",
    "colour",
    "status_reason",
    "status_at",
    "expected_percent",
    "percent",
    "year_plan",
    "year_done",
    "invested",
]


class Project(models.Model):
    """重点项目: an investment project the district follows from 谋划 to 投产."""

    code = models.CharField("项目编号", max_length=30, blank=True, db_index=True)
    name = models.CharField("项目名称", max_length=200)
    project_type = models.CharField("项目类型", max_length=20, choices=ProjectType.choices)
    stage = models.CharField("建设阶段", max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    key_level = models.CharField("项目级别", max_length=20, choices=KeyLevel.choices, default=KeyLevel.DISTRICT)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_projects"
    )
    owner_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="业主企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # An owner outside the enterprise registry (国网重庆市电力公司, a district platform company …).
    owner_name = models.CharField("业主单位", max_length=200, blank=True)
    town = models.ForeignKey(
        "org.Unit",
        verbose_name="所在镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="town_projects",
        limit_choices_to={"kind": "town"},
    )
    total_investment = models.DecimalField("总投资（万元）", **WAN)
    invested_before = models.DecimalField("以前年度累计完成投资（万元）", default=0, **WAN)
    start_date = models.DateField("计划开工", null=True, blank=True)
    end_date = models.DateField("计划竣工", null=True, blank=True)
    started_on = models.DateField("实际开工", null=True, blank=True)
    completed_on = models.DateField("实际竣工", null=True, blank=True)
    operating_on = models.DateField("投产日期", null=True, blank=True)
    description = models.TextField("建设内容", blank=True)

    # The reserve pool (储备库): how mature a planned project is and where its money would come from.
    maturity = models.CharField("前期工作深度", max_length=20, choices=Maturity.choices, blank=True)
    channel = models.CharField("资金渠道", max_length=30, choices=Channel.choices, blank=True)
    entered_pool_on = models.DateField("入库日期", null=True, blank=True)
    promoted_on = models.DateField("转入实施日期", null=True, blank=True)
    withdrawn_on = models.DateField("出库日期", null=True, blank=True)
    withdraw_reason = models.CharField("出库原因", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    colour = models.CharField("颜色", max_length=10, choices=Colour.choices, default=Colour.GREEN)
    status_reason = models.CharField("状态说明", max_length=500, blank=True)
    status_at = models.DateTimeField("状态计算时间", null=True, blank=True)
    expected_percent = models.PositiveSmallIntegerField("时序进度", null=True, blank=True)
    percent = models.PositiveSmallIntegerField("年度计划完成率", default=0)
    year_plan = models.DecimalField("本年计划投资（万元）", default=0, **WAN)
    year_done = models.DecimalField("本年完成投资（万元）", default=0, **WAN)
    invested = models.DecimalField("累计完成投资（万元）", default=0, **WAN)

    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["code", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "stage"], name="project_unit_stage"),
            models.Index(fields=["stage", "colour"], name="project_stage_colour"),
            models.Index(fields=["entered_pool_on"], name="project_pool_entry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_total_not_negative"),
            models.CheckConstraint(condition=Q(invested_before__gte=0), name="project_before_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_display(self) -> str:
        return self.owner_enterprise.name if self.owner_enterprise_id else self.owner_name

    @property
    def in_pool(self) -> bool:
        return self.stage in POOL and self.withdrawn_on is None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None and self.stage not in FINISHED

    @property
    def stage_index(self) -> int:
        return list(Stage.values).index(self.stage)


class YearPlan(models.Model):
    """年度投资计划: what a project is to invest in one year, with its monthly breakdown."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("年度计划投资（万元）", **WAN)
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度投资计划"
        verbose_name_plural = "年度投资计划"
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="year_plan_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="year_plan_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}年"


class MonthPlan(models.Model):
    """月度计划: the part of a year's plan to be invested in one month."""

    plan = models.ForeignKey(YearPlan, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = models.DecimalField("计划投资（万元）", **WAN)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "月度投资计划"
        verbose_name_plural = "月度投资计划"
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="month_plan_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="month_plan_not_negative"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="month_plan_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month}月"


class MonthlyReport(models.Model):
    """投资月报: the investment a project completed in one month, reported by its lead unit.

    One per project and month: a resubmission corrects the same row, and its history keeps
    every earlier figure.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    unit = models.ForeignKey("org.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("本月完成投资（万元）", **WAN)
    progress = models.TextField("形象进度")
    problems = models.TextField("存在问题", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("首次报送时间")
    revised_at = models.DateTimeField("最近更正时间", null=True, blank=True)
    due_date = models.DateField("报送时限")
    is_late = models.BooleanField("迟报", default=False)
    revision = models.PositiveSmallIntegerField("报送次数", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "投资月报"
        verbose_name_plural = "投资月报"
        ordering = ["project", "-year", "-month"]
        indexes = [models.Index(fields=["year", "month"], name="project_report_month")]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_report_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_report_not_negative"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="project_report_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}年{self.month}月"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


class MonthReopening(models.Model):
    """补报授权: a supervisor reopens a closed month so that the lead unit may report or correct it once."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reopenings")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    reason = models.CharField("原因", max_length=300)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="授权人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField("授权时间")
    used_at = models.DateTimeField("补报时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "补报授权"
        verbose_name_plural = "补报授权"
        ordering = ["-reopened_at"]
        constraints = [
            # One unused reopening per month at a time: a second click reuses the first.
            models.UniqueConstraint(
                fields=["project", "year", "month"], condition=Q(used_at__isnull=True), name="one_open_reopening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}年{self.month}月"


class ProjectMilestone(models.Model):
    """项目节点: a dated step of a project (立项, 用地, 环评, 施工许可, 开工, 竣工 …)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField("节点类别", max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.OTHER)
    title = models.CharField("节点", max_length=200)
    due_date = models.DateField("计划完成")
    due_provisional = models.BooleanField("时限暂按双休日计算", default=False)
    # Set when the deadline was given as "N working days from ``base_date``": recounted once the
    # holidays of a provisional year are confirmed.
    due_workdays = models.PositiveSmallIntegerField("工作日时限", null=True, blank=True)
    base_date = models.DateField("起算日期", null=True, blank=True)
    done_on = models.DateField("实际完成", null=True, blank=True)
    evidence = models.TextField("完成佐证", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"
        ordering = ["due_date", "sort_order", "id"]
        indexes = [models.Index(fields=["done_on", "due_date"], name="project_milestone_open_due")]

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    """项目问题: something blocking a project; when another unit must act it becomes a case (诉求)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="problems")
    title = models.CharField("问题", max_length=200)
    description = models.TextField("具体情况", blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="需协调单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=20, choices=ProblemState.choices, default=ProblemState.OPEN)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_problem",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField("提出时间")
    resolved_on = models.DateField("解决日期", null=True, blank=True)
    resolution = models.TextField("解决情况", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目问题"
        verbose_name_plural = "项目问题"
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """现场照片: a picture of the site, kept with the project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField("照片", upload_to="projects/photos/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=50)
    caption = models.CharField("说明", max_length=200, blank=True)
    taken_on = models.DateField("拍摄日期", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["-taken_on", "-id"]

    def __str__(self) -> str:
        return self.caption or self.name


class FundTarget(models.Model):
    """争取资金目标: how much the district means to win from higher levels in a year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    amount = models.DecimalField("目标（万元）", **WAN)
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "争取资金目标"
        verbose_name_plural = "争取资金目标"
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fund_target_not_negative")]

    def __str__(self) -> str:
        return f"{self.year}年"


class FundRequest(models.Model):
    """争取资金: money or a project sought from the state or the municipality, from application to arrival."""

    title = models.CharField("事项", max_length=200)
    channel = models.CharField("资金渠道", max_length=30, choices=Channel.choices)
    level = models.CharField("层级", max_length=20, choices=FundLevel.choices, default=FundLevel.NATIONAL)
    applying_unit = models.ForeignKey(
        "org.Unit", verbose_name="申报单位", on_delete=models.PROTECT, related_name="fund_requests"
    )
    project = models.ForeignKey(
        Project, verbose_name="关联项目", null=True, blank=True, on_delete=models.PROTECT, related_name="funds"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount_applied = models.DecimalField("申报金额（万元）", **WAN)
    amount_approved = models.DecimalField("批复金额（万元）", null=True, blank=True, **WAN)
    amount_received = models.DecimalField("到位金额（万元）", default=0, **WAN)
    applied_on = models.DateField("申报日期")
    approved_on = models.DateField("批复日期", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=FundState.choices, default=FundState.APPLIED)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "争取资金"
        verbose_name_plural = "争取资金"
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["year", "channel"], name="fund_year_channel"),
            models.Index(fields=["applying_unit", "year"], name="fund_unit_year"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_applied__gte=0), name="fund_applied_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gte=0), name="fund_approved_not_negative"
            ),
            models.CheckConstraint(condition=Q(amount_received__gte=0), name="fund_received_not_negative"),
            # Money cannot arrive beyond what was approved.
            models.CheckConstraint(
                condition=Q(amount_received=0) | Q(amount_approved__gte=F("amount_received")),
                name="fund_received_within_approved",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FundReceipt(models.Model):
    """资金到位: one tranche of approved money that has arrived."""

    fund = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField("到位日期")
    amount = models.DecimalField("金额（万元）", **WAN)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资金到位"
        verbose_name_plural = "资金到位"
        ordering = ["received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_receipt_positive")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.received_on}"
