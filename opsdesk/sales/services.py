"""Writes of the sales app: promotions and the planned store calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import check_related_in_scope, confirm_in_scope, in_scope_for_update
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.sales import selectors
from opsdesk.sales.models import Promotion, PromotionStatusChoices, SavedExplorerView, StoreCalendarDay

PROMOTION_FIELDS = {"code", "name", "start_date", "end_date", "discount_percent", "category", "promotion_type", "cost"}
OPTIONAL_FIELDS = {"promotion_type", "cost"}  # left out of a form: the stored value stays


def _check(actor, area: str, action: str) -> None:
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def _check_stores(actor, stores) -> None:
    visible = set(Store.objects.for_user(actor).values_list("pk", flat=True))
    if any(store.pk not in visible for store in stores):
        raise PermissionDenied(_("该门店不在你的权限范围内。"))


def promotion_save(*, actor, data: dict[str, Any], stores, promotion: Promotion | None = None) -> Promotion:
    """Create or change a planned promotion (a category, or everything, in some or all stores).

    A user without company scope plans only for their own stores: "every store" (no store chosen) is refused, and
    a promotion that also runs in stores they cannot see is not theirs to change (it reads as absent).
    """
    action = "add" if promotion is None else "change"
    _check(actor, "promotions", action)
    _check_stores(actor, stores)
    if not actor.has_company_scope and not stores:
        raise ValidationError({"stores": _("请选择门店：只有公司级用户可以设置全部门店的促销。")})
    with transaction.atomic(), audit_actor(actor):
        if promotion is None:
            promotion = Promotion(company_id=actor.company_id, created_by=actor)
        else:
            promotion = in_scope_for_update(actor, Promotion, promotion, "change")
        # A company-wide planner's promotion is approved as it is saved; a store-level planner's (new or changed)
        # waits for a regional or company-wide approver.
        if actor.has_company_scope:
            if promotion.pk is None:
                promotion.status = PromotionStatusChoices.APPROVED
        elif promotion.status != PromotionStatusChoices.CANCELLED:
            promotion.status = PromotionStatusChoices.PROPOSED
            promotion.decided_by, promotion.decided_at, promotion.decision_note = None, None, ""
        for name, value in data.items():
            if name in PROMOTION_FIELDS and not (name in OPTIONAL_FIELDS and value in (None, "")):
                setattr(promotion, name, value)
        check_related_in_scope(actor, promotion, ["category"])
        if promotion.end_date and promotion.start_date and promotion.end_date < promotion.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
        promotion.full_clean()
        promotion.save()
        promotion.stores.set(stores)
        confirm_in_scope(actor, promotion, action)
    return promotion


def promotion_decide(*, actor, promotion: Promotion, decision: str, note: str = "") -> Promotion:
    """Approve or cancel a proposed promotion ("approve" / "cancel"); `selectors.promotion_decision_refusal` says
    who may. Cancelling asks for a note."""
    if decision not in ("approve", "cancel"):
        raise ValidationError({"decision": _("未知的审批操作。")})
    _check(actor, "promotions", "change")
    with transaction.atomic(), audit_actor(actor):
        promotion = in_scope_for_update(actor, Promotion, promotion, "change")
        refusal = selectors.promotion_decision_refusal(user=actor, promotion=promotion, decision=decision)
        if refusal:
            raise PermissionDenied(refusal)
        note = (note or "").strip()[:300]
        if decision == "cancel" and not note:
            raise ValidationError({"note": _("取消促销请填写原因。")})
        promotion.status = (PromotionStatusChoices.APPROVED if decision == "approve"
                            else PromotionStatusChoices.CANCELLED)
        promotion.decided_by, promotion.decided_at, promotion.decision_note = actor, timezone.now(), note
        promotion.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return promotion


def promotion_delete(*, actor, promotion: Promotion) -> None:
    """Delete a planned promotion (only one that lies within the actor's stores, or any with company scope)."""
    _check(actor, "promotions", "delete")
    with transaction.atomic(), audit_actor(actor):
        in_scope_for_update(actor, Promotion, promotion, "delete").delete()


CALENDAR_FIELDS = {"is_open", "is_promo", "state_holiday", "is_school_holiday"}


def calendar_day_set(*, actor, store: Store, day: date, changes: dict[str, Any]) -> StoreCalendarDay:
    """Set a store's planned day (open, promotion, holiday flags); creates the day if it was not planned yet, and the
    store day rolled up from lines or SKU days takes the new flags."""
    _check(actor, "facts", "change")
    if not Store.objects.for_user(actor).filter(pk=store.pk).exists():
        raise PermissionDenied(_("该门店不在你的权限范围内。"))
    unknown = set(changes) - CALENDAR_FIELDS
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    with transaction.atomic(), audit_actor(actor):
        entry, _created = StoreCalendarDay.objects.select_for_update().get_or_create(store=store, date=day)
        for name, value in changes.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.save()
        # The calendar is the truth for a derived store day's flags: refresh that day (an imported day keeps its own).
        from opsdesk.sales.rollups import store_days_from_sku_days

        store_days_from_sku_days({store.pk: (day, day)})
    return entry


def explorer_view_save(*, actor, name: str, params: dict) -> SavedExplorerView:
    """Save (or overwrite) one of the actor's explorer views under a name."""
    _check(actor, "facts", "view")
    with transaction.atomic():
        view, _created = SavedExplorerView.objects.update_or_create(user=actor, name=name,
                                                                    defaults={"params": params})
    return view


def explorer_view_delete(*, actor, view: SavedExplorerView) -> None:
    """Delete one of the actor's saved explorer views."""
    if view.user_id != actor.pk:
        raise PermissionDenied(_("只能删除自己的视图。"))
    view.delete()
