from django import forms


class UnitSearchForm(forms.Form):
    q = forms.CharField(label="名称或简称", required=False, max_length=50)
    kind = forms.ChoiceField(label="类别", required=False)

    def __init__(self, *args, **kwargs):
        from luoshi.org.choices import UnitKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *UnitKind.choices]


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：统计局数据同步脚本")
    expires_on = forms.DateField(label="到期日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
