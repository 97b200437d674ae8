"""Forms of the projects. ``ProjectFilterForm`` and ``FundFilterForm`` are the one filter definition
each list shares with its board, the API and the Excel export."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit
from luoshi.projects.choices import (
    POOL,
    Channel,
    FundLevel,
    FundState,
    KeyLevel,
    Maturity,
    MilestoneKind,
    ProjectType,
    Stage,
)
from luoshi.projects.models import Project
from luoshi.tracking.choices import Colour, Status

DATE = forms.DateInput(attrs={"type": "date"})
GOVERNMENT = [UnitKind.PARTY, UnitKind.GOVERNMENT, UnitKind.DEPARTMENT, UnitKind.TOWN]


def _amount(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=14, decimal_places=2, help_text="万元"
    )


def _units():
    return Unit.objects.filter(is_active=True, kind__in=GOVERNMENT)


def _towns():
    return Unit.objects.filter(is_active=True, kind=UnitKind.TOWN)


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    project_type = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *ProjectType.choices])
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部阶段"), *Stage.choices])
    key_level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别"), *KeyLevel.choices])
    unit = forms.ModelChoiceField(label="牵头单位", queryset=_units(), required=False, empty_label="全部单位")
    town = forms.ModelChoiceField(label="镇街", queryset=_towns(), required=False, empty_label="全部镇街")
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Status.choices])
    colour = forms.ChoiceField(label="颜色", required=False, choices=[("", "全部"), *Colour.choices])
    include_withdrawn = forms.BooleanField(label="含已出库", required=False)


class ProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    code = forms.CharField(label="项目编号", max_length=30, required=False)
    project_type = forms.ChoiceField(label="项目类型", choices=ProjectType.choices)
    stage = forms.ChoiceField(label="建设阶段", choices=Stage.choices, initial=Stage.PLANNING)
    key_level = forms.ChoiceField(label="项目级别", choices=KeyLevel.choices, initial=KeyLevel.DISTRICT)
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=_units())
    owner = forms.CharField(
        label="业主单位", max_length=200, required=False, help_text="企业名录中的企业会自动关联，其他业主照填名称"
    )
    town = forms.ModelChoiceField(label="所在镇街", queryset=_towns(), required=False)
    total_investment = _amount("总投资")
    invested_before = _amount("以前年度累计完成投资", required=False)
    start_date = forms.DateField(label="计划开工", required=False, widget=DATE)
    end_date = forms.DateField(label="计划竣工", required=False, widget=DATE)
    maturity = forms.ChoiceField(label="前期工作深度", required=False, choices=[("", "—"), *Maturity.choices])
    channel = forms.ChoiceField(label="资金渠道", required=False, choices=[("", "—"), *Channel.choices])
    description = forms.CharField(label="建设内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pool_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if pool_only:
            # A unit's reporter proposes projects for the reserve; supervisors register the rest.
            self.fields["stage"].choices = [(s, Stage(s).label) for s in POOL]

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            raise forms.ValidationError("计划竣工不能早于计划开工。")
        return data


class ReportForm(forms.Form):
    period = forms.ChoiceField(label="月份")
    amount = _amount("本月完成投资")
    progress = forms.CharField(label="形象进度", widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(f"{y}-{m:02d}", label) for y, m, label in months]

    def clean_period(self) -> tuple[int, int]:
        year, month = self.cleaned_data["period"].split("-")
        return int(year), int(month)


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    amount = _amount("年度计划投资")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            self.fields[f"m{month}"] = _amount(f"{month}月", required=False)
        self.initial.setdefault("year", timezone.localdate().year)

    def months(self) -> list | None:
        """The twelve monthly amounts, or None when none was given (spread the year evenly)."""
        values = [self.cleaned_data.get(f"m{m}") for m in range(1, 13)]
        return None if all(v is None for v in values) else [v or 0 for v in values]

    def month_fields(self):
        return [self[f"m{m}"] for m in range(1, 13)]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="转为")
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage(s).label) for s in stages]
        self.initial.setdefault("on", timezone.localdate())


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="出库原因", max_length=300)


class ReopenForm(forms.Form):
    period = forms.RegexField(label="月份", regex=r"^\d{4}-\d{2}$", widget=forms.TextInput(attrs={"type": "month"}))
    reason = forms.CharField(label="原因", max_length=300)

    def clean_period(self) -> tuple[int, int]:
        year, month = self.cleaned_data["period"].split("-")
        if not 1 <= int(month) <= 12:
            raise forms.ValidationError("请选择有效的月份。")
        return int(year), int(month)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=MilestoneKind.choices)
    title = forms.CharField(label="节点", max_length=200, required=False, help_text="不填按类别命名")
    due_date = forms.DateField(label="计划完成", required=False, widget=DATE)
    due_workdays = forms.IntegerField(
        label="或：自今日起N个工作日内", required=False, min_value=1, max_value=2000, help_text="按法定工作日计算"
    )

    def clean(self):
        data = super().clean()
        if not data.get("due_date") and not data.get("due_workdays"):
            raise forms.ValidationError("请填写计划完成日期，或多少个工作日内完成。")
        return data


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE)
    evidence = forms.CharField(label="完成佐证", widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(forms.Form):
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(
        label="需协调单位", queryset=_units(), required=False, help_text="需要其他单位办理时选择，将生成诉求交办"
    )


class EscalateForm(forms.Form):
    unit = forms.ModelChoiceField(label="交办单位", queryset=_units())


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="解决情况", widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoForm(forms.Form):
    files = forms.FileField(
        label="照片", widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"}), required=False
    )
    caption = forms.CharField(label="说明", max_length=200, required=False)
    taken_on = forms.DateField(label="拍摄日期", required=False, widget=DATE)


# --- funds ---------------------------------------------------------------------------------


class FundFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部渠道"), *Channel.choices])
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部"), *FundLevel.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *FundState.choices])
    unit = forms.ModelChoiceField(label="申报单位", queryset=_units(), required=False, empty_label="全部单位")


class FundForm(forms.Form):
    title = forms.CharField(label="申报事项", max_length=200)
    channel = forms.ChoiceField(label="资金渠道", choices=Channel.choices)
    level = forms.ChoiceField(label="层级", choices=FundLevel.choices)
    applying_unit = forms.ModelChoiceField(label="申报单位", queryset=Unit.objects.none())
    project = forms.ModelChoiceField(label="关联项目", queryset=Project.objects.none(), required=False)
    amount_applied = _amount("申报金额")
    applied_on = forms.DateField(label="申报日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applying_unit"].queryset = units if units is not None else _units()
        if projects is not None:
            self.fields["project"].queryset = projects
        self.initial.setdefault("applied_on", timezone.localdate())


class ApproveForm(forms.Form):
    amount_approved = _amount("批复金额")
    approved_on = forms.DateField(label="批复日期", widget=DATE)
    note = forms.CharField(label="批复文号或说明", max_length=200, required=False)


class RejectForm(forms.Form):
    note = forms.CharField(label="原因", max_length=300)


class ReceiptForm(forms.Form):
    amount = _amount("到位金额")
    received_on = forms.DateField(label="到位日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=300, required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    amount = _amount("争取资金目标")
    note = forms.CharField(label="说明", max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="项目台账（.xlsx）")
    year = forms.IntegerField(label="投资计划年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)
