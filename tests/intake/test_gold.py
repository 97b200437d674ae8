"""The hand-labelled gold texts are well formed, and every span the kernel reports indexes the
original text exactly (its characters, blanks aside, are the item's text)."""

import json
import re
from pathlib import Path

import pytest

from luoshi.intake import Directory, parse_text

GOLD = Path(__file__).parent / "gold"
TEXTS = sorted(GOLD.glob("*.txt")) + sorted((GOLD / "heldout").glob("*.txt"))
FIELDS = ("units", "people", "targets", "projects", "money", "dates", "key_tasks", "tasks", "clauses")


def _flat(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def test_there_are_at_least_eight_texts_and_two_held_out():
    assert len(TEXTS) >= 10
    assert len(list((GOLD / "heldout").glob("*.txt"))) == 2


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_gold_labels_are_well_formed(path):
    text = path.read_text(encoding="utf-8")
    assert 800 <= len(text) <= 2500
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(FIELDS) <= set(gold)
    for field in FIELDS:
        for item in gold[field]:
            start, end = item["span"]
            assert 0 <= start < end <= len(text), (field, item)
            if field in ("money", "dates", "key_tasks", "tasks", "clauses"):
                assert _flat(text[start:end]) == _flat(item["text"]), (field, item)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_every_span_indexes_the_original_text(path):
    text = path.read_text(encoding="utf-8")
    directory = Directory.from_pairs(json.loads((GOLD / "directory.json").read_text(encoding="utf-8"))["units"])
    r = parse_text(text, directory=directory)
    for item in [*r.money, *r.dates, *r.key_tasks, *r.tasks, *r.clauses]:
        start, end = item.span
        assert _flat(text[start:end]) == _flat(item.text), item
    for unit in r.units:
        start, end = unit.span
        assert _flat(text[start:end]) == (unit.alias or unit.name)
    for person in r.people:
        assert _flat(text[person.span[0] : person.span[1]]) == person.name
    for target in r.targets:
        start, end = target.span
        assert _flat(target.indicator) in _flat(text[start:end]) or target.span[0] < end, target
    for project in r.projects:
        start, end = project.span
        assert _flat(text[start:end]) in project.name
