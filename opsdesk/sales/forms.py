"""Forms of the sales app."""

from django import forms

from opsdesk.catalog.models import ProductCategory
from opsdesk.core.forms import ScopedModelForm
from opsdesk.core.models import Store
from opsdesk.sales.models import Promotion


class PromotionForm(ScopedModelForm):
    class Meta:
        model = Promotion
        fields = ["code", "name", "start_date", "end_date", "discount_percent", "category", "stores",
                  "promotion_type", "cost"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProductCategory.objects.for_user(self.user)
        self.fields["stores"].queryset = Store.objects.for_user(self.user)
        self.fields["stores"].widget.attrs["size"] = 8
