"""Template filters of the audit trail: an entry's changes labelled by the fields' verbose names in the active
language ({{ entry|field_changes }}, {{ entry|change_summary }}), its model's name ({{ entry|model_label }}) and
its action ({{ entry|action_label }})."""

from auditlog.models import LogEntry
from django import template
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from opsdesk.core import audit

register = template.Library()

#: auditlog's actions in the interface's words (its own labels have no Chinese translation).
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "创建"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "修改"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "删除"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "查看"),
}


@register.filter
def field_changes(entry) -> list[audit.FieldChange]:
    return audit.field_changes(entry)


@register.filter
def change_summary(entry) -> str:
    """The changed fields' labels, comma-separated (the audit list's one-line summary)."""
    return ", ".join(change.label for change in audit.field_changes(entry))


@register.filter
def model_label(entry) -> str:
    """The audited model's verbose name in the active language (its content type's name if the model is gone)."""
    model = entry.content_type.model_class()
    return capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.model


@register.filter
def action_label(entry) -> str:
    """What was done (created, changed, deleted, viewed) in the active language."""
    return str(ACTION_LABELS.get(entry.action, entry.get_action_display()))
