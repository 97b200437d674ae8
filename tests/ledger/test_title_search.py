"""The ledger's keyword box: a fragment of a title through the bigram index, never a different answer
from reading every title."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.db import connection

from luoshi.core.bigrams import MAX_GRAMS, bigrams, spread
from luoshi.ledger.models import Task
from luoshi.ledger.search import TITLES

pytestmark = pytest.mark.django_db

ALPHABET = "养老服务城市更新招商产业以旧换新改造一件事5GgAaÉéİi%_ "


def _task(title: str, unit) -> Task:
    return Task.objects.create(title=title, lead_unit=unit, start_date=date(2026, 1, 5), due_date=date(2026, 12, 31))


def _found(text: str) -> set[str]:
    return set(Task.objects.filter(TITLES.contains("title", text)).values_list("title", flat=True))


def _scanned(text: str) -> set[str]:
    return set(Task.objects.filter(title__contains=text).values_list("title", flat=True))


def test_a_new_title_is_found_by_a_fragment_of_two_or_more_characters(world):
    """Also proves, on SQLite, that the triggers keeping the bigram table exist after every migration."""
    _task("推进城市更新和老旧小区改造", world.jxw)
    _task("完善养老服务体系", world.swj)

    assert _found("城市更新") == {"推进城市更新和老旧小区改造"}
    assert _found("养老") == {"完善养老服务体系"}  # two characters: through the index
    assert _found("改造") == {"推进城市更新和老旧小区改造"}
    assert _found("老") == {"推进城市更新和老旧小区改造", "完善养老服务体系"}  # one: by scan
    assert _found("城市改造") == set()  # the same characters, not the substring
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TITLES.name}")  # noqa: S608 -- a constant name
            assert cursor.fetchone()[0] > 0


def test_a_retitled_or_removed_task_leaves_the_index(world):
    task = _task("完善养老服务体系", world.jxw)
    Task.objects.filter(pk=task.pk).update(title="实施消费载体培优行动")
    assert _found("养老") == set()
    assert _found("培优") == {"实施消费载体培优行动"}

    Task.objects.filter(pk=task.pk).delete()
    assert _found("培优") == set()


def test_the_index_gives_the_same_answer_as_reading_every_title(world):
    """Random titles over a small alphabet (so fragments recur, with LIKE's own % and _ and ASCII
    case), every fragment of one to eight characters of them, and some that occur nowhere."""
    rng = random.Random(20260102)
    titles = {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(120)}
    for title in titles:
        _task(title, world.jxw)
    fragments = set()
    for title in rng.sample(sorted(titles), 40):
        for _ in range(5):
            start = rng.randrange(len(title))
            fragments.add(title[start : start + rng.randint(1, 8)])
    fragments |= {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 6))) for _ in range(40)}
    # ASCII and other case, wildcards, one bigram, more than MAX_GRAMS bigrams
    fragments |= {"g", "G", "5g", "aA", "Éa", "éA", "İi", "%", "_", "新新", "城市更新招商产业以旧"}

    for fragment in sorted(fragments):
        assert _found(fragment) == _scanned(fragment), fragment


def test_a_long_query_is_narrowed_by_a_few_of_its_bigrams_from_end_to_end():
    grams = bigrams("城市更新招商产业以旧换新")
    assert len(grams) > MAX_GRAMS
    narrowed = spread(grams)
    assert len(narrowed) == MAX_GRAMS
    assert (narrowed[0], narrowed[-1]) == ("城市", "换新")
    assert set(narrowed) <= set(grams)


def test_the_ledger_keyword_box_finds_titles_and_exact_codes(ledger, login):
    client = login(ledger.supervisor)
    titles = lambda q: [t.title for t in client.get("/ledger/", {"q": q}).context["page"]]  # noqa: E731
    assert titles("培优") == ["实施消费载体培优行动"]
    assert titles("2.1") == ["推动规上工业增加值增长7.5%"]  # the code
    assert titles("7.5%") == ["推动规上工业增加值增长7.5%"]  # a "%" is a character, not a wildcard
    assert titles("养老") == []
