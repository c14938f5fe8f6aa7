"""The one scoping function: which rows a user may reach, and for which action.

Every model a user can reach uses `ScopedQuerySet` (directly or via `ScopedManager`) and declares:
- `permission_area`: the area of the role matrix (see permissions.py);
- `scope_kind`: "store" (has a store), "region", "company" (company master data) or "custom" (the model
  implements `scope_queryset(queryset, user)` itself);
- `scope_field`: the lookup path to the store / region / company (e.g. "store", "purchase_order__store").
Views, API, exports, charts and reports reach rows only through `Model.objects.for_user(user, action)`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from opsdesk.core.permissions import user_can

_CACHE_ATTR = "_opsdesk_scope_cache"


def _store_model():
    from opsdesk.core.models import Store

    return Store


def visible_stores(user) -> models.QuerySet:
    """Stores the user's scope assignment covers (no assignment: none). Not filtered by role."""
    Store = _store_model()
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.company_id:
        return Store.objects.none()
    condition = Q(company_id=user.company_id) & (
        Q(pk__in=user.scope_stores.values("pk")) | Q(region_id__in=user.scope_regions.values("pk"))
    )
    if user.has_company_scope:
        condition = Q(company_id=user.company_id)
    return Store.objects.filter(condition)


def visible_store_ids(user) -> list[int]:
    """Primary keys of the visible stores, cached on the user object for the request."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = sorted(visible_stores(user).values_list("pk", flat=True))
        try:
            setattr(user, _CACHE_ATTR, cache)
        except AttributeError:  # AnonymousUser and friends
            pass
    return cache


def forget_scope(user) -> None:
    """Drop the cached store ids (after a scope change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_any_scope(user) -> bool:
    return bool(visible_store_ids(user)) or bool(getattr(user, "has_company_scope", False))


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the one scoping entry point `for_user(user, action)`."""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows the user may perform `action` on: role allows it and the row lies in the user's scope."""
        model = self.model
        if not user_can(user, model.permission_area, action):
            return self.none()
        kind = model.scope_kind
        field = getattr(model, "scope_field", "")
        if kind == "custom":
            return model.scope_queryset(self, user)
        if kind == "store":
            return self.filter(**{f"{field}__in": visible_store_ids(user)})
        if kind == "region":
            region_ids = visible_stores(user).values("region_id")
            return self.filter(**{f"{field}__in": region_ids})
        if kind == "company":
            if not has_any_scope(user):
                return self.none()
            return self.filter(**{field: user.company_id})
        raise ValueError(f"{model.__name__}.scope_kind {kind!r} is not a known scope kind")


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of scoped models."""
