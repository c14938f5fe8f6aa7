"""Checks every purchasing write starts or ends with: the role may act, and the object lies in the actor's scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import forget_scope


def assert_can(actor, area: str, action: str) -> None:
    """PermissionDenied when the actor's role may not perform `action` in `area`."""
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def confirm_visible(actor, model, instance, action: str) -> None:
    """PermissionDenied (shown as 404) unless the actor reaches `instance` through `model.objects.for_user`."""
    forget_scope(actor)
    if not model.objects.for_user(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))


def in_scope_for_update(actor, model, instance, action: str):
    """The row re-read through the actor's scope and locked; PermissionDenied when out of scope."""
    forget_scope(actor)
    try:
        return model.objects.for_user(actor, action).select_for_update().get(pk=instance.pk)
    except model.DoesNotExist as error:
        raise PermissionDenied(_("该对象不在你的权限范围内。")) from error
