"""``luoshi bench benefits`` runs end to end at a tiny size and its figures add up. Times are never asserted."""

import json

from tests.benchrun import bench_ok

KEYS = {
    "scale", "enterprises", "database", "seed", "rows", "generation_s", "machine", "clause_match", "rebuild",
    "enterprise_rematch", "approvals", "e2e", "agree",
}  # fmt: skip


def test_the_benefits_benchmark_measures_every_phase_and_its_counts_agree(tmp_path):
    args = [
        "--rows", "300", "--db", "sqlite", "--json",
        "--clauses", "20", "--open", "10", "--samples", "4", "--approvals", "40", "--threads", "4",
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    result = bench_ok("benefits", *args)

    figures = json.loads(result.stdout)  # exactly one JSON object on stdout; progress goes to stderr
    assert set(figures) >= KEYS
    assert "errors" not in figures, figures.get("errors")
    assert figures["agree"] is True
    assert figures["enterprises"] == 300
    rows = figures["rows"]
    assert rows["enterprises"] == 300
    assert (rows["clauses"], rows["clauses open"]) == (20, 10)
    assert rows["enterprise users"] == 300 // 20
    assert 300 < rows["year figures"] <= 600  # two years, none before an enterprise was founded

    clause = figures["clause_match"]
    assert clause["agree"] is True
    assert set(clause["runs"]) == {"fresh_no_announce", "fresh_announce", "rerun_announce"}
    for run in clause["runs"].values():
        assert run["enterprises"] == 300
        assert (run["eligible"], run["near_miss"]) == (clause["eligible"], clause["near_miss"])
        assert {"load_base", "batch: verdicts", "judge", "store", "announce", "other"} <= set(run["phases_s"])
    assert clause["runs"]["fresh_no_announce"]["calls"]["announce"] == 0
    assert clause["runs"]["fresh_announce"]["calls"]["announce"] == 1

    rebuild = figures["rebuild"]
    assert rebuild["open_clauses"] == 10
    assert rebuild["cold"]["extrapolated"] is False  # district and smaller: the real rebuild
    assert rebuild["nightly"]["matches_after"] == rebuild["cold"]["matches_after"]

    rematch = figures["enterprise_rematch"]
    assert rematch["samples"] == 4
    assert rematch["open_clauses"] == 10
    assert rematch["p95_ms"] >= rematch["p50_ms"]
    assert rematch["queries_per_call"] > 0

    approvals = figures["approvals"]
    assert approvals["exact"] is True
    assert approvals["errors"] == 0
    assert approvals["ok"] + approvals["refused_budget"] == approvals["applications"] == 40
    assert approvals["ok"] > 0  # the budget covers about three quarters of what is asked
    assert approvals["refused_budget"] > 0

    e2e = figures["e2e"]
    assert e2e["agree"] is True, e2e["checks"]
    assert all(v is not False for v in e2e["checks"].values())
    assert e2e["checks"]["eligible_as_hand_mask"] is True
    assert e2e["enterprises"] == 300
    assert e2e["applications"] == e2e["eligible"] - e2e["eligible_without_verified_figures"]
    assert e2e["calls"]["match_clause (the task)"] == 1
    assert e2e["verdict"] in ("PASS", "MISS")
    # Without --keep the generated database is removed.
    assert not any((tmp_path / "var").glob("benefits-*.sqlite3"))
