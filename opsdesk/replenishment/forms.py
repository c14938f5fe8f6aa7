"""Forms of the replenishment app; choice fields list only what the acting user may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import ProductCategory
from opsdesk.core.forms import bootstrap_widgets
from opsdesk.core.models import Store
from opsdesk.purchasing.models import Supplier
from opsdesk.replenishment.choices import ProposalStatusChoices, ReasonChoices, UrgencyChoices
from opsdesk.replenishment.models import ReplenishmentSettings
from opsdesk.replenishment.selectors import SETTINGS_FIELDS, ProposalFilter

_SELECT = {"class": "form-select form-select-sm"}
_INPUT = {"class": "form-control form-control-sm"}


class ProposalFilterForm(forms.Form):
    """Filters of the replenishment page (the same form serves the page, bulk approval and the API)."""

    store = forms.ModelChoiceField(Store.objects.none(), required=False, label=_("门店"),
                                   widget=forms.Select(attrs=_SELECT))
    supplier = forms.ModelChoiceField(Supplier.objects.none(), required=False, label=_("供应商"),
                                      widget=forms.Select(attrs=_SELECT))
    category = forms.ModelChoiceField(ProductCategory.objects.none(), required=False, label=_("品类"),
                                      widget=forms.Select(attrs=_SELECT))
    reason = forms.ChoiceField(choices=[("all", _("全部")), *ReasonChoices.choices], required=False, label=_("原因"),
                               initial=ReasonChoices.BELOW_REORDER_POINT, widget=forms.Select(attrs=_SELECT))
    urgency = forms.ChoiceField(choices=[("", "—"), *UrgencyChoices.choices], required=False, label=_("紧迫度"),
                                widget=forms.Select(attrs=_SELECT))
    status = forms.ChoiceField(choices=[("", "—"), *ProposalStatusChoices.choices], required=False,
                               label=_("状态"), widget=forms.Select(attrs=_SELECT))
    q = forms.CharField(required=False, max_length=64, label=_("商品"), widget=forms.TextInput(attrs=_INPUT))
    sort = forms.ChoiceField(choices=[("urgency", _("最紧迫在前")), ("-urgency", _("最不紧迫在前"))], required=False,
                             label=_("排序"), widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.for_user(user).order_by("code")
        self.fields["supplier"].queryset = Supplier.objects.for_user(user).order_by("code")
        self.fields["category"].queryset = ProductCategory.objects.for_user(user).order_by("code")

    def to_filter(self) -> ProposalFilter:
        """The validated filters (defaults when the form is unbound or invalid: lines to order, most urgent first)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        reason = data.get("reason") or ReasonChoices.BELOW_REORDER_POINT
        return ProposalFilter(
            store=data["store"].pk if data.get("store") else None,
            supplier=data["supplier"].pk if data.get("supplier") else None,
            category=data["category"].pk if data.get("category") else None,
            reason=None if reason == "all" else reason, urgency=data.get("urgency") or None,
            status=data.get("status") or None, q=(data.get("q") or "").strip(),
            descending=data.get("sort") == "-urgency",
        )


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=10_000_000, label=_("订货数量"))


def _number(low: float, high: float, step: str) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": low, "max": high, "step": step})


class ReplenishmentSettingsForm(forms.ModelForm):
    """The company's replenishment policy (the model's validators and clean() give the field errors)."""

    class Meta:
        model = ReplenishmentSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "service_level_a": _number(0.5, 0.9999, "0.0001"),
            "service_level_b": _number(0.5, 0.9999, "0.0001"),
            "service_level_c": _number(0.5, 0.9999, "0.0001"),
            "min_pair_fill_rate": _number(0.5, 0.9999, "0.0001"),
            "review_days": _number(1, 90, "any"),
            "risk_days": _number(1, 60, "1"),
            "overstock_days": _number(7, 730, "any"),
            "dead_days": _number(7, 365, "1"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
