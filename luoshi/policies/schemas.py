from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class DocumentOut(Schema):
    id: int
    title: str
    doc_number: str
    issuer: str
    level: str
    level_label: str
    status: str
    published_on: date | None
    effective_on: date | None
    expires_on: date | None
    version: int
    summary: str

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class ClauseOut(Schema):
    id: int
    document_id: int
    number: str
    title: str
    benefit_type: str
    mode: str
    department_id: int | None
    window_kind: str
    opens_on: date | None
    closes_on: date | None
    budget: Decimal | None
    rule: str
    rule_sentence: str
    amount_formula: str
    amount_sentence: str
    figure_year: int | None
    materials: list[str] = Field(alias="material_list")
    status: str
    version: int


class DocumentDetailOut(DocumentOut):
    full_text: str
    clauses: list[ClauseOut] = Field(alias="visible_clauses")


class HitOut(Schema):
    kind: str
    document: DocumentOut
    clause: ClauseOut | None
    snippet: str


class SearchOut(Schema):
    count: int
    results: list[HitOut]


class LinkOut(Schema):
    id: int
    measure_id: int
    measure_clause_id: int | None
    upper_id: int
    upper_clause: str
    note: str
    upper_version: int
    flagged: bool
    reviewed_at: datetime | None


class DocumentIn(Schema):
    title: str
    doc_number: str = ""
    issuer: str
    issuer_unit_id: int | None = None
    level: str
    status: str = "draft"
    published_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    summary: str = ""
    full_text: str = ""
    budget: Decimal | None = None


class ClauseIn(Schema):
    number: str = ""
    title: str
    benefit_type: str
    mode: str = "apply"
    department_id: int | None = None
    window_kind: str = "dates"
    opens_on: date | None = None
    closes_on: date | None = None
    budget: Decimal | None = None
    rule: str = ""
    amount_formula: str = ""
    figure_year: int | None = None
    text: str = ""
    materials: str = ""
    status: str = "draft"


class RuleIn(Schema):
    rule: str = Field(max_length=4000)
    kind: str = "condition"


class RuleOut(Schema):
    ok: bool
    sentence: str = ""
    variables: list[str] = []
    error: str = ""
    line: int | None = None
    column: int | None = None
    code: str = ""


class EvaluateIn(Schema):
    rule: str = Field(max_length=4000)
    amount: str = Field("", max_length=500)
    enterprise_id: int
    figure_year: int | None = None


class VariantIn(Schema):
    label: str = Field("", max_length=40)
    rule: str = Field(max_length=4000)
    amount: str = Field("", max_length=500)
    budget: Decimal | None = None


class SimulationIn(Schema):
    variants: list[VariantIn] = Field(min_length=1, max_length=3)
    figure_year: int | None = Field(None, ge=2000, le=2100)
    clause_id: int | None = None
    save: bool = False
    title: str = Field("", max_length=200)


class SimulationOut(Schema):
    id: int | None = None
    figure_year: int
    enterprises: int
    variants: list[dict[str, Any]]
