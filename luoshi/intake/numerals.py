"""Numbers as Chinese documents write them: Arabic (``1,850``, ``1.2``), Chinese (``一百二十``,
``两千``, ``七点五``, ``百亿``) and the two mixed (``1.2万``).

No third-party converter is needed: the grammar of Chinese numerals in documents is small
(digits, the units 十百千 inside a section, the section units 万 and 亿, and 点 for decimals),
and a hand-written reader is both faster than a general library and exact about what it
accepts.

>>> read_number("一百二十")
120
>>> read_number("七点五")
7.5
>>> read_number("两千")
2000
>>> read_number("百亿")
10000000000
>>> read_number("1.2万")
12000.0
>>> read_number("十五")
15
>>> read_number("二〇二五")
2025
>>> read_number("1,850")
1850
>>> read_number("三十万零五百")
300500
>>> read_number("万") is None
True
"""

from __future__ import annotations

import re

__all__ = ["CN_DIGITS", "NUMBER", "read_number"]

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
           "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CN_DIGITS = "".join(_DIGITS)
_CN_CHARS = CN_DIGITS + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# A number as it appears in text: Arabic with optional thousands separators and decimals, or a
# run of Chinese numeral characters (with 点 for a decimal point). Both may end in 万/亿 ("1.2万").
# Bounded repetitions: no input can make this backtrack more than a few dozen steps.
NUMBER = (
    r"(?:\d{1,3}(?:,\d{3}){1,6}(?:\.\d{1,6})?|\d{1,15}(?:\.\d{1,6})?"
    rf"|[{_CN_CHARS}]{{1,12}}(?:点[{CN_DIGITS}]{{1,6}})?)"
)
_ARABIC = re.compile(r"(\d[\d,]*(?:\.\d+)?)([万亿]*)")


def read_number(text: str) -> int | float | None:
    """The value of a number written in Arabic or Chinese numerals, or None when it is not one.

    Whole values come back as ``int``; values with a fractional part as ``float``.
    """
    text = text.strip()
    if not text:
        return None
    arabic = _ARABIC.fullmatch(text)
    if arabic:
        digits, units = arabic.groups()
        try:
            value: int | float = float(digits.replace(",", "")) if "." in digits else int(digits.replace(",", ""))
        except ValueError:
            return None
        for unit in units:
            value = value * _BIG_UNITS[unit]
        return value
    if "点" in text:
        whole, _, fraction = text.partition("点")
        head = read_number(whole) if whole else None
        if head is None or not fraction or any(ch not in _DIGITS for ch in fraction):
            return None
        return float(f"{head}.{''.join(str(_DIGITS[ch]) for ch in fraction)}")
    return _read_chinese(text)


def _read_chinese(text: str) -> int | None:
    if any(ch not in _CN_CHARS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text):  # 二〇二五: digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text)) if len(text) > 1 else _DIGITS[text]
    total = 0  # completed 亿 sections
    section = 0  # the part below the current big unit
    digit: int | None = None
    seen_digit = False
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            seen_digit = True
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]  # 十五: a bare 十 is 10
            digit = None
            seen_digit = True
        else:  # 万 or 亿
            if digit is None and not seen_digit and not section and not total:
                return None
            section += digit or 0
            digit = None
            if ch == "亿":
                total = (total + section) * _BIG_UNITS[ch]
            else:
                total += section * _BIG_UNITS[ch]
            section = 0
    if not seen_digit:
        return None
    return total + section + (digit or 0)
