from django.db import models


class FigureSource(models.TextChoices):
    SELF = "self", "企业自报"
    STATISTICS = "statistics", "统计部门"
    TAX = "tax", "税务部门"


class SizeClass(models.TextChoices):
    LARGE = "大型", "大型"
    MEDIUM = "中型", "中型"
    SMALL = "小型", "小型"
    MICRO = "微型", "微型"
    UNKNOWN = "", "未划型"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    DONE = "done", "已走访"
    CANCELLED = "cancelled", "已取消"
