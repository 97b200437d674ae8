"""The one permission function, across units and sub-units."""

import pytest

from luoshi.core.actors import SYSTEM
from luoshi.core.errors import NotPermitted
from luoshi.org import permissions, services
from luoshi.org.choices import Role
from luoshi.org.models import Unit, User

pytestmark = pytest.mark.django_db


def test_a_grant_covers_its_own_unit(world):
    assert permissions.allowed(world.jxw_reporter, [Role.UNIT_REPORTER], world.jxw)


def test_a_grant_without_subunits_does_not_reach_below_or_beside(world):
    below = services.create_unit(SYSTEM, name="区经信委办公室", kind="department", parent=world.jxw)
    assert not permissions.allowed(world.jxw_reporter, [Role.UNIT_REPORTER], below)
    assert not permissions.allowed(world.jxw_reporter, [Role.UNIT_REPORTER], world.swj)
    assert not permissions.allowed(world.jxw_reporter, [Role.UNIT_REPORTER], world.gov)


def test_a_grant_with_subunits_reaches_every_level_below(world):
    deeper = services.create_unit(SYSTEM, name="中山路社区三组", kind="other", parent=world.zsl_community)
    for unit in (world.zsl, world.zsl_community, deeper):
        assert permissions.allowed(world.zsl_reporter, [Role.UNIT_REPORTER], unit)


def test_a_grant_with_subunits_does_not_reach_a_sibling_whose_id_shares_a_prefix(world):
    # Path segments are zero-padded and end with "/", so one id is never a prefix of another.
    assert not permissions.allowed(world.zsl_reporter, [Role.UNIT_REPORTER], world.gov)
    assert not permissions.allowed(world.zsl_reporter, [Role.UNIT_REPORTER], world.firm_a)


def test_the_role_must_match_as_well_as_the_unit(world):
    assert not permissions.allowed(world.jxw_reporter, [Role.REVIEWER], world.jxw)
    assert not permissions.allowed(world.enterprise_a, [Role.UNIT_REPORTER], world.firm_a)


def test_a_leader_of_the_root_reaches_everything(world):
    for unit in Unit.objects.all():
        assert permissions.allowed(world.leader, [Role.LEADER], unit)


def test_enterprise_users_reach_only_their_own_enterprise(world):
    assert permissions.allowed(world.enterprise_a, [Role.ENTERPRISE_USER], world.firm_a)
    assert not permissions.allowed(world.enterprise_a, [Role.ENTERPRISE_USER], world.firm_b)
    assert not permissions.allowed(world.enterprise_b, [Role.ENTERPRISE_USER], world.firm_a)


def test_an_account_without_grants_reaches_nothing(world):
    assert not permissions.allowed(world.outsider, list(Role.values))
    assert permissions.unit_q(world.outsider, list(Role.values)) is None


def test_a_revoked_grant_stops_counting_at_once(world):
    grant = world.jxw_reporter.grants.get()
    services.revoke_grant(SYSTEM, grant)
    assert not permissions.allowed(world.jxw_reporter, [Role.UNIT_REPORTER], world.jxw)


def test_a_deactivated_user_is_refused_whatever_its_grants(world):
    world.leader.is_active = False
    assert not permissions.allowed(world.leader, [Role.LEADER], world.root)


def test_require_raises_a_chinese_sentence_naming_the_unit_and_role(world):
    with pytest.raises(NotPermitted) as exc:
        permissions.require(world.jxw_reporter, [Role.UNIT_REPORTER], world.swj, action="填报进展")
    assert "区商务委" in exc.value.message
    assert "单位联络员" in exc.value.message
    assert exc.value.status == 403


def test_restrict_filters_a_queryset_to_the_units_reached(world):
    units = permissions.restrict(Unit.objects.all(), world.zsl_reporter, [Role.UNIT_REPORTER], field="")
    assert set(units) == {world.zsl, world.zsl_community}
    only_jxw = permissions.restrict(Unit.objects.all(), world.jxw_reporter, [Role.UNIT_REPORTER], field="")
    assert list(only_jxw) == [world.jxw]


def test_restrict_through_a_foreign_key(world):
    from luoshi.org.models import Person

    mine = services.create_person(SYSTEM, unit=world.zsl_community, name="社区书记")
    services.create_person(SYSTEM, unit=world.swj, name="商务委干部")
    people = permissions.restrict(Person.objects.all(), world.zsl_reporter, [Role.UNIT_REPORTER])
    assert list(people) == [mine]


def test_grants_are_loaded_once_per_user_object(world, django_assert_num_queries):
    user = type(world.jxw_reporter).objects.get(pk=world.jxw_reporter.pk)
    with django_assert_num_queries(1):
        for _ in range(5):
            permissions.allowed(user, [Role.UNIT_REPORTER], world.jxw)


def test_reaching_every_unit_means_holding_every_root_with_its_subunits(world):
    assert permissions.reaches_every_unit(world.leader, [Role.LEADER])
    assert permissions.reaches_every_unit(SYSTEM, [Role.LEADER])
    assert not permissions.reaches_every_unit(world.leader, [Role.SUPERVISOR])  # another role
    assert not permissions.reaches_every_unit(world.gov_admin, [Role.ADMIN])  # one branch only
    assert not permissions.reaches_every_unit(world.zsl_reporter, [Role.UNIT_REPORTER])
    assert not permissions.reaches_every_unit(world.outsider, list(Role.values))


def test_a_root_added_later_is_not_inside_an_older_grant(world):
    assert permissions.reaches_every_unit(world.supervisor, [Role.SUPERVISOR])
    services.create_unit(SYSTEM, name="重庆市荣昌区", kind="other", parent=None)
    next_request = User.objects.get(pk=world.supervisor.pk)  # grants and roots are read once per request
    assert not permissions.reaches_every_unit(next_request, [Role.SUPERVISOR])
