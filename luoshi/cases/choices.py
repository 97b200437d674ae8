from django.db import models


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    SUSPENDED = "suspended", "已挂起"
    RESOLVED = "resolved", "已办结"
    FOLLOWED_UP = "followed_up", "已回访"


class CaseSource(models.TextChoices):
    VISIT = "visit", "走访"
    ONLINE = "online", "网上提交"
    HOTLINE = "hotline", "12345热线"
    COMMISSIONER = "commissioner", "服务专员"


class Action(models.TextChoices):
    ACCEPT = "accept", "受理"
    ASSIGN = "assign", "交办"
    START = "start", "开始办理"
    TRANSFER = "transfer", "转办"
    RETURN = "return", "退回"
    SUSPEND = "suspend", "挂起"
    RESUME = "resume", "恢复"
    RESOLVE = "resolve", "办结"
    FOLLOW_UP = "follow_up", "回访"
    REOPEN = "reopen", "重新办理"
