from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry, Match, MatchRun

# Money moves only through the services; the admin shows it read-only for support.


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("enterprise", "clause", "state", "amount_estimated", "amount_approved", "step_due")
    list_filter = ("state", "automatic")
    search_fields = ("enterprise__name", "clause__title")
    list_select_related = ("enterprise", "clause")


@admin.register(BudgetAccount)
class BudgetAccountAdmin(ReadOnly):
    list_display = ("clause", "total", "reserved", "paid")
    list_select_related = ("clause",)


@admin.register(BudgetEntry)
class BudgetEntryAdmin(ReadOnly):
    list_display = ("account", "application", "kind", "amount", "created_at")


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnly):
    list_display = ("clause", "enterprises", "eligible", "near_miss", "seconds", "finished_at")


@admin.register(Match)
class MatchAdmin(ReadOnly):
    list_display = ("enterprise", "clause", "verdict", "amount", "computed_at")
    list_filter = ("verdict",)
    list_select_related = ("enterprise", "clause")
