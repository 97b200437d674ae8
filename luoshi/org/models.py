"""The organisation directory: units, people, users, role grants and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from luoshi.org.choices import Role, UnitKind

area_code_validator = RegexValidator(
    r"^\d{6}(\d{3}(\d{3})?)?$", "行政区划代码应为6位（区县）、9位或12位（乡镇街道）数字。"
)


class User(AbstractUser):
    """用户: a login account; what it may do comes from its role grants."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username


class Unit(models.Model):
    """单位: a party committee, government, department, town or street, or organisation in the directory."""

    name = models.CharField("单位全称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/7/42/"): "this unit and everything under it" is one
    # indexed prefix match, which every permission check on a subtree relies on.
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    area_code = models.CharField("行政区划代码", max_length=12, blank=True, validators=[area_code_validator])
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_under_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="unit_root_name_unique"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or one of its sub-units."""
        return self.path.startswith(other.path)


class UnitAlias(models.Model):
    """单位别称: another name people use for a unit (区经信委 for 区经济和信息化委员会)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别称", max_length=100, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位别称"
        verbose_name_plural = "单位别称"
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="unit_alias_unique")]

    def __str__(self) -> str:
        return self.alias


class Person(models.Model):
    """人员: someone who works in a unit, with a title, and maybe a login."""

    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=100, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        User, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("邮箱", blank=True)
    # Overdue work escalates to the unit's heads before it reaches the supervisors.
    is_head = models.BooleanField("单位负责人", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在职", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["unit__path", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class RoleGrant(models.Model):
    """角色授权: a user holds a role for a unit, and optionally for all units under it."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name="范围单位", on_delete=models.PROTECT, related_name="grants")
    include_subunits = models.BooleanField("含下级单位", default=False)
    granted_by = models.ForeignKey(
        User, verbose_name="授权人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    # Revoked, not deleted: decisions taken under a grant must stay explainable.
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=Q(revoked_at__isnull=True), name="one_live_grant"
            )
        ]

    def __str__(self) -> str:
        scope = "及下级" if self.include_subunits else ""
        return f"{self.user} · {self.get_role_display()} · {self.unit}{scope}"


class ApiToken(models.Model):
    """API令牌: a revocable bearer token for scripts; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at", "digest"])

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
