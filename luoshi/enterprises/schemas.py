from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class UnitRef(Schema):
    id: int
    name: str
    short_name: str


class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    industry_code: str
    industry_name: str
    town: UnitRef | None
    chain: str | None
    tags: list[str]
    size_class: str
    above_scale: bool

    @staticmethod
    def resolve_chain(obj) -> str | None:
        return obj.chain.name if obj.chain_id else None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


class EnterprisePage(Schema):
    count: int
    page: int
    pages: int
    results: list[EnterpriseOut]


class FigureOut(Schema):
    year: int
    revenue: Decimal | None
    rd_expense: Decimal | None
    employees: int | None
    total_assets: Decimal | None
    tax_paid: Decimal | None
    industrial_output: Decimal | None
    exports: Decimal | None
    source: str
    verified: bool


class EnterpriseDetailOut(EnterpriseOut):
    sector: str
    founded_on: date | None
    registered_capital: Decimal | None
    address: str
    legal_representative: str
    contact_phone: str
    size_reason: str
    scale_reason: str
    commissioner: UserRef | None
    figures: list[FigureOut]

    @staticmethod
    def resolve_figures(obj) -> list:
        return sorted(obj.figures.all(), key=lambda f: f.year)

    @staticmethod
    def resolve_commissioner(obj):
        from luoshi.enterprises.queries import current_commissioner

        current = current_commissioner(obj)
        return current.commissioner if current else None


class FiguresIn(Schema):
    """One year's figures (万元). Fields left out keep their stored value."""

    year: int
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    employees: int | None = None
    total_assets: Decimal | None = None
    tax_paid: Decimal | None = None
    industrial_output: Decimal | None = None
    exports: Decimal | None = None
    source: str = "self"
    verified: bool = False


class VisitOut(Schema):
    id: int
    enterprise_id: int
    commissioner: UserRef
    planned_on: date
    visited_on: date | None
    status: str
    status_label: str = Field(..., alias="get_status_display")
    visitors: str
    findings: str


class VisitPlanIn(Schema):
    planned_on: date
    visitors: str = Field("", max_length=200)


class DemandIn(Schema):
    case_type_id: int
    title: str = Field(..., max_length=200)
    description: str


class VisitRecordIn(Schema):
    visited_on: date
    findings: str
    visitors: str = Field("", max_length=200)
    demands: list[DemandIn] = Field([], max_length=3)


class CoverageOut(Schema):
    name: str
    total: int
    visited: int
    share: float
