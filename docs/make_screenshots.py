"""Regenerate the screenshots in README.md from a running demo.

    luoshi demo --port 8000 &          # in one terminal
    python docs/make_screenshots.py    # writes docs/img/*.png

Needs Debian's chromium (see tests/browser/conftest.py for the flags it runs with).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from luoshi.demo.constants import PASSWORD

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).parent / "img"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [
    ("leader", "/", "home.png"),
    ("duchayuan", "/ledger/", "ledger.png"),
    ("duchayuan", "/ledger/?colour=red", "ledger-red.png"),
    ("leader", "/ledger/indicators/1/", "indicator.png"),
    ("leader", "/ledger/scorecard/", "scorecard.png"),
    ("qiye", "/enterprises/", "enterprise.png"),
    ("zhuanyuan", "/enterprises/workbench/", "workbench.png"),
    ("jxw", "/cases/queue/", "case-queue.png"),
    ("admin", "/units/", "units.png"),
    ("admin", "/calendar/?year=2025", "calendar.png"),
    ("shenhe", "/policies/?q=专精特新", "policies-search.png"),
    ("shenhe", "/policies/simulations/1/", "policies-simulation.png"),
    ("shenhe", "/policies/clauses/3/edit/", "policies-rule-editor.png"),
    ("leader", "/dashboard/", "cockpit.png"),
    ("qiye", "/benefits/checkup/", "checkup.png"),
    ("leader", "/benefits/effect/12/", "effect.png"),
    ("leader", "/projects/1/", "project.png"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for username, path, name in SHOTS:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 800})
            page = context.new_page()
            page.goto(f"{BASE}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{BASE}/")
            page.goto(f"{BASE}{path}")
            page.wait_for_timeout(800)  # charts draw after load
            page.screenshot(path=str(OUT / name))
            context.close()
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
