"""Writes of the sales app: promotions and the planned store calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.sales.models import Promotion, StoreCalendarDay

PROMOTION_FIELDS = {"code", "name", "start_date", "end_date", "discount_percent", "category"}


def _check(actor, area: str, action: str) -> None:
    if not user_can(actor, area, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def _check_stores(actor, stores) -> None:
    visible = set(Store.objects.for_user(actor).values_list("pk", flat=True))
    if any(store.pk not in visible for store in stores):
        raise PermissionDenied(_("该门店不在你的权限范围内。"))


def promotion_save(*, actor, data: dict[str, Any], stores, promotion: Promotion | None = None) -> Promotion:
    """Create or change a planned promotion (a category, or everything, in some or all stores)."""
    _check(actor, "promotions", "add" if promotion is None else "change")
    _check_stores(actor, stores)
    with transaction.atomic(), audit_actor(actor):
        if promotion is None:
            promotion = Promotion(company_id=actor.company_id)
        else:
            promotion = Promotion.objects.for_user(actor, "change").select_for_update().get(pk=promotion.pk)
        for name, value in data.items():
            if name in PROMOTION_FIELDS:
                setattr(promotion, name, value)
        if promotion.end_date and promotion.start_date and promotion.end_date < promotion.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
        promotion.full_clean()
        promotion.save()
        promotion.stores.set(stores)
    return promotion


def promotion_delete(*, actor, promotion: Promotion) -> None:
    """Delete a planned promotion."""
    _check(actor, "promotions", "delete")
    with transaction.atomic(), audit_actor(actor):
        Promotion.objects.for_user(actor, "delete").get(pk=promotion.pk).delete()


CALENDAR_FIELDS = {"is_open", "is_promo", "state_holiday", "is_school_holiday"}


def calendar_day_set(*, actor, store: Store, day: date, changes: dict[str, Any]) -> StoreCalendarDay:
    """Set a store's planned day (open, promotion, holiday flags); creates the day if it was not planned yet."""
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
    return entry
