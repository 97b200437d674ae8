from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from luoshi.ledger.schemas import UnitRef


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    project_type: str
    project_type_label: str = Field(..., alias="get_project_type_display")
    stage: str
    stage_label: str = Field(..., alias="get_stage_display")
    key_level: str
    lead_unit: UnitRef
    town: UnitRef | None
    owner: str = Field(..., alias="owner_display")
    owner_enterprise_id: int | None
    total_investment: Decimal
    invested_before: Decimal
    invested: Decimal
    year_plan: Decimal
    year_done: Decimal
    percent: int
    start_date: date | None
    end_date: date | None
    started_on: date | None
    completed_on: date | None
    status: str
    status_label: str = Field(..., alias="get_status_display")
    colour: str
    status_reason: str
    expected_percent: int | None
    maturity: str
    channel: str
    entered_pool_on: date | None
    promoted_on: date | None
    withdrawn_on: date | None


class ProjectPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectOut]


class ProjectIn(Schema):
    name: str = Field(..., max_length=200)
    project_type: str
    lead_unit_id: int
    total_investment: Decimal
    stage: str = "planning"
    code: str = ""
    key_level: str = "district"
    owner: str = ""
    town_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    description: str = ""
    maturity: str = ""
    channel: str = ""
    invested_before: Decimal = Decimal(0)


class StageIn(Schema):
    stage: str
    on: date | None = None
    note: str = ""


class ReportOut(Schema):
    id: int
    project_id: int
    year: int
    month: int
    unit: UnitRef
    amount: Decimal
    progress: str
    problems: str
    submitted_at: datetime
    revised_at: datetime | None
    due_date: date
    is_late: bool
    revision: int


class ReportIn(Schema):
    amount: Decimal
    progress: str = Field(..., max_length=10000)
    problems: str = ""


class PlanIn(Schema):
    amount: Decimal
    months: list[Decimal] | None = Field(None, description="1—12月计划，共12个数；不填按计划工期平均分解")
    note: str = ""


class PlanOut(Schema):
    year: int
    amount: Decimal
    months: list[Decimal]

    @staticmethod
    def resolve_months(obj) -> list[Decimal]:
        amounts = {m.month: m.amount for m in obj.months.all()}
        return [amounts.get(m, Decimal(0)) for m in range(1, 13)]


class MonthOut(Schema):
    month: int
    plan: Decimal
    done: Decimal | None
    plan_cumulative: Decimal
    done_cumulative: Decimal | None


class MilestoneOut(Schema):
    id: int
    kind: str
    title: str
    due_date: date
    due_provisional: bool
    done_on: date | None
    evidence: str


class MilestoneIn(Schema):
    kind: str = "other"
    title: str = ""
    due_date: date | None = None
    due_workdays: int | None = Field(None, ge=1, le=2000)


class MilestoneDoneIn(Schema):
    done_on: date
    evidence: str


class ProblemOut(Schema):
    id: int
    title: str
    description: str
    state: str
    unit: UnitRef | None
    case_id: int | None
    raised_at: datetime
    resolved_on: date | None
    resolution: str


class ProblemIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = ""
    unit_id: int | None = None


class MovementOut(Schema):
    month: int
    entered: int
    promoted: int
    exited: int
    in_pool: int


class FundOut(Schema):
    id: int
    title: str
    channel: str
    channel_label: str = Field(..., alias="get_channel_display")
    level: str
    applying_unit: UnitRef
    project_id: int | None
    year: int
    amount_applied: Decimal
    amount_approved: Decimal | None
    amount_received: Decimal
    applied_on: date
    approved_on: date | None
    state: str
    state_label: str = Field(..., alias="get_state_display")
    note: str


class FundPage(Schema):
    count: int
    page: int
    pages: int
    results: list[FundOut]


class FundIn(Schema):
    title: str = Field(..., max_length=200)
    channel: str
    level: str = "national"
    applying_unit_id: int
    amount_applied: Decimal
    applied_on: date
    project_id: int | None = None
    note: str = ""


class ApproveIn(Schema):
    amount_approved: Decimal
    approved_on: date
    note: str = ""


class ReceiptIn(Schema):
    amount: Decimal
    received_on: date
    note: str = ""


class ReceiptOut(Schema):
    id: int
    fund_id: int
    amount: Decimal
    received_on: date
    note: str


class ByOut(Schema):
    label: str
    n: int
    applied: Decimal
    approved: Decimal
    received: Decimal


class FundSummaryOut(Schema):
    year: int
    target: Decimal | None
    applied: Decimal
    approved: Decimal
    received: Decimal
    count: int
    approved_rate: Decimal | None
    by_channel: list[ByOut]
    by_unit: list[ByOut]

    @staticmethod
    def resolve_target(obj) -> Decimal | None:
        return obj.target.amount if obj.target else None
