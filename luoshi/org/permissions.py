"""The one place that decides what a user may do, for which units.

Every service calls :func:`require` (or :func:`allowed`) before it reads or writes on behalf
of a user, and list queries restrict themselves with :func:`unit_q`. A grant covers its own
unit, and every unit below it when ``include_subunits`` is set; a leader granted on the
district's root with sub-units therefore reads everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, Subquery

from luoshi.core.actors import is_system
from luoshi.core.errors import NotPermitted
from luoshi.org.choices import Role
from luoshi.org.models import RoleGrant, Unit

READ_EVERYTHING = frozenset({Role.LEADER, Role.ADMIN})


@dataclass(frozen=True)
class Scope:
    """The live grants of one user, loaded once per request."""

    grants: tuple[tuple[str, int, str, bool], ...]  # (role, unit id, unit path, include_subunits)
    # Roles held on a root of the unit tree with its sub-units, and how many roots there are
    # (read with the grants, in the same query): see reaches_every_unit.
    root_roles: dict[str, frozenset[int]] = field(default_factory=dict)
    roots: int = 0

    def roles(self) -> set[str]:
        return {role for role, *_ in self.grants}

    def covers(self, roles: Iterable[str], unit: Unit | None) -> bool:
        wanted = set(roles)
        for role, unit_id, path, subunits in self.grants:
            if role not in wanted:
                continue
            if unit is None:
                return True
            if unit.pk == unit_id or (subunits and unit.path.startswith(path)):
                return True
        return False

    def unit_q(self, roles: Iterable[str], field: str = "unit") -> Q | None:
        """A filter on ``field`` (a FK to Unit, or "" for Unit itself) for the units these roles
        cover; None when they cover none."""
        wanted = set(roles)
        ids: set[int] = set()
        paths: set[str] = set()
        for role, unit_id, path, subunits in self.grants:
            if role in wanted:
                (paths.add(path) if subunits else ids.add(unit_id))
        if not ids and not paths:
            return None
        prefix = f"{field}__" if field else ""
        q = Q(**{f"{prefix or 'pk__'}in": sorted(ids)}) if ids else Q()
        for path in sorted(_outermost(paths)):
            q |= Q(**{f"{prefix}path__startswith": path})
        return q


def _outermost(paths: set[str]) -> set[str]:
    # A grant on /1/ already covers /1/7/; dropping the inner one keeps the SQL short.
    return {p for p in paths if not any(p != o and p.startswith(o) for o in paths)}


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return Scope(grants=())
    cached = getattr(user, "_luoshi_scope", None)
    if cached is None:
        roots = Unit.objects.filter(parent__isnull=True).order_by().values("parent").annotate(n=Count("pk"))
        rows = list(
            RoleGrant.objects.filter(user=user, revoked_at__isnull=True, unit__is_active=True)
            .values_list(
                "role",
                "unit_id",
                "unit__path",
                "include_subunits",
                "unit__parent_id",
                Subquery(roots.values("n"), output_field=IntegerField()),
            )
            .order_by("id")
        )
        root_roles: dict[str, set[int]] = {}
        for role, unit_id, _, subunits, parent_id, _ in rows:
            if subunits and parent_id is None:
                root_roles.setdefault(role, set()).add(unit_id)
        cached = Scope(
            grants=tuple(row[:4] for row in rows),
            root_roles={role: frozenset(ids) for role, ids in root_roles.items()},
            roots=(rows[0][5] or 0) if rows else 0,
        )
        user._luoshi_scope = cached
    return cached


def forget_scope(user) -> None:
    """Drop the cached grants after they change (the next check reloads them)."""
    user.__dict__.pop("_luoshi_scope", None)


def allowed(user, roles: Iterable[str], unit: Unit | None = None) -> bool:
    """May ``user``, holding one of ``roles``, act on ``unit``? (``unit=None``: on any unit.)"""
    if is_system(user):
        return True
    if not getattr(user, "is_active", False):
        return False
    return scope_of(user).covers(roles, unit)


def require(user, roles: Iterable[str], unit: Unit | None = None, *, action: str = "执行此操作") -> None:
    """Raise :class:`NotPermitted` with a Chinese sentence unless :func:`allowed`."""
    if allowed(user, roles, unit):
        return
    roles = list(roles)
    role_names = "、".join(Role(r).label for r in roles)
    where = f"“{unit.display_name}”" if unit is not None else ""
    raise NotPermitted(f"您没有{where}{action}的权限：需要{role_names}角色。如需开通，请联系系统管理员。")


def unit_q(user, roles: Iterable[str], field: str = "unit") -> Q | None:
    """Filter for querysets: the units ``user`` reaches through ``roles``; None when it reaches none."""
    if is_system(user):
        return Q()
    if not getattr(user, "is_active", False):
        return None
    return scope_of(user).unit_q(roles, field)


def reaches_every_unit(user, roles: Iterable[str]) -> bool:
    """Does ``user`` reach every unit through ``roles``, i.e. hold each root of the unit tree with
    its sub-units? Then a list needs no unit filter at all: ``path LIKE '/1/%'`` over a join to
    the units, true of every row, cost a municipal supervisor's ledger 10 ms a count.

    The number of roots is read with the grants (once per request, never cached longer): a root
    added later is never inside an older grant.
    """
    if is_system(user):
        return True
    if not getattr(user, "is_active", False):
        return False
    scope = scope_of(user)
    held = set().union(*(scope.root_roles.get(role, ()) for role in roles))
    return bool(held) and len(held) == scope.roots


def restrict(queryset, user, roles: Iterable[str], field: str = "unit"):
    """``queryset`` narrowed to what ``user`` may see through ``roles``."""
    q = unit_q(user, roles, field)
    return queryset.none() if q is None else queryset.filter(q)


def any_of(parts: Iterable[Q | None]) -> Q | None:
    """The union of visibility filters: None when there are none, ``Q()`` (everything) when one is.

    ``Q() | X`` is ``X`` in Django, so OR-ing an unrestricted part into a restricted one would
    quietly restrict it; this keeps "everything" meaning everything.

    >>> any_of([None, None]) is None
    True
    >>> any_of([Q(unit=1), Q()]) == Q()
    True
    >>> any_of([Q(unit=1), None, Q(unit=2)]) == Q(unit=1) | Q(unit=2)
    True
    """
    present = [part for part in parts if part is not None]
    if not present:
        return None
    if any(not part.children for part in present):
        return Q()
    union = present[0]
    for part in present[1:]:
        union |= part
    return union


def grants_digest(user) -> str:
    """A fingerprint of the grants ``user`` holds now. What is computed for one person's scope and
    kept (a cockpit snapshot, a cached ranking) is keyed by it, so a change of grants is never
    answered from what was computed before."""
    if is_system(user):
        return "system"
    return hashlib.sha256(repr(sorted(scope_of(user).grants)).encode()).hexdigest()


def covers_everything(user, roles: Iterable[str]) -> bool:
    """Does one of ``roles`` reach every unit (each top-level unit with all below it)?

    What is computed once for everyone (the cockpit snapshot, the weekly briefing) may only be
    shown to people who could see all of it anyway.
    """
    if is_system(user):
        return True
    roots = list(Unit.objects.filter(parent__isnull=True, is_active=True))
    if not roots:
        return allowed(user, roles)
    scope = scope_of(user)
    wanted = set(roles)
    return all(
        any(
            role in wanted and subunits and (unit_id == root.pk or root.path.startswith(path))
            for role, unit_id, path, subunits in scope.grants
        )
        for root in roots
    )
