from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luoshi import codes
from luoshi.core.audit import stamp
from luoshi.core.errors import DomainError
from luoshi.enterprises import services
from luoshi.enterprises.models import ChainNode, Enterprise, EnterpriseTag


class EnterpriseAdminForm(forms.ModelForm):
    """The same checks as the service: a valid 统一社会信用代码 and a GB/T 4754 industry code."""

    # Registers often write the section letter first (C3411); the code stored is the 4 digits.
    industry_code = forms.CharField(label="行业代码", max_length=5, help_text="GB/T 4754-2017，如 3411 或 C3411")

    class Meta:
        model = Enterprise
        fields = (
            "uscc",
            "name",
            "industry_code",
            "town",
            "unit",
            "founded_on",
            "registered_capital",
            "address",
            "legal_representative",
            "contact_phone",
            "chain",
            "tags",
        )

    def clean_uscc(self):
        try:
            return services.check_uscc(self.cleaned_data.get("uscc", ""))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_industry_code(self):
        try:
            code = services.check_industry(self.cleaned_data.get("industry_code", ""))[0]
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return codes.lookup(code).code  # C3411 → 3411


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    form = EnterpriseAdminForm
    list_display = ("name", "uscc", "industry_code", "town", "size_class", "above_scale")
    list_filter = ("above_scale", "size_class", "tags", "chain")
    search_fields = ("name", "uscc")
    autocomplete_fields = ("town", "unit")
    filter_horizontal = ("tags",)
    # Derived by the codes kernel from the latest year's figures and the industry code.
    readonly_fields = ("industry_name", "sector", "size_class", "size_reason", "above_scale", "scale_reason")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            # Through the service; the tags chosen on the form are set by save_related afterwards.
            created = services.register_enterprise(
                request.user,
                uscc=data["uscc"],
                name=data["name"],
                industry_code=data["industry_code"],
                town=data.get("town"),
                founded_on=data.get("founded_on"),
                registered_capital=data.get("registered_capital"),
                address=data.get("address") or "",
                legal_representative=data.get("legal_representative") or "",
                contact_phone=data.get("contact_phone") or "",
                chain=data.get("chain"),
            )
            if data.get("unit"):
                Enterprise.objects.filter(pk=created.pk).update(unit=data["unit"])
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        # There is no editing service yet: keep the derived fields consistent with the industry code.
        _, obj.industry_name, obj.sector = services.check_industry(obj.industry_code)
        stamp(obj, request.user, "后台修改")
        obj.save()
        services.derive(obj)


@admin.register(EnterpriseTag)
class EnterpriseTagAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")
    search_fields = ("name",)


@admin.register(ChainNode)
class ChainNodeAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "sort_order")
    list_filter = ("parent",)
    search_fields = ("name",)
