"""Forms of the purchasing app: choices come from the user's scope only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import Product
from opsdesk.core.models import Store
from opsdesk.purchasing.choices import RejectionReasonChoices
from opsdesk.purchasing.models import Contract, PurchaseOrder, Supplier


class PurchaseOrderForm(forms.ModelForm):
    """A purchase order by hand: supplier, store, expected date and notes (lines follow on the order page)."""

    class Meta:
        model = PurchaseOrder
        fields = ["supplier", "store", "expected_date", "notes"]
        widgets = {"expected_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_user(user).exclude(status="blocked")
        self.fields["store"].queryset = Store.objects.for_user(user)


class LineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("商品"))
    quantity = forms.DecimalField(label=_("数量"), min_value=0.001, decimal_places=3)
    unit_price = forms.DecimalField(label=_("单价"), required=False, min_value=0, decimal_places=4,
                                    help_text=_("留空则使用合同价"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_user(user).order_by("sku")


class LineUpdateForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("数量"), min_value=0.001, decimal_places=3)
    unit_price = forms.DecimalField(label=_("单价"), min_value=0, decimal_places=4)


class ReceiptForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("收货日期"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity_received = forms.DecimalField(label=_("到货数量"), min_value=0.001, decimal_places=3)
    quantity_rejected = forms.DecimalField(label=_("拒收数量"), min_value=0, decimal_places=3, required=False)
    rejection_reason = forms.ChoiceField(label=_("拒收原因"), required=False,
                                         choices=[("", "—"), *RejectionReasonChoices.choices])
    photo = forms.ImageField(label=_("照片"), required=False)


class ConfirmForm(forms.Form):
    promised_date = forms.DateField(label=_("承诺到货日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ContractForm(forms.ModelForm):
    """A contract with a supplier of the user's company."""

    class Meta:
        model = Contract
        fields = ["supplier", "code", "title", "starts_on", "ends_on", "status"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_user(user)

    def validate_unique(self) -> None:
        """The company is set by the service (unique code per company is checked there by full_clean)."""


class ContractPriceForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("商品"))
    unit_price = forms.DecimalField(label=_("合同单价"), min_value=0, decimal_places=4)
    valid_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    min_order_quantity = forms.IntegerField(label=_("最小起订量"), min_value=1, initial=1)
    pack_size = forms.IntegerField(label=_("箱规"), min_value=1, initial=1)
    lead_time_days = forms.IntegerField(label=_("承诺交期（天）"), min_value=0, initial=3)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_user(user).order_by("sku")
