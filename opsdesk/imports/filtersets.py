"""FilterSets of the imports app (list page and export)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.imports.choices import BatchStatusChoices, ImportKindChoices
from opsdesk.imports.models import ImportBatch, MappingProfile


class ImportBatchFilterSet(SearchFilterSet):
    search_fields = ("file__original_name", "file__sha256", "message")
    kind = django_filters.ChoiceFilter(choices=ImportKindChoices.choices, label=_("导入类型"))
    status = django_filters.ChoiceFilter(choices=BatchStatusChoices.choices, label=_("状态"))

    class Meta:
        model = ImportBatch
        fields = ["q", "kind", "status"]


class MappingProfileFilterSet(SearchFilterSet):
    search_fields = ("name", "source")
    kind = django_filters.ChoiceFilter(choices=ImportKindChoices.choices, label=_("导入类型"))

    class Meta:
        model = MappingProfile
        fields = ["q", "kind"]
