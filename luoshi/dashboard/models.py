"""Precomputed cockpit numbers and the archive of weekly briefings."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CockpitSnapshot(models.Model):
    """The cockpit as computed by ``luoshi tick``: one shared snapshot of everything for those who see
    everything (``user`` empty), and one per person for a narrower scope (a district's supervisor, a
    分管领导), made on that person's first visit and refreshed daily while the person keeps using it.

    At municipal scale the cockpit's counts take seconds; the page serves the latest snapshot and
    says how fresh it is. A personal snapshot carries the digest of the grants it was computed
    under: once they change, it is never shown again and is recomputed.
    """

    year = models.PositiveSmallIntegerField("年度")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope_digest = models.CharField("授权摘要", max_length=64, blank=True, default="")
    data = models.JSONField("数据")
    computed_at = models.DateTimeField("计算时间")
    seconds = models.FloatField("耗时（秒）")
    viewed_at = models.DateTimeField("最近查看", null=True, blank=True)

    class Meta:
        verbose_name = "驾驶舱快照"
        verbose_name_plural = "驾驶舱快照"
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=models.Q(user__isnull=True), name="snapshot_shared"),
            models.UniqueConstraint(fields=["year", "user"], name="snapshot_personal"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.user_id or '*'} @ {self.computed_at:%Y-%m-%d %H:%M}"


class Briefing(models.Model):
    """督办简报: one week's briefing as .docx and .xlsx, and who received it."""

    week_start = models.DateField("周起始日（周一）", unique=True)
    title = models.CharField("标题", max_length=200)
    docx = models.FileField("Word 文件", upload_to="briefings/%Y/")
    xlsx = models.FileField("Excel 文件", upload_to="briefings/%Y/")
    summary = models.JSONField("摘要数据", default=dict)
    generated_at = models.DateTimeField("生成时间", auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="接收人", blank=True, related_name="briefings"
    )

    class Meta:
        verbose_name = "督办简报"
        verbose_name_plural = "督办简报"
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.title
