from django import forms

from luoshi.cases.choices import Action, CaseState
from luoshi.cases.models import CaseType
from luoshi.org.models import Unit
from luoshi.tracking.choices import Colour

HANDLING_UNITS = Unit.objects.filter(is_active=True, kind__in=["department", "town", "government"])


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *CaseState.choices])
    case_type = forms.ModelChoiceField(
        label="类型", queryset=CaseType.objects.all(), required=False, empty_label="全部类型"
    )
    unit = forms.ModelChoiceField(label="承办单位", queryset=HANDLING_UNITS, required=False, empty_label="全部单位")
    colour = forms.ChoiceField(label="颜色", required=False, choices=[("", "全部"), *Colour.choices])
    open_only = forms.BooleanField(label="只看未办结", required=False)


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices)
    unit = forms.ModelChoiceField(label="承办单位", queryset=HANDLING_UNITS, required=False)
    note = forms.CharField(label="说明", required=False, max_length=2000)
    rating = forms.TypedChoiceField(
        label="满意度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (5, "5 非常满意"), (4, "4 满意"), (3, "3 基本满意"), (2, "2 不满意"), (1, "1 非常不满意")],
    )


class CaseForm(forms.Form):
    case_type = forms.ModelChoiceField(label="诉求类型", queryset=CaseType.objects.all())
    title = forms.CharField(label="诉求", max_length=200)
    description = forms.CharField(label="具体内容", widget=forms.Textarea(attrs={"rows": 4}))
