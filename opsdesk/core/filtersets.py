"""FilterSets of the core app: one FilterSet serves the list page and its export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Region, Store, User


def _scoped_regions(request):
    return Region.objects.for_user(request.user) if request else Region.objects.none()


def _scoped_stores(request):
    return Store.objects.for_user(request.user) if request else Store.objects.none()


class SearchFilterSet(django_filters.FilterSet):
    """Adds a free-text `q` over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    role = django_filters.ChoiceFilter(choices=RoleChoices.choices, label=_("角色"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]
