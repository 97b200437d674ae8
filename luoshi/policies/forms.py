"""Forms of the policy pages: they validate shape; services decide what is allowed."""

from __future__ import annotations

from django import forms

from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit
from luoshi.policies.choices import BenefitType, DocumentStatus, Level
from luoshi.policies.models import Clause, PolicyDocument

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _departments():
    return Unit.objects.filter(is_active=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.GOVERNMENT]).order_by("path")


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部"), *Level.choices])
    issuer = forms.CharField(label="发文机关", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *DocumentStatus.choices])
    benefit_type = forms.ChoiceField(label="支持方式", required=False, choices=[("", "全部"), *BenefitType.choices])
    department = UnitChoice(label="审核部门", required=False, queryset=Unit.objects.none(), empty_label="全部")
    open_now = forms.BooleanField(label="正在申报", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only departments that review some clause: a short list, not the whole directory.
        self.fields["department"].queryset = Unit.objects.filter(clauses__isnull=False).distinct().order_by("path")


class DocumentForm(forms.ModelForm):
    issuer_unit = UnitChoice(label="维护单位", required=False, queryset=Unit.objects.none(), empty_label="（无）")

    class Meta:
        model = PolicyDocument
        fields = [
            "title",
            "doc_number",
            "issuer",
            "issuer_unit",
            "level",
            "status",
            "published_on",
            "effective_on",
            "expires_on",
            "summary",
            "full_text",
            "budget",
        ]
        widgets = {
            "published_on": DATE,
            "effective_on": DATE,
            "expires_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "full_text": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = _departments()
        self.fields["issuer_unit"].help_text = "本区负责维护此文件的单位；其政策审核员可以修改。"


class ClauseForm(forms.ModelForm):
    department = UnitChoice(label="审核部门", required=False, queryset=Unit.objects.none(), empty_label="（未指定）")
    budget = forms.DecimalField(label="预算（元）", required=False, min_value=0, max_digits=16, decimal_places=2)

    class Meta:
        model = Clause
        fields = [
            "number",
            "title",
            "benefit_type",
            "mode",
            "department",
            "status",
            "window_kind",
            "opens_on",
            "closes_on",
            "budget",
            "figure_year",
            "rule",
            "amount_formula",
            "text",
            "materials",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "rule": forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"}),
            "amount_formula": forms.TextInput(attrs={"spellcheck": "false", "class": "code"}),
            "text": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class LinkForm(forms.Form):
    upper = forms.ModelChoiceField(label="上级政策", queryset=PolicyDocument.objects.none())
    measure_clause = forms.ModelChoiceField(label="本级条款", required=False, queryset=Clause.objects.none())
    upper_clause = forms.CharField(label="对应上级条款", required=False, max_length=200)
    note = forms.CharField(label="承接说明", required=False, max_length=300)

    def __init__(self, *args, measure: PolicyDocument, uppers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upper"].queryset = uppers
        self.fields["measure_clause"].queryset = measure.clauses.all()


class SimulationForm(forms.Form):
    """Up to three variants of one clause: a rule, an amount formula and a budget each."""

    title = forms.CharField(label="测算名称", max_length=200, required=False)
    figure_year = forms.IntegerField(label="数据年度", min_value=2000, max_value=2100)
    VARIANTS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.VARIANTS):
            required = i == 0
            self.fields[f"label_{i}"] = forms.CharField(label="方案名称", max_length=40, required=False)
            self.fields[f"rule_{i}"] = forms.CharField(
                label="申报条件",
                required=required,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"}),
            )
            self.fields[f"amount_{i}"] = forms.CharField(
                label="支持金额", required=False, max_length=500, widget=forms.TextInput(attrs={"class": "code"})
            )
            self.fields[f"budget_{i}"] = forms.DecimalField(
                label="预算（元）", required=False, min_value=0, max_digits=16, decimal_places=2
            )

    def variants(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for i in range(self.VARIANTS):
            rule = (data.get(f"rule_{i}") or "").strip()
            if not rule:
                continue
            out.append(
                {
                    "label": (data.get(f"label_{i}") or "").strip() or f"方案{'一二三'[i]}",
                    "rule": rule,
                    "amount": (data.get(f"amount_{i}") or "").strip(),
                    "budget": data.get(f"budget_{i}"),
                    "index": i,
                }
            )
        return out

    def rows(self):
        return [
            (self[f"label_{i}"], self[f"rule_{i}"], self[f"amount_{i}"], self[f"budget_{i}"])
            for i in range(self.VARIANTS)
        ]


__all__ = ["ClauseForm", "DocumentForm", "LinkForm", "SearchForm", "SimulationForm"]


class NoticeForm(forms.Form):
    """A policy notice's text, pasted or uploaded, to propose its clauses."""

    text = forms.CharField(
        label="政策原文（粘贴）", required=False, max_length=2_000_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    file = forms.FileField(label="或上传文件（.txt .docx .pdf）", required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴政策原文或上传文件。")
        return data


class ProposedClauseForm(forms.Form):
    include = forms.BooleanField(label="导入", required=False, initial=True)
    title = forms.CharField(label="条款名称", max_length=200)
    benefit_type = forms.ChoiceField(label="支持方式", choices=BenefitType.choices)
    text = forms.CharField(label="条款原文", widget=forms.Textarea(attrs={"rows": 3}))
    rule = forms.CharField(
        label="申报条件（建议）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "code", "spellcheck": "false"}),
    )
    amount_formula = forms.CharField(
        label="支持金额（建议）", required=False, max_length=500, widget=forms.TextInput(attrs={"class": "code"})
    )
    conditions = forms.CharField(widget=forms.HiddenInput, required=False)


ProposedClauseFormSet = forms.formset_factory(ProposedClauseForm, extra=0, max_num=100)
