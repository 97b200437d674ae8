from django.db import models


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    ON_TRACK = "on_track", "正常推进"
    LAGGING = "lagging", "进度滞后"
    OVERDUE = "overdue", "已逾期"
    DONE = "done", "已完成"
    CLOSED = "closed", "已销号"


class Colour(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class Stage(models.TextChoices):
    """How far past (or close to) its due date an obligation is: who gets told."""

    SOON = "soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    ESCALATED = "escalated", "逾期督办"
