"""The vectorised path and the compiled one-record path must give exactly the one-record verdicts."""

import time
from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.rules import Context, Facts, RuleError, Table, compile_batch, compile_one, evaluate, parse

CTX = Context(2024, date(2025, 3, 1))
VERDICT = {"ineligible": 0, "near_miss": 1, "eligible": 2}

# Values chosen around the thresholds below: 60 / 2000 is exactly 3%, 2160 / 2000 exactly +8%.
MONEY = [
    None,
    Decimal("0"),
    Decimal("-10"),
    Decimal("59.99"),
    Decimal("60"),
    Decimal("60.01"),
    Decimal("1000"),
    Decimal("1999.99"),
    Decimal("2000"),
    Decimal("2000.01"),
    Decimal("2160"),
    Decimal("20000"),
]
OPS = [">=", ">", "<=", "<", "=", "!="]

leaf_texts = st.one_of(
    st.sampled_from(["C", "I", '["C", "65"]', '"3911"', "[B, D]", '"391"']).map(lambda s: f"industry in {s}"),
    st.builds(
        "revenue{} {} {}".format,
        st.sampled_from(["", "[-1]"]),
        st.sampled_from(OPS),
        st.sampled_from(["0", "1000万元", "2000", "2000.01万元", "1999.99", "500元", "0.2亿元"]),
    ),
    st.builds("rd_ratio {} {}%".format, st.sampled_from(OPS), st.sampled_from(["3", "2.99", "3.01", "0", "100"])),
    st.builds("revenue_growth {} {}%".format, st.sampled_from(OPS), st.sampled_from(["8", "0", "-50", "900"])),
    st.builds("employees {} {}".format, st.sampled_from(OPS), st.sampled_from(["0", "10", "100"])),
    st.sampled_from(
        [
            "export_ratio between 3% and 100%",
            "rd_ratio[-1] >= 3%",
            "age >= 2",
            "founded <= 2020-01-01",
            "founded between 2019-01-01 and 2022-12-31",
            'tags has "专精特新"',
            "above_scale",
            'street in ["中山路街道"]',
            'size in ["小型", "微型"]',
            "(rd_expense + rd_expense[-1]) / 2 >= 60万元",
            "min(revenue, revenue[-1]) > 1999.99",
            "max(rd_expense, exports) >= 60",
            "revenue - revenue[-1] >= 160",
            "rd_expense / employees >= 6",
            "rd_expense * 100 >= revenue * 3",
            "avg(rd_ratio, rd_ratio[-1]) >= 3%",
            "-revenue <= -2000",
            "revenue / rd_expense <= 3333.33%",
        ]
    ),
)


def combine(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda xs: "(" + " and ".join(xs) + ")"),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: "(" + " or ".join(xs) + ")"),
        children.map(lambda x: f"not ({x})"),
    )


rule_texts = st.recursive(leaf_texts, combine, max_leaves=6)


@st.composite
def enterprises(draw):
    def year():
        return {name: draw(st.sampled_from(MONEY)) for name in ("revenue", "rd_expense", "exports")} | {
            "employees": draw(st.sampled_from([None, 0, 10, 100]))
        }

    return Facts(
        industry=draw(st.sampled_from([None, "3911", "6510", "0511", "4411", "391", "39"])),
        street=draw(st.sampled_from([None, "中山路街道", "胜利路街道"])),
        tags=draw(st.sets(st.sampled_from(["专精特新", "外资"]))),
        founded=draw(st.sampled_from([None, date(2019, 1, 1), date(2020, 1, 1), date(2023, 3, 1), date(2023, 3, 2)])),
        size=draw(st.sampled_from([None, "小型", "中型"])),
        above_scale=draw(st.booleans()),
        figures={2024: year(), 2023: year()},
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rule_texts, min_size=1, max_size=4), st.lists(enterprises(), min_size=1, max_size=12))
def test_batch_and_compiled_verdicts_equal_the_one_record_path(texts, facts):
    rules = [parse(text) for text in texts]
    expected = np.array([[VERDICT[evaluate(r, f, CTX, trace=False).verdict] for f in facts] for r in rules])
    traced = np.array([[VERDICT[evaluate(r, f, CTX).verdict] for f in facts] for r in rules])
    assert traced.tolist() == expected.tolist()
    table = Table.from_facts(facts, CTX)
    batch = compile_batch(rules)
    assert batch.verdicts(table).tolist() == expected.tolist()
    assert batch.eligible(table).tolist() == (expected == 2).tolist()
    one = compile_one(rules)
    assert [one(f, CTX) for f in facts] == (expected == 2).T.tolist()


amount_texts = st.sampled_from(
    [
        "min(rd_expense * 10%, 50万元)",
        "max(revenue - revenue[-1], 0) * 3.3333%",
        "rd_expense / 3",
        "avg(revenue, revenue[-1]) * 0.005%",
        "50万元",
        "rd_ratio * 100万元",
    ]
)


