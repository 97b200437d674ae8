from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class UnitRef(Schema):
    id: int
    name: str
    short_name: str


class TaskOut(Schema):
    id: int
    code: str
    title: str
    parent_id: int | None
    source_id: int | None
    lead_unit: UnitRef
    co_units: list[UnitRef]
    start_date: date
    due_date: date
    due_provisional: bool
    cadence: str
    priority: int
    percent: int
    status: str
    status_label: str = Field(..., alias="get_status_display")
    colour: str
    status_reason: str
    expected_percent: int | None
    done_on: date | None
    closed_on: date | None
    areas: list[str]

    @staticmethod
    def resolve_co_units(obj) -> list:
        return obj.co_unit_list

    @staticmethod
    def resolve_areas(obj) -> list[str]:
        return [a.name for a in obj.area_list]


class TaskPage(Schema):
    count: int
    page: int
    pages: int
    results: list[TaskOut]


class TaskIn(Schema):
    title: str = Field(..., max_length=300)
    lead_unit_id: int
    start_date: date
    due_date: date | None = None
    due_workdays: int | None = Field(None, ge=1, le=2000)
    co_unit_ids: list[int] = []
    parent_id: int | None = None
    source_id: int | None = None
    cadence: str = "monthly"
    priority: int = 2
    areas: list[str] = []
    code: str = ""
    description: str = ""


class ReportOut(Schema):
    id: int
    task_id: int
    period: str
    period_end: date
    due_date: date
    unit: UnitRef
    text: str
    problems: str
    percent: int
    submitted_at: datetime
    is_late: bool
    state: str
    review_note: str


class ReportIn(Schema):
    text: str = Field(..., min_length=1, max_length=10000)
    percent: int = Field(..., ge=0, le=100)
    problems: str = ""
    unit_id: int | None = None


class ReviewIn(Schema):
    accept: bool
    note: str = ""


class IndicatorValueOut(Schema):
    period_end: date
    value: Decimal | None
    growth: Decimal | None
    note: str


class IndicatorOut(Schema):
    id: int
    name: str
    measure: str
    direction: str
    target_kind: str
    baseline: Decimal | None
    target: Decimal
    year: int
    period_type: str
    owner_unit: UnitRef
    values: list[IndicatorValueOut]

    @staticmethod
    def resolve_values(obj) -> list:
        return sorted(obj.values.all(), key=lambda v: v.period_end)


class IndicatorValueIn(Schema):
    period_end: date
    value: Decimal | None = None
    growth: Decimal | None = None
    note: str = ""


class ScoreOut(Schema):
    rank: int
    previous_rank: int | None
    unit: UnitRef
    tasks: int
    reports_due: int
    reports_on_time: int
    report_rate: Decimal | None
    milestones_due: int
    milestones_on_time: int
    milestone_rate: Decimal | None
    tasks_due: int
    tasks_done: int
    completion_rate: Decimal | None
    overdue: int
    score: Decimal
