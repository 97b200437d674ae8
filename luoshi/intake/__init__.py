"""luoshi.intake — Chinese work documents in, structured drafts out. No Django.

Reads conference reports, department work plans and policy notices (plain text, .docx, or a
PDF with a text layer) and finds, each with the exact character span of the original it came
from: the units named (normalised to official names), people with their titles, quantified
targets, named projects, amounts of money in yuan, dates resolved against the document's year,
enumerated key tasks, action sentences with the unit that owns them, and — for policy notices —
proposed clauses with a suggested rule and amount formula. ``docs/intake.md`` documents it.

Public API::

    parse_text(text, *, directory=None, year=None) -> Result
    parse_file(path, *, directory=None, year=None) -> Result     (.txt, .docx, .pdf)
    read_file(path) -> str
    Directory.from_pairs([(official name, [short names, aliases]), ...]) -> Directory
    Result          .units .people .targets .projects .money .dates .key_tasks .tasks .clauses
                    .year; .to_dict() is the JSON of ``luoshi intake parse --json``
    IntakeError     ValueError with .code and a Chinese .message (empty, binary, too_large, …)
    read_number(text) -> int | float | None      Arabic and Chinese numerals (七点五, 两千, 百亿)

>>> r = parse_text("2025年，区经信委将推动规上工业增加值增长7.5%，确保3月底前开工。",
...                directory=[("重庆市永川区经济和信息化委员会", ["区经信委"])])
>>> [(u.name, u.alias) for u in r.units]
[('重庆市永川区经济和信息化委员会', '区经信委')]
>>> t = r.targets[0]
>>> t.indicator, t.change, t.value, t.unit, t.year, t.owner
('规上工业增加值', '增长', 7.5, '%', 2025, '重庆市永川区经济和信息化委员会')
>>> [d.date for d in r.dates]
['2025', '2025-03-31']
"""

from luoshi.intake.api import parse_file, parse_text
from luoshi.intake.errors import IntakeError
from luoshi.intake.numerals import read_number
from luoshi.intake.orgs import Directory
from luoshi.intake.readers import read_file
from luoshi.intake.result import Clause, DateItem, KeyTask, Money, Person, Project, Result, Target, Task, Unit

__all__ = [
    "Clause",
    "DateItem",
    "Directory",
    "IntakeError",
    "KeyTask",
    "Money",
    "Person",
    "Project",
    "Result",
    "Target",
    "Task",
    "Unit",
    "parse_file",
    "parse_text",
    "read_file",
    "read_number",
]
