from django.db import models


class UnitKind(models.TextChoices):
    PARTY = "party", "党委"
    GOVERNMENT = "government", "政府"
    DEPARTMENT = "department", "部门"
    TOWN = "town", "镇街"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    LEADER = "leader", "区领导"
    SUPERVISOR = "supervisor", "督查员"
    UNIT_REPORTER = "unit_reporter", "单位联络员"
    COMMISSIONER = "commissioner", "企业服务专员"
    REVIEWER = "reviewer", "政策审核员"
    ENTERPRISE_USER = "enterprise_user", "企业用户"
    ADMIN = "admin", "系统管理员"
