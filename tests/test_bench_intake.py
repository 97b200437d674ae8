"""``luoshi bench intake`` runs on the gold set and prints one JSON object. Scores and times are never asserted."""

import json

from tests.benchrun import bench_ok

FIELDS = {"units", "people", "targets", "projects", "money", "dates", "key_tasks", "tasks", "clauses", "tasks_span"}


def test_the_intake_benchmark_scores_every_field_on_both_sets_and_prints_one_json_object():
    result = bench_ok("intake", "--json", "--repeat", "1")

    figures = json.loads(result.stdout)
    assert set(figures) >= {"sets", "speed", "targets"}
    assert set(figures["sets"]) == {"tuning", "heldout"}
    for name, scores in figures["sets"].items():
        assert scores["texts"] >= (8 if name == "tuning" else 2)
        assert set(scores["fields"]) == FIELDS
        for field, f in scores["fields"].items():
            for key in ("precision", "recall", "f1"):
                assert isinstance(f[key], float | int), (name, field, key)
                assert 0 <= f[key] <= 1, (name, field, key)
            assert f["gold"] >= 0
            assert f["predicted"] >= 0
        assert set(scores["attributes"]) == {"people", "targets", "projects", "money", "clauses"}
    assert figures["speed"]["chars_per_s"] > 0
    assert figures["speed"]["large_chars_per_s"] > 0
