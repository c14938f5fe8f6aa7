"""Helpers every store-operations service uses: role check, field assignment, re-read through the scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import forget_scope, visible_store_ids

AREA = "storeops"
TEMPLATE_AREA = "storeops_templates"
VERIFY_AREA = "storeops_verify"


def assert_can(actor, area: str, action: str) -> None:
    """PermissionDenied unless the actor's role grants the action in the area."""
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def assert_store_in_scope(actor, store) -> None:
    """PermissionDenied unless the store lies in the actor's scope."""
    if store is None or store.pk not in visible_store_ids(actor):
        raise PermissionDenied(_("该门店不在你的权限范围内。"))


def confirm_in_scope(actor, instance: models.Model, action: str = "view") -> None:
    """Re-read the written row through the actor's scope; out of scope rolls the transaction back."""
    forget_scope(actor)
    if not type(instance).objects.for_user(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))


def assign(instance: models.Model, data: dict[str, Any], allowed: set[str]) -> None:
    """Set the allowed fields from `data`; any other key is a validation error (never silently dropped)."""
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def locked(queryset: models.QuerySet, pk) -> models.Model:
    """The row for update (a no-op lock on SQLite, a row lock on PostgreSQL)."""
    return queryset.select_for_update().get(pk=pk)
