"""Read-side functions for the organisation directory, shared by pages, API and CLI."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from luoshi.core.errors import NotFound
from luoshi.core.tree import ids_on
from luoshi.org import permissions
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Person, RoleGrant, Unit, UnitAlias, User

# The directory is shared knowledge inside government; enterprises do not browse it.
DIRECTORY_READERS = (
    Role.LEADER,
    Role.SUPERVISOR,
    Role.UNIT_REPORTER,
    Role.COMMISSIONER,
    Role.REVIEWER,
    Role.ADMIN,
)


def can_read_directory(user) -> bool:
    return permissions.allowed(user, DIRECTORY_READERS)


def units(user, *, text: str = "", kind: str = ""):
    """Units the user may browse, in tree order, optionally filtered by name/alias or kind."""
    if not can_read_directory(user):
        return Unit.objects.none()
    qs = Unit.objects.filter(is_active=True).select_related("parent").prefetch_related("aliases")
    if text:
        text = text.strip()
        qs = qs.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(aliases__alias__contains=text))
        qs = qs.distinct()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


def unit_detail(user, unit_id: int) -> Unit:
    if not can_read_directory(user):
        raise NotFound("没有找到该单位。")
    unit = (
        Unit.objects.select_related("parent")
        .prefetch_related(
            "aliases",
            Prefetch("children", queryset=Unit.objects.filter(is_active=True).order_by("sort_order", "id")),
            Prefetch("people", queryset=Person.objects.filter(is_active=True).select_related("user")),
        )
        .filter(pk=unit_id)
        .first()
    )
    if unit is None:
        raise NotFound("没有找到该单位。")
    return unit


def grants_on(user, unit: Unit):
    """Live role grants on ``unit``: only admins who cover the unit see who holds what."""
    if not permissions.allowed(user, (Role.ADMIN,), unit):
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(unit=unit, revoked_at__isnull=True).select_related("user").order_by("role", "id")


def grants_of(user):
    return (
        RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("unit")
        .order_by("role", "unit__path")
    )


def unit_counts_by_kind(user) -> list[dict]:
    if not can_read_directory(user):
        return []
    counts = dict(Unit.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")))
    return [{"label": label, "count": counts[value]} for value, label in UnitKind.choices if counts.get(value)]


def find_unit(name: str) -> Unit | None:
    """The unit called ``name``: official name, short name or any alias.

    区经信委 and 区经济和信息化委员会 both find 重庆市永川区经济和信息化委员会.
    """
    name = name.strip()
    if not name:
        return None
    unit = Unit.objects.filter(Q(name=name) | Q(short_name=name)).order_by("depth").first()
    if unit is None:
        alias = UnitAlias.objects.filter(alias=name).select_related("unit").order_by("unit__depth").first()
        unit = alias.unit if alias else None
    return unit


def tokens_of(user):
    return user.api_tokens.order_by("-created_at")


def ancestor_ids(unit: Unit) -> list[int]:
    """The ids on ``unit``'s path, root first, the unit itself last."""
    return ids_on(unit.path)


def users_with_role(roles, unit: Unit):
    """Active users whose live grant of one of ``roles`` covers ``unit`` (directly or from above)."""
    covering = Q(grants__unit=unit) | Q(grants__unit_id__in=ancestor_ids(unit), grants__include_subunits=True)
    # One filter() call, so that role, liveness and unit are all conditions on the same grant.
    live_role = Q(grants__role__in=list(roles), grants__revoked_at__isnull=True)
    return User.objects.filter(live_role & covering, is_active=True).distinct()


def heads_of(unit: Unit):
    """Accounts of the unit's heads (单位负责人) who can sign in."""
    return User.objects.filter(is_active=True, person__unit=unit, person__is_head=True, person__is_active=True)
