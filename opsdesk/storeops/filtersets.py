"""FilterSets of store operations: one FilterSet serves the list page, its export and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsdesk.core.filtersets import SearchFilterSet, _scoped_regions, _scoped_stores
from opsdesk.storeops.choices import (
    ActionStatusChoices,
    ComplianceKindChoices,
    ItemTopicChoices,
    PriorityChoices,
    RunStatusChoices,
    StockCheckStatusChoices,
    SuggestionStatusChoices,
)
from opsdesk.storeops.models import (
    ChecklistTemplate,
    ComplianceItem,
    CorrectiveAction,
    Finding,
    InspectionRun,
    InspectionSchedule,
    StockCheck,
    TrainingSuggestion,
)
from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES


def _scoped_templates(request):
    return ChecklistTemplate.objects.for_user(request.user) if request else ChecklistTemplate.objects.none()


class StoreScopedFilterSet(SearchFilterSet):
    """Adds store and region filters (choices limited to the user's scope)."""

    store = django_filters.ModelChoiceFilter(queryset=_scoped_stores, label=_("门店"))
    region = django_filters.ModelChoiceFilter(queryset=_scoped_regions, field_name="store__region", label=_("区域"))


class ChecklistTemplateFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "language", "is_active"]


class InspectionScheduleFilterSet(SearchFilterSet):
    search_fields = ("template__name", "store__name", "region__name")
    template = django_filters.ModelChoiceFilter(queryset=_scoped_templates, label=_("检查表"))

    class Meta:
        model = InspectionSchedule
        fields = ["q", "template", "frequency", "is_active"]


class InspectionRunFilterSet(StoreScopedFilterSet):
    search_fields = ("store__name", "store__code", "template_version__template__name", "signed_by_name")
    template = django_filters.ModelChoiceFilter(queryset=_scoped_templates, field_name="template_version__template",
                                                label=_("检查表"))
    status = django_filters.ChoiceFilter(choices=RunStatusChoices.choices, label=_("状态"))
    is_passed = django_filters.BooleanFilter(label=_("合格"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("截止日期从"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("截止日期至"))

    class Meta:
        model = InspectionRun
        fields = ["q", "store", "region", "template", "status", "is_passed", "due_after", "due_before"]


class FindingFilterSet(StoreScopedFilterSet):
    search_fields = ("item__text", "item__code", "description", "store__name")
    topic = django_filters.ChoiceFilter(choices=ItemTopicChoices.choices, field_name="item__topic", label=_("主题"))
    since = django_filters.DateFilter(field_name="created_at__date", lookup_expr="gte", label=_("发现日期从"))

    class Meta:
        model = Finding
        fields = ["q", "store", "region", "topic", "is_critical", "since"]


class CorrectiveActionFilterSet(StoreScopedFilterSet):
    search_fields = ("title", "description", "store__name")
    status = django_filters.ChoiceFilter(choices=ActionStatusChoices.choices, label=_("状态"))
    priority = django_filters.ChoiceFilter(choices=PriorityChoices.choices, label=_("优先级"))
    is_overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我负责的"))

    class Meta:
        model = CorrectiveAction
        fields = ["q", "store", "region", "status", "priority", "is_overdue", "mine"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"status__in": OPEN_ACTION_STATUSES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    def filter_mine(self, queryset, name, value):
        if not value or self.request is None:
            return queryset
        return queryset.filter(owner=self.request.user)


class ComplianceItemFilterSet(StoreScopedFilterSet):
    search_fields = ("name", "reference_no", "holder", "store__name")
    kind = django_filters.ChoiceFilter(choices=ComplianceKindChoices.choices, label=_("类别"))
    expires_before = django_filters.DateFilter(field_name="expiry_date", lookup_expr="lte", label=_("到期日不晚于"))

    class Meta:
        model = ComplianceItem
        fields = ["q", "store", "region", "kind", "expires_before"]


class StockCheckFilterSet(StoreScopedFilterSet):
    search_fields = ("store__name", "store__code")
    status = django_filters.ChoiceFilter(choices=StockCheckStatusChoices.choices, label=_("状态"))

    class Meta:
        model = StockCheck
        fields = ["q", "store", "region", "status"]


class TrainingSuggestionFilterSet(StoreScopedFilterSet):
    search_fields = ("item_text", "item_code", "store__name")
    status = django_filters.ChoiceFilter(choices=SuggestionStatusChoices.choices, label=_("状态"))

    class Meta:
        model = TrainingSuggestion
        fields = ["q", "store", "region", "status"]
