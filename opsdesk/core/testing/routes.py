"""Permission-matrix declarations of the core app's pages and API operations (see matrix.py)."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from opsdesk.core import specs
from opsdesk.core.models import ApiToken, User
from opsdesk.core.testing.factories import RegionFactory, StoreFactory, make_token
from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route


def _store(org, user, in_scope):
    return org.store_for(user, in_scope)


def _region(org, user, in_scope):
    return org.region_for(user, in_scope)


def _account(org, user, in_scope):
    return org.user_for(user, in_scope)


def _audit_entry(org, user, in_scope):
    return org.audit_entry_for(user, in_scope)


def _token(org, user, in_scope):
    """The user's own token (in scope) or another user's token (never reachable)."""
    return make_token(user if in_scope else org.other_user, name="matrix")[0]


def _empty_store(org, user, in_scope):
    """A store nothing refers to: in company A (or company B, out of scope) for company-wide users."""
    if not org.is_company_wide(user):
        return _store(org, user, in_scope)
    region = org.region_a if in_scope else org.region_x
    return StoreFactory(region=region)


def _empty_region(org, user, in_scope):
    """A region without stores: only company-wide users see one."""
    if not org.is_company_wide(user):
        return _region(org, user, in_scope)
    return RegionFactory(company=org.company if in_scope else org.other_company)


def _fresh_for_delete(routes: list[Route], make_object) -> list[Route]:
    return [replace(route, make_object=make_object) if route.name.startswith("DELETE ") else route
            for route in routes]


def _new_store_data(org, user, _store):
    return {"code": "NEW1", "name": "新店", "region": org.region_a.pk, "city": "苏州", "format": "supermarket",
            "status": "open"}


def _new_region_data(org, user, _region):
    return {"code": "RN", "name": "新区域"}


def _account_data(org, user, account):
    return {
        "username": account.username, "first_name": "changed", "last_name": "", "email": "", "role": account.role,
        "scope_stores": [store.pk for store in account.scope_stores.all()],
        "scope_regions": [region.pk for region in account.scope_regions.all()],
        "language": "", "is_active": "on",
    }


def _new_account_data(org, user, _account):
    return {"username": "matrix-new", "role": "staff", "password": "a-long-passphrase-9", "language": "",
            "scope_stores": [org.stores["a1"].pk], "is_active": "on"}


def _audit_link(entry):
    return reverse("core:audit_detail", args=[entry.pk])


def _account_link(account):
    return reverse("core:user_edit", args=[account.pk])


ROUTES = [
    # Signing in and out, language, the JavaScript catalog: reachable without an account.
    Route("core:login", "public", anonymous_status=200, signed_in_status=302),
    Route("core:logout", "public", methods=("POST",), anonymous_status=302, signed_in_status=302),
    Route("core:set_language", "public", methods=("POST",), anonymous_status=302, signed_in_status=302,
          post_data=lambda org, user, obj: {"language": "en", "next": "/"}),
    Route("javascript-catalog", "public", anonymous_status=200, signed_in_status=200),
    Route("api-1.0.0:api-root", "public", anonymous_status=404, signed_in_status=404),
    # Every signed-in user, whatever the role.
    Route("core:home", "self-service"),
    Route("core:password_change", "self-service"),
    Route("core:password_change_done", "self-service"),
    Route("core:token_list", "self-service", methods=("GET", "POST"), post_status=200,
          post_data=lambda org, user, obj: {"name": "matrix"}),
    Route("core:token_revoke", "self-service", methods=("POST",), make_object=_token, model=ApiToken),
    Route("api-1.0.0:openapi-json", "self-service"),
    Route("api-1.0.0:openapi-view", "self-service"),
    # Accounts, roles and the audit trail.
    Route("core:user_list", "list", area="users", make_object=_account, link=_account_link),
    Route("core:user_add", "add", area="users", model=User, post_data=_new_account_data),
    Route("core:user_edit", "edit", area="users", make_object=_account, post_data=_account_data),
    Route("core:roles", "list", area="users"),
    Route("core:company_settings", "list", area="company_settings", action="change"),
    # The first-run page exists only while the database has no company.
    Route("core:first_run", "public", anonymous_status=404, signed_in_status=404),
    Route("core:audit_list", "list", area="audit", make_object=_audit_entry, link=_audit_link),
    # audit_detail checks the role before looking the entry up: 403 for every entry, in scope or not.
    Route("core:audit_detail", "detail", area="audit", make_object=_audit_entry, hidden_status=403),
    # REST API.
]

# Organisation: the kit's pages and REST operations of stores and regions. The API's DELETE gets a row nothing
# refers to (store a1 has employees, region A has stores: deleting those is refused with a message, 422).
ROUTES += [
    *_fresh_for_delete(spec_routes(specs.store, _store, _new_store_data, api_prefix="/api/v1"), _empty_store),
    *_fresh_for_delete(spec_routes(specs.region, _region, _new_region_data, api_prefix="/api/v1"), _empty_region),
]
