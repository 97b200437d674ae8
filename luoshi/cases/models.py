"""Cases (诉求): what an enterprise or citizen asks the government to do, handled to closure.

Generic on purpose: enterprise demands are cases now; “one thing” bundles and project problems
will be cases with a parent or another subject later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from luoshi.cases.choices import CaseSource, CaseState
from luoshi.tracking.choices import Colour


class CaseType(models.Model):
    """诉求类型: a kind of demand with its deadlines in working days."""

    name = models.CharField("类型", max_length=30, unique=True)
    first_response_workdays = models.PositiveSmallIntegerField("首次响应时限（工作日）", default=1)
    resolution_workdays = models.PositiveSmallIntegerField("办结时限（工作日）", default=10)
    default_unit = models.ForeignKey(
        "org.Unit", verbose_name="默认承办单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "诉求类型"
        verbose_name_plural = "诉求类型"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """诉求: one demand, from submission through handling to the enterprise's follow-up rating."""

    number = models.CharField("编号", max_length=30, unique=True)
    case_type = models.ForeignKey(CaseType, verbose_name="类型", on_delete=models.PROTECT, related_name="cases")
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级诉求", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    visit = models.ForeignKey(
        "enterprises.Visit", verbose_name="走访", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    title = models.CharField("诉求", max_length=200)
    description = models.TextField("具体内容")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间")
    state = models.CharField(
        "状态", max_length=20, choices=CaseState.choices, default=CaseState.SUBMITTED, db_index=True
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="承办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    first_response_at = models.DateTimeField("首次响应时间", null=True, blank=True)
    first_response_due = models.DateField("首次响应时限", null=True, blank=True)
    resolution_due = models.DateField("办结时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限暂按双休日计算", default=False)
    suspended_on = models.DateField("挂起日期", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True)
    rating = models.PositiveSmallIntegerField("满意度", null=True, blank=True)  # 1–5
    rating_comment = models.CharField("评价", max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    # The deadline colour, refreshed by the services and by `luoshi tick`.
    colour = models.CharField("颜色", max_length=10, choices=Colour.choices, default=Colour.GREEN)
    colour_reason = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["colour", "colour_reason"])

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "state", "resolution_due"], name="case_unit_queue"),
            models.Index(fields=["enterprise", "submitted_at"], name="case_enterprise"),
            # A unit's queue: only open cases, nearest deadline first; closed cases never enter it.
            models.Index(
                fields=["unit", "resolution_due", "id"],
                condition=Q(state__in=["assigned", "in_progress", "suspended"]),
                name="case_open_queue",
            ),
            # The cockpit's open and red-open counts: only open cases, by colour.
            models.Index(
                fields=["colour"],
                condition=~Q(state__in=["resolved", "followed_up"]),
                name="case_open_colour",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="case_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in (CaseState.RESOLVED, CaseState.FOLLOWED_UP)
