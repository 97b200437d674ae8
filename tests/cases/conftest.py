import pytest

from luoshi.cases.models import CaseType
from luoshi.codes import build_uscc
from luoshi.core.actors import SYSTEM
from luoshi.enterprises import services as enterprise_services
from luoshi.enterprises.models import Enterprise
from luoshi.org.choices import Role
from tests.factories import make_user


@pytest.fixture
def desk(world):
    """Enterprises A and B (their users are world.enterprise_a / _b), a commissioner serving A only,
    a 融资 case type. Who sees what:

    - ``commissioner`` sees A and A's cases, never B's.
    - ``jxw_reporter`` handles cases assigned to 区经信委 only.
    - ``supervisor`` dispatches (受理、交办) every case; ``leader`` reads all.
    """
    w = world
    w.ent_a = enterprise_services.register_enterprise(
        SYSTEM, uscc=build_uscc("MA5U7A01"), name="重庆甲企业有限公司", industry_code="3411", town=w.zsl
    )
    w.ent_b = enterprise_services.register_enterprise(
        SYSTEM, uscc=build_uscc("MA5U7B02"), name="重庆乙企业有限公司", industry_code="3670", town=w.zsl
    )
    Enterprise.objects.filter(pk=w.ent_a.pk).update(unit=w.firm_a)
    Enterprise.objects.filter(pk=w.ent_b.pk).update(unit=w.firm_b)
    w.ent_a.refresh_from_db()
    w.ent_b.refresh_from_db()
    w.commissioner = make_user("commissioner", grants=[(Role.COMMISSIONER, w.jxw)])
    enterprise_services.assign_commissioner(SYSTEM, w.ent_a, w.commissioner)
    w.financing = CaseType.objects.create(name="融资", first_response_workdays=1, resolution_workdays=10)
    return w
