"""Choices of the cockpit and the action inbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupLevelChoices(models.TextChoices):
    COMPANY = "company", _("公司")
    REGION = "region", _("区域")
    STORE = "store", _("门店")


class SeverityChoices(models.IntegerChoices):
    LOW = 1, _("低")
    MEDIUM = 2, _("中")
    HIGH = 3, _("高")
    CRITICAL = 4, _("紧急")


class InboxStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    SNOOZED = "snoozed", _("已暂缓")
    DONE = "done", _("已完成")
