"""Near-miss gaps read from the batch's leaf masks must be exactly the gaps evaluate() states row by row."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.rules import Table, compile_batch, evaluate, near_miss_gaps, parse, reads_current_figures
from luoshi.rules.batch import figure_keys
from tests.rules.test_batch import CTX, enterprises, rule_texts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_texts, st.lists(enterprises(), min_size=1, max_size=12))
def test_gaps_from_the_masks_equal_the_one_record_gaps(text, facts):
    rule = parse(text)
    table = Table.from_facts(facts, CTX)
    near = np.flatnonzero(compile_batch([rule]).verdicts(table)[0] == 1)
    rows, texts = near_miss_gaps(rule, table, near)
    assert rows.tolist() == near.tolist()
    for row, said in zip(rows.tolist(), texts, strict=True):
        [gap] = evaluate(rule, facts[row], CTX).gaps
        leaf = next(node for node in _leaves(rule) if _text_of(node) == gap.text)
        if figure_keys(leaf, CTX) is None:
            assert said == f"不满足：{gap.text}"
        else:
            assert said == gap.gap


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_texts, st.lists(enterprises(), min_size=1, max_size=12))
def test_keep_drops_exactly_the_rows_whose_gap_leaf_it_refuses(text, facts):
    rule = parse(text)
    table = Table.from_facts(facts, CTX)
    near = np.flatnonzero(compile_batch([rule]).verdicts(table)[0] == 1)
    rows, _ = near_miss_gaps(rule, table, near, keep=lambda leaf: reads_current_figures(leaf.node))
    expected = []
    for row in near.tolist():
        [gap] = evaluate(rule, facts[row], CTX).gaps
        leaf = next(node for node in _leaves(rule) if _text_of(node) == gap.text)
        if reads_current_figures(leaf):
            expected.append(row)
    assert rows.tolist() == expected


def test_no_rows_no_gaps():
    rule = parse("revenue >= 2000万元")
    rows, texts = near_miss_gaps(rule, Table.from_facts([], CTX), np.array([], np.int64))
    assert (rows.tolist(), texts) == ([], [])


def _leaves(rule):
    from luoshi.rules.nodes import leaves

    return leaves(rule.nnf)


def _text_of(node):
    from luoshi.rules.render import render_node

    return render_node(node, CTX)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_texts, st.lists(enterprises(), min_size=1, max_size=12), st.sampled_from(["1/2", "1/10", "1"]))
def test_within_keeps_exactly_the_amounts_and_counts_close_enough(text, facts, within):
    from fractions import Fraction

    from luoshi.rules.batch import relaxed
    from luoshi.rules.evaluate import exact_value

    within = Fraction(within)
    rule = parse(text)
    table = Table.from_facts(facts, CTX)
    near = np.flatnonzero(compile_batch([rule]).verdicts(table)[0] == 1)
    rows, _ = near_miss_gaps(rule, table, near, within=within)
    expected = []
    for row in near.tolist():
        [gap] = evaluate(rule, facts[row], CTX).gaps
        leaf = next(node for node in _leaves(rule) if _text_of(node) == gap.text)
        closer = relaxed(leaf, within)
        if closer is None:
            expected.append(row)
            continue
        value = exact_value(leaf.left, facts[row], CTX)
        if value is not None and _holds(closer.op, value, closer.right.value):
            expected.append(row)
    assert rows.tolist() == expected


def _holds(op, value, threshold) -> bool:
    return {">=": value >= threshold, ">": value > threshold, "<=": value <= threshold, "<": value < threshold}[op]
