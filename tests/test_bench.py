"""``luoshi bench ledger`` runs end to end at the tiny scale. Times are never asserted."""

import json

from tests.benchrun import bench, bench_ok

PAGES = {"healthz", "trivial", "list_supervisor", "list_reporter", "task", "scorecard"}


def test_the_ledger_benchmark_generates_measures_and_writes_its_figures(tmp_path):
    args = [
        "--scale", "tiny",
        "--requests", "3",
        "--database-url", f"sqlite:///{tmp_path}/b.sqlite3",
        "--json", str(tmp_path / "r.json"),
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    bench_ok("ledger", *args)

    figures = json.loads((tmp_path / "r.json").read_text())
    assert set(figures["pages"]) == PAGES
    for key, page in figures["pages"].items():
        assert page["p50_ms"] > 0, key
        assert page["p95_ms"] >= page["p50_ms"], key
        assert page["all_200"], (key, page["status_codes"])
        assert set(page["status_codes"]) == {"200"}, key
        assert page["samples"] == 3, key
    assert figures["rows"]["tasks"] == 300
    assert figures["rows"]["progress reports"] >= 3000
    # Without --keep the generated database is removed.
    assert not (tmp_path / "b.sqlite3").exists()


def test_the_benchmark_refuses_a_database_that_is_not_empty(tmp_path):
    import sqlite3

    db = tmp_path / "full.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE precious (id integer)")
    result = bench("ledger", "--scale", "tiny", "--database-url", f"sqlite:///{db}", timeout=120)
    assert result.returncode != 0
    assert "--reuse" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("precious",)]
