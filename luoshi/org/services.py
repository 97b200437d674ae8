"""Every write to the organisation directory: units, people, accounts, grants and tokens.

Each function takes the acting user first, checks it through :mod:`luoshi.org.permissions`,
runs in one transaction and leaves a history row naming the actor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.core.audit import stamp
from luoshi.core.errors import Conflict, NotFound, ValidationFailed
from luoshi.core.tree import child_path, depth_of
from luoshi.org import permissions
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import ApiToken, Person, RoleGrant, Unit, UnitAlias, User

ADMINS = (Role.ADMIN,)
TOKEN_PREFIX = "ls_"  # noqa: S105 -- a visible marker, not a secret


def _full_clean(obj, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        first_field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(first_field).verbose_name if first_field != "__all__" else ""
        raise ValidationFailed(f"{label}：{messages[0]}" if label else messages[0], field=first_field) from None


# --- units ---------------------------------------------------------------------------


def _set_path(unit) -> None:
    unit.path = child_path(unit.parent.path if unit.parent_id else None, unit.pk)
    unit.depth = depth_of(unit.path)


@transaction.atomic
def create_unit(
    actor,
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    aliases: Iterable[str] = (),
    area_code: str = "",
    sort_order: int = 0,
) -> Unit:
    permissions.require(actor, ADMINS, parent, action="新建下级单位")
    name = name.strip()
    if kind not in UnitKind.values:
        raise ValidationFailed(f"单位类别“{kind}”无效，应为：{'、'.join(UnitKind.labels)}。", field="kind")
    unit = Unit(
        name=name,
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        area_code=area_code,
        sort_order=sort_order,
    )
    _full_clean(unit, exclude=["path", "depth"])
    if Unit.objects.filter(parent=parent, name=name).exists():
        where = f"“{parent.display_name}”下" if parent else "顶层"
        raise Conflict(f"{where}已有名为“{name}”的单位。", field="name")
    stamp(unit, actor, "新建单位")
    unit.save()
    _set_path(unit)
    stamp(unit, actor, "新建单位")
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    _replace_aliases(actor, unit, [short_name, *aliases])
    return unit


def _replace_aliases(actor, unit: Unit, aliases: Iterable[str]) -> None:
    wanted = {a.strip() for a in aliases if a and a.strip() and a.strip() != unit.name}
    existing = {a.alias: a for a in unit.aliases.all()}
    for alias, obj in existing.items():
        if alias not in wanted:
            stamp(obj, actor, "删除别称")
            obj.delete()
    for alias in sorted(wanted - existing.keys()):
        obj = UnitAlias(unit=unit, alias=alias)
        stamp(obj, actor, "新增别称")
        obj.save()


@transaction.atomic
def update_unit(actor, unit: Unit, *, aliases: Iterable[str] | None = None, **changes) -> Unit:
    """Change a unit's fields; moving it under another parent moves its whole subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    permissions.require(actor, ADMINS, unit, action="修改单位")
    allowed_fields = {"name", "short_name", "kind", "parent", "area_code", "sort_order", "is_active"}
    unknown = set(changes) - allowed_fields
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    new_parent = changes.get("parent", unit.parent)
    moving = "parent" in changes and (new_parent.pk if new_parent else None) != unit.parent_id
    if moving:
        permissions.require(actor, ADMINS, new_parent, action="移入单位")
        if new_parent is not None and new_parent.path.startswith(unit.path):
            raise ValidationFailed("不能把单位移到它自己或它的下级单位之下。", field="parent")
    for key, value in changes.items():
        setattr(unit, key, value.strip() if isinstance(value, str) else value)
    _full_clean(unit, exclude=["path", "depth"])
    if Unit.objects.filter(parent=unit.parent, name=unit.name).exclude(pk=unit.pk).exists():
        raise Conflict(f"同一上级下已有名为“{unit.name}”的单位。", field="name")
    old_path = unit.path
    if moving:
        _set_path(unit)
    stamp(unit, actor, "修改单位")
    unit.save()
    if moving:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.depth = depth_of(child.path)
            stamp(child, actor, "随上级单位移动")
            child.save(update_fields=["path", "depth"])
    if aliases is not None:
        _replace_aliases(actor, unit, [unit.short_name, *aliases])
    return unit


