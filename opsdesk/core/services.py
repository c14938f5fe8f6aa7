"""Writes of the core app: `<entity>_<action>(*, actor, ...)`, validated, atomic, audited, re-read in scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.models import ApiToken, Region, Store, User
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import forget_scope


def _assert_can(actor, area: str, action: str) -> None:
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def _confirm_in_scope(actor, instance: models.Model, action: str) -> None:
    """Re-read the written row through the actor's scope; out of scope rolls the transaction back."""
    forget_scope(actor)
    if not type(instance).objects.for_user(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))


def _assign(instance: models.Model, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


STORE_FIELDS = {"code", "name", "region", "city", "address", "opening_date", "format", "floor_area", "status"}


def store_create(*, actor: User, data: dict[str, Any]) -> Store:
    """Create a store in a region of the actor's company."""
    _assert_can(actor, "org", "add")
    with transaction.atomic(), audit_actor(actor):
        store = Store(company_id=actor.company_id)
        _assign(store, data, STORE_FIELDS)
        if store.region_id and store.region.company_id != actor.company_id:
            raise PermissionDenied(_("该区域不在你的权限范围内。"))
        store.full_clean()
        store.save()
        _confirm_in_scope(actor, store, "add")
    return store


def store_update(*, actor: User, store: Store, data: dict[str, Any]) -> Store:
    """Change a store's master data."""
    _assert_can(actor, "org", "change")
    with transaction.atomic(), audit_actor(actor):
        store = Store.objects.for_user(actor, "change").select_for_update().get(pk=store.pk)
        _assign(store, data, STORE_FIELDS)
        store.full_clean()
        store.save()
        _confirm_in_scope(actor, store, "change")
    return store


def store_delete(*, actor: User, store: Store) -> None:
    """Delete a store (only possible while nothing refers to it)."""
    _assert_can(actor, "org", "delete")
    with transaction.atomic(), audit_actor(actor):
        store = Store.objects.for_user(actor, "delete").get(pk=store.pk)
        try:
            store.delete()
        except models.ProtectedError as error:
            raise ValidationError(_("门店仍有关联数据（员工等），不能删除；请改为“已关闭”。")) from error


REGION_FIELDS = {"code", "name"}


def region_create(*, actor: User, data: dict[str, Any]) -> Region:
    """Create a region in the actor's company."""
    _assert_can(actor, "org", "add")
    if not actor.has_company_scope:
        raise PermissionDenied(_("只有全公司范围的用户可以新建区域。"))
    with transaction.atomic(), audit_actor(actor):
        region = Region(company_id=actor.company_id)
        _assign(region, data, REGION_FIELDS)
        region.full_clean()
        region.save()
        _confirm_in_scope(actor, region, "add")
    return region


def region_update(*, actor: User, region: Region, data: dict[str, Any]) -> Region:
    """Rename or recode a region."""
    _assert_can(actor, "org", "change")
    with transaction.atomic(), audit_actor(actor):
        region = Region.objects.for_user(actor, "change").select_for_update().get(pk=region.pk)
        _assign(region, data, REGION_FIELDS)
        region.full_clean()
        region.save()
    return region


def region_delete(*, actor: User, region: Region) -> None:
    """Delete an empty region."""
    _assert_can(actor, "org", "delete")
    with transaction.atomic(), audit_actor(actor):
        region = Region.objects.for_user(actor, "delete").get(pk=region.pk)
        try:
            region.delete()
        except models.ProtectedError as error:
            raise ValidationError(_("区域下仍有门店，不能删除。")) from error


USER_FIELDS = {"username", "first_name", "last_name", "email", "is_active", "role", "language", "has_company_scope"}


def _check_user_scope(actor: User, target: User, regions, stores) -> None:
    for item in list(regions) + list(stores):
        if item.company_id != actor.company_id:
            raise PermissionDenied(_("不能分配其他公司的区域或门店。"))
    if target.pk and target.pk == actor.pk:
        raise PermissionDenied(_("不能修改自己的角色或权限范围。"))


def user_create(*, actor: User, data: dict[str, Any], password: str, regions=(), stores=()) -> User:
    """Create a user account with a role and a scope in the actor's company."""
    _assert_can(actor, "users", "add")
    with transaction.atomic(), audit_actor(actor):
        user = User(company_id=actor.company_id)
        _assign(user, data, USER_FIELDS)
        _check_user_scope(actor, user, regions, stores)
        user.set_password(password)
        user.full_clean()
        user.save()
        user.scope_regions.set(regions)
        user.scope_stores.set(stores)
        _confirm_in_scope(actor, user, "add")
    return user


def user_update(*, actor: User, user: User, data: dict[str, Any], regions=None, stores=None) -> User:
    """Change a user's details, role or scope; nobody changes their own role or scope."""
    _assert_can(actor, "users", "change")
    with transaction.atomic(), audit_actor(actor):
        user = User.objects.for_user(actor, "change").select_for_update().get(pk=user.pk)
        touches_access = (
            {"role", "has_company_scope", "is_active"} & set(data) or regions is not None or stores is not None
        )
        if touches_access:
            _check_user_scope(actor, user, regions or [], stores or [])
        _assign(user, data, USER_FIELDS)
        user.full_clean()
        user.save()
        if regions is not None:
            user.scope_regions.set(regions)
        if stores is not None:
            user.scope_stores.set(stores)
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember a user's interface language (any user, for themselves)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("不支持的语言。")})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def api_token_create(*, actor: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the row and the key, which is shown once and never stored."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    key = ApiToken.new_key()
    with transaction.atomic(), audit_actor(actor):
        token = ApiToken(user=actor, name=name, prefix=key[:12], key_hash=ApiToken.hash_key(key), expires_at=expires_at)
        token.full_clean()
        token.save()
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    with transaction.atomic(), audit_actor(actor):
        token = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
