from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.ledger.models import AreaTag, Indicator, Source, SupervisionNotice


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "level", "held_on", "doc_number")
    list_filter = ("kind", "level")
    search_fields = ("title", "doc_number")


@admin.register(AreaTag)
class AreaTagAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "owner_unit", "target_kind", "target", "measure")
    list_filter = ("year", "target_kind")
    search_fields = ("name",)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(SimpleHistoryAdmin):
    list_display = ("number", "task", "reason", "issued_at")
    search_fields = ("number", "reason")
    readonly_fields = ("task", "number", "cause", "reason", "file")

    def has_add_permission(self, request):
        return False  # issued by `luoshi tick` when an obligation stays overdue
