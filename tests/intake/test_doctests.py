"""The kernel's doctests (pyproject's doctest paths do not include luoshi/intake)."""

import doctest
import importlib

import pytest

MODULES = ["luoshi.intake", "luoshi.intake.numerals", "luoshi.intake.source", "luoshi.intake.orgs",
           "luoshi.intake.dates", "luoshi.intake.clauses"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
