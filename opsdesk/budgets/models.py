"""Budgets: categories (mapped to operating-cost categories or product categories), yearly versions (draft,
approved, revised), lines per cost centre (store, region office, company) x category with twelve months, and the
overrides of stopped purchase orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from opsdesk.budgets.choices import (
    CategoryKindChoices,
    ControlRuleChoices,
    OverrideStatusChoices,
    VersionStatusChoices,
)
from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

AREA = "budgets"
MONTH_FIELDS = tuple(f"m{month:02d}" for month in range(1, 13))


def scope_condition(user, prefix: str = "") -> Q:
    """Lines of the user's scope: every line for company-wide users; else the lines of the user's stores and the
    region-office lines of the regions the user holds (a store manager sees only the store's lines)."""
    if not user.company_id:
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    return company & (Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
                      | Q(**{f"{prefix}store__isnull": True,
                             f"{prefix}region_id__in": user.scope_regions.values("pk")}))


class BudgetLineQuerySet(ScopedQuerySet):
    """Lines seen by scope; a region office line is changed only by a user holding that whole region."""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view" or user.has_company_scope:
            return queryset
        return queryset.filter(Q(store__isnull=False) | Q(region_id__in=user.scope_regions.values("pk")))


class BudgetCategory(models.Model):
    """A budget category: an operating cost (rent, labour, ...) matched to the operating-cost import's category
    names, or purchasing (of one product category and its sub-categories, or of every product)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="budget_categories",
                                verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=CategoryKindChoices, default=CategoryKindChoices.COST)
    cost_names = models.CharField(_("营运费用类别名称"), max_length=300, blank=True,
                                  help_text=_("营运费用导入中的类别名称，逗号分隔（如：房租,租金）"))
    product_category = models.ForeignKey("catalog.ProductCategory", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", verbose_name=_("商品品类"),
                                         help_text=_("采购类：该品类及其下级；留空为其余全部商品"))
    is_sales_linked = models.BooleanField(_("随销售变动"), default=False)

    permission_area = AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("预算类别")
        verbose_name_plural = pgettext_lazy("plural", "预算类别")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="budget_category_unique_code")]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    def get_absolute_url(self) -> str:
        return reverse("budgets:budgetcategory_detail", args=[self.pk])

    @property
    def cost_name_list(self) -> list[str]:
        return [name.strip() for name in self.cost_names.replace("，", ",").split(",") if name.strip()]

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class BudgetVersion(models.Model):
    """One version of a company's budget for a year: a draft is edited, approval makes it the year's budget (the
    one approved before it becomes "revised"); revising an approved version opens a new draft copy."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="budget_versions",
                                verbose_name=_("公司"))
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    revision = models.PositiveSmallIntegerField(_("修订号"), default=0, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=VersionStatusChoices,
                              default=VersionStatusChoices.DRAFT, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"), editable=False)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    notes = models.TextField(_("说明"), blank=True)

    permission_area = AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("预算版本")
        verbose_name_plural = pgettext_lazy("plural", "预算版本")
        ordering = ["-year", "-revision", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:budgetversion_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatusChoices.DRAFT

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class BudgetLine(models.Model):
    """A cost centre (a store, a region office when only the region is set, the company when neither) x category
    line of a version, with its twelve months and the control rule applied when money is committed."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("预算版本"))
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"),
                                editable=False)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"), help_text=_("只填区域为区域办公室；门店与区域都留空为公司"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="budget_lines",
                              verbose_name=_("门店"))
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="lines",
                                 verbose_name=pgettext_lazy("budget", "类别"))
    centre_key = models.CharField(max_length=24, editable=False)
    rule = models.CharField(_("控制规则"), max_length=6, choices=ControlRuleChoices, default=ControlRuleChoices.WARN)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(BudgetLineQuerySet)()

    class Meta:
        verbose_name = _("预算行")
        verbose_name_plural = pgettext_lazy("plural", "预算行")
        ordering = ["version", "centre_key", "category__code"]
        constraints = [models.UniqueConstraint(fields=["version", "centre_key", "category"],
                                               name="budget_line_unique_centre_category")]

    def __str__(self) -> str:
        return f"{self.cost_centre_label} · {self.category}"

    def save(self, *args, **kwargs) -> None:
        self.centre_key = centre_key(self.store_id, self.region_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("budgets:budgetline_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user))

    def clean(self) -> None:
        if self.version_id:
            self.company_id = self.version.company_id
            if not self.version.is_draft and self._state.adding:
                raise ValidationError(_("只有草稿版本可以修改。"))
        if self.store_id:
            self.region_id = self.store.region_id
        if self.category_id and self.version_id and self.category.company_id != self.version.company_id:
            raise ValidationError({"category": _("所选对象不存在或不在你的权限范围内。")})
        self.centre_key = centre_key(self.store_id, self.region_id)

    @property
    def months(self) -> list[Decimal]:
        return [getattr(self, name) for name in MONTH_FIELDS]

    @property
    def annual(self) -> Decimal:
        return sum(self.months, Decimal("0"))

    @property
    def cost_centre_label(self) -> str:
        if self.store_id:
            return str(self.store)
        if self.region_id:
            return _("%(region)s 区域办公室") % {"region": self.region}
        return str(_("公司总部"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


def _month_label(index: int) -> str:
    return gettext("%(month)s 月") % {"month": index}


# Lazy: formatting a lazy string at import time would fix the label in the default language.
_month_label_lazy = lazy(_month_label, str)

for _index, _name in enumerate(MONTH_FIELDS, start=1):
    BudgetLine.add_to_class(_name, models.DecimalField(_month_label_lazy(_index), max_digits=14,
                                                       decimal_places=2, default=Decimal("0")))


def centre_key(store_id: int | None, region_id: int | None) -> str:
    """The cost centre as one comparable key: "store:<id>", "region:<id>" or "company"."""
    if store_id:
        return f"store:{store_id}"
    return f"region:{region_id}" if region_id else "company"


class CommitmentOverride(models.Model):
    """A purchase order stopped by a budget line: awaiting the next level, then approved anyway with a reason;
    the arithmetic is the one of that moment."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    order = models.ForeignKey("purchasing.PurchaseOrder", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("采购单"))
    line = models.ForeignKey(BudgetLine, on_delete=models.SET_NULL, null=True, related_name="overrides",
                             verbose_name=_("预算行"))
    month = models.DateField(_("月份"))
    budget = models.DecimalField(_("预算"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("实际"), max_digits=14, decimal_places=2)
    committed = models.DecimalField(_("已承诺"), max_digits=14, decimal_places=2)
    requested = models.DecimalField(_("本单金额"), max_digits=14, decimal_places=2)
    available = models.DecimalField(_("可用"), max_digits=14, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=OverrideStatusChoices,
                              default=OverrideStatusChoices.AWAITING)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("提交人"))
    reason = models.TextField(_("理由"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("超预算批准")
        verbose_name_plural = pgettext_lazy("plural", "超预算批准")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:commitmentoverride_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "store_id": self.store_id}
