"""Forecast runs and their stored forecasts (store totals and store x SKU units), with accuracy."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.catalog.models import Product
from opsdesk.core.models import BackgroundRun, Company, Store
from opsdesk.core.scoping import ScopedManager


class RunStatusChoices(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class MeasureChoices(models.TextChoices):
    SALES = "sales", _("销售额")
    CUSTOMERS = "customers", _("客流")
    UNITS = "units", _("销量（件）")


class ForecastRun(BackgroundRun):
    """One forecasting run for a company: parameters, data version, progress and validation accuracy."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="forecast_runs", verbose_name=_("公司"))
    status = models.CharField(_("状态"), max_length=20, choices=RunStatusChoices, default=RunStatusChoices.QUEUED)
    horizon = models.PositiveSmallIntegerField(_("预测天数"), default=28)
    data_version = models.CharField(_("数据版本"), max_length=200, blank=True)
    origin = models.DateField(_("预测起点（历史最后一天）"), null=True, blank=True)
    accuracy = models.JSONField(_("验证期精度"), default=dict, blank=True)
    series_count = models.PositiveIntegerField(_("序列数"), default=0)

    permission_area = "forecasting"

    class Meta:
        verbose_name = _("预测运行")
        verbose_name_plural = pgettext_lazy("plural", "预测运行")
        ordering = ["-created_at", "-pk"]

    def get_absolute_url(self) -> str:
        return reverse("forecasting:run_detail", args=[self.pk])


class ForecastSeries(models.Model):
    """One forecast series of a run: a store total (product empty) or a store x SKU, with its model and error."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="series", verbose_name=_("运行"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("商品")
    )
    measure = models.CharField(_("指标"), max_length=20, choices=MeasureChoices)
    model_name = models.CharField(_("模型"), max_length=40)
    validation_rmse = models.FloatField(_("验证 RMSE"), null=True, blank=True)
    # the daily error that adds up over a week as the validation errors' 7-day sums do (engine ``week_error``): the
    # replenishment plan's forecast error
    week_error = models.FloatField(_("周累计误差（折合每天）"), null=True, blank=True)
    mean_demand = models.FloatField(_("近期日均"), null=True, blank=True)
    total_forecast = models.FloatField(_("预测合计"), default=0)

    permission_area = "forecasting"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("预测序列")
        verbose_name_plural = pgettext_lazy("plural", "预测序列")
        constraints = [
            models.UniqueConstraint(fields=["run", "store", "product", "measure"], name="forecastseries_unique"),
        ]
        indexes = [models.Index(fields=["run", "store", "measure"]), models.Index(fields=["store", "product"])]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id or '—'} {self.measure}"

    @property
    def model_label(self) -> str:
        """The model's name as a person reads it (see forecasting.labels)."""
        from opsdesk.forecasting.labels import model_label

        return model_label(self.model_name)

    @property
    def relative_error(self) -> float | None:
        """Validation RMSE relative to recent mean daily demand (a scale-free error for display)."""
        if self.validation_rmse is None or not self.mean_demand:
            return None
        return self.validation_rmse / self.mean_demand


class ForecastPoint(models.Model):
    """The forecast of one series for one day, with its prediction interval."""

    series = models.ForeignKey(ForecastSeries, on_delete=models.CASCADE, related_name="points")
    date = models.DateField(_("日期"))
    forecast = models.FloatField(_("预测值"))
    lower = models.FloatField(_("下限"))
    upper = models.FloatField(_("上限"))

    permission_area = "forecasting"
    scope_kind = "store"
    scope_field = "series__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("预测值")
        verbose_name_plural = pgettext_lazy("plural", "预测值")
        constraints = [models.UniqueConstraint(fields=["series", "date"], name="forecastpoint_unique")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.date}: {self.forecast:.1f}"
