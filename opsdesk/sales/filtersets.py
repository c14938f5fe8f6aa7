"""FilterSets of the sales app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import ProductCategory
from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.sales.models import Promotion


def _scoped_categories(request):
    return ProductCategory.objects.for_user(request.user) if request else ProductCategory.objects.none()


class PromotionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("某日有效"),
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    category = django_filters.ModelChoiceFilter(queryset=_scoped_categories, label=_("品类"))

    class Meta:
        model = Promotion
        fields = ["q", "active_on", "category"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)
