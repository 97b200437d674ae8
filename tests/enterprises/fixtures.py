from decimal import Decimal

import pytest

from luoshi.cases.models import CaseType
from luoshi.codes import uscc_check_char
from luoshi.enterprises import services
from luoshi.enterprises.models import Enterprise
from luoshi.org.choices import Role
from tests.factories import make_user

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def make_uscc(body: str, area: str = "500118") -> str:
    """A valid 统一社会信用代码 for an 8-character organisation body (企业, 市场监管登记)."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True))
    check = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))  # GB 11714
    first17 = f"91{area}{body}{check}"
    return first17 + uscc_check_char(first17)


@pytest.fixture
def enterprises(world):
    """Two enterprises in 中山路街道 and a commissioner who serves only the first.

    - ``a`` (重庆甲企业有限公司, 通用设备制造 3411, 专精特新): ``enterprise_a``'s own; served by ``commissioner``.
    - ``b`` (重庆乙企业有限公司, 百货零售 5211, 高新技术企业): ``enterprise_b``'s own; no commissioner.
    - ``commissioner`` (企业服务专员 of 区经信委): sees ``a`` only.
    - ``leader`` and ``supervisor`` see both; ``jxw_reporter`` reads both and changes nothing;
      ``outsider`` sees nothing.
    """
    w = world
    w.a = services.register_enterprise(
        w.supervisor,
        uscc=make_uscc("MA5U7A01"),
        name="重庆甲企业有限公司",
        industry_code="3411",
        town=w.zsl,
        legal_representative="张甲",
        registered_capital="5000",
        tags=["专精特新"],
    )
    w.b = services.register_enterprise(
        w.supervisor,
        uscc=make_uscc("MA5U7B02"),
        name="重庆乙企业有限公司",
        industry_code="5211",
        town=w.zsl,
        tags=["高新技术企业"],
    )
    Enterprise.objects.filter(pk=w.a.pk).update(unit=w.firm_a)
    Enterprise.objects.filter(pk=w.b.pk).update(unit=w.firm_b)
    w.a.refresh_from_db()
    w.b.refresh_from_db()
    w.commissioner = make_user("commissioner", grants=[(Role.COMMISSIONER, w.jxw)])
    services.assign_commissioner(w.supervisor, w.a, w.commissioner, reason="一企一专员")
    services.record_figures(
        w.supervisor,
        w.a,
        year=2024,
        revenue=Decimal("2500"),
        rd_expense=Decimal("120"),
        employees=150,
        total_assets=Decimal("6000"),
        tax_paid=Decimal("80"),
    )
    w.financing = CaseType.objects.create(name="融资需求", first_response_workdays=1, resolution_workdays=10)
    return w
