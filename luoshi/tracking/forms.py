from django import forms


class OverrideForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="单日可不填",
    )
    kind = forms.ChoiceField(label="安排", choices=[("off", "放假"), ("work", "调休上班")])
    note = forms.CharField(label="说明", max_length=100, required=False, help_text="如：春节")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("结束日期不能早于开始日期。")
            if (end - start).days > 31:
                raise forms.ValidationError("一次最多录入31天，请分段录入。")
        return data
