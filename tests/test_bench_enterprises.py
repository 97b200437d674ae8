"""``luoshi bench enterprises`` runs end to end at its smallest size. Times are never asserted."""

import json

from tests.benchrun import bench_ok

PAGES = {
    "trivial", "healthz", "search_name", "search_uscc", "search_town", "search_industry",
    "trivial_2", "healthz_2", "queue_page", "queue_api",
}  # fmt: skip


def test_the_enterprise_benchmark_imports_upserts_measures_and_writes_its_figures(tmp_path):
    args = [
        "--rows", "1000",
        "--requests", "2",
        "--no-tracemalloc",
        "--database-url", f"sqlite:///{tmp_path}/b.sqlite3",
        "--json", str(tmp_path / "r.json"),
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    bench_ok("enterprises", *args)

    figures = json.loads((tmp_path / "r.json").read_text())
    assert (figures["import"]["created"], figures["upsert"]["updated"]) == (1000, 10)
    assert figures["upsert"]["unchanged"] == 990
    assert set(figures["pages"]) == PAGES
    for key, page in figures["pages"].items():
        assert set(page["status_codes"]) == {"200"}, key
    # Pages are judged against /help/, with the ratio to /healthz/ beside it.
    assert figures["pages"]["search_industry"]["ratio_p95_to_trivial"] is not None
    assert figures["pages"]["search_industry"]["ratio_p95_to_healthz"] is not None
    assert figures["pages"]["search_industry"]["verdict"] in {"PASS", "MISS"}
    assert not (tmp_path / "b.sqlite3").exists()
