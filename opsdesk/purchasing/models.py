"""Suppliers (the purchasing workflow grows here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager


class SupplierStatusChoices(models.TextChoices):
    ACTIVE = "active", _("合作中")
    PROBATION = "probation", _("考察期")
    BLOCKED = "blocked", _("已停用")


class Supplier(models.Model):
    """A supplier of products, with its stated lead time and order terms."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="suppliers", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("承诺交期（天）"), default=3)
    min_order_value = models.DecimalField(_("起订金额"), max_digits=12, decimal_places=2, default=0)
    payment_terms = models.CharField(_("付款条件"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SupplierStatusChoices, default=SupplierStatusChoices.ACTIVE
    )

    permission_area = "catalog"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商")
        verbose_name_plural = pgettext_lazy("plural", "供应商")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="supplier_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}
