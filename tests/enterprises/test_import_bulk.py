"""The import at scale: one announcement for the whole file, and writes only for what changed."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core.actors import SYSTEM
from luoshi.enterprises.importer import import_enterprises
from luoshi.enterprises.models import Enterprise, YearFigure
from luoshi.enterprises.signals import enterprise_changed, enterprises_changed
from tests.enterprises.test_import import FIGURE_HEADERS, csv_bytes, uscc


def rows(n: int, *, revenue: int = 500) -> list[list]:
    return [[uscc(i), f"重庆测试{i}号有限公司", "3411", 2024, revenue + i, 20, 800, "统计部门"] for i in range(n)]


class Heard:
    """Receivers of both signals, recording what they were told."""

    def __init__(self):
        self.bulk: list[list[int]] = []
        self.single: list[int] = []

    def on_bulk(self, sender, enterprise_ids, **kwargs):
        self.bulk.append(list(enterprise_ids))

    def on_single(self, sender, enterprise_id, **kwargs):
        self.single.append(enterprise_id)

    def __enter__(self):
        enterprises_changed.connect(self.on_bulk)
        enterprise_changed.connect(self.on_single)
        return self

    def __exit__(self, *exc):
        enterprises_changed.disconnect(self.on_bulk)
        enterprise_changed.disconnect(self.on_single)


def test_an_import_announces_every_new_enterprise_once_in_one_signal(world):
    with Heard() as heard:
        result = import_enterprises(SYSTEM, csv_bytes(rows(30), FIGURE_HEADERS))

    assert result.ok, result.errors
    assert heard.single == []  # never one signal per enterprise
    [ids] = heard.bulk
    assert sorted(ids) == sorted(Enterprise.objects.values_list("id", flat=True))


def test_a_re_import_announces_only_the_enterprises_it_changed(world):
    import_enterprises(SYSTEM, csv_bytes(rows(30), FIGURE_HEADERS))
    again = rows(30)
    again[3][1] = "重庆改名有限公司"  # a registry field
    again[7][4] = 5000  # a figure that makes the enterprise 规上
    with Heard() as heard:
        result = import_enterprises(SYSTEM, csv_bytes(again, FIGURE_HEADERS))

    assert (result.created, result.updated, result.unchanged) == (0, 2, 28)
    [ids] = heard.bulk
    assert sorted(ids) == sorted(Enterprise.objects.filter(uscc__in=[uscc(3), uscc(7)]).values_list("id", flat=True))
    assert Enterprise.objects.get(uscc=uscc(7)).above_scale


def test_an_unchanged_file_writes_nothing_and_announces_nothing(world):
    data = csv_bytes(rows(30), FIGURE_HEADERS)
    import_enterprises(SYSTEM, data)
    history = Enterprise.history.count(), YearFigure.history.count()

    with Heard() as heard, CaptureQueriesContext(connection) as ctx:
        result = import_enterprises(SYSTEM, data)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 30)
    assert heard.bulk == []
    assert (Enterprise.history.count(), YearFigure.history.count()) == history
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_a_dry_run_announces_nothing(world):
    with Heard() as heard:
        result = import_enterprises(SYSTEM, csv_bytes(rows(5), FIGURE_HEADERS), dry_run=True)

    assert result.created == 5
    assert heard.bulk == []
    assert not Enterprise.objects.exists()


def test_queries_per_chunk_do_not_grow_with_the_rows(world):
    """Reads and writes are per chunk of rows, never per row."""

    def count(n: int) -> int:
        Enterprise.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            assert import_enterprises(SYSTEM, csv_bytes(rows(n), FIGURE_HEADERS)).ok
        return len(ctx.captured_queries)

    assert count(10) == count(300)
