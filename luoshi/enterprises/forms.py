"""Forms of the enterprise pages. ``EnterpriseFilterForm`` is the one filter definition shared by the
directory page, its Excel export and the API."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from luoshi import codes
from luoshi.cases.models import CaseType
from luoshi.enterprises.choices import FigureSource, SizeClass
from luoshi.enterprises.models import ChainNode, EnterpriseTag
from luoshi.org.choices import Role, UnitKind
from luoshi.org.models import Unit, User

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"required": False, "max_digits": 16, "decimal_places": 2}
MAX_DEMANDS = 3


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label="企业", required=False, max_length=200)
    town = forms.ModelChoiceField(
        label="镇街",
        queryset=Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "path"),
        required=False,
        empty_label="全部镇街",
    )
    industry = forms.CharField(
        label="行业", required=False, max_length=5, help_text="门类字母或2—4位行业代码，如 C、34、3411"
    )
    tag = forms.ModelChoiceField(
        label="标签", queryset=EnterpriseTag.objects.all(), required=False, empty_label="全部标签"
    )
    chain = forms.ModelChoiceField(
        label="产业链", queryset=ChainNode.objects.all(), required=False, empty_label="全部产业链"
    )
    size = forms.ChoiceField(
        label="规模",
        required=False,
        choices=[("", "全部规模"), *((v, label) for v, label in SizeClass.choices if v)],
    )
    above_scale = forms.BooleanField(label="只看规上", required=False)

    def clean_industry(self) -> str:
        text = (self.cleaned_data.get("industry") or "").strip()
        if not text:
            return ""
        try:
            # The standard's own normalisation: upper case, a matching section prefix dropped.
            return codes.lookup(text).code
        except codes.UnknownIndustry as exc:
            raise forms.ValidationError(str(exc)) from None


def industry_options() -> list[tuple[str, str]]:
    """Sections and divisions, for the filter's suggestion list."""
    options = []
    for section in codes.sections():
        options.append((section.code, f"门类 {section.name}"))
        options.extend((code, codes.division(code).name) for code in section.divisions)
    return options


class FiguresForm(forms.Form):
    """One year's figures (万元). Negative amounts and impossible years are refused by the service."""

    year = forms.IntegerField(label="年度")
    revenue = forms.DecimalField(label="营业收入（万元）", **MONEY)
    rd_expense = forms.DecimalField(label="研发费用（万元）", **MONEY)
    employees = forms.IntegerField(label="从业人员（人）", required=False)
    total_assets = forms.DecimalField(label="资产总额（万元）", **MONEY)
    tax_paid = forms.DecimalField(label="纳税额（万元）", **MONEY)
    industrial_output = forms.DecimalField(label="工业总产值（万元）", **MONEY)
    exports = forms.DecimalField(label="出口额（万元）", **MONEY)
    source = forms.ChoiceField(label="数据来源", choices=FigureSource.choices, initial=FigureSource.SELF)
    verified = forms.BooleanField(label="已核实", required=False)

    FIGURES = ("revenue", "rd_expense", "employees", "total_assets", "tax_paid", "industrial_output", "exports")

    def __init__(self, *args, may_verify: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_verify:
            # Only a registrar records figures from the statistics or tax office, or marks them checked.
            del self.fields["source"]
            del self.fields["verified"]
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)

    def figures(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIGURES}


def commissioners() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            grants__role=Role.COMMISSIONER,
            grants__revoked_at__isnull=True,
            grants__unit__is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


class AssignForm(forms.Form):
    commissioner = forms.ModelChoiceField(label="服务专员", queryset=User.objects.none(), empty_label="请选择")
    reason = forms.CharField(label="调整原因", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners()


class PlanVisitForm(forms.Form):
    planned_on = forms.DateField(label="计划日期", widget=DATE)
    visitors = forms.CharField(label="走访人员", required=False, max_length=200)


class RecordVisitForm(forms.Form):
    """A visit's findings and up to three demands raised; each demand opens a case."""

    visited_on = forms.DateField(label="走访日期", widget=DATE)
    findings = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 3}))
    visitors = forms.CharField(label="走访人员", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = CaseType.objects.all()
        for i in range(1, MAX_DEMANDS + 1):
            self.fields[f"demand{i}_type"] = forms.ModelChoiceField(
                label=f"诉求{i}类型", queryset=types, required=False, empty_label="无"
            )
            self.fields[f"demand{i}_title"] = forms.CharField(label=f"诉求{i}", required=False, max_length=200)
            self.fields[f"demand{i}_description"] = forms.CharField(
                label=f"诉求{i}具体内容", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())

    def main_fields(self) -> list:
        return [self["visited_on"], self["findings"], self["visitors"]]

    def demand_rows(self) -> list[tuple]:
        return [
            (self[f"demand{i}_type"], self[f"demand{i}_title"], self[f"demand{i}_description"])
            for i in range(1, MAX_DEMANDS + 1)
        ]

    def clean(self):
        data = super().clean()
        demands = []
        for i in range(1, MAX_DEMANDS + 1):
            case_type = data.get(f"demand{i}_type")
            title = (data.get(f"demand{i}_title") or "").strip()
            description = (data.get(f"demand{i}_description") or "").strip()
            if not (case_type or title or description):
                continue
            if not (case_type and title and description):
                self.add_error(f"demand{i}_title", f"诉求{i}请同时填写类型、诉求和具体内容，或全部留空。")
                continue
            demands.append({"case_type": case_type, "title": title, "description": description})
        data["demands"] = demands
        return data


class CaseForm(forms.Form):
    case_type = forms.ModelChoiceField(label="类型", queryset=CaseType.objects.all(), empty_label="请选择")
    title = forms.CharField(label="诉求", max_length=200)
    description = forms.CharField(label="具体内容", widget=forms.Textarea(attrs={"rows": 3}))
