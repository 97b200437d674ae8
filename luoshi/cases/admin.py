from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.cases.models import Case, CaseType


@admin.register(CaseType)
class CaseTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "first_response_workdays", "resolution_workdays", "default_unit", "sort_order")
    autocomplete_fields = ("default_unit",)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Read-only here: cases move only through their workflow, on the case page or the API."""

    list_display = ("number", "title", "case_type", "state", "unit", "resolution_due", "colour")
    list_filter = ("state", "case_type", "colour")
    search_fields = ("number", "title", "enterprise__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
