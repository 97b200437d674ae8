"""``luoshi bench intake`` runs on the gold set and prints one JSON object. Scores and times are never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"units", "people", "targets", "projects", "money", "dates", "key_tasks", "tasks", "clauses", "tasks_span"}


def test_the_intake_benchmark_scores_every_field_on_both_sets_and_prints_one_json_object():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "bench", "intake", "--json", "--repeat", "1"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

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
