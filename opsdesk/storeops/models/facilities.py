"""Maintenance requests and compliance items (licences, extinguisher checks, health certificates)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Store
from opsdesk.core.scoping import ScopedManager
from opsdesk.storeops.choices import ComplianceKindChoices, MaintenanceStatusChoices, PriorityChoices
from opsdesk.storeops.models.runs import AREA


class MaintenanceRequest(models.Model):
    """A repair request for a store's equipment, with vendor, cost and status."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="maintenance_requests",
                              verbose_name=_("门店"))
    title = models.CharField(_("标题"), max_length=200)
    equipment = models.CharField(_("设备"), max_length=200)
    description = models.TextField(_("问题描述"), blank=True)
    priority = models.CharField(_("优先级"), max_length=20, choices=PriorityChoices, default=PriorityChoices.MEDIUM)
    status = models.CharField(_("状态"), max_length=20, choices=MaintenanceStatusChoices,
                              default=MaintenanceStatusChoices.OPEN)
    vendor = models.CharField(_("维修商"), max_length=200, blank=True)
    estimated_cost = models.DecimalField(_("预估费用"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual_cost = models.DecimalField(_("实际费用"), max_digits=12, decimal_places=2, null=True, blank=True)
    scheduled_date = models.DateField(_("预约日期"), null=True, blank=True)
    completed_date = models.DateField(_("完成日期"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("报修人"))
    reported_at = models.DateTimeField(_("报修时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("维修申请")
        verbose_name_plural = pgettext_lazy("plural", "维修申请")
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.store.name} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:maintenance_detail", args=[self.pk])

    def clean(self) -> None:
        for name in ("estimated_cost", "actual_cost"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError({name: _("费用不能为负数。")})
        if self.status == MaintenanceStatusChoices.DONE and not self.completed_date:
            self.completed_date = timezone.localdate()

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}


class ComplianceItem(models.Model):
    """A dated obligation of a store (licence, extinguisher check, health certificate) with an expiry reminder."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="compliance_items", verbose_name=_("门店"))
    kind = models.CharField(_("类别"), max_length=30, choices=ComplianceKindChoices)
    name = models.CharField(_("名称"), max_length=200)
    reference_no = models.CharField(_("证号"), max_length=100, blank=True)
    holder = models.CharField(_("持有人"), max_length=100, blank=True, help_text=_("健康证等个人证件的持有人"))
    issued_date = models.DateField(_("签发日期"), null=True, blank=True)
    expiry_date = models.DateField(_("到期日期"))
    reminder_days = models.PositiveSmallIntegerField(_("提前提醒（天）"), default=30)
    reminded_for_expiry = models.DateField(_("已提醒的到期日"), null=True, blank=True, editable=False)
    note = models.TextField(_("备注"), blank=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("证照合规")
        verbose_name_plural = pgettext_lazy("plural", "证照合规")
        ordering = ["expiry_date", "pk"]
        indexes = [models.Index(fields=["store", "expiry_date"])]

    def __str__(self) -> str:
        return f"{self.store.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:compliance_detail", args=[self.pk])

    def clean(self) -> None:
        if self.issued_date and self.expiry_date and self.issued_date > self.expiry_date:
            raise ValidationError({"expiry_date": _("到期日期不能早于签发日期。")})

    def state(self, today: date | None = None) -> str:
        """'expired', 'expiring' (inside the reminder window) or 'valid'."""
        today = today or timezone.localdate()
        if self.expiry_date < today:
            return "expired"
        if self.expiry_date <= today + timedelta(days=self.reminder_days):
            return "expiring"
        return "valid"

    def get_state_display(self) -> str:
        return {"expired": _("已过期"), "expiring": _("即将到期"), "valid": _("有效")}[self.state()]

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}
