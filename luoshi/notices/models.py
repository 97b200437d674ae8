from django.conf import settings
from django.db import models


class EmailStatus(models.TextChoices):
    NONE = "none", "不发邮件"
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notice(models.Model):
    """站内通知: one message to one user, keyed by the event that caused it so it is never sent twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notices"
    )
    # e.g. "ledger.task:42:overdue:2025-03-04": the same cause for the same person is one notice.
    cause = models.CharField("事由键", max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    email_status = models.CharField(
        "邮件", max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField("邮件尝试次数", default=0)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "cause"], name="one_notice_per_cause")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return self.title
