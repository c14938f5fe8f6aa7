"""Forms of the purchasing app: choices come from the user's scope only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import Product
from opsdesk.core.models import Store
from opsdesk.purchasing.choices import RejectionReasonChoices
from opsdesk.purchasing.models import PurchaseOrder, Supplier


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
