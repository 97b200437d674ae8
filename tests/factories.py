"""Test data made through the real services, so tests see what production would write."""

from __future__ import annotations

import itertools

import factory

from luoshi.core.actors import SYSTEM
from luoshi.org import services
from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit, User

_seq = itertools.count(1)
PASSWORD = "Correct-Horse-2025"


class UserFactory(factory.django.DjangoModelFactory):
    """A plain account with no roles: it may see nothing but its own inbox."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def make_unit(name: str | None = None, *, kind: str = UnitKind.DEPARTMENT, parent: Unit | None = None, **kw) -> Unit:
    return services.create_unit(SYSTEM, name=name or f"测试单位{next(_seq)}", kind=kind, parent=parent, **kw)


def make_user(username: str | None = None, *, grants=(), email: str | None = None) -> User:
    """A user holding ``grants``: (role, unit) or (role, unit, include_subunits)."""
    username = username or f"u{next(_seq)}"
    user = services.create_user(
        SYSTEM,
        username=username,
        full_name=username,
        password=PASSWORD,
        email=email if email is not None else f"{username}@example.gov.cn",
    )
    for grant in grants:
        role, unit, *rest = grant
        services.grant_role(SYSTEM, user=user, role=role, unit=unit, include_subunits=bool(rest and rest[0]))
    return user
