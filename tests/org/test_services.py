"""Writes to the directory: units and their tree, aliases, accounts, grants; each leaves history."""

import pytest

from luoshi.core.actors import SYSTEM
from luoshi.core.audit import changes_of
from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.core.tree import child_path
from luoshi.org import queries, services
from luoshi.org.models import RoleGrant, Unit

pytestmark = pytest.mark.django_db


def test_a_new_unit_gets_its_path_below_its_parent(world):
    unit = services.create_unit(world.admin, name="区经信委办公室", kind="department", parent=world.jxw)
    assert unit.path == child_path(world.jxw.path, unit.pk)
    assert unit.depth == world.jxw.depth + 1
    assert unit.is_within(world.gov)


def test_an_official_name_and_its_aliases_find_the_same_unit(world):
    for name in ("重庆市永川区经济和信息化委员会", "区经信委", "区经济和信息化委员会"):
        assert queries.find_unit(name) == world.jxw
    assert queries.find_unit("不存在的单位") is None


def test_two_units_with_the_same_name_under_one_parent_are_refused(world):
    with pytest.raises(Conflict):
        services.create_unit(world.admin, name="重庆市永川区商务委员会", kind="department", parent=world.gov)
    assert Unit.objects.filter(name="重庆市永川区商务委员会").count() == 1


def test_a_bad_area_code_is_refused_in_chinese_and_nothing_is_written(world):
    before = Unit.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.create_unit(world.admin, name="新单位", kind="town", parent=world.root, area_code="12ab")
    assert "行政区划代码" in exc.value.message
    assert Unit.objects.count() == before


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationFailed, match="单位类别"):
        services.create_unit(world.admin, name="新单位", kind="spaceship", parent=world.root)


def test_a_scoped_admin_cannot_create_units_outside_its_scope(world):
    services.create_unit(world.gov_admin, name="区政府新部门", kind="department", parent=world.gov)
    with pytest.raises(NotPermitted):
        services.create_unit(world.gov_admin, name="中山路新社区", kind="other", parent=world.zsl)
    with pytest.raises(NotPermitted):
        services.create_unit(world.jxw_reporter, name="私设单位", kind="other", parent=world.jxw)


def test_moving_a_unit_moves_its_whole_subtree(world):
    services.update_unit(world.admin, world.zsl, parent=world.gov)
    world.zsl.refresh_from_db()
    world.zsl_community.refresh_from_db()
    assert world.zsl.path == child_path(world.gov.path, world.zsl.pk)
    assert world.zsl_community.path == child_path(world.zsl.path, world.zsl_community.pk)
    assert world.zsl_community.depth == 3


def test_a_unit_cannot_move_under_its_own_subtree(world):
    with pytest.raises(ValidationFailed, match="下级"):
        services.update_unit(world.admin, world.zsl, parent=world.zsl_community)


def test_a_service_call_writes_history_naming_the_actor_and_the_change(world):
    services.update_unit(world.admin, world.jxw, short_name="经信委", area_code="500118")
    entries = changes_of(world.jxw)
    latest = entries[0]
    assert latest.who == "admin"
    assert latest.kind == "修改"
    changed = {c.label: (c.old, c.new) for c in latest.changes}
    assert changed["简称"] == ("区经信委", "经信委")
    assert changed["行政区划代码"] == ("（空）", "500118")
    assert entries[-1].kind == "创建"


def test_history_shows_a_new_parent_by_name(world):
    services.update_unit(world.admin, world.zsl_community, parent=world.gov)
    change = next(c for c in changes_of(world.zsl_community)[0].changes if c.label == "上级单位")
    assert (change.old, change.new) == ("中山路街道", "区政府")


def test_granting_the_same_role_twice_keeps_one_live_grant(world):
    services.grant_role(world.admin, user=world.outsider, role="reviewer", unit=world.jxw)
    services.grant_role(world.admin, user=world.outsider, role="reviewer", unit=world.jxw)
    assert RoleGrant.objects.filter(user=world.outsider, revoked_at__isnull=True).count() == 1


def test_a_revoked_grant_is_kept_for_the_record(world):
    grant = services.grant_role(world.admin, user=world.outsider, role="reviewer", unit=world.jxw)
    services.revoke_grant(world.admin, grant)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert changes_of(grant)[0].reason == "撤销角色"


def test_a_scoped_admin_cannot_grant_roles_outside_its_scope(world):
    with pytest.raises(NotPermitted):
        services.grant_role(world.gov_admin, user=world.outsider, role="leader", unit=world.root)


def test_a_weak_password_is_refused_with_the_reasons(world):
    with pytest.raises(ValidationFailed, match="密码不符合要求"):
        services.create_user(SYSTEM, username="weak", full_name="弱密码", password="12345678")


def test_usernames_are_unique_regardless_of_case(world):
    with pytest.raises(Conflict):
        services.create_user(SYSTEM, username="LEADER", full_name="重复", password=None)
