"""``parse_text`` and ``parse_file``: run every extractor and map the results to the original text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from luoshi.intake import extract
from luoshi.intake.clauses import is_clause, propose
from luoshi.intake.dates import document_year, find_dates
from luoshi.intake.orgs import Directory, find_units
from luoshi.intake.readers import read_file
from luoshi.intake.result import Clause, DateItem, KeyTask, Money, Person, Project, Result, Target, Task, Unit
from luoshi.intake.source import Source, check_text

__all__ = ["parse_file", "parse_text"]

DirectoryLike = Directory | Iterable[tuple[str, Sequence[str]]] | None


def parse_text(text: str, *, directory: DirectoryLike = None, year: int | None = None) -> Result:
    """Everything the kernel finds in ``text``. ``directory`` is the unit directory as
    (official name, [short names and aliases]) pairs (or a prebuilt :class:`Directory`, cheaper
    when parsing many texts); ``year`` overrides the document's year (its first full date, else
    the year it names most often). Raises :class:`IntakeError` for empty, binary or oversized text.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    check_text(text)
    source = Source(text)
    clean = source.clean
    d = Directory.from_pairs(directory) if directory is not None else None
    doc_year = year if year is not None else document_year(clean)
    units = find_units(clean, d)
    doc = extract.Doc.build(clean, doc_year, units)
    doc.set_projects(extract.find_projects(doc))
    doc.set_people(extract.find_people(doc))
    doc.resolve_owners()

    def span(start: int, end: int) -> tuple[int, int]:
        return source.span(start, end)

    result = Result(year=doc_year)
    result.units = [Unit(u.name, u.alias, span(u.start, u.end)) for u in units]
    result.people = [Person(name, title, unit, span(a, b)) for a, b, name, title, unit in doc.people]
    result.targets = [
        Target(indicator, change, value, unit, t_year, owner, span(a, b))
        for a, b, indicator, change, value, unit, t_year, owner in extract.find_targets(doc)
    ]
    result.projects = [Project(name, span(a, b)) for a, b, name in doc.projects]
    result.money = [
        Money(clean[a:b], value, qualifier, span(a, b)) for a, b, value, qualifier in extract.find_money(doc)
    ]
    result.dates = [DateItem(t, iso, span(a, b)) for a, b, t, iso in find_dates(clean, doc_year)]
    result.key_tasks = [KeyTask(index, clean[a:b], span(a, b)) for a, b, index in extract.find_key_tasks(doc)]
    result.tasks = [Task(clean[a:b], owner, span(a, b)) for a, b, owner in extract.find_tasks(doc)]
    if doc.policy:
        for s in doc.sentences:
            mark = extract.CLAUSE_MARK.match(clean, s.start, s.end)
            start = mark.end() if mark else s.start
            segment = clean[start : s.end]
            if is_clause(segment):
                p = propose(segment)
                result.clauses.append(Clause(segment, span(start, s.end), p.conditions, p.rule, p.amount))
    return result


def parse_file(path: str | Path, *, directory: DirectoryLike = None, year: int | None = None) -> Result:
    """:func:`parse_text` of a .txt, .docx or text-layer .pdf file."""
    return parse_text(read_file(path), directory=directory, year=year)
