"""FilterSets of the sales app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.sales.models import Promotion


class PromotionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("某日有效"),
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Promotion
        fields = ["q", "active_on", "category"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)
