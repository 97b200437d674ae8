from django.contrib import admin

from luoshi.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "cause", "created_at", "read_at", "email_status")
    list_filter = ("email_status",)
    search_fields = ("title", "cause", "recipient__username")
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False
