"""Money as people read it on a page: yuan with thousands separators, or 万元 for large sums.

>>> yuan("32630330.5")
'32,630,330.50'
>>> wan("32630330.5")
'3,263.03'
>>> yuan(None)
'—'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@register.filter
def yuan(value) -> str:
    """A sum in yuan, two decimals, grouped by thousands (the convention of financial statements)."""
    number = _decimal(value)
    return "—" if number is None else f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@register.filter
def wan(value) -> str:
    """A sum in yuan shown in 万元 with two decimals."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{(number / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
