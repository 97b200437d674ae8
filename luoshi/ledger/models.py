"""The supervision ledger (督办台账): sources, tasks, milestones, progress reports,
indicators, evaluations and supervision notices."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from luoshi.ledger.choices import (
    Cadence,
    Direction,
    Level,
    PeriodType,
    Priority,
    ReportState,
    SourceKind,
    TargetKind,
)
from luoshi.tracking.choices import Colour, Status

# Derived columns are refreshed with QuerySet.update(); they are not part of an object's history.
DERIVED = ["status", "colour", "status_reason", "status_at", "expected_percent"]


_STATUS_LABELS = dict(Status.choices)


class AreaTag(models.Model):
    """领域: a policy area a task belongs to (工业, 商贸, 住建, 民政, 开放, 改革 …)."""

    name = models.CharField("名称", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领域"
        verbose_name_plural = "领域"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """任务来源: the meeting, document or instruction a task comes from."""

    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=SourceKind.choices, default=SourceKind.MEETING)
    level = models.CharField("层级", max_length=20, choices=Level.choices, default=Level.DISTRICT)
    held_on = models.DateField("日期")
    doc_number = models.CharField("文号", max_length=60, blank=True)
    file = models.FileField("原文", upload_to="ledger/sources/%Y/", blank=True)
    note = models.TextField("说明", blank=True)
    # A document read in by intake: its text, and a digest that makes importing it twice impossible.
    text = models.TextField("原文文字", blank=True, default="", db_default="")
    digest = models.CharField("原文摘要值", max_length=64, blank=True, default="", db_default="")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        verbose_name = "任务来源"
        verbose_name_plural = "任务来源"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["digest"], condition=~Q(digest=""), name="source_digest_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """督办任务: a unit's commitment, tracked to closure."""

    source = models.ForeignKey(
        Source, verbose_name="来源", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级任务", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    code = models.CharField("编号", max_length=30, blank=True)
    title = models.CharField("任务", max_length=300)
    description = models.TextField("具体要求", blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_tasks"
    )
    co_units = models.ManyToManyField("org.Unit", verbose_name="配合单位", blank=True, related_name="co_tasks")
    owner = models.ForeignKey(
        "org.Person", verbose_name="责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    start_date = models.DateField("开始日期")
    due_date = models.DateField("完成时限")
    due_provisional = models.BooleanField("时限暂按双休日计算", default=False)
    # Set when the deadline was given as "N working days after the start": it is recomputed
    # once the holidays of a provisional year are confirmed.
    due_workdays = models.PositiveSmallIntegerField("工作日时限", null=True, blank=True)
    cadence = models.CharField("报送频次", max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    priority = models.PositiveSmallIntegerField("优先级", choices=Priority.choices, default=Priority.NORMAL)
    areas = models.ManyToManyField(AreaTag, verbose_name="领域", blank=True, related_name="tasks")
    percent = models.PositiveSmallIntegerField("完成进度", default=0, validators=[MaxValueValidator(100)])
    done_on = models.DateField("完成日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_note = models.CharField("销号说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    colour = models.CharField("颜色", max_length=10, choices=Colour.choices, default=Colour.GREEN)
    status_reason = models.CharField("状态说明", max_length=500, blank=True)
    status_at = models.DateTimeField("状态计算时间", null=True, blank=True)
    expected_percent = models.PositiveSmallIntegerField("时序进度", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["lead_unit", "status"], name="task_unit_status"),
            models.Index(fields=["status", "due_date"], name="task_status_due"),
            models.Index(fields=["due_date"], name="task_due"),
            # Counts by colour (the cockpit's red tasks, the ledger's totals line) read the index alone;
            # a list of one colour walks it in tree order and stops after a page.
            models.Index(fields=["colour", "status", "closed_on"], name="task_colour_status"),
            models.Index(fields=["colour", "path"], name="task_colour_path"),
            models.Index(fields=["code"], name="task_code"),  # the keyword box matches a code exactly
            models.Index(fields=["status"], condition=Q(closed_on__isnull=True), name="task_open_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("start_date")), name="task_due_after_start"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def is_open(self) -> bool:
        return self.done_on is None and self.closed_on is None

    @property
    def status_label(self) -> str:
        """get_status_display without rebuilding the choices' dict on every call (a ledger page
        shows it for every row)."""
        return _STATUS_LABELS.get(self.status, self.status)


class TaskLink(models.Model):
    """关联: a task's link to an indicator, project, policy or any other object."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务关联"
        verbose_name_plural = "任务关联"
        constraints = [models.UniqueConstraint(fields=["task", "content_type", "object_id"], name="task_link_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="task_link_target")]

    def __str__(self) -> str:
        return self.label or f"{self.content_type}#{self.object_id}"


class Milestone(models.Model):
    """里程碑: a dated step of a task, done with evidence."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField("里程碑", max_length=200)
    due_date = models.DateField("计划完成")
    due_provisional = models.BooleanField("时限暂按双休日计算", default=False)
    done_on = models.DateField("实际完成", null=True, blank=True)
    evidence = models.TextField("完成佐证", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["due_date", "sort_order", "id"]
        indexes = [
            models.Index(fields=["done_on", "due_date"], name="milestone_open_due"),
            models.Index(fields=["due_date"], name="milestone_due"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """进展报告: what a lead or co-unit reports for a task and period; accepted or returned."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField("报送期", max_length=10)  # 2025-03, 2025-W12, 2025-Q1, or a date for 不定期
    period_end = models.DateField("期末")
    due_date = models.DateField("报送时限")
    unit = models.ForeignKey("org.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="reports")
    text = models.TextField("进展情况")
    problems = models.TextField("存在问题", blank=True)
    percent = models.PositiveSmallIntegerField("完成进度", validators=[MinValueValidator(0), MaxValueValidator(100)])
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    is_late = models.BooleanField("迟报", default=False)
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    # A retried submission carries the same key and stores nothing new.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["task", "period"], name="report_task_period"),
            models.Index(fields=["state", "submitted_at"], name="report_state"),
            models.Index(fields=["unit", "submitted_at"], name="report_unit"),
            # Scorecards count the reports that fell due in a quarter.
            models.Index(fields=["due_date", "unit"], name="report_due"),
            # ... and of them the ones on time: this index alone answers that count.
            models.Index(
                fields=["due_date", "unit", "task"],
                condition=Q(is_late=False) & ~Q(state="returned"),
                name="report_on_time",
            ),
        ]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period}"


class ReportAttachment(models.Model):
    """佐证材料: a file attached to a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to="ledger/evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """指标: a target the district set itself (规上工业增加值增长7.5%), tracked against statistics."""

    name = models.CharField("指标", max_length=100)
    measure = models.CharField("计量单位", max_length=20, help_text="如：%、亿元、万人")
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.UP)
    target_kind = models.CharField("目标类型", max_length=10, choices=TargetKind.choices, default=TargetKind.GROWTH)
    baseline = models.DecimalField("基期值", max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("目标值", max_digits=16, decimal_places=2)
    year = models.PositiveSmallIntegerField("年度")
    period_type = models.CharField("统计周期", max_length=10, choices=PeriodType.choices, default=PeriodType.MONTHLY)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="indicators"
    )
    cumulative = models.BooleanField("累计值", default=True, help_text="统计按年初至今累计发布")
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["year", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "year", "owner_unit"], name="indicator_unique")]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class IndicatorValue(models.Model):
    """指标值: a published figure for one period (cumulative, with its year-on-year growth)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period_end = models.DateField("期末")
    value = models.DecimalField("数值", max_digits=16, decimal_places=2, null=True, blank=True)
    growth = models.DecimalField("同比增长（%）", max_digits=8, decimal_places=2, null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        ordering = ["indicator", "period_end"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period_end"], name="indicator_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_end}"


class TaskEvaluation(models.Model):
    """问效评价: the closing assessment of a task, with a score."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="evaluation")
    score = models.DecimalField(
        "评分", max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField("评价意见", blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_at = models.DateTimeField("评价时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "问效评价"
        verbose_name_plural = "问效评价"
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_range")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.score}"


class SupervisionNotice(models.Model):
    """督办单: the formal notice sent when a task stays overdue past the escalation threshold."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="supervision_notices")
    number = models.CharField("编号", max_length=40, unique=True)
    cause = models.CharField("事由键", max_length=200, unique=True)
    reason = models.CharField("督办事由", max_length=500)
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    file = models.FileField("督办单", upload_to="ledger/notices/%Y/")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number
