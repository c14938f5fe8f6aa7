"""Tables of store operations (django-tables2): sorting, pagination and the export columns."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opsdesk.core.tables import PersonColumn
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

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ChecklistTemplateTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    version = tables.Column(accessor="current_version__number", verbose_name=_("当前版本"), default="—")

    class Meta:
        model = ChecklistTemplate
        fields = ("code", "name", "language", "version", "is_active")
        attrs = ATTRS


class InspectionScheduleTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    template = tables.Column(accessor="template__name", verbose_name=_("检查表"))
    target = tables.Column(empty_values=(), orderable=False, verbose_name=_("门店/区域"))
    assignee = PersonColumn(accessor="assignee", verbose_name=_("指派人"))

    class Meta:
        model = InspectionSchedule
        fields = ("id", "template", "target", "frequency", "assignee_role", "assignee", "start_date", "is_active")
        attrs = ATTRS

    def render_target(self, record):
        return record.store.name if record.store_id else record.region.name

    def value_target(self, record):
        return self.render_target(record)


class InspectionRunTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    template = tables.Column(accessor="template_version__template__name", verbose_name=_("检查表"))
    version = tables.Column(accessor="template_version__number", verbose_name=_("版本"))
    inspector = PersonColumn(accessor="inspector", verbose_name=_("检查人"))

    class Meta:
        model = InspectionRun
        fields = ("id", "store", "template", "version", "status", "due_date", "completed_at", "score", "is_passed",
                  "has_critical_failure", "failed_count", "inspector", "signed_by_name")
        attrs = ATTRS
        order_by = ("-due_date",)

    def render_status(self, record, value):
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("已逾期"))
        return value


class FindingTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    item = tables.Column(accessor="item__text", verbose_name=_("检查项"))
    template = tables.Column(accessor="run__template_version__template__name", verbose_name=_("检查表"))

    class Meta:
        model = Finding
        fields = ("id", "created_at", "store", "template", "item", "is_critical", "description")
        attrs = ATTRS
        order_by = ("-created_at",)


class CorrectiveActionTable(tables.Table):
    title = tables.Column(linkify=True)
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    owner = PersonColumn(accessor="owner", verbose_name=_("责任人"))
    escalated_to = PersonColumn(accessor="escalated_to", verbose_name=_("已升级至"))

    class Meta:
        model = CorrectiveAction
        fields = ("title", "store", "owner", "priority", "status", "due_date", "escalation_level", "escalated_to",
                  "created_at", "verified_at")
        attrs = ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_due_date(self, record, value):
        if record.is_overdue:
            return format_html('<span class="text-danger fw-bold">{}</span>', value)
        return value


class ComplianceItemTable(tables.Table):
    name = tables.Column(linkify=True)
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    state = tables.Column(empty_values=(), orderable=False, verbose_name=_("状态"))

    class Meta:
        model = ComplianceItem
        fields = ("name", "store", "kind", "reference_no", "holder", "issued_date", "expiry_date", "state")
        attrs = ATTRS

    def render_state(self, record):
        css = {"expired": "danger", "expiring": "warning", "valid": "success"}[record.state()]
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_state_display())

    def value_state(self, record):
        return record.get_state_display()


class StockCheckTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    lines = tables.Column(accessor="line_count", verbose_name=_("SKU 数"), default=0)

    class Meta:
        model = StockCheck
        fields = ("id", "store", "status", "snapshot_date", "lines", "created_at", "closed_at")
        attrs = ATTRS


class TrainingSuggestionTable(tables.Table):
    item_text = tables.Column(linkify=True)
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))

    class Meta:
        model = TrainingSuggestion
        fields = ("item_text", "store", "topic", "failure_count", "window_days", "last_failed_at", "status",
                  "created_at")
        attrs = ATTRS
