"""统一社会信用代码 (unified social credit code, GB 32100-2015).

The code has 18 characters drawn from the digits and the upper-case letters
except I, O, Z, S and V (they are too easily read as 1, 0, 2, 5 and U):

====== ==========================================================
位置    含义
====== ==========================================================
1      登记管理部门代码 (1 机构编制, 5 民政, 9 市场监管/工商, Y 其他 …)
2      机构类别代码 (e.g. 91 企业, 92 个体工商户, 93 农民专业合作社)
3–8    登记管理机关行政区划码 (GB/T 2260, 6 digits)
9–17   主体标识码 = 组织机构代码 (GB 11714), its 17th character a check
18     校验码 over positions 1–17
====== ==========================================================

Both check characters are verified, so a single mistyped character anywhere is
caught.  Input is normalised by stripping surrounding blanks and upper-casing.

>>> validate_uscc(" 914403001922038216 ")
UsccCheck(code='914403001922038216', valid=True, reason='')
>>> validate_uscc("914403001922038217").reason
'第18位校验码应为6，实际为7，请核对代码'
>>> uscc_check_char("91500118MA5U7XXX1")
'J'
>>> is_valid_uscc("91500118MA5U7XXX1j")
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UsccCheck", "build_uscc", "is_valid_uscc", "uscc_check_char", "validate_uscc"]

USCC_LENGTH = 18

# The index of a character in this string is its numeric value (0–30).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(CHARSET)}
_EXCLUDED_LETTERS = "IOZSV"

# Weight i is 3**i mod 31, as tabulated in GB 32100-2015.
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997 organisation code: 8 body characters, then a mod-11 check.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门代码 in use: GB 32100-2015 names 1 (机构编制), 5 (民政), 9 (工商)
# and Y (其他); the national code centre has since assigned 2 外交, 3 司法行政,
# 4 文化, 6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制办公室 and N 农业
# (N2… codes are rural collective economic organisations).
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")


@dataclass(frozen=True)
class UsccCheck:
    """Outcome of :func:`validate_uscc`; ``reason`` is empty when the code is valid."""

    code: str
    valid: bool
    reason: str


def uscc_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a code.

    >>> uscc_check_char("91440300708461136")
    'T'
    >>> uscc_check_char("9144030070846113")
    Traceback (most recent call last):
        ...
    ValueError: 计算校验码需要前17位，实际为16位
    """
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError(f"计算校验码需要前17位，实际为{len(first17)}位")
    bad = _first_bad_char(first17)
    if bad is not None:
        raise ValueError(_bad_char_reason(*bad))
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    # 31 - total % 31 lands on 31 when the sum divides evenly; the standard maps that to 0.
    return CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> UsccCheck:
    """Check a code and explain, in Chinese, the first problem found."""
    normalised = code.strip().upper()
    return UsccCheck(code=normalised, valid=not (reason := _problem(normalised)), reason=reason)


def is_valid_uscc(code: str) -> bool:
    """Shortcut for ``validate_uscc(code).valid``."""
    return validate_uscc(code).valid


def _problem(code: str) -> str:
    if not code:
        return "代码为空，请输入18位统一社会信用代码"
    if len(code) != USCC_LENGTH:
        return f"长度应为18位，实际为{len(code)}位"
    bad = _first_bad_char(code)
    if bad is not None:
        return _bad_char_reason(*bad)
    if code[0] not in REGISTRATION_AUTHORITIES:
        return f"第1位登记管理部门代码不能是“{code[0]}”，应为1–9、A、N或Y，请核对代码"
    if not code[2:8].isdigit():
        return f"第3–8位登记管理机关行政区划码应为6位数字，实际为“{code[2:8]}”，请核对代码"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"第18位校验码应为{expected}，实际为{code[17]}，请核对代码"
    expected = _org_check_char(code[8:16])
    if code[16] != expected:
        # The 18th check catches any single typo, so this is a fabricated code or several typos.
        return f"第17位（组织机构代码校验码）应为{expected}，实际为{code[16]}，请核对第9–17位"
    return ""


def _first_bad_char(text: str) -> tuple[int, str] | None:
    for position, char in enumerate(text, start=1):
        if char not in _VALUES:
            return position, char
    return None


def _bad_char_reason(position: int, char: str) -> str:
    if char in _EXCLUDED_LETTERS:
        return f"第{position}位含有不允许的字符“{char}”（统一社会信用代码不使用字母I、O、Z、S、V），请核对代码"
    return f"第{position}位含有不允许的字符“{char}”，只能使用数字和大写字母，请核对代码"


def _org_check_char(body: str) -> str:
    # GB 11714 values letters A–Z as 10–35; the USCC charset is a subset of that alphabet.
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def build_uscc(body: str, *, authority: str = "9", kind: str = "1", area: str = "500118") -> str:
    """A valid code from an 8-character organisation body: both check characters computed.

    For demo data, tests and benchmarks, which need many valid codes.

    >>> code = build_uscc("MA5U7XXX")
    >>> code, is_valid_uscc(code)
    ('91500118MA5U7XXX1J', True)
    """
    first17 = f"{authority}{kind}{area}{body}{_org_check_char(body)}"
    return first17 + uscc_check_char(first17)
