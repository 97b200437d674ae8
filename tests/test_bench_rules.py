"""``luoshi bench rules`` runs end to end at a small size, and its contenders agree. Times are never asserted."""

import json
import sys

from tests.benchrun import REPO_ROOT, bench_ok

KEYS = {
    "rows", "rules", "luoshi_s", "numpy_floor_s", "openfisca_s", "openfisca_int_s", "one_record_us",
    "one_record_trace_us", "agree",
}  # fmt: skip


def test_the_rules_benchmark_agrees_with_its_numpy_floor_and_prints_one_json_object(tmp_path):
    args = [
        "--rows", "2000", "--no-openfisca", "--json", "--repeat", "1",
        "--sample", "200", "--trace-sample", "20", "--boundary-sample", "300",
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    result = bench_ok("rules", *args)

    figures = json.loads(result.stdout)  # exactly one JSON object on stdout; progress goes to stderr
    assert set(figures) >= KEYS
    assert figures["rows"] == 2000
    assert figures["rules"] == 50
    assert figures["openfisca_s"] is None  # the idiomatic OpenFisca model
    assert figures["openfisca_int_s"] is None  # OpenFisca given luoshi's integer codes
    assert figures["agree"] is True
    assert figures["agree_luoshi_floor"] is True
    assert figures["one_record_agree"] is True
    assert figures["boundary_agree"] is True
    assert figures["counts"]["luoshi"] == figures["counts"]["numpy_floor"]
    assert len(figures["counts"]["luoshi"]) == 50
    # The generated data is not degenerate: almost every rule picks out someone even among 2,000
    # enterprises (a few pick out one in a thousand), and no rule picks everyone.
    assert sum(count > 0 for count in figures["counts"]["luoshi"]) >= 45
    assert max(figures["counts"]["luoshi"]) < 2000
    for key in ("luoshi_s", "numpy_floor_s", "one_record_us", "one_record_trace_us"):
        assert figures[key] > 0, key
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").glob("rules-*"))


def test_every_rule_is_written_three_times_and_parses():
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks import rules as bench
    from luoshi.rules import parse

    assert len(bench.RULES) == 50
    assert len({rule.key for rule in bench.RULES}) == 50
    code_words = ("industry", "street", "chain", "size", "行业", "镇街", "产业链")
    for rule in bench.RULES:
        assert parse(rule.luoshi).kind == "condition", rule.key
        assert callable(rule.numpy), rule.key
        assert callable(rule.openfisca), rule.key
        # The idiomatic OpenFisca model (industry as text, street/chain/size as Enums) has a formula
        # of its own exactly where the rule tests one of those codes, but for 工业 ([B, C, D]), which
        # both models test through a variable of their own, `industrial`, in one shared formula.
        tests_codes = any(word in rule.luoshi for word in code_words) and "industry in [B, C, D] and" not in rule.luoshi
        assert (rule.openfisca_idiomatic is not None) == tests_codes, rule.key
        assert rule.formula("int") is rule.openfisca, rule.key
        assert callable(rule.formula("idiomatic")), rule.key


def test_the_idiomatic_models_inputs_are_text_codes_and_enum_names():
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks import rules as bench

    data = bench.generate(500)
    arrays = bench.openfisca_arrays(data, "idiomatic")
    assert arrays["industry"].dtype == "S4"
    assert {code[:2] for code in arrays["industry"].tolist()} >= {b"01", b"39"}  # 0111 keeps its 0
    for column, enum in (("street", "Street"), ("chain", "Chain"), ("size", "Size")):
        assert set(arrays[column].tolist()) <= set(bench.OPENFISCA_ENUMS[enum]), column
    assert "无" in arrays["chain"].tolist()  # outside every chain: the Enum's default member
    assert (bench.openfisca_arrays(data, "int")["industry"] == data.industry).all()
