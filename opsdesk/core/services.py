"""Writes of the core app: `<entity>_<action>(*, actor, ...)`, validated, atomic, audited, re-read in scope.

Stores and regions are written by the kit's generic services through their specs (`opsdesk.core.specs`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, assign_fields, confirm_in_scope
from opsdesk.core.models import ApiToken, Company, User

USER_FIELDS = {"username", "first_name", "last_name", "email", "is_active", "role", "language", "has_company_scope"}


def _check_user_scope(actor: User, target: User, regions, stores) -> None:
    for item in list(regions) + list(stores):
        if item.company_id != actor.company_id:
            raise PermissionDenied(_("不能分配其他公司的区域或门店。"))
    if target.pk and target.pk == actor.pk:
        raise PermissionDenied(_("不能修改自己的角色或权限范围。"))


def user_create(*, actor: User, data: dict[str, Any], password: str, regions=(), stores=()) -> User:
    """Create a user account with a role and a scope in the actor's company."""
    assert_can(actor, "users", "add")
    with transaction.atomic(), audit_actor(actor):
        user = User(company_id=actor.company_id)
        assign_fields(user, data, USER_FIELDS)
        _check_user_scope(actor, user, regions, stores)
        user.set_password(password)
        user.full_clean()
        user.save()
        user.scope_regions.set(regions)
        user.scope_stores.set(stores)
        confirm_in_scope(actor, user, "add")
    return user


def user_update(*, actor: User, user: User, data: dict[str, Any], regions=None, stores=None) -> User:
    """Change a user's details, role or scope; nobody changes their own role or scope."""
    assert_can(actor, "users", "change")
    with transaction.atomic(), audit_actor(actor):
        user = User.objects.for_user(actor, "change").select_for_update().get(pk=user.pk)
        touches_access = (
            {"role", "has_company_scope", "is_active"} & set(data) or regions is not None or stores is not None
        )
        if touches_access:
            _check_user_scope(actor, user, regions or [], stores or [])
        assign_fields(user, data, USER_FIELDS)
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


COMPANY_FIELDS = ("name", "country", "currency", "time_zone", "language")


def company_setup(*, name: str, code: str, country: str, currency: str, time_zone: str, language: str,
                  admin_username: str, admin_password: str, admin_email: str = "") -> tuple[Company, User]:
    """Create a company and its first administrator (company-wide scope), then let every app preload its defaults.

    Used by `opsdesk init` and the first-run page; refuses a company code or user name that exists already.
    """
    from django.contrib.auth.password_validation import validate_password

    from opsdesk.core.choices import RoleChoices
    from opsdesk.core.extensions import company_setup_functions

    company = Company(code=code.strip(), name=name.strip(), country=country, currency=currency, time_zone=time_zone,
                      language=language)
    admin = User(username=admin_username.strip(), email=admin_email.strip(), role=RoleChoices.ADMIN,
                 has_company_scope=True, language=language)
    errors = {}
    for instance, exclude in ((company, None), (admin, ["company", "password"])):
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        validate_password(admin_password, admin)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        company.save()
        admin.company = company
        admin.set_password(admin_password)
        admin.save()
        with audit_actor(admin):
            for function in company_setup_functions():
                function(company)
    return company, admin


def company_update(*, actor: User, company: Company, data: dict[str, Any]) -> Company:
    """Change the company's name, country (holidays), currency, time zone or default language."""
    assert_can(actor, "company_settings", "change")
    if company.pk != actor.company_id or not actor.has_company_scope:
        raise PermissionDenied(_("只有全公司范围的用户可以修改公司设置。"))
    assign_fields(company, data, COMPANY_FIELDS)
    company.full_clean()
    with transaction.atomic(), audit_actor(actor):
        company.save()
    from opsdesk.core.middleware import forget_company_preferences

    forget_company_preferences(company.pk)
    return company
