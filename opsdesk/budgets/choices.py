"""Choices of the budgets app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    REVISED = "revised", _("已修订（被新版本取代）")


class ControlRuleChoices(models.TextChoices):
    WARN = "warn", _("超支提醒")
    STOP = "stop", _("超支拦截")
    NONE = "none", _("不控制")


class CategoryKindChoices(models.TextChoices):
    COST = "cost", _("营运费用")
    PURCHASING = "purchasing", _("采购")


class SpreadChoices(models.TextChoices):
    EVEN = "even", _("平均分摊")
    SEASONAL = "seasonal", _("按上年季节性")


class OverrideStatusChoices(models.TextChoices):
    AWAITING = "awaiting", _("待上级批准")
    APPROVED = "approved", _("已批准超预算")
