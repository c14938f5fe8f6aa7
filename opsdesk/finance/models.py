"""Finance facts: operating costs per store (rent, wages, utilities, ...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Store
from opsdesk.core.scoping import ScopedManager


class OperatingCost(models.Model):
    """An operating cost of one store in one category, for a day or (is_monthly) for the month starting on `date`."""

    store = models.ForeignKey(  # indexed by the unique (store, date, category)
        Store, on_delete=models.CASCADE, related_name="operating_costs", verbose_name=_("门店"), db_index=False
    )
    date = models.DateField(_("日期"), help_text=_("月度费用记在当月 1 日"))
    is_monthly = models.BooleanField(_("月度费用"), default=False)
    category = models.CharField(_("费用类别"), max_length=64)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("营运费用")
        verbose_name_plural = pgettext_lazy("plural", "营运费用")
        constraints = [
            models.UniqueConstraint(fields=["store", "date", "category"], name="operatingcost_unique_category")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.store_id} {self.date} {self.category}: {self.amount}"
