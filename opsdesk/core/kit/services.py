"""Generic writes of the kit: `object_create / object_update / object_delete(*, actor, ...)`.

Each one checks the role, assigns only the declared fields, runs `full_clean()`, checks that every related row
(foreign key or many-to-many) is one the actor may see and every owner/assignee is assignable, writes inside
`transaction.atomic()` under the audit trail, and re-reads the row through the actor's scope before commit.
Domain services with a workflow call these for their plain part and add their own steps around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, check_related_in_scope, confirm_in_scope, in_scope_for_update


def editable_fields(model: type[models.Model]) -> list[str]:
    """Names of a model's editable concrete and many-to-many fields."""
    return [field.name for field in model._meta.get_fields()
            if getattr(field, "editable", False) and not field.auto_created and (field.concrete or field.many_to_many)]


def store_id_of(instance: models.Model) -> int | None:
    """The store an object belongs to, for store-scoped models (None for region- and company-wide ones)."""
    if getattr(instance, "scope_kind", None) != "store":
        return None
    value = instance
    for part in instance.scope_field.removesuffix("_id").split("__"):
        value = getattr(value, part, None) if value is not None else None
    return getattr(value, "pk", value)


def check_assignees(actor, instance: models.Model, names: Iterable[str], area: str) -> None:
    """Every owner/assignee field must name a person who sees the object and whose role may act on it."""
    from opsdesk.core.selectors import is_assignable

    errors = {}
    for name in names:
        person = getattr(instance, name, None)
        if person is None or is_assignable(person, company_id=actor.company_id, area=area,
                                           store_id=store_id_of(instance)):
            continue
        if person.company_id != actor.company_id:  # another company's account reads like an unknown id
            errors[name] = _("所选对象不存在或不在你的权限范围内。")
        else:
            errors[name] = _("此人看不到该对象，或其角色不能处理它。")
    if errors:
        raise ValidationError(errors)


def _split(model, data: dict[str, Any], fields: Iterable[str] | None) -> tuple[dict, dict]:
    allowed = set(fields if fields is not None else editable_fields(model))
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    many = {name: value for name, value in data.items() if model._meta.get_field(name).many_to_many}
    single = {name: value for name, value in data.items() if name not in many}
    return single, many


def _set_many(actor, instance: models.Model, many: dict[str, Any]) -> None:
    """Set many-to-many relations; rows the actor cannot see are neither chosen nor removed."""
    errors = {}
    for name, chosen in many.items():
        related = instance._meta.get_field(name).related_model
        manager = getattr(instance, name)
        chosen_ids = {getattr(item, "pk", item) for item in chosen or ()}
        if hasattr(related.objects, "for_user"):
            reachable = related.objects.for_user(actor, "view")
            visible = set(reachable.filter(pk__in=chosen_ids).values_list("pk", flat=True))
            if chosen_ids - visible:
                errors[name] = _("所选对象不存在或不在你的权限范围内。")
                continue
            hidden = set(manager.exclude(pk__in=reachable.values("pk")).values_list("pk", flat=True))
            chosen_ids |= hidden
        manager.set(chosen_ids)
    if errors:
        raise ValidationError(errors)


def _save(actor, instance, single, many, *, area, action, assignee_fields) -> models.Model:
    for name, value in single.items():
        setattr(instance, name, value)
    if hasattr(instance, "company_id") and instance.company_id is None:
        instance.company_id = actor.company_id
    # Scope first: an unknown id and an out-of-scope id must read the same (full_clean would name the first).
    # People are checked by `check_assignees` (assignable: sees the object, holds the role), not by whether the
    # actor may open their user account (most roles may not).
    check_related_in_scope(actor, instance, [name for name in single if name not in assignee_fields])
    instance.full_clean()
    # A row moved to another store keeps only owners who see the new store.
    scope_root = getattr(instance, "scope_field", "").removesuffix("_id").split("__")[0]
    recheck = action == "add" or scope_root in single
    check_assignees(actor, instance, [name for name in assignee_fields if name in single or recheck], area)
    instance.save()
    _set_many(actor, instance, many)
    confirm_in_scope(actor, instance, action)
    return instance


def object_create(*, actor, model: type[models.Model], data: dict[str, Any], fields: Iterable[str] | None = None,
                  initial: dict[str, Any] | None = None, assignee_fields: Iterable[str] = ()) -> models.Model:
    """Create a row from `data` (only `fields`), with `initial` values the actor does not choose (reporter...)."""
    area = model.permission_area
    assert_can(actor, area, "add")
    single, many = _split(model, data, fields)
    with transaction.atomic(), audit_actor(actor):
        instance = model(**(initial or {}))
        return _save(actor, instance, single, many, area=area, action="add", assignee_fields=tuple(assignee_fields))


def object_update(*, actor, instance: models.Model, data: dict[str, Any], fields: Iterable[str] | None = None,
                  assignee_fields: Iterable[str] = ()) -> models.Model:
    """Change a row the actor may change; the row is re-read in scope and locked first."""
    model = type(instance)
    area = model.permission_area
    assert_can(actor, area, "change")
    single, many = _split(model, data, fields)
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, model, instance, "change")
        return _save(actor, current, single, many, area=area, action="change",
                     assignee_fields=tuple(assignee_fields))


def object_delete(*, actor, instance: models.Model) -> None:
    """Delete a row the actor may delete; rows still referred to give a clear message instead of an error page."""
    model = type(instance)
    assert_can(actor, model.permission_area, "delete")
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, model, instance, "delete")
        try:
            current.delete()
        except models.ProtectedError as error:
            names = sorted({str(item._meta.verbose_name) for item in error.protected_objects})
            raise ValidationError(_("仍有关联数据（%(names)s），不能删除。") % {
                "names": _("、").join(names)}) from error