@settings(max_examples=100, deadline=None)
@given(amount_texts, st.lists(enterprises(), min_size=1, max_size=8))
def test_batch_amounts_equal_the_one_record_amounts(text, facts):
    amount = parse(text, kind="amount")
    from luoshi.rules import amount_of

    expected = [amount_of(amount, f, CTX) for f in facts]
    got = compile_batch([]).amounts(amount, Table.from_facts(facts, CTX))
    assert [None if np.isnan(x) else Decimal(repr(float(x))).quantize(Decimal("0.01")) for x in got] == expected


def test_boundaries_are_exact_on_every_path():
    rules = [parse(t) for t in ("rd_ratio >= 3%", "rd_ratio > 3%", "rd_ratio = 3%", "revenue_growth >= 8%")]
    rows = [("2000.00", "60.00", "1851.85"), ("2000.01", "60.00", "1851.86"), ("50.76", "1.53", "47.00")]
    facts = [Facts(figures={2024: {"revenue": r, "rd_expense": d}, 2023: {"revenue": p}}) for r, d, p in rows]
    expected = [[evaluate(rule, f, CTX).eligible for f in facts] for rule in rules]
    assert expected == [[True, False, True], [False, False, True], [True, False, False], [True, True, True]]
    floats = {
        "revenue@2024": np.array([2000.00, 2000.01, 50.76]),
        "rd_expense@2024": np.array([60.00, 60.00, 1.53]),
        "revenue@2023": np.array([1851.85, 1851.86, 47.00]),
    }
    for table in (Table.from_facts(facts, CTX), Table.from_columns(floats, CTX)):
        assert compile_batch(rules).eligible(table).tolist() == expected
    assert [compile_one(rules)(f, CTX) for f in facts] == np.array(expected).T.tolist()


def test_huge_figures_fall_back_to_python_integers_without_overflow():
    big = Decimal("90000000000000.00")  # 9e13 万元: int64 products of such values overflow
    facts = [Facts(figures={2024: {"revenue": big, "rd_expense": big * Decimal("0.03")}, 2023: {"revenue": big}})]
    rules = [parse(t) for t in ("rd_ratio >= 3%", "rd_expense * 100 >= revenue * 3", "revenue_growth >= 0")]
    table = Table.from_facts(facts, CTX)
    assert compile_batch(rules).eligible(table).tolist() == [[True], [True], [True]]


def test_from_columns_reads_numpy_polars_and_python_columns():
    columns = {
        "industry": ["C3911", "6510", None],
        "street": pl.Series(["中山路街道", None, "胜利路街道"]),
        "tags": [["专精特新"], [], None],
        "above_scale": np.array([True, False, True]),
        "founded": [date(2019, 1, 1), None, date(2023, 3, 2)],
        "revenue@2024": pl.Series([2000.0, None, 5.5]),
        "rd_expense@2024": [Decimal("60"), None, "0.01"],
        "employees@2024": np.array([10, 20, 30]),
    }
    table = Table.from_columns(columns, CTX)
    rules = [
        parse("industry in C"),
        parse('street = "中山路街道"'),
        parse('tags has "专精特新"'),
        parse("age >= 2"),
        parse("rd_ratio >= 3%"),
        parse("employees > 10 and not above_scale"),
        parse('not street in ["中山路街道"]'),
    ]
    assert compile_batch(rules).eligible(table).T.tolist() == [
        [True, True, True, True, True, False, False],
        [False, False, False, False, False, True, False],
        [False, False, False, False, False, False, True],
    ]
    assert table.frame.columns[:2] == ["industry", "street"]
    assert table.frame["revenue@2024"].to_list() == [2000.0, None, 5.5]


def test_from_columns_rejects_unknown_or_uneven_columns():
    with pytest.raises(RuleError, match="未知列“profit@2024”"):
        Table.from_columns({"profit@2024": [1]}, CTX)
    with pytest.raises(RuleError, match="行数不一致"):
        Table.from_columns({"industry": [3911], "revenue@2024": [1.0, 2.0]}, CTX)


def test_shared_conditions_are_computed_once(monkeypatch):
    from luoshi.rules import batch as batch_module

    calls = []
    original = batch_module._Run.leaf
    monkeypatch.setattr(batch_module._Run, "leaf", lambda self, node: calls.append(node) or original(self, node))
    rules = [parse(f"industry in C and rd_ratio >= 3% and revenue >= {r}万元") for r in (1000, 2000, 3000)]
    compile_batch(rules).eligible(Table.from_facts([Facts(industry="3911")], CTX))
    assert len(calls) == 5


def test_thirty_thousand_facts_become_a_table_in_well_under_a_second():
    facts = [
        Facts(
            industry="3911",
            street="中山路街道",
            tags={"规上"},
            founded=date(2015, 3, 1),
            figures={
                2024: {"revenue": Decimal(i), "rd_expense": Decimal(i) / 40, "employees": 100},
                2023: {"revenue": Decimal(i) * Decimal("0.9")},
            },
        )
        for i in range(30_000)
    ]
    start = time.perf_counter()
    table = Table.from_facts(facts, CTX)
    assert time.perf_counter() - start < 0.5
    assert len(table) == 30_000
