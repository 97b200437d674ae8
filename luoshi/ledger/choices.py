from django.db import models


class SourceKind(models.TextChoices):
    MEETING = "meeting", "会议"
    DOCUMENT = "document", "文件"
    INSTRUCTION = "instruction", "领导批示"
    OTHER = "other", "其他"


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "每周"
    FORTNIGHTLY = "fortnightly", "每两周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    NONE = "none", "不定期"


class Priority(models.IntegerChoices):
    HIGH = 1, "重点"
    NORMAL = 2, "一般"
    LOW = 3, "较低"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已采纳"
    RETURNED = "returned", "已退回"


class Direction(models.TextChoices):
    UP = "up", "越高越好"
    DOWN = "down", "越低越好"


class TargetKind(models.TextChoices):
    GROWTH = "growth", "增长率（%）"
    LEVEL = "level", "绝对值"


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"
    ANNUAL = "annual", "年度"


# Units a task can be filtered by: bodies that lead or co-operate on tasks, not enterprises.
FILTER_UNIT_KINDS = ("party", "government", "department", "town")
