"""Forms of the redemption pages: they check shape; services decide what is allowed."""

from __future__ import annotations

import secrets

from django import forms

from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit


class AccountForm(forms.Form):
    """The receiving account: where the money goes, in the enterprise's own name."""

    bank_name = forms.CharField(label="开户银行", max_length=100)
    bank_account = forms.CharField(label="银行账号", max_length=40)
    account_holder = forms.CharField(label="账户名称", max_length=200, help_text="须为企业全称。")
    contact = forms.CharField(label="联系人及电话", max_length=100)


class MaterialForm(forms.Form):
    name = forms.ChoiceField(label="材料项")
    file = forms.FileField(label="文件")

    def __init__(self, *args, materials: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(m, m) for m in materials]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="操作",
        choices=[
            ("accept", "受理"),
            ("pass", "初审通过"),
            ("approve", "复审通过并核定"),
            ("return", "退回补正"),
            ("reject", "不予支持"),
        ],
    )
    amount = forms.DecimalField(label="核定金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2)
    reason = forms.CharField(
        label="理由或意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    # A fresh key per rendered form: submitting the same form twice is the same request.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = secrets.token_hex(16)


class PayForm(forms.Form):
    reference = forms.CharField(label="支付凭证号", max_length=60)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = secrets.token_hex(16)


class ObjectionForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    contact = forms.CharField(label="联系方式", max_length=50)
    text = forms.CharField(label="异议的事实和理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="核查结论", choices=[("0", "异议不成立"), ("1", "异议成立（不予支持）")], coerce=lambda v: v == "1"
    )
    resolution = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label="企业", required=False, max_length=100)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(
        label="审核部门", required=False, queryset=Unit.objects.none(), empty_label="全部"
    )
    town = forms.ModelChoiceField(label="镇街", required=False, queryset=Unit.objects.none(), empty_label="全部")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Unit.objects.filter(clauses__isnull=False).distinct().order_by("path")
        self.fields["town"].queryset = Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("path")
        for name in ("department", "town"):
            self.fields[name].label_from_instance = lambda u: u.display_name
