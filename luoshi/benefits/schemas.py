from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class MatchOut(Schema):
    clause_id: int
    clause_title: str
    verdict: str
    amount: Decimal | None
    gap: str
    figure_year: int

    @staticmethod
    def resolve_clause_title(obj) -> str:
        return obj.clause.title


class CheckupOut(Schema):
    enterprise_id: int
    claimable: list[MatchOut]
    upcoming: list[MatchOut]
    near: list[MatchOut]
    missed: list[MatchOut]
    claimable_total: Decimal


class ApplicationOut(Schema):
    id: int
    enterprise_id: int
    clause_id: int
    clause_version: int
    automatic: bool
    state: str
    state_label: str = Field(alias="get_state_display")
    figure_year: int
    amount_estimated: Decimal | None
    amount_approved: Decimal | None
    reason: str
    step_due: date | None
    submitted_at: datetime | None
    publicity_from: date | None
    publicity_until: date | None
    paid_at: datetime | None
    eligibility: dict[str, Any]


class AccountIn(Schema):
    bank_name: str = Field(max_length=100)
    bank_account: str = Field(max_length=40)
    account_holder: str = Field(max_length=200)
    contact: str = Field(max_length=100)


class StartIn(Schema):
    enterprise_id: int
    clause_id: int


class ReviewIn(Schema):
    action: str
    reason: str = Field("", max_length=500)
    amount: Decimal | None = None


class PayIn(Schema):
    reference: str = Field(max_length=60)
