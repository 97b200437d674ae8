from django.db import models


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    REPEALED = "repealed", "已废止"


class BenefitType(models.TextChoices):
    REWARD = "reward", "奖励"
    SUBSIDY = "subsidy", "补贴"
    INTEREST = "interest", "贷款贴息"
    TAX = "tax", "税费减免"
    QUALIFICATION = "qualification", "资质认定"
    SERVICE = "service", "服务"


class Mode(models.TextChoices):
    APPLY = "apply", "申报制"
    AUTOMATIC = "automatic", "免申即享"


class WindowKind(models.TextChoices):
    DATES = "dates", "集中申报"
    ROLLING = "rolling", "常年受理"


class ClauseStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已停止"
