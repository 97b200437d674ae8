"""The redemption world: the policy ``library`` plus materials on the R&D clause and a reviewer's desk."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.benefits import matching
from luoshi.policies.models import Clause


@pytest.fixture
def desk(library):
    """``library`` with the R&D clause (区经信委, budget 1,000,000元, open from 5 days ago for 30 days) matched.

    - ``a`` qualifies (研发120万 / 营收2500万 = 4.8%: 120,000元); ``c`` is a near miss (2.4%); ``b`` does not.
    - ``enterprise_a`` and ``commissioner`` act for ``a``; ``reviewer`` (区经信委) reviews; ``swj_reviewer`` may not.
    - The clause asks for one material, 申报表.
    """
    w = library
    # The pages act "today": the window is moved around the real date, the figures stay 2024's.
    w.today = timezone.localdate()
    w.later = w.today + timedelta(days=31)
    Clause.objects.filter(pk=w.rd.pk).update(
        materials="申报表", opens_on=w.today - timedelta(days=5), closes_on=w.today + timedelta(days=30)
    )
    w.rd.refresh_from_db()
    matching.match_clause(w.rd, w.today)
    w.account = {
        "bank_name": "重庆农村商业银行永川支行",
        "bank_account": "6228 4800 1234 5678",
        "account_holder": w.a.name,
        "contact": "张甲 13800000000",
    }
    w.yuan = Decimal
    return w
