"""200 approvals at once against a budget that covers 150: exactly 150 go through (PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from luoshi.benefits import services
from luoshi.benefits.choices import State
from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry
from luoshi.core.errors import Conflict
from luoshi.enterprises.models import Enterprise
from luoshi.policies.models import Clause

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_approvals_never_overspend(library):
    if connection.vendor != "postgresql":
        pytest.skip("真正的并发只在 PostgreSQL 上测试（CI 会用 PostgreSQL 再跑一遍）。")
    w = library
    Clause.objects.filter(pk=w.rd.pk).update(budget=Decimal("150000.00"))
    w.rd.refresh_from_db()
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(uscc=f"TEST{i:014d}", name=f"并发测试企业{i:03d}", industry_code="3411") for i in range(200)
    )
    apps = Application.objects.bulk_create(
        Application(
            enterprise=e,
            clause=w.rd,
            clause_version=1,
            state=State.SECOND_REVIEW,
            figure_year=2024,
            amount_estimated=Decimal("1000.00"),
        )
        for e in enterprises
    )

    def approve(app):
        try:
            services.review(w.reviewer, app, "approve", today=w.today)
            return "ok"
        except Conflict as exc:
            return exc.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(approve, apps))
    assert outcomes.count("ok") == 150
    assert outcomes.count("budget_exhausted") == 50
    account = BudgetAccount.objects.get(clause=w.rd)
    assert (account.reserved, account.paid) == (Decimal("150000.00"), 0)
    assert BudgetEntry.objects.count() == 150
    assert Application.objects.filter(state=State.PUBLICITY).count() == 150
