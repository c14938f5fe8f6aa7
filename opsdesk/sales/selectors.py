"""Reads of the sales app: promotions as a user may see them."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from opsdesk.core.models import Store
from opsdesk.sales.models import Promotion


def promotion_list(*, user, action: str = "view") -> QuerySet[Promotion]:
    """Promotions the user may reach, each with `visible_stores` (the user's stores only) and `store_count`.

    A company-wide promotion names only the stores in the user's scope; the others are a count (`store_count`
    minus the visible ones), never their codes.
    """
    return (
        Promotion.objects.for_user(user, action)
        .select_related("category")
        .annotate(store_count=Count("stores", distinct=True))
        .prefetch_related(Prefetch("stores", queryset=Store.objects.for_user(user).order_by("code"),
                                   to_attr="visible_stores"))
    )


def promotion_stores(*, user, promotion: Promotion) -> tuple[list[Store], int]:
    """The promotion's stores in the user's scope, and how many of its other stores are not shown."""
    stores = list(promotion.stores.filter(pk__in=Store.objects.for_user(user).values("pk")).order_by("code"))
    return stores, promotion.stores.count() - len(stores)


def promotion_is_writable(*, user, promotion: Promotion, action: str = "change") -> bool:
    """Whether the user may change (or delete) the promotion: the role allows it and it lies within their stores."""
    return Promotion.objects.for_user(user, action).filter(pk=promotion.pk).exists()