# --- accounts and people ------------------------------------------------------------------


@transaction.atomic
def create_user(
    actor, *, username: str, full_name: str, password: str | None, email: str = "", is_staff: bool = False
) -> User:
    permissions.require(actor, ADMINS, action="创建账号")
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名不能为空。", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"用户名“{username}”已被使用。", field="username")
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), is_staff=is_staff)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed("密码不符合要求：" + "；".join(exc.messages), field="password") from None
        user.set_password(password)
    stamp(user, actor, "创建账号")
    user.save()
    return user


@transaction.atomic
def create_person(
    actor,
    *,
    unit: Unit,
    name: str,
    title: str = "",
    user: User | None = None,
    phone: str = "",
    email: str = "",
    is_head: bool = False,
) -> Person:
    permissions.require(actor, ADMINS, unit, action="登记人员")
    person = Person(
        unit=unit, name=name.strip(), title=title.strip(), user=user, phone=phone, email=email, is_head=is_head
    )
    _full_clean(person)
    if user is not None and Person.objects.filter(user=user).exists():
        raise Conflict(f"账号“{user.username}”已关联其他人员。", field="user")
    stamp(person, actor, "登记人员")
    person.save()
    return person


# --- role grants -------------------------------------------------------------------------


@transaction.atomic
def grant_role(actor, *, user: User, role: str, unit: Unit, include_subunits: bool = False) -> RoleGrant:
    permissions.require(actor, ADMINS, unit, action="授予角色")
    if role not in Role.values:
        raise ValidationFailed(f"角色“{role}”无效。", field="role")
    live = RoleGrant.objects.select_for_update().filter(user=user, role=role, unit=unit, revoked_at__isnull=True)
    grant = live.first()
    if grant is not None:
        if grant.include_subunits != include_subunits:
            grant.include_subunits = include_subunits
            stamp(grant, actor, "调整授权范围")
            grant.save(update_fields=["include_subunits"])
    else:
        grant = RoleGrant(user=user, role=role, unit=unit, include_subunits=include_subunits, granted_by=_user(actor))
        stamp(grant, actor, "授予角色")
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError:
            # Two admins granting the same role at once: the other request won; reuse its row.
            grant = RoleGrant.objects.get(user=user, role=role, unit=unit, revoked_at__isnull=True)
    permissions.forget_scope(user)
    return grant


@transaction.atomic
def revoke_grant(actor, grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("unit", "user").get(pk=grant.pk)
    permissions.require(actor, ADMINS, grant.unit, action="撤销角色")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        stamp(grant, actor, "撤销角色")
        grant.save(update_fields=["revoked_at"])
    permissions.forget_scope(grant.user)
    return grant


def _user(actor) -> User | None:
    return actor if isinstance(actor, User) else None


# --- API tokens --------------------------------------------------------------------------


def _digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough; a slow password hash
    # would only make every API call slower.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(actor, *, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for the acting user; the plain text is returned once and never stored."""
    user = _user(actor)
    if user is None or not user.is_active:
        raise ValidationFailed("只有登录用户可以创建API令牌。")
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写令牌用途，便于日后识别和撤销。", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("到期时间必须晚于现在。", field="expires_at")
    secret = secrets.token_urlsafe(32)
    prefix = secret[:8]
    raw = f"{TOKEN_PREFIX}{prefix}_{secret[8:]}"
    token = ApiToken(user=user, name=name, prefix=prefix, digest=_digest(raw), expires_at=expires_at)
    stamp(token, actor, "创建令牌")
    token.save()
    return token, raw


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not (token.user_id == getattr(actor, "pk", None) or permissions.allowed(actor, ADMINS)):
        raise NotFound("没有找到该令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        stamp(token, actor, "撤销令牌")
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown, expired or revoked one."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    digest = _digest(raw)
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    # Only touch the row once a minute: busy scripts would otherwise write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
