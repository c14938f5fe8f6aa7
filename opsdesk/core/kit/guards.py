"""The one copy of the checks every write and every object request makes (scope, role, related rows).

The rule, pages and API alike: an object outside the user's scope, or one the user's role may not perform the
requested action on, answers 404 (its existence is not disclosed); a collection the role may not act on
(a list, an add form) answers 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import forget_scope, visible_store_ids

#: One message for an unknown, invalid or out-of-scope related row (an error never tells which ids exist).
NOT_FOUND_MESSAGE = _lazy("所选对象不存在或不在你的权限范围内。")

# The largest primary key a database stores (64-bit signed); larger ids are unknown, never an overflow.
MAX_ID = 2**63 - 1


def assert_can(actor, area: str, action: str) -> None:
    """PermissionDenied unless the actor's role grants the action in the area."""
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def assert_store_in_scope(actor, store) -> None:
    """PermissionDenied unless the store lies in the actor's scope."""
    if store is None or store.pk not in visible_store_ids(actor):
        raise PermissionDenied(_("该门店不在你的权限范围内。"))


def confirm_in_scope(actor, instance: models.Model, action: str = "view", model=None) -> None:
    """Re-read the written row through the actor's scope; out of scope rolls the transaction back."""
    forget_scope(actor)
    model = model or type(instance)
    if not model.objects.for_user(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))


def in_scope_for_update(actor, model, instance_or_pk, action: str = "change"):
    """The row re-read through the actor's scope for `action` and locked; PermissionDenied when out of reach."""
    forget_scope(actor)
    pk = getattr(instance_or_pk, "pk", instance_or_pk)
    try:
        return model.objects.for_user(actor, action).select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as error:
        raise PermissionDenied(_("该对象不在你的权限范围内。")) from error


def is_valid_id(value: Any) -> bool:
    """Whether a value can be a primary key at all (a positive integer that fits a 64-bit column)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return str(value).strip().isdigit() and 0 < number <= MAX_ID


def scoped_or_none(model, actor, pk, action: str = "view"):
    """The row `pk` if the actor may perform `action` on it, else None (unknown, out of scope, invalid: alike)."""
    if not is_valid_id(pk):
        return None
    return model.objects.for_user(actor, action).filter(pk=int(pk)).first()


def assign_fields(instance: models.Model, data: dict[str, Any], allowed) -> None:
    """Set the allowed fields from `data`; any other key is a validation error (never silently dropped)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def check_related_in_scope(actor, instance: models.Model, names) -> None:
    """Every scoped row a foreign key of `instance` points at must be visible to the actor.

    Unknown and out-of-scope rows get the same message, so an error never tells which ids exist elsewhere.
    """
    errors = {}
    for name in names:
        field = instance._meta.get_field(name)
        if not field.is_relation or field.many_to_many or field.one_to_many:
            continue
        value_id = getattr(instance, field.attname)
        related = field.related_model
        if value_id is None or not hasattr(related.objects, "for_user"):
            continue
        if not related.objects.for_user(actor, "view").filter(pk=value_id).exists():
            errors[name] = NOT_FOUND_MESSAGE
    if errors:
        raise ValidationError(errors)
