"""国民经济行业分类 GB/T 4754-2017: sections (门类) and divisions (大类).

Codes have four levels: a section letter A–T, a 2-digit division, a 3-digit
group (中类) and a 4-digit class (小类); each lower level starts with the digits
of the level above.  The data file holds all 20 sections and 97 divisions
(01–97, no gaps).  Groups and classes are held only for divisions 59 and 70,
whose groups fall under different enterprise-size rules; any other 3- or
4-digit code is accepted on the strength of its division and reported with
the division's name (``named_by_division``).  Registers often prefix the
section letter (``C3411``); that form is accepted when the letter matches.

>>> lookup("3411")
Industry(code='3411', name='通用设备制造业', level='小类', section='C', division='34', named_by_division=True)
>>> lookup("7020").name
'物业管理'
>>> section_of("C3411").name
'制造业'
>>> [(i.code, i.level) for i in search("物业")]
[('702', '中类'), ('7020', '小类')]
>>> is_industrial("44")
True
>>> lookup("98")
Traceback (most recent call last):
    ...
luoshi.codes.industries.UnknownIndustry: GB/T 4754-2017 中没有大类“98”，大类代码为01–97
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

__all__ = [
    "INDUSTRIAL_SECTIONS",
    "Division",
    "Industry",
    "Section",
    "UnknownIndustry",
    "division",
    "is_industrial",
    "lookup",
    "search",
    "section_of",
    "sections",
]

Level = Literal["门类", "大类", "中类", "小类"]
_LEVEL_BY_DIGITS: dict[int, Level] = {2: "大类", 3: "中类", 4: "小类"}

# 工业 in Chinese statistics is exactly these three sections (采矿业, 制造业,
# 电力、热力、燃气及水生产和供应业).
INDUSTRIAL_SECTIONS = frozenset("BCD")


class UnknownIndustry(ValueError):
    """A code or name that GB/T 4754-2017 does not have; the message is in Chinese."""


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    divisions: tuple[str, ...]


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    section: str


@dataclass(frozen=True)
class Industry:
    """One resolved code.

    ``named_by_division`` is true for a group or class the data file does not
    list: its ``name`` is then the division's name, not its own.
    """

    code: str
    name: str
    level: Level
    section: str
    division: str | None
    named_by_division: bool = False


@dataclass(frozen=True)
class _Catalogue:
    sections: dict[str, Section]
    divisions: dict[str, Division]
    details: dict[str, str]
    complete_divisions: frozenset[str]
    # Every name in the standard's order, for searching.
    names: dict[str, str]


@functools.cache
def _catalogue() -> _Catalogue:
    raw = resources.files("luoshi.codes.data").joinpath("gbt4754_2017.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    divisions = {d["code"]: Division(d["code"], d["name"], d["section"]) for d in data["divisions"]}
    sections = {
        s["code"]: Section(
            s["code"],
            s["name"],
            tuple(code for code, d in divisions.items() if d.section == s["code"]),
        )
        for s in data["sections"]
    }
    details = {d["code"]: d["name"] for d in sorted(data["details"], key=lambda d: d["code"])}
    names: dict[str, str] = {}
    for section in sections.values():
        names[section.code] = section.name
        for div_code in section.divisions:
            names[div_code] = divisions[div_code].name
            names.update((code, name) for code, name in details.items() if code.startswith(div_code))
    return _Catalogue(
        sections=sections,
        divisions=divisions,
        details=details,
        complete_divisions=frozenset(data["complete_divisions"]),
        names=names,
    )


def sections() -> tuple[Section, ...]:
    """All 20 sections, A to T."""
    return tuple(_catalogue().sections.values())


def lookup(code: str) -> Industry:
    """Resolve a section letter or a 2-, 3- or 4-digit code."""
    code = _normalise(code)
    cat = _catalogue()
    if code.isalpha():
        section = cat.sections[code]
        return Industry(code, section.name, "门类", section.code, None)
    div = cat.divisions[code[:2]]
    if len(code) == 2:
        return Industry(code, div.name, "大类", div.section, div.code)
    level = _LEVEL_BY_DIGITS[len(code)]
    if code in cat.details:
        return Industry(code, cat.details[code], level, div.section, div.code)
    return Industry(code, div.name, level, div.section, div.code, named_by_division=True)


def section_of(code: str) -> Section:
    """The section (门类) a code belongs to: ``"C"``, ``"34"``, ``"341"`` and ``"3411"`` all give C."""
    return _catalogue().sections[lookup(code).section]


def division(code: str) -> Division:
    """The division (大类) of a 2-, 3- or 4-digit code."""
    industry = lookup(code)
    if industry.division is None:
        raise UnknownIndustry(f"门类“{industry.code}”下有多个大类，请提供2–4位数字的行业代码")
    return _catalogue().divisions[industry.division]


def is_industrial(code: str) -> bool:
    """Whether the code is 工业 (sections B, C and D)."""
    return lookup(code).section in INDUSTRIAL_SECTIONS


def search(name_fragment: str) -> list[Industry]:
    """Sections, divisions and listed groups/classes whose Chinese name contains the fragment.

    Results are in the standard's order (each section before its divisions); an
    empty fragment matches nothing rather than everything.
    """
    fragment = name_fragment.strip()
    if not fragment:
        return []
    return [lookup(code) for code, name in _catalogue().names.items() if fragment in name]


def _detail_codes(div_code: str) -> list[str]:
    return sorted(code for code in _catalogue().details if code.startswith(div_code))


def _normalise(code: str) -> str:
    """Upper-case, drop a matching section prefix, and raise for any code the standard lacks."""
    cat = _catalogue()
    text = code.strip().upper()
    if len(text) == 1 and text.isalpha():
        if text not in cat.sections:
            raise UnknownIndustry(f"GB/T 4754-2017 中没有门类“{text}”，门类代码为A–T")
        return text
    prefix = ""
    if text[:1].isascii() and text[:1].isalpha() and text[1:].isdigit():
        prefix, text = text[0], text[1:]
    if not (text.isdigit() and text.isascii() and 2 <= len(text) <= 4):
        raise UnknownIndustry(
            f"行业代码“{code.strip()}”格式不对：门类为1个字母（A–T），大类、中类、小类分别为2、3、4位数字"
        )
    div = cat.divisions.get(text[:2])
    if div is None:
        first, last = min(cat.divisions), max(cat.divisions)
        raise UnknownIndustry(f"GB/T 4754-2017 中没有大类“{text[:2]}”，大类代码为{first}–{last}")
    if prefix and prefix != div.section:
        raise UnknownIndustry(f"行业代码“{code.strip()}”前缀有误：大类{div.code}属于门类{div.section}，不是{prefix}")
    if len(text) > 2 and div.code in cat.complete_divisions and text not in cat.details:
        listed = "、".join(c for c in _detail_codes(div.code) if len(c) == len(text))
        level = _LEVEL_BY_DIGITS[len(text)]
        raise UnknownIndustry(f"大类{div.code}“{div.name}”中没有{level}“{text}”，可选：{listed}")
    return text
