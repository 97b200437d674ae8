"""What :func:`luoshi.intake.parse_text` returns: one list per kind of item, each item with the
character span of the original text it came from.

``span`` is ``[start, end)`` in the *original* text. ``text`` fields are the clean reading
(line breaks that only wrapped a line removed), so ``text[start:end]`` with its blanks removed
equals the item's text with its blanks removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = [
    "Clause",
    "DateItem",
    "KeyTask",
    "Money",
    "Person",
    "Project",
    "Result",
    "Target",
    "Task",
    "Unit",
]

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Unit:
    """A body or organisation named: its official (or written-out) name and the alias used, if any."""

    name: str
    alias: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    title: str | None
    unit: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Target:
    """A quantified goal: 规上工业增加值 增长 7.5 %, for 2025, owned by 区经信委."""

    indicator: str
    change: str | None
    value: int | float
    unit: str
    year: int | None
    owner: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in yuan, with the words that limit or qualify it (最高, 每人, 按…的10% …)."""

    text: str
    value: int | float
    qualifier: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class DateItem:
    text: str
    date: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class KeyTask:
    index: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Task:
    text: str
    unit: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Clause:
    """A proposed policy clause: a benefit, its conditions, and a rule and amount formula in
    luoshi's rules language for a person to check (None where no valid suggestion exists)."""

    text: str
    span: Span
    conditions: list[str]
    rule: str | None
    amount: str | None


@dataclass(slots=True)
class Result:
    year: int | None = None
    units: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    dates: list[DateItem] = field(default_factory=list)
    key_tasks: list[KeyTask] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)

    FIELDS = ("units", "people", "targets", "projects", "money", "dates", "key_tasks", "tasks", "clauses")

    def to_dict(self) -> dict[str, list[dict]]:
        """The JSON structure of ``luoshi intake parse --json``: spans as ``[start, end]`` lists."""
        out: dict[str, list[dict]] = {}
        for name in self.FIELDS:
            items = []
            for item in getattr(self, name):
                d = asdict(item)
                d["span"] = list(item.span)
                items.append(d)
            out[name] = items
        return out
