"""Matching's column loader reads the registry exactly as the ORM loader does: same rows, same integers."""

from datetime import date
from decimal import Decimal

import numpy as np

from luoshi import rules
from luoshi.benefits.loading import load_columns
from luoshi.enterprises import services as enterprise_services
from luoshi.enterprises.facts import FIGURES, load_base

CTX = rules.Context(2024, date(2025, 6, 5))
RULES = [
    "industry in C and revenue >= 2000万元 and rd_ratio >= 3%",
    'tags has "专精特新" or tags has "高新技术企业"',
    'street in ["中山路街道"] and not above_scale',
    "revenue[-1] < 2000万元 and employees >= 100",
    'size in ["小型", "微型"] or age >= 1',
]


def _same(new, old) -> None:
    assert new.ids.tolist() == old.ids.tolist()
    for name in FIGURES:
        for year in (2022, 2023, 2024):
            units, present, _ = new.table.figure(name, year)
            old_units, old_present, _ = old.table.figure(name, year)
            assert present.tolist() == old_present.tolist(), (name, year)
            assert units[present].tolist() == old_units[old_present].tolist(), (name, year)
    parsed = [rules.parse(text) for text in RULES]
    batch = rules.compile_batch(parsed)
    assert batch.verdicts(new.table).tolist() == batch.verdicts(old.table).tolist()
    amount = rules.parse("min(rd_expense * 10%, 50万元)", kind="amount")
    assert np.array_equal(batch.amounts(amount, new.table), batch.amounts(amount, old.table), equal_nan=True)


def test_the_whole_base_loads_as_the_orm_loader_reads_it(desk):
    # Odd cents, a missing cell, an earlier year.
    enterprise_services.record_figures(
        desk.supervisor, desk.b, year=2024, revenue=Decimal("1999.99"), rd_expense=Decimal("0.01"), employees=7
    )
    enterprise_services.record_figures(
        desk.supervisor, desk.c, year=2023, revenue=Decimal("1234567.89"), exports=Decimal("0.05")
    )
    _same(load_columns(CTX), load_base(CTX))


def test_a_figure_with_more_digits_than_a_float_holds_stays_exact_to_the_fen(desk):
    # SQLite keeps it as text (REAL would lose the fen); PostgreSQL's numeric is exact anyway.
    enterprise_services.record_figures(desk.supervisor, desk.c, year=2023, revenue=Decimal("12345678901234.56"))
    columns = load_columns(CTX)
    units, present, _ = columns.table.figure("revenue", 2023)
    row = columns.ids.tolist().index(desk.c.pk)
    assert (bool(present[row]), int(units[row])) == (True, 1234567890123456)


def test_only_the_columns_a_rule_reads_are_loaded_and_its_verdicts_stay_the_same(desk):
    old = load_base(CTX)
    amount = rules.parse("min(rd_expense * 10%, 50万元)", kind="amount")
    for text in RULES:
        rule = rules.parse(text)
        new = load_columns(CTX, used=[rule, amount])
        assert new.ids.tolist() == old.ids.tolist()
        batch = rules.compile_batch([rule])
        assert batch.verdicts(new.table).tolist() == batch.verdicts(old.table).tolist()
        assert np.array_equal(batch.amounts(amount, new.table), batch.amounts(amount, old.table), equal_nan=True)


def test_some_enterprises_load_as_the_orm_loader_reads_them(desk):
    _same(load_columns(CTX, enterprises=[desk.c.pk, desk.a.pk]), load_base(CTX, enterprises=[desk.a.pk, desk.c.pk]))
    assert len(load_columns(CTX, enterprises=[])) == 0
