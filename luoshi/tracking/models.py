from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class CalendarOverride(models.Model):
    """节假日调整: a day the State Council's notice makes a holiday or an adjusted working day."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班；不勾选表示放假。")
    note = models.CharField("说明", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_workday else '放假'}"


class ConfirmedYear(models.Model):
    """已确认年度: a year whose holiday arrangement an admin has entered in full."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "已确认年度"
        verbose_name_plural = "已确认年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class TimelineEvent(models.Model):
    """时间线: one thing that happened to a tracked object, in the order people read it."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField("类别", max_length=40)
    text = models.CharField("内容", max_length=500)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "时间线事件"
        verbose_name_plural = "时间线事件"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="timeline_of_object")]

    def __str__(self) -> str:
        return self.text


class JobRun(models.Model):
    """定时作业记录: when a periodic job last ran, so a daily job runs once a day however often tick runs."""

    name = models.CharField("作业", max_length=50, unique=True)
    last_day = models.DateField("最近运行日")
    last_at = models.DateTimeField("最近运行时间")
    last_result = models.CharField("结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "定时作业记录"
        verbose_name_plural = "定时作业记录"

    def __str__(self) -> str:
        return f"{self.name} {self.last_day}"
