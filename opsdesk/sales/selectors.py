"""Reads of the sales app: promotions as a user may see them."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Store
from opsdesk.sales.models import Promotion, PromotionStatusChoices


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


def promotion_decision_refusal(*, user, promotion: Promotion, decision: str = "approve") -> str:
    """Why the user may not approve or cancel the promotion now ("" when they may). Only a proposed promotion is
    decided; by a company-wide user or a regional manager whose stores cover it (it must be writable to them);
    never by who proposed it, who may only withdraw (cancel) their own proposal."""
    if promotion.status != PromotionStatusChoices.PROPOSED:
        return _("只有待审批的促销可以审批。")
    if not promotion_is_writable(user=user, promotion=promotion):
        return _("该促销不在你的权限范围内。")
    if promotion.created_by_id == user.pk:
        return "" if decision == "cancel" else _("不能审批自己提出的促销。")
    if not (user.has_company_scope or user.role == RoleChoices.REGIONAL_MANAGER):
        return _("促销由区域经理或公司级用户审批。")
    return ""


def promotions_awaiting_decision(*, user) -> QuerySet[Promotion]:
    """Proposed promotions this user may approve (not their own), soonest first."""
    if not (user.has_company_scope or user.role == RoleChoices.REGIONAL_MANAGER):
        return Promotion.objects.none()
    return (Promotion.objects.for_user(user, "change").filter(status=PromotionStatusChoices.PROPOSED)
            .exclude(created_by=user).order_by("start_date", "pk"))
