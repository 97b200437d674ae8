from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.projects.models import FundRequest, FundTarget, Project


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "project_type", "stage", "lead_unit", "total_investment", "colour")
    list_filter = ("project_type", "stage", "key_level", "colour")
    search_fields = ("code", "name", "owner_name")
    readonly_fields = ("status", "colour", "status_reason", "percent", "year_plan", "year_done", "invested")

    def has_add_permission(self, request):
        return False  # projects are registered through the pages, the API or the Excel import

    def has_delete_permission(self, request, obj=None):
        return False  # nothing a plan, a report or money depends on is hard-deleted


@admin.register(FundRequest)
class FundRequestAdmin(SimpleHistoryAdmin):
    list_display = ("title", "channel", "level", "applying_unit", "year", "amount_applied", "amount_approved", "state")
    list_filter = ("year", "channel", "level", "state")
    search_fields = ("title",)
    readonly_fields = ("amount_received", "state")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundTarget)
class FundTargetAdmin(SimpleHistoryAdmin):
    list_display = ("year", "amount", "note")
