"""Funds and projects sought from higher levels (争取资金): registering, approval, money arriving in
tranches never beyond the approval, and the year's totals against the target by channel and unit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.core.errors import Conflict, NotPermitted, ValidationFailed
from luoshi.projects import queries, services
from luoshi.projects.choices import Channel, FundLevel, FundState
from luoshi.projects.models import FundRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def funds(projects):
    """Two items this year: 区经信委's (超长期特别国债, for 普康医疗) and 区商务委's (市级专项资金)."""
    today = timezone.localdate()
    projects.bonds = services.create_fund(
        projects.jxw_reporter,
        title="普康医疗设备更新超长期特别国债",
        channel=Channel.SPECIAL_BONDS_ULTRA,
        level=FundLevel.NATIONAL,
        applying_unit=projects.jxw,
        amount_applied="5000",
        applied_on=today - timedelta(days=60),
        project=projects.pukang,
    )
    projects.municipal = services.create_fund(
        projects.supervisor,
        title="商圈提档升级市级专项资金",
        channel=Channel.MUNICIPAL_FUNDS,
        level=FundLevel.MUNICIPAL,
        applying_unit=projects.swj,
        amount_applied="800",
        applied_on=today - timedelta(days=30),
    )
    return projects


def test_a_reporter_registers_funds_for_its_own_unit_only(funds):
    assert funds.bonds.year == timezone.localdate().year
    with pytest.raises(NotPermitted, match="区商务委"):
        services.create_fund(
            funds.jxw_reporter,
            title="越权申报",
            channel=Channel.CENTRAL_BUDGET,
            applying_unit=funds.swj,
            amount_applied="1",
            applied_on=timezone.localdate(),
        )
    with pytest.raises(ValidationFailed, match="不能为负数"):
        services.create_fund(
            funds.jxw_reporter,
            title="负数",
            channel=Channel.CENTRAL_BUDGET,
            applying_unit=funds.jxw,
            amount_applied="-1",
            applied_on=timezone.localdate(),
        )


def test_money_arrives_in_tranches_and_never_beyond_the_approval(funds):
    today = timezone.localdate()
    with pytest.raises(Conflict, match="尚未获批"):
        services.record_receipt(funds.jxw_reporter, funds.bonds, amount="100", received_on=today)
    services.approve_fund(funds.jxw_reporter, funds.bonds, amount_approved="4200", approved_on=today - timedelta(10))
    services.record_receipt(funds.jxw_reporter, funds.bonds, amount="3000", received_on=today - timedelta(5))
    with pytest.raises(ValidationFailed, match=r"1200\.00万元"):
        services.record_receipt(funds.jxw_reporter, funds.bonds, amount="1300", received_on=today)
    services.record_receipt(funds.jxw_reporter, funds.bonds, amount="1200", received_on=today)
    funds.bonds.refresh_from_db()
    assert (funds.bonds.amount_received, funds.bonds.state) == (Decimal("4200.00"), FundState.RECEIVED)
    assert funds.bonds.receipts.count() == 2
    with pytest.raises(ValidationFailed, match="不能少于已到位"):
        services.approve_fund(funds.jxw_reporter, funds.bonds, amount_approved="4000", approved_on=today)
    with pytest.raises(NotPermitted):
        services.record_receipt(funds.zsl_reporter, funds.bonds, amount="1", received_on=today)


def test_the_database_refuses_money_received_beyond_the_approval(funds):
    services.approve_fund(funds.supervisor, funds.municipal, amount_approved="500", approved_on=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        FundRequest.objects.filter(pk=funds.municipal.pk).update(amount_received=Decimal("600"))


def test_a_rejected_item_needs_a_reason_and_takes_no_approval(funds):
    with pytest.raises(ValidationFailed, match="原因"):
        services.reject_fund(funds.supervisor, funds.municipal, note="")
    services.reject_fund(funds.supervisor, funds.municipal, note="不符合申报条件")
    with pytest.raises(Conflict):
        services.approve_fund(funds.supervisor, funds.municipal, amount_approved="1", approved_on=timezone.localdate())


def test_the_years_totals_stand_against_the_target_by_channel_and_unit(funds):
    today = timezone.localdate()
    services.set_fund_target(funds.supervisor, year=today.year, amount="20000")
    with pytest.raises(NotPermitted):
        services.set_fund_target(funds.jxw_reporter, year=today.year, amount="1")
    services.approve_fund(funds.jxw_reporter, funds.bonds, amount_approved="4000", approved_on=today)
    services.record_receipt(funds.jxw_reporter, funds.bonds, amount="1000", received_on=today)
    summary = queries.fund_summary(funds.leader, today.year)
    assert (summary.applied, summary.approved, summary.received) == (Decimal("5800"), Decimal("4000"), Decimal("1000"))
    assert summary.approved_rate == Decimal("20.0")
    assert [(r["label"], r["approved"]) for r in summary.by_channel] == [
        ("超长期特别国债", Decimal("4000")),
        ("市级专项资金", Decimal("0")),
    ]
    assert [r["label"] for r in summary.by_unit] == ["区经信委", "区商务委"]
    # A reporter's totals cover its own unit only.
    mine = queries.fund_summary(funds.jxw_reporter, today.year)
    assert (mine.applied, [r["label"] for r in mine.by_unit]) == (Decimal("5000"), ["区经信委"])


def test_the_funds_pages_keep_units_apart(funds, login):
    client = login(funds.jxw_reporter)
    assert client.get(f"/projects/funds/{funds.municipal.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/funds/{funds.municipal.pk}").status_code == 404
    response = client.post(
        f"/projects/funds/{funds.municipal.pk}/approve/", {"amount_approved": "1", "approved_on": timezone.localdate()}
    )
    assert response.status_code == 404
    page = client.get("/projects/funds/")
    assert [f.title for f in page.context["page"]] == ["普康医疗设备更新超长期特别国债"]
    assert page.context["channel_chart"]["data"][0]["x"] == ["超长期特别国债"]
    funds.municipal.refresh_from_db()
    assert funds.municipal.amount_approved is None


def test_approval_and_receipt_from_the_fund_page(funds, login):
    client = login(funds.jxw_reporter)
    today = timezone.localdate()
    url = f"/projects/funds/{funds.bonds.pk}/"
    assert client.post(url + "approve/", {"amount_approved": "3000", "approved_on": today}).status_code == 302
    assert client.post(url + "receipt/", {"amount": "3500", "received_on": today}).status_code == 302
    funds.bonds.refresh_from_db()
    assert funds.bonds.amount_received == 0  # refused: beyond the approval
    assert client.post(url + "receipt/", {"amount": "3000", "received_on": today}).status_code == 302
    funds.bonds.refresh_from_db()
    assert funds.bonds.state == FundState.RECEIVED
    assert client.post(url + "bogus/", {}).status_code == 404
