from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.tracking.models import CalendarOverride, ConfirmedYear

admin.site.register(CalendarOverride, SimpleHistoryAdmin, list_display=("day", "is_workday", "note"))
admin.site.register(ConfirmedYear, SimpleHistoryAdmin, list_display=("year", "confirmed_by", "confirmed_at"))
