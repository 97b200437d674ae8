"""``luoshi bench enterprises`` runs end to end at its smallest size. Times are never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "trivial", "healthz", "search_name", "search_uscc", "search_town", "search_industry",
    "trivial_2", "healthz_2", "queue_page", "queue_api",
}  # fmt: skip


def test_the_enterprise_benchmark_imports_upserts_measures_and_writes_its_figures(tmp_path):
    # The benchmark configures Django itself, so it runs in a process of its own.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    args = [
        "--rows", "1000",
        "--requests", "2",
        "--no-tracemalloc",
        "--database-url", f"sqlite:///{tmp_path}/b.sqlite3",
        "--json", str(tmp_path / "r.json"),
        "--var-dir", str(tmp_path / "var"),
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 -- our own interpreter and module, fixed arguments
        [sys.executable, "-m", "luoshi.cli", "bench", "enterprises", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

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
