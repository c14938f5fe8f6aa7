"""The audit trail: every create, update and delete of master data, with who, when and before/after.

Single-row writes are captured by django-auditlog's model registry; bulk writes (imports, demo generation,
bulk approvals) call `audit_bulk()` explicitly, because `bulk_create`/`update()` bypass model signals.
Each entry carries `additional_data` = {"company_id", "region_id", "store_id"} so the audit page can be scoped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditlog.context import set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.text import capfirst

# Models registered by each app's ready(): (model label, fields to leave out of the diff).
_EXCLUDED_FIELDS = {
    "core.User": ["password", "last_login", "api_tokens", "employee", "groups", "user_permissions", "logentry"],
}


def register_models() -> None:
    """Register the core models with the audit trail (other apps call `register()` for theirs)."""
    from opsdesk.core import models as core_models

    for model in (
        core_models.Company,
        core_models.Region,
        core_models.Store,
    ):
        register(model)
    register(core_models.User, m2m_fields={"scope_regions", "scope_stores"})
    register(core_models.ApiToken, exclude_fields=["key_hash"])


def register(model: type[models.Model], *, exclude_fields: list[str] | None = None, m2m_fields=None) -> None:
    """Put a model under the audit trail."""
    if auditlog.contains(model):
        return
    excluded = list(exclude_fields or []) + _EXCLUDED_FIELDS.get(model._meta.label, [])
    auditlog.register(model, exclude_fields=excluded, m2m_fields=m2m_fields or set())


@contextlib.contextmanager
def audit_actor(actor, remote_addr: str | None = None) -> Iterator[None]:
    """Attribute the audit entries written inside the block to `actor` (CLI, jobs, services)."""
    from auditlog.context import auditlog_value

    current = auditlog_value.get(None)
    if current is not None and current.get("actor") == actor and _is_live(current):
        yield  # the request middleware already attributes entries to this actor
        return
    # auditlog never resets its context variable, so `current` may be left over from an earlier request on this
    # thread (its receiver disconnected): only a live context may be reused, and it is put back afterwards.
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        if current is not None:
            auditlog_value.set(current)


def _is_live(context: dict) -> bool:
    """Whether the auditlog context's pre_save receiver is still connected (its block has not ended)."""
    from django.db.models.signals import pre_save

    return any(lookup_key[0] == context.get("signal_duid") for lookup_key, *_rest in pre_save.receivers)


_ACTIONS = {"create": LogEntry.Action.CREATE, "update": LogEntry.Action.UPDATE, "delete": LogEntry.Action.DELETE}


def audit_bulk(
    action: str,
    pairs: Iterable[tuple[models.Model | None, models.Model | None]],
    *,
    actor=None,
    batch_size: int = 2000,
) -> int:
    """Write audit entries for a bulk write: `pairs` are (before, after) instances; None on the missing side.

    Returns the number of entries written. Updates without a change write nothing.
    """
    entries: list[LogEntry] = []
    written = 0
    now = timezone.now()
    for before, after in pairs:
        instance = after if after is not None else before
        changes = model_instance_diff(before, after, use_json_for_changes=True)
        if not changes and action == "update":
            continue
        get_additional = getattr(instance, "get_additional_data", None)
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(instance),
                object_pk=smart_str(instance.pk),
                object_id=instance.pk if isinstance(instance.pk, int) else None,
                object_repr=smart_str(instance)[:2000],
                action=_ACTIONS[action],
                changes=changes,
                actor=actor,
                timestamp=now,
                additional_data={**(get_additional() if callable(get_additional) else {}), "bulk": True},
            )
        )
        if len(entries) >= batch_size:
            LogEntry.objects.bulk_create(entries)
            written += len(entries)
            entries = []
    if entries:
        LogEntry.objects.bulk_create(entries)
        written += len(entries)
    return written


@dataclass(frozen=True)
class FieldChange:
    """One field's change in an audit entry: its attribute name, its label in the active language, before, after."""

    name: str
    label: str
    before: object
    after: object


def field_changes(entry: LogEntry) -> list[FieldChange]:
    """The entry's changes field by field, each labelled with the field's verbose name in the active language (the
    attribute name only for a field the model no longer has); a choice shows its label, not its stored value."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    # The model's field order (a JSON column may return the keys in any order); unknown fields last.
    fields = model._meta.get_fields() if model is not None else []
    forward_first = sorted(fields, key=lambda field: field.auto_created and not field.concrete)  # reverse last
    order = {field.name: i for i, field in enumerate(forward_first)}
    changes = []
    for name, values in sorted((entry.changes_dict or {}).items(), key=lambda item: order.get(item[0], len(order))):
        field = _model_field(model, name)
        label = _field_label(field, name)
        if isinstance(values, dict):  # a many-to-many change: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "−" if values.get("operation") == "delete" else "+"
            before, after = None, ", ".join(f"{sign}{item}" for item in values.get("objects", []))
        else:
            before, after = (list(values) + [None, None])[:2]
            if field is not None and getattr(field, "flatchoices", None):
                choices = {str(key): text for key, text in field.flatchoices}
                before, after = (choices.get(str(value), value) for value in (before, after))
        changes.append(FieldChange(name=name, label=label, before=before, after=after))
    return changes


def _field_label(field, name: str) -> str:
    """The field's verbose name; a reverse relation's is the related model's plural name; else the name itself."""
    if field is None:
        return name
    if hasattr(field, "verbose_name"):
        return capfirst(str(field.verbose_name))
    if getattr(field, "related_model", None) is not None:
        return capfirst(str(field.related_model._meta.verbose_name_plural))
    return name


def _model_field(model: type[models.Model] | None, name: str):
    """The model's field called `name` (or whose column attribute is `name`, e.g. "store_id"), else None."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((field for field in model._meta.concrete_fields if field.attname == name), None)
