"""Forms of the ledger. ``TaskFilterForm`` is the one filter definition shared by the list page,
the API and the Excel export."""

from __future__ import annotations

import uuid

from django import forms

from luoshi.ledger.choices import FILTER_UNIT_KINDS, Cadence, Priority, SourceKind, TargetKind
from luoshi.ledger.models import AreaTag, Source
from luoshi.org.models import Unit
from luoshi.tracking.choices import Colour, Status

DATE = forms.DateInput(attrs={"type": "date"})


class TaskFilterForm(forms.Form):
    """Validation accepts any unit and any source (a unit outside the user's scope simply matches
    nothing); the page offers only what is worth choosing, so a municipality with thousands of units
    and sources renders a few dozen options, not thousands: see ``offer``."""

    q = forms.CharField(label="关键词", required=False, max_length=50)
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.filter(kind__in=FILTER_UNIT_KINDS),
        required=False,
        empty_label="全部单位",
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Status.choices])
    colour = forms.ChoiceField(label="颜色", required=False, choices=[("", "全部"), *Colour.choices])
    area = forms.ModelChoiceField(label="领域", queryset=AreaTag.objects.all(), required=False, empty_label="全部领域")
    source = forms.ModelChoiceField(label="来源", queryset=Source.objects.all(), required=False, empty_label="全部来源")
    due_from = forms.DateField(label="时限自", required=False, widget=DATE)
    due_to = forms.DateField(label="时限至", required=False, widget=DATE)
    open_only = forms.BooleanField(label="只看未销号", required=False)
    top_only = forms.BooleanField(label="只看重点任务（顶层）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("due_from") and data.get("due_to") and data["due_to"] < data["due_from"]:
            raise forms.ValidationError("时限范围的结束日期不能早于开始日期。")
        return data

    def offer(self, choices) -> None:
        """Render these choices (``queries.FilterChoices``); the chosen unit and source are always
        among them."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        units, sources = list(choices.units), list(choices.sources)
        if data.get("unit") is not None and data["unit"].pk not in {pk for pk, _ in units}:
            units.append((data["unit"].pk, data["unit"].display_name))
        if data.get("source") is not None and data["source"].pk not in {pk for pk, _ in sources}:
            sources.append((data["source"].pk, data["source"].title))
        self.fields["unit"].widget.choices = [("", "全部单位"), *units]
        self.fields["source"].widget.choices = [("", "全部来源"), *sources]
        self.fields["area"].widget.choices = [("", "全部领域"), *choices.areas]


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=300)
    code = forms.CharField(label="编号", max_length=30, required=False)
    description = forms.CharField(label="具体要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.filter(is_active=True))
    co_units = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    source = forms.ModelChoiceField(label="来源", queryset=Source.objects.all(), required=False)
    start_date = forms.DateField(label="开始日期", widget=DATE)
    due_date = forms.DateField(label="完成时限", required=False, widget=DATE)
    due_workdays = forms.IntegerField(
        label="或：开始后N个工作日内完成",
        required=False,
        min_value=1,
        max_value=2000,
        help_text="按法定工作日计算（含调休）",
    )
    cadence = forms.ChoiceField(label="报送频次", choices=Cadence.choices, initial=Cadence.MONTHLY)
    priority = forms.TypedChoiceField(label="优先级", choices=Priority.choices, coerce=int, initial=Priority.NORMAL)
    areas = forms.CharField(label="领域", required=False, help_text="多个用、分隔，如：工业、开放")

    def clean(self):
        data = super().clean()
        if not data.get("due_date") and not data.get("due_workdays"):
            raise forms.ValidationError("请填写完成时限，或填写开始后多少个工作日内完成。")
        return data


class ReportForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label="存在问题及需协调事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    unit = forms.ModelChoiceField(label="报送单位", queryset=Unit.objects.none(), empty_label=None)
    # A fresh key per rendered form: a double click or a browser retry stores one report.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="里程碑", max_length=200)
    due_date = forms.DateField(label="计划完成", widget=DATE)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE)
    evidence = forms.CharField(label="完成佐证", widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "采纳"), ("return", "退回")])
    note = forms.CharField(label="审核意见", required=False, max_length=500)


class EvaluationForm(forms.Form):
    score = forms.DecimalField(label="评分", min_value=0, max_value=100, decimal_places=1)
    comment = forms.CharField(label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorValueForm(forms.Form):
    period_end = forms.DateField(label="期末", widget=DATE)
    value = forms.DecimalField(label="累计值", required=False, decimal_places=2, max_digits=16)
    growth = forms.DecimalField(label="同比增长（%）", required=False, decimal_places=2, max_digits=8)
    note = forms.CharField(label="说明", required=False, max_length=300)


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")
    source = forms.ModelChoiceField(label="任务来源", queryset=Source.objects.all(), required=False)


# --- intake: a document read into a draft ledger ---------------------------------------------------


def _steering_units():
    kinds = ["party", "government", "department", "town"]
    return Unit.objects.filter(is_active=True, kind__in=kinds).order_by("path")


class IntakeForm(forms.Form):
    title = forms.CharField(label="会议或文件名称", max_length=200)
    held_on = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类别", choices=SourceKind.choices, initial=SourceKind.MEETING)
    text = forms.CharField(
        label="正文（粘贴）", required=False, max_length=2_000_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    file = forms.FileField(label="或上传文件（.txt .docx .pdf）", required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴正文或上传文件。")
        return data


class DraftTaskForm(forms.Form):
    include = forms.BooleanField(label="导入", required=False, initial=True)
    ref = forms.CharField(widget=forms.HiddenInput, max_length=20)
    parent = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    key = forms.BooleanField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="任务", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    due_date = forms.DateField(label="完成时限", required=False, widget=DATE)
    cadence = forms.ChoiceField(label="报送频次", choices=Cadence.choices, initial=Cadence.MONTHLY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _steering_units()
        self.fields["lead_unit"].label_from_instance = lambda u: u.display_name


class DraftIndicatorForm(forms.Form):
    include = forms.BooleanField(label="导入", required=False, initial=True)
    name = forms.CharField(label="指标", max_length=100)
    target = forms.DecimalField(label="目标值", max_digits=16, decimal_places=4)
    measure = forms.CharField(label="单位", max_length=20, required=False)
    target_kind = forms.ChoiceField(label="目标类型", choices=TargetKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = _steering_units()
        self.fields["owner_unit"].label_from_instance = lambda u: u.display_name


class DraftProjectForm(forms.Form):
    include = forms.BooleanField(label="入库", required=False, initial=True)
    name = forms.CharField(label="项目", max_length=200)
    project_type = forms.ChoiceField(
        label="类型",
        choices=[
            ("industry", "产业"),
            ("infrastructure", "基础设施"),
            ("urban_renewal", "城市更新"),
            ("social", "社会民生"),
        ],
    )
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _steering_units()
        self.fields["lead_unit"].label_from_instance = lambda u: u.display_name


DraftProjectFormSet = forms.formset_factory(DraftProjectForm, extra=0, max_num=200)
DraftTaskFormSet = forms.formset_factory(DraftTaskForm, extra=0, max_num=400)
DraftIndicatorFormSet = forms.formset_factory(DraftIndicatorForm, extra=0, max_num=100)
