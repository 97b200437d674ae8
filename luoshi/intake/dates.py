"""Dates, absolute and relative, resolved against the document's year.

A period that ends a task (3月底, 一季度, 上半年, 年底, 年内) resolves to its last day, the
reading a deadline needs; a bare month or year stays a month or a year (ISO 8601 ``2025-04``,
``2025``). Recurring times (每月底, 每季度, 每年4月) and vague ones (年初, 近期) are not dates.

>>> found = find_dates("确保3月底前完成，今年一季度开工，2025年12月31日止，每月底报送", 2025)
>>> [(text, iso) for _, _, text, iso in found]
[('3月底', '2025-03-31'), ('今年一季度', '2025-03-31'), ('2025年12月31日', '2025-12-31')]
>>> [iso for *_, iso in find_dates("年内建成，明年投产，4月上旬督查，2024年", 2025)]
['2025-12-31', '2026', '2025-04-10', '2024']
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date

__all__ = ["document_year", "find_dates"]

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:(?:19|20)\d{2}|二[〇零][〇零一二三四五六七八九]{2})"
_PART = r"(?:底|末|上旬|中旬|下旬|初|份)"
_DATES = re.compile(
    rf"(?P<y>{_YEAR})年(?:"
    rf"(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号]|(?P<mp>{_PART}))?"
    rf"|(?:第)?(?P<q>[一二三四1-4])季度|(?P<h>[上下]半年)|(?P<ye>底|末))?"
    rf"|(?P<rel>今年|明年|去年|本年)(?:"
    rf"(?P<rm>1[0-2]|0?[1-9])月(?:(?P<rd>3[01]|[12]\d|0?[1-9])[日号]|(?P<rmp>{_PART}))?"
    rf"|(?:第)?(?P<rq>[一二三四])季度|(?P<rh>[上下]半年)|(?P<rye>底|末))?"
    rf"|(?<![\d每个第年])(?<!每年)(?P<m2>1[0-2]|0?[1-9])月(?:(?P<d2>3[01]|[12]\d|0?[1-9])[日号]|(?P<mp2>{_PART}))?"
    rf"|(?<![每一二三四五六七八九十\d])(?:第)?(?P<q2>[一二三四])季度"
    rf"|(?P<h2>[上下]半年)"
    rf"|(?<![一二三四五六七八九十两几多\d])(?P<ye2>年内|年底|年末)"
)
_FULL_DATE = re.compile(r"((?:19|20)\d{2})年(1[0-2]|0?[1-9])月(3[01]|[12]\d|0?[1-9])日")
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def document_year(text: str) -> int | None:
    """The year a document speaks from: that of its first full date near the top (a meeting's or
    an issue date), else the year it names most often (the later one on a tie)."""
    head = _FULL_DATE.search(text, 0, 400)
    if head:
        return int(head.group(1))
    counts = Counter(int(y) for y in _ANY_YEAR.findall(text[:200_000]))
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def _year(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int("".join(str(_CN_DIGIT[ch]) for ch in text))


def _month(year: int, month: int, part: str | None) -> str:
    if part in ("底", "末", "下旬"):
        return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if part == "上旬":
        return date(year, month, 10).isoformat()
    if part == "中旬":
        return date(year, month, 20).isoformat()
    if part == "初":
        return date(year, month, 1).isoformat()
    return f"{year:04d}-{month:02d}"


def _quarter(year: int, q: int) -> str:
    month = q * 3
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, year: int | None) -> list[tuple[int, int, str, str | None]]:
    """(start, end, text, ISO date or None) for every date in ``text``; relative dates need ``year``."""
    out = []
    for m in _DATES.finditer(text):
        g = m.groupdict()
        iso: str | None
        if g["y"]:
            y = _year(g["y"])
            if g["m"]:
                iso = _day(y, int(g["m"]), int(g["d"])) if g["d"] else _month(y, int(g["m"]), g["mp"])
            elif g["q"]:
                iso = _quarter(y, _Q[g["q"]])
            elif g["h"]:
                iso = f"{y}-06-30" if g["h"] == "上半年" else f"{y}-12-31"
            elif g["ye"]:
                iso = f"{y}-12-31"
            else:
                iso = f"{y:04d}"
        elif year is None:
            iso = None
        elif g["rel"]:
            y = year + {"今年": 0, "本年": 0, "明年": 1, "去年": -1}[g["rel"]]
            if g["rm"]:
                iso = _day(y, int(g["rm"]), int(g["rd"])) if g["rd"] else _month(y, int(g["rm"]), g["rmp"])
            elif g["rq"]:
                iso = _quarter(y, _Q[g["rq"]])
            elif g["rh"]:
                iso = f"{y}-06-30" if g["rh"] == "上半年" else f"{y}-12-31"
            elif g["rye"]:
                iso = f"{y}-12-31"
            else:
                iso = f"{y:04d}"
        elif g["m2"]:
            iso = _day(year, int(g["m2"]), int(g["d2"])) if g["d2"] else _month(year, int(g["m2"]), g["mp2"])
        elif g["q2"]:
            iso = _quarter(year, _Q[g["q2"]])
        elif g["h2"]:
            iso = f"{year}-06-30" if g["h2"] == "上半年" else f"{year}-12-31"
        else:
            iso = f"{year}-12-31"
        out.append((m.start(), m.end(), m.group(), iso))
    return out
