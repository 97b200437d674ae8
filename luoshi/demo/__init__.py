"""Demo data for ``luoshi demo``: Yongchuan District, 2025.

Units, targets and projects are facts from the district's 2025 economic work conference
coverage (shared/seeds); people with accounts are invented. Loading is idempotent: a second
run finds its data and adds nothing. Each module contributes a ``load`` step to ``steps()``.
"""

from __future__ import annotations

from collections.abc import Callable

from luoshi.demo.constants import PASSWORD

__all__ = ["PASSWORD", "accounts_summary", "load"]


def steps() -> list[tuple[str, Callable[[], str]]]:
    # Imported here so that this package can be imported before Django is set up.
    from luoshi.demo import benefits, enterprises, ledger, org, policies, projects

    return [
        ("单位、人员与账号", org.load),
        ("督办台账", ledger.load),
        ("企业与诉求", enterprises.load),
        ("政策库与测算", policies.load),
        ("重点项目与争取资金", projects.load),
        ("政策匹配与兑现", benefits.load),
    ]


def accounts_summary() -> list[tuple[str, str, str]]:
    from luoshi.demo.org import ACCOUNTS_SUMMARY

    return ACCOUNTS_SUMMARY


def load(progress: Callable[[str], None] = print) -> None:
    for label, step in steps():
        progress(f"{label}：{step()}")
