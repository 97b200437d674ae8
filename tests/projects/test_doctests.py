"""The examples in the projects' docstrings run as tests (pyproject's testpaths list other apps' modules)."""

import doctest

import pytest

from luoshi.projects import services
from luoshi.projects.templatetags import projects as filters


@pytest.mark.parametrize("module", [services, filters], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
