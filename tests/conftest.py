from __future__ import annotations

from types import SimpleNamespace

import pytest

from luoshi.org.choices import Role, UnitKind
from tests.factories import PASSWORD, make_unit, make_user

# Fixtures that several test packages share (the browser tests reuse the apps' worlds).
pytest_plugins = ["tests.enterprises.fixtures", "tests.policies.fixtures", "tests.benefits.fixtures"]


@pytest.fixture
def world(db):
    """A small district with one persona per role. What each may see:

    - ``leader`` (区领导, whole district): reads everything.
    - ``supervisor`` (督查员, whole district): supervises every unit.
    - ``jxw_reporter`` (区经信委联络员): only 区经信委, not its sibling 区商务委.
    - ``zsl_reporter`` (中山路街道联络员, with sub-units): 中山路街道 and its 中山路社区.
    - ``enterprise_a`` / ``enterprise_b`` (企业用户): only their own enterprise; never each other's.
    - ``gov_admin`` (系统管理员 of 区政府 and below): manages government units, not the towns.
    - ``admin`` (系统管理员, whole district).
    - ``outsider``: an account with no grant at all; should see nothing.
    """
    w = SimpleNamespace()
    w.root = make_unit("重庆市永川区", kind=UnitKind.OTHER, short_name="永川区", area_code="500118")
    w.party = make_unit("中共重庆市永川区委员会", kind=UnitKind.PARTY, parent=w.root, short_name="区委")
    w.duchashi = make_unit("中共重庆市永川区委督查室", kind=UnitKind.PARTY, parent=w.party, short_name="区委督查室")
    w.gov = make_unit("重庆市永川区人民政府", kind=UnitKind.GOVERNMENT, parent=w.root, short_name="区政府")
    w.jxw = make_unit(
        "重庆市永川区经济和信息化委员会",
        parent=w.gov,
        short_name="区经信委",
        aliases=["区经济和信息化委员会"],
    )
    w.swj = make_unit("重庆市永川区商务委员会", parent=w.gov, short_name="区商务委")
    w.zsl = make_unit("中山路街道", kind=UnitKind.TOWN, parent=w.root, area_code="500118001")
    w.zsl_community = make_unit("中山路社区", kind=UnitKind.OTHER, parent=w.zsl)
    w.firms = make_unit("辖区企业", kind=UnitKind.OTHER, parent=w.root)
    w.firm_a = make_unit("重庆甲企业有限公司", kind=UnitKind.ENTERPRISE, parent=w.firms)
    w.firm_b = make_unit("重庆乙企业有限公司", kind=UnitKind.ENTERPRISE, parent=w.firms)

    w.leader = make_user("leader", grants=[(Role.LEADER, w.root, True)])
    w.supervisor = make_user("supervisor", grants=[(Role.SUPERVISOR, w.root, True)])
    w.jxw_reporter = make_user("jxw_reporter", grants=[(Role.UNIT_REPORTER, w.jxw)])
    w.zsl_reporter = make_user("zsl_reporter", grants=[(Role.UNIT_REPORTER, w.zsl, True)])
    w.enterprise_a = make_user("enterprise_a", grants=[(Role.ENTERPRISE_USER, w.firm_a)])
    w.enterprise_b = make_user("enterprise_b", grants=[(Role.ENTERPRISE_USER, w.firm_b)])
    w.gov_admin = make_user("gov_admin", grants=[(Role.ADMIN, w.gov, True)])
    w.admin = make_user("admin", grants=[(Role.ADMIN, w.root, True)])
    w.outsider = make_user("outsider")
    w.password = PASSWORD
    return w


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
