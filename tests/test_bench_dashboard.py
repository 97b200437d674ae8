"""``luoshi bench dashboard`` runs end to end at the tiny scale. Times are never asserted."""

import json

from tests.benchrun import bench_ok

KEYS = {
    "scale", "seed", "database", "date", "machine", "generation", "rows", "included", "personas",
    "requests_per_page", "refresh", "tick", "pages", "freshness", "breakdown", "verdicts", "load_average",
}  # fmt: skip
PAGES = {
    "trivial", "healthz", "cockpit_leader", "cockpit_supervisor", "screen_leader", "home_leader", "home_supervisor",
    "home_reporter",
}  # fmt: skip
PAGE_KEYS = {
    "label", "persona", "urls", "samples", "p50_ms", "p95_ms", "max_ms", "ratio_p95_to_trivial", "ratio_p95_to_healthz",
    "status_codes", "all_200", "target", "verdict", "queries",
}  # fmt: skip
METRICS = {"tasks", "case_quality", "money", "policies", "projects", "indicators", "units"}


def test_the_dashboard_benchmark_generates_measures_and_reports_its_figures(tmp_path):
    args = [
        "--scale", "tiny", "--db", "sqlite", "--requests", "2", "--refresh-runs", "2", "--json",
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    result = bench_ok("dashboard", *args)

    figures = json.loads(result.stdout)  # exactly one JSON object on stdout; progress goes to stderr
    assert set(figures) >= KEYS
    assert figures["scale"] == "tiny"
    assert figures["database"] == "sqlite"
    assert figures["rows"]["tasks"] == 300  # the ledger's tiny scale, through benchmarks.ledger
    assert figures["rows"]["progress reports"] >= 3000
    assert figures["rows"]["cases"] == figures["rows"]["enterprises"] == 300
    assert figures["rows"]["cockpit snapshots"] == 0  # before the refresh is measured

    assert set(figures["pages"]) == PAGES  # no districts at tiny scale: no district supervisor
    for key, page in figures["pages"].items():
        assert set(page) >= PAGE_KEYS, key
        assert page["all_200"], (key, page["status_codes"])
        assert page["samples"] == 2, key
        assert page["queries"]["count"] >= 0, key
    assert set(figures["verdicts"]) == PAGES - {"trivial", "healthz"}
    assert set(figures["verdicts"].values()) <= {"PASS", "MISS"}

    refresh = figures["refresh"]
    assert refresh["runs"] == 2
    assert len(refresh["times_ms"]) == 2
    assert refresh["queries"] > 0
    tick = figures["tick"]
    assert tick["job"] == "dashboard.snapshot"
    assert "已更新" in tick["first_tick_result"]
    assert "跳过" in tick["later_tick_result"]  # a later tick the same day leaves it alone

    fresh = figures["freshness"]
    assert fresh["cockpit_leader_shows_time"] is True
    assert fresh["screen_shows_time"] is True
    assert fresh["cockpit_supervisor_says_personal"] is True

    for who, breakdown in figures["breakdown"].items():
        assert set(breakdown["parts"]) == METRICS, who
        assert breakdown["queries"] > 0, who
    assert figures["scope_check"] is None  # only with districts under a municipality
    # Without --keep the generated database is removed.
    assert not list((tmp_path / "var").glob("*.sqlite3"))
