"""Forms of the purchasing app: choices come from the user's scope only."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.forms import ScopedModelForm, bootstrap_widgets
from opsdesk.core.models import Store, User
from opsdesk.core.permissions import role_can
from opsdesk.purchasing.choices import RejectionReasonChoices
from opsdesk.purchasing.documents import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES
from opsdesk.purchasing.models import (
    Contract,
    ContractPrice,
    PurchaseOrder,
    Supplier,
    SupplierComplaint,
    SupplierContact,
    SupplierDocument,
)

DATE = {"type": "date"}


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


class ContractForm(ScopedModelForm):
    """A contract with a supplier of the user's company."""

    class Meta:
        model = Contract
        fields = ["supplier", "code", "title", "starts_on", "ends_on", "status", "terms"]
        widgets = {"starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "terms": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_user(user)

    def validate_unique(self) -> None:
        """The company is set by the service (unique code per company is checked there by full_clean)."""


class ContractEditForm(ContractForm):
    """A contract's number, title, period, status and terms (the supplier of a contract does not change)."""

    class Meta(ContractForm.Meta):
        fields = ["code", "title", "starts_on", "ends_on", "status", "terms"]

    def __init__(self, *args, user=None, **kwargs):
        super(ContractForm, self).__init__(*args, user=user, **kwargs)

    def _post_clean(self) -> None:
        """Model validation (overlaps, prices outside the period) runs in the service, against the saved rows."""


class ContractPriceForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("商品"))
    unit_price = forms.DecimalField(label=_("合同单价"), min_value=Decimal("0.0001"), decimal_places=4)
    valid_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    min_order_quantity = forms.IntegerField(label=_("最小起订量"), min_value=1, initial=1)
    pack_size = forms.IntegerField(label=_("箱规"), min_value=1, initial=1)
    lead_time_days = forms.IntegerField(label=_("承诺交期（天）"), min_value=0, initial=3)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_user(user).order_by("sku")


class ContractPriceEditForm(forms.Form):
    """A price line's terms (its SKU stays)."""

    unit_price = forms.DecimalField(label=_("合同单价"), min_value=Decimal("0.0001"), decimal_places=4)
    valid_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    valid_to = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    min_order_quantity = forms.IntegerField(label=_("最小起订量"), min_value=1)
    pack_size = forms.IntegerField(label=_("箱规"), min_value=1)
    lead_time_days = forms.IntegerField(label=_("承诺交期（天）"), min_value=0, max_value=365)

    def __init__(self, *args, instance: ContractPrice | None = None, user=None, **kwargs):
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("截止日期不能早于起始日期。"))
        return data


# ------------------------------------------------------------------------------------------------ suppliers


def _supplier_managers(user):
    users = User.objects.filter(company_id=getattr(user, "company_id", None), is_active=True).order_by("username")
    return users.filter(role__in=[role for role in set(users.values_list("role", flat=True))
                                  if role_can(role, "supplier_management", "view")])


class SupplierForm(ScopedModelForm):
    """A supplier's master data; on creation, optionally its primary contact."""

    contact_name = forms.CharField(label=_("主要联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系人电话"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("联系人邮箱"), required=False,
                                     help_text=_("采购单会发送到这个邮箱。"))

    class Meta:
        model = Supplier
        fields = ["code", "name", "status", "categories", "payment_terms", "lead_time_days", "min_order_value",
                  "responsible", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "categories": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["categories"].queryset = ProductCategory.objects.for_user(user).order_by("code")
        self.fields["responsible"].queryset = _supplier_managers(user)
        if self.instance.pk:  # contacts are edited in the contact book on the supplier page
            for name in ("contact_name", "contact_phone", "contact_email"):
                del self.fields[name]

    def validate_unique(self) -> None:
        """The company is set by the service (unique code per company is checked there by full_clean)."""


class SupplierContactForm(ScopedModelForm):
    class Meta:
        model = SupplierContact
        fields = ["name", "title", "phone", "email", "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def validate_constraints(self) -> None:
        """One primary contact per supplier: the service demotes the previous one."""


def _document_help_text_now() -> str:
    return gettext("PDF 或图片（PNG、JPEG、WebP），不超过 %(mb)d MB。") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}


# Formatted when shown: a lazy string formatted at import time keeps the default language.
_document_help_text = lazy(_document_help_text_now, str)


class SupplierDocumentForm(ScopedModelForm):
    """Upload (or replace) a supplier's document: PDF or image, at most 10 MB."""

    upload = forms.FileField(label=_("文件"), help_text=_document_help_text(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(set(DOCUMENT_TYPES) | {
            "application/pdf", "image/png", "image/jpeg", "image/webp"}))}))

    class Meta:
        model = SupplierDocument
        fields = ["kind", "title", "expires_on", "notes"]
        widgets = {"expires_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            self.fields["upload"].required = False
            self.fields["upload"].help_text = _("留空则保留现有文件。")

    def clean_upload(self):
        from opsdesk.purchasing.documents import validate_supplier_document

        upload = self.cleaned_data.get("upload")
        if upload:
            validate_supplier_document(upload)
        return upload


# ------------------------------------------------------------------------------------------------ returns, complaints


class ReturnForm(forms.Form):
    receipt = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("退货日期"), widget=forms.DateInput(attrs=DATE))
    quantity = forms.DecimalField(label=_("退货数量"), min_value=Decimal("0.001"), decimal_places=3)
    reason = forms.ChoiceField(label=_("原因"), choices=RejectionReasonChoices.choices)
    notes = forms.CharField(label=_("备注"), max_length=300, required=False)


class SupplierComplaintForm(ScopedModelForm):
    """A complaint by hand (store, product) or from a receipt of an order (then product and store are given)."""

    receipt = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SupplierComplaint
        fields = ["store", "product", "date", "severity", "description"]
        widgets = {"date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["store"].queryset = Store.objects.for_user(user).order_by("code")
        self.fields["store"].required = not getattr(user, "has_company_scope", False)
        self.fields["product"].queryset = Product.objects.for_user(user).select_related("supplier").order_by("sku")
        self.fields["product"].required = False
        self.fields["product"].help_text = _("从收货记录登记时自动带出；否则投诉计入商品的主供应商。")

    def _post_clean(self) -> None:
        """The supplier is derived by the service; model validation runs there."""


class ComplaintResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
