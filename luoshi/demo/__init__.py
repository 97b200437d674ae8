"""Demo data for ``luoshi demo``: Yongchuan District, 2025.

Units, targets and projects are facts from the district's 2025 economic work conference
coverage (shared/seeds); people with accounts are invented. Loading is idempotent: a second
run finds its data and adds nothing. Each module contributes a ``load`` step here.
"""

from __future__ import annotations

from collections.abc import Callable

from luoshi.demo.org import ACCOUNTS_SUMMARY, PASSWORD
from luoshi.demo.org import load as load_org

__all__ = ["ACCOUNTS_SUMMARY", "PASSWORD", "load"]

STEPS: list[tuple[str, Callable[[], str]]] = [
    ("单位、人员与账号", load_org),
]


def load(progress: Callable[[str], None] = print) -> None:
    for label, step in STEPS:
        progress(f"{label}：{step()}")
