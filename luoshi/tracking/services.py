"""Admin writes to the working-day calendar."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from luoshi.core.audit import stamp
from luoshi.core.errors import ValidationFailed
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.tracking import calendar
from luoshi.tracking.models import CalendarOverride, ConfirmedYear


def _reload_after_commit() -> None:
    transaction.on_commit(calendar.load)


@transaction.atomic
def set_day(actor, *, day: date, is_workday: bool, note: str = "") -> CalendarOverride:
    """Record that ``day`` is a holiday (False) or an adjusted working day (True)."""
    permissions.require(actor, (Role.ADMIN,), action="维护工作日历")
    if not 2000 <= day.year <= 2100:
        raise ValidationFailed("日期超出可维护的年份范围（2000—2100年）。", field="day")
    override = CalendarOverride.objects.select_for_update().filter(day=day).first() or CalendarOverride(day=day)
    override.is_workday = is_workday
    override.note = note.strip()[:100]
    stamp(override, actor, "维护工作日历")
    override.save()
    _reload_after_commit()
    return override


@transaction.atomic
def clear_day(actor, *, day: date) -> None:
    permissions.require(actor, (Role.ADMIN,), action="维护工作日历")
    for override in CalendarOverride.objects.filter(day=day):
        stamp(override, actor, "删除节假日调整")
        override.delete()
    _reload_after_commit()


@transaction.atomic
def confirm_year(actor, *, year: int) -> ConfirmedYear:
    """Declare ``year``'s holidays complete: its deadlines stop being provisional and are recomputed."""
    permissions.require(actor, (Role.ADMIN,), action="确认年度节假日")
    if not CalendarOverride.objects.filter(day__year=year).exists() and calendar.current().year_is_provisional(year):
        raise ValidationFailed(f"{year}年还没有录入任何节假日或调休，请先按国务院通知录入后再确认。", field="year")
    confirmed = ConfirmedYear.objects.filter(year=year).first()
    if confirmed is not None:
        return confirmed
    confirmed = ConfirmedYear(year=year, confirmed_by=actor if getattr(actor, "pk", None) else None)
    stamp(confirmed, actor, "确认年度节假日")
    confirmed.save()

    def reload_and_announce() -> None:
        calendar.load()
        calendar.year_confirmed.send(sender=ConfirmedYear, year=year)

    transaction.on_commit(reload_and_announce)
    return confirmed
