"""Amounts in 万元 as the project pages show them: grouped by thousands, with two decimals or none.

>>> amount("1250000.456")
'1,250,000.46'
>>> amount("1250000.456", 0)
'1,250,000'
>>> amount(None)
'—'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def amount(value, places: int = 2) -> str:
    """A figure already in 万元 (investment, funds): unlike ``wan`` it is not divided by 10,000."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    if value is None or not number.is_finite():
        return "—"
    exponent = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(exponent, rounding=ROUND_HALF_UP):,}"
