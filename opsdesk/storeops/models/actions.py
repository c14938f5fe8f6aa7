"""Corrective actions with their escalations, and the tie-ins to operations: stock checks and training suggestions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.catalog.models import Product
from opsdesk.core.models import Store
from opsdesk.core.scoping import ScopedManager
from opsdesk.storeops.choices import (
    ActionStatusChoices,
    EscalationLevelChoices,
    PriorityChoices,
    StockCheckReasonChoices,
    StockCheckStatusChoices,
    SuggestionStatusChoices,
)
from opsdesk.storeops.models.runs import AREA, Finding, InspectionRun

OPEN_ACTION_STATUSES = (ActionStatusChoices.OPEN, ActionStatusChoices.IN_PROGRESS)


def _store_context(store: Store) -> dict:
    return {"company_id": store.company_id, "region_id": store.region_id, "store_id": store.pk}


def _evidence_path(instance: CorrectiveAction, filename: str) -> str:
    return f"storeops/actions/{instance.store_id}/{uuid.uuid4().hex}.jpg"


class CorrectiveAction(models.Model):
    """A fix to make at a store (usually raised by a finding): owned, due, verified by a supervisor, escalated."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="corrective_actions",
                              verbose_name=_("门店"))
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
                                verbose_name=_("问题项"))
    title = models.CharField(_("标题"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("责任人"))
    due_date = models.DateField(_("截止日期"))
    priority = models.CharField(_("优先级"), max_length=20, choices=PriorityChoices, default=PriorityChoices.MEDIUM)
    status = models.CharField(_("状态"), max_length=20, choices=ActionStatusChoices, default=ActionStatusChoices.OPEN)
    evidence = models.ImageField(_("整改照片"), upload_to=_evidence_path, blank=True)
    resolution_note = models.TextField(_("整改说明"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("验证人"))
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), choices=EscalationLevelChoices,
                                                        default=EscalationLevelChoices.OWNER)
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("已升级至"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = pgettext_lazy("plural", "整改任务")
        ordering = ["status", "due_date", "pk"]
        indexes = [models.Index(fields=["store", "status", "due_date"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("storeops:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    def get_additional_data(self) -> dict:
        return _store_context(self.store)


class ActionEscalation(models.Model):
    """One step up the chain for an overdue action (who it went to, when, how late it was)."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="escalations",
                               verbose_name=_("整改任务"))
    level = models.PositiveSmallIntegerField(_("层级"), choices=EscalationLevelChoices)
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("升级至"))
    days_overdue = models.PositiveIntegerField(_("逾期天数"))
    escalated_at = models.DateTimeField(_("升级时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "action__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("整改升级")
        verbose_name_plural = pgettext_lazy("plural", "整改升级")
        ordering = ["action", "level"]
        constraints = [models.UniqueConstraint(fields=["action", "level"], name="escalation_unique_level")]

    def __str__(self) -> str:
        return f"{self.action_id} → {self.get_level_display()}"

    def get_additional_data(self) -> dict:
        return _store_context(self.action.store)


class StockCheck(models.Model):
    """A shelf/stock count raised by a failed stock-on-shelf item, listing the SKUs out of or low on stock."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("门店"))
    run = models.ForeignKey(InspectionRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="stock_checks",
                            verbose_name=_("巡检"))
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("问题项"))
    status = models.CharField(_("状态"), max_length=20, choices=StockCheckStatusChoices,
                              default=StockCheckStatusChoices.OPEN)
    snapshot_date = models.DateField(_("库存日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("库存核查")
        verbose_name_plural = pgettext_lazy("plural", "库存核查")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.store.name} · {timezone.localdate(self.created_at)}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:stockcheck_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return _store_context(self.store)


class StockCheckLine(models.Model):
    """One SKU to check: its last on-hand, its recent daily sales rate and why it is listed."""

    stock_check = models.ForeignKey(StockCheck, on_delete=models.CASCADE, related_name="lines",
                                    verbose_name=_("库存核查"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("商品"))
    on_hand = models.DecimalField(_("在库数量"), max_digits=12, decimal_places=3)
    daily_rate = models.DecimalField(_("日均销量"), max_digits=12, decimal_places=3)
    days_of_cover = models.DecimalField(_("可售天数"), max_digits=8, decimal_places=1, null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=10, choices=StockCheckReasonChoices)
    counted_quantity = models.DecimalField(_("实盘数量"), max_digits=12, decimal_places=3, null=True, blank=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "stock_check__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("库存核查明细")
        verbose_name_plural = pgettext_lazy("plural", "库存核查明细")
        ordering = ["stock_check", "reason", "days_of_cover", "pk"]

    def __str__(self) -> str:
        return f"{self.stock_check_id}/{self.product_id}"


class TrainingSuggestion(models.Model):
    """A suggestion to train a store's staff on a service or grooming item that keeps failing."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("门店"))
    item_code = models.CharField(_("检查项编码"), max_length=40)
    item_text = models.CharField(_("检查项"), max_length=300)
    topic = models.CharField(_("主题"), max_length=20)
    failure_count = models.PositiveIntegerField(_("不合格次数"))
    window_days = models.PositiveIntegerField(_("统计天数"))
    last_failed_at = models.DateTimeField(_("最近不合格"))
    status = models.CharField(_("状态"), max_length=20, choices=SuggestionStatusChoices,
                              default=SuggestionStatusChoices.OPEN)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训建议")
        verbose_name_plural = pgettext_lazy("plural", "培训建议")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.store.name} · {self.item_text}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:training_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return _store_context(self.store)
