"""Choices of the projects app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectKindChoices(models.TextChoices):
    STORE_OPENING = "store_opening", _("新店开业")
    REMODEL = "remodel", _("门店改造")
    PROCESS = "process", _("流程改进")
    PROMOTION = "promotion", _("促销活动")
    OTHER = "other", pgettext_lazy("project kind", "其他")


class ScopeLevelChoices(models.TextChoices):
    STORE = "store", _("门店")
    REGION = "region", _("区域")
    COMPANY = "company", _("全公司")


class ProjectStatusChoices(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ACTIVE = "active", _("进行中")
    ON_HOLD = "on_hold", _("暂停")
    DONE = "done", pgettext_lazy("project status", "已完成")
    CANCELLED = "cancelled", pgettext_lazy("project status", "已取消")


class HealthChoices(models.TextChoices):
    ON_TRACK = "on_track", _("正常")
    AT_RISK = "at_risk", _("有风险")
    OFF_TRACK = "off_track", _("偏离")


class TaskStatusChoices(models.TextChoices):
    TODO = "todo", _("待开始")
    DOING = "doing", _("进行中")
    BLOCKED = "blocked", _("受阻")
    DONE = "done", pgettext_lazy("task status", "已完成")


class CostCategoryChoices(models.TextChoices):
    RENT = "rent", _("租金与押金")
    LICENCES = "licences", _("证照与规费")
    FIT_OUT = "fit_out", _("装修工程")
    EQUIPMENT = "equipment", _("设备")
    STAFFING = "staffing", _("招聘与人工")
    TRAINING = "training", _("培训")
    STOCK = "stock", _("首批商品")
    MARKETING = "marketing", _("市场推广")
    OTHER = "other", pgettext_lazy("cost category", "其他")


class CostSourceChoices(models.TextChoices):
    MANUAL = "manual", _("手工录入")
    IMPORT = "import", _("导入")
