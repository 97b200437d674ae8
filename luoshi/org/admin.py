from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from luoshi.org import services
from luoshi.org.models import ApiToken, Person, RoleGrant, Unit, UnitAlias, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    fieldsets = (*BaseUserAdmin.fieldsets, ("落实", {"fields": ("full_name",)}))


class AliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "parent", "area_code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "aliases__alias")
    readonly_fields = ("path", "depth")
    inlines = [AliasInline]
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        # Through the service, so the subtree's paths move with a new parent.
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
        if change:
            services.update_unit(request.user, Unit.objects.get(pk=obj.pk), **fields)
        else:
            created = services.create_unit(
                request.user,
                name=obj.name,
                kind=obj.kind,
                parent=obj.parent,
                short_name=obj.short_name,
                area_code=obj.area_code,
                sort_order=obj.sort_order,
            )
            obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "title", "unit", "user", "is_active")
    search_fields = ("name", "title", "unit__name")
    autocomplete_fields = ("unit", "user")


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "include_subunits", "granted_at", "revoked_at")
    list_filter = ("role", "include_subunits")
    search_fields = ("user__username", "user__full_name", "unit__name")
    autocomplete_fields = ("user", "unit")
    readonly_fields = ("granted_by", "granted_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        grant = services.grant_role(
            request.user, user=obj.user, role=obj.role, unit=obj.unit, include_subunits=obj.include_subunits
        )
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        # Grants are revoked, never deleted: past decisions name them.
        services.revoke_grant(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.revoked_at is None


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("name", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens are issued by their owner on the API令牌 page, shown once
