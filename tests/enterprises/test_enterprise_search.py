"""The directory at a million enterprises: a name fragment from the trigram index, totals counted once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core.actors import SYSTEM
from luoshi.enterprises import queries, services
from luoshi.enterprises.importer import import_enterprises
from luoshi.enterprises.models import Enterprise
from luoshi.enterprises.namesearch import name_contains
from tests.enterprises.fixtures import make_uscc
from tests.enterprises.test_import import csv_bytes, uscc

pytestmark = pytest.mark.django_db


def _found(text: str) -> set[str]:
    return set(Enterprise.objects.filter(name_contains(text)).values_list("name", flat=True))


def test_a_new_name_is_found_by_a_fragment(world):
    """Also proves, on SQLite, that the triggers keeping the FTS5 table exist after every migration."""
    services.register_enterprise(SYSTEM, uscc=make_uscc("MA5U7C03"), name="重庆海川建材有限公司", industry_code="3021")
    import_enterprises(
        SYSTEM, csv_bytes([[uscc(1), "重庆永川海川建材二厂", "3021"]], ["统一社会信用代码", "企业名称", "行业代码"])
    )

    assert _found("海川建材") == {"重庆海川建材有限公司", "重庆永川海川建材二厂"}
    assert _found("川建") == {"重庆海川建材有限公司", "重庆永川海川建材二厂"}  # two characters: by scan
    assert _found("建材有限") == {"重庆海川建材有限公司"}
    assert _found("海川材") == set()  # a substring, not the same characters anywhere


def test_a_renamed_or_removed_enterprise_leaves_the_name_index(world):
    enterprise = services.register_enterprise(
        SYSTEM, uscc=make_uscc("MA5U7C03"), name="重庆海川建材有限公司", industry_code="3021"
    )
    Enterprise.objects.filter(pk=enterprise.pk).update(name="重庆星辰电子有限公司")
    assert _found("海川建材") == set()
    assert _found("星辰电子") == {"重庆星辰电子有限公司"}

    Enterprise.objects.filter(pk=enterprise.pk).delete()
    assert _found("星辰电子") == set()


def test_a_fragment_with_quotes_or_search_syntax_is_plain_text(world):
    services.register_enterprise(
        SYSTEM, uscc=make_uscc("MA5U7C03"), name='重庆"海川" AND 建材有限公司', industry_code="3021"
    )
    assert _found('"海川" AND') == {'重庆"海川" AND 建材有限公司'}
    assert _found("海川 OR 星辰*") == set()
    assert _found("NEAR(海川") == set()


def test_the_directory_counts_its_rows_once_for_the_pager_and_the_totals(enterprises, login):
    client = login(enterprises.supervisor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/enterprises/", {"q": "企业有限"})
    assert response.context["page"].paginator.count == 2
    assert dict(response.context["counts"])["企业"] == 2
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "enterprises_enterprise" in q["sql"]]
    assert len(counts) == 1  # the totals; the pager reuses their total


def test_a_section_is_a_range_of_codes_not_a_like_per_division(enterprises):
    sql = str(queries.search(enterprises.supervisor, {"industry": "C"}).query)
    assert "LIKE" not in sql.upper()
    assert '"industry_code" >= 13' in sql or "\"industry_code\" >= '13'" in sql
