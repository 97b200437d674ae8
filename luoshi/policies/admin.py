from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.policies.models import Clause, PolicyAttachment, PolicyDocument, PolicyLink, Simulation

# Documents and clauses are edited on the policy pages, where the rule is checked and the search
# index kept; the admin shows them read-only for support.


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyDocument)
class DocumentAdmin(ReadOnly):
    list_display = ("title", "doc_number", "issuer", "level", "status", "version", "published_on")
    list_filter = ("level", "status")
    search_fields = ("title", "doc_number", "issuer")


@admin.register(Clause)
class ClauseAdmin(ReadOnly):
    list_display = ("title", "document", "benefit_type", "mode", "status", "opens_on", "closes_on", "budget")
    list_filter = ("benefit_type", "mode", "status")
    search_fields = ("title", "document__title")
    list_select_related = ("document",)


@admin.register(PolicyLink)
class LinkAdmin(ReadOnly):
    list_display = ("measure", "upper", "upper_clause", "upper_version", "reviewed_at")
    list_select_related = ("measure", "upper")


@admin.register(PolicyAttachment)
class AttachmentAdmin(ReadOnly):
    list_display = ("name", "document", "size", "uploaded_at")


@admin.register(Simulation)
class SimulationAdmin(admin.ModelAdmin):
    list_display = ("title", "clause", "clause_version", "enterprise_count", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False
